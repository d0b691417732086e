"""Checklists on screen: the job's checklist card, the Resolve dialog's gate, the requester's summary, and
the managers' editor (/checklists)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from nicegui import ui

from models import catalog, checklists, errors, events, photos, tickets
from models.checklists import Check, Checklist, ItemIn
from models.tickets import EventKind, Status, Ticket, TicketEvent
from models.users import User

from .components import photo_picker
from .layout import MANAGERS, dialog_buttons, field_error, frame, shared_read, signed_in, tell, when

# ---- the job: one card, redrawn on its own when a tick arrives ------------------------------------------


class ChecklistCard:
    """Staff working an open ticket tick its checklist here; everyone else on the page sees the ticks
    live. The requester reads "We checked: ..." once it is fixed."""

    def __init__(self, viewer: User, ticket: Ticket) -> None:
        self.viewer = viewer
        self.ticket = ticket
        self.client = ui.context.client  # told through the page: a live redraw may remove the tapped box
        self.staff = tickets.audience(viewer) == tickets.Audience.STAFF
        self.checklist: Checklist | None = None
        self.summary: list[str] = []

    async def changed(self, event: events.TicketChanged, ticket: Ticket) -> None:
        """Called by the ticket page for every change: re-read only when the checklist may differ."""
        moved = (ticket.status, ticket.assignee_id) != (self.ticket.status, self.ticket.assignee_id)
        self.ticket = ticket
        if event.kind == EventKind.CHECKLIST.value or moved:
            reader = 'staff' if self.staff else self.viewer.id
            self.checklist, self.summary = await shared_read(event, ('checklist', reader), self._reads)
            self.card.refresh()

    async def load(self) -> None:
        """Before the page is built (then `card()` draws it)."""
        self.checklist, self.summary = await self._reads()

    async def _reads(self) -> tuple[Checklist | None, list[str]]:
        staff_list = await checklists.checklist_for(self.viewer, self.ticket.id) if self.staff else None
        return staff_list, await checklists.summary_for(self.viewer, self.ticket.id)

    @ui.refreshable_method
    def card(self) -> None:
        t = self.ticket
        if self.staff and self.checklist and self.checklist.items and t.is_open:
            self._job(self.checklist)
        elif self.summary and t.status in (Status.RESOLVED, Status.CLOSED):
            with ui.card().classes('full-width td-checked').mark('checked-summary'):
                ui.label('We checked: ' + ', '.join(self.summary) + '.').classes('text-body1 td-break')

    def _job(self, checklist: Checklist) -> None:
        done = sum(c.ticked for c in checklist.items)
        working = tickets.may_work(self.viewer, self.ticket)
        with ui.card().classes('full-width td-checklist q-pa-sm').mark('checklist'):
            ui.label(f'Checklist · {done} of {len(checklist.items)} done').classes(
                'text-subtitle1 text-weight-medium q-px-sm'
            ).mark('checklist-progress')
            for check in checklist.items:
                self._row(check, working)

    def _row(self, check: Check, working: bool) -> None:
        with ui.column().classes('full-width td-check').mark(f'check-{check.item_id}') as row:
            # What the offline panel (static/js/offline-queue.js) offers when the connection drops; Vue sets these as
            # attributes, and the script reads them with textContent-safe APIs only.
            row.props['data-td-check'] = str(check.item_id)
            row.props['data-td-text'] = _label(check)
            row.props['data-td-ticked'] = '1' if check.ticked else '0'
            row.props['data-td-required'] = '1' if check.required else '0'
            row.props['data-td-photo'] = '1' if check.photo_required else '0'
            with ui.row().classes('full-width items-center no-wrap'):
                box = ui.checkbox(_label(check), value=check.ticked).classes('col td-check-box')
                box.mark(f'tick-{check.item_id}')
                if working:
                    box.on_value_change(lambda e, c=check: self.toggled(c, bool(e.value)))
                else:
                    box.props('disable')
                if working and not check.ticked:
                    ui.button(icon='add_a_photo' if check.photo_required else 'edit_note').props(
                        f'flat round aria-label="Note or photo for {_attr(check.text)}"'
                    ).on_click(lambda c=check: self.tick_dialog(c)).mark(f'more-{check.item_id}')
            if check.ticked:
                said = f' · {check.note}' if check.note else ''
                ui.label(f'{check.ticked_by} · {when(check.ticked_at, self.viewer)}{said}').classes(
                    'text-caption text-grey-8 td-break td-check-by'
                )
                if check.photo_id:
                    with ui.link(target=f'/files/{check.photo_id}/full', new_tab=True):
                        ui.image(f'/files/{check.photo_id}/preview').classes('td-photo td-check-photo').props(
                            'alt="Photo of this check"'
                        )

    async def toggled(self, check: Check, ticked: bool) -> None:
        if ticked == check.ticked:
            return
        if ticked and check.photo_required:
            self.card.refresh()  # the box goes back until there is a photo
            self.tick_dialog(check)
            return
        try:
            if ticked:
                await checklists.tick(self.ticket.id, check.item_id, actor=self.viewer)
            else:
                await checklists.untick(self.ticket.id, check.item_id, actor=self.viewer)
        except errors.DomainError as e:
            tell(self.client, str(e), type='negative')
            await self.load()
            self.card.refresh()

    def tick_dialog(self, check: Check) -> None:
        """A note, and a photo (required for some items), then the tick."""
        picked: list[photos.PhotoIn] = []
        with ui.dialog() as dialog, ui.card().classes('td-dialog'):
            ui.label(check.text).classes('text-h6 td-break')
            note = ui.textarea('Note (optional)').props('outlined autogrow maxlength=300').classes('full-width')
            note.mark('check-note')
            error = ui.label().classes('text-negative text-body2').mark('check-error')
            inputs: dict[str, ui.element] = {'note': note, 'photo': error, 'photos': error}
            photo_name = ui.label('Photo needed' if check.photo_required else '').classes('text-caption')

            def got(photo: photos.PhotoIn) -> None:
                picked[:] = [photo]
                photo_name.set_text(f'Photo: {photo.filename}')
                error.set_text('')

            upload = photo_picker(got, lambda refusal: error.set_text(str(refusal))).props('flat').classes('hidden')
            ui.button(
                'Take or pick a photo', icon='add_a_photo', on_click=lambda: upload.run_method('pickFiles')
            ).props('outline no-caps').classes('full-width').mark('check-photo')

            async def tick() -> None:
                try:
                    await checklists.tick(
                        self.ticket.id,
                        check.item_id,
                        actor=self.viewer,
                        note=note.value or '',
                        photo=picked[0] if picked else None,
                    )
                except errors.DomainError as e:
                    field_error(inputs, e)
                    return
                dialog.close()

            dialog_buttons(dialog, 'Tick', tick, marker='check-confirm', extra_props='color=positive')
        dialog.open()


# ---- the Resolve dialog --------------------------------------------------------------------------------


class ResolveGate:
    """In the Resolve dialog: which required checks are unticked and, where the service allows it,
    "Resolve anyway" with a reason."""

    def __init__(self, checklist: Checklist | None) -> None:
        self.reason: ui.textarea | None = None
        self.error: ui.label | None = None
        missing = checklist.missing if checklist else []
        if not missing:
            return
        with ui.column().classes('full-width gap-1 td-gate').mark('gate'):
            ui.label('Not ticked yet: ' + ', '.join(f'"{m}"' for m in missing) + '.').classes(
                'text-body2 text-negative td-break'
            ).mark('gate-missing')
            if checklist and checklist.allow_override:
                anyway = ui.switch('Resolve anyway').mark('resolve-anyway')
                self.reason = (
                    ui.textarea('Why? (staff only)')
                    .props('outlined autogrow')
                    .classes('full-width')
                    .mark('override-reason')
                )
                self.reason.bind_visibility_from(anyway, 'value')
            else:
                self.error = ui.label('Tick them first: this service needs every required check.').classes('text-body2')

    @property
    def override_reason(self) -> str:
        return (self.reason.value or '') if self.reason is not None and self.reason.visible else ''

    def show_error(self, error: errors.DomainError, summary: ui.textarea) -> None:
        """A missing reason shows under the reason; every other refusal (the gate's sentence) under the summary."""
        if error.field == 'override_reason' and self.reason is not None and self.reason.visible:
            self.reason.error = str(error)
        else:
            summary.error = str(error)


def headline(e: TicketEvent) -> str:
    """A checklist line's head on the timeline (staff only)."""
    if e.data.get('action') == 'override':
        return 'resolved with checks unticked: ' + ', '.join(e.data.get('unticked', []))
    verb = 'ticked' if e.data.get('action') == 'tick' else 'unticked'
    return f'{verb} "{e.data.get("item", "")}"'


# ---- managers: /checklists ---------------------------------------------------------------------------


@ui.page('/checklists')
@signed_in(roles=MANAGERS)
async def checklists_page(request: Request, viewer: User) -> None:
    services = await catalog.all_services(actor=viewer)
    with frame('Checklists', viewer, back='/manage'):
        ui.label('What a technician ticks before a job counts as fixed.').classes('text-body2 text-grey-8')
        with ui.list().props('separator').classes('full-width'):
            for service in services:
                template = await checklists.template_of(service.id)
                with (
                    ui.item(on_click=lambda s=service: ui.navigate.to(f'/checklists/{s.id}'))
                    .props('clickable')
                    .mark(f'checklist-service-{service.id}')
                ):
                    with ui.item_section().props('avatar'):
                        ui.icon(service.icon)
                    with ui.item_section():
                        ui.label(service.name).classes('text-weight-medium')
                        n = len(template.items)
                        ui.label(f'{n} check{"s" if n != 1 else ""}' if n else 'No checklist').classes('text-caption')


@ui.page('/checklists/{service_id}')
@signed_in(roles=MANAGERS)
async def checklist_editor(request: Request, viewer: User, service_id: int) -> None:
    service = await catalog.Service.get_or_none(id=service_id)
    if service is None:
        with frame('Not found', viewer, back='/checklists'):
            ui.label('That service does not exist.')
        return
    template = await checklists.template_of(service_id)
    with frame(service.name, viewer, back='/checklists'):
        ui.label('The checks a technician ticks before this job counts as fixed.').classes('text-body2 text-grey-8')
        Editor(viewer, service_id, template).build()


@dataclass
class _Draft:
    text: str = ''
    required: bool = True
    photo_required: bool = False
    key: int = field(default=0)


class Editor:
    def __init__(self, viewer: User, service_id: int, template: checklists.Template) -> None:
        self.viewer = viewer
        self.client = ui.context.client
        self.service_id = service_id
        self.items = [_Draft(i.text, i.required, i.photo_required, i.id) for i in template.items]
        self.allow_override = template.allow_override

    def build(self) -> None:
        self.rows()
        ui.button('Add an item', icon='add', on_click=self.add).props('outline no-caps').classes('full-width').mark(
            'add-item'
        )
        ui.switch(
            'Allow "Resolve anyway" with a reason',
            value=self.allow_override,
            on_change=lambda e: setattr(self, 'allow_override', bool(e.value)),
        ).mark('allow-override')
        self.error = ui.label().classes('text-negative text-body2').mark('items-error')
        ui.button('Save checklist', icon='save', on_click=self.save).props('unelevated no-caps').classes(
            'full-width'
        ).mark('save-checklist')

    @ui.refreshable_method
    def rows(self) -> None:
        if not self.items:
            ui.label('No checks yet. Add the first one.').classes('text-body2 text-grey-8')
        for n, item in enumerate(self.items):
            with ui.card().classes('full-width q-pa-sm gap-1').mark(f'item-{n}'):
                with ui.row().classes('full-width items-center no-wrap gap-1'):
                    ui.label(f'Check {n + 1}').classes('text-subtitle2 col')
                    self._button('arrow_upward', 'Move up', lambda i=n: self.move(i, -1), n == 0)
                    self._button('arrow_downward', 'Move down', lambda i=n: self.move(i, 1), n == len(self.items) - 1)
                    self._button('delete', 'Remove', lambda i=n: self.remove(i), False).mark(f'item-remove-{n}')
                ui.input(
                    placeholder='What to check, in plain words',
                    value=item.text,
                    on_change=lambda e, it=item: setattr(it, 'text', e.value or ''),
                ).props(f'outlined dense maxlength=120 aria-label="Check {n + 1}"').classes('full-width').mark(
                    f'item-text-{n}'
                )
                with ui.row().classes('full-width items-center no-wrap gap-1'):
                    ui.switch(
                        'Required', value=item.required, on_change=lambda e, it=item: setattr(it, 'required', e.value)
                    ).mark(f'item-required-{n}')
                    ui.switch(
                        'Needs a photo',
                        value=item.photo_required,
                        on_change=lambda e, it=item: setattr(it, 'photo_required', e.value),
                    ).mark(f'item-photo-{n}')

    def _button(self, icon: str, words: str, on_click: Any, disabled: bool) -> ui.button:
        button = ui.button(icon=icon, on_click=on_click).props(f'flat round dense aria-label="{words}"')
        button.classes('td-icon-btn')
        if disabled:
            button.props('disable')
        return button

    def add(self) -> None:
        self.items.append(_Draft())
        self.rows.refresh()

    def remove(self, index: int) -> None:
        del self.items[index]
        self.rows.refresh()

    def move(self, index: int, step: int) -> None:
        other = index + step
        if 0 <= other < len(self.items):
            self.items[index], self.items[other] = self.items[other], self.items[index]
            self.rows.refresh()

    async def save(self) -> None:
        self.error.set_text('')
        try:
            template = await checklists.set_template(
                self.service_id,
                [ItemIn(i.text, i.required, i.photo_required) for i in self.items],
                allow_override=self.allow_override,
                actor=self.viewer,
            )
        except errors.DomainError as e:
            field_error({'items': self.error}, e)
            return
        self.items = [_Draft(i.text, i.required, i.photo_required, i.id) for i in template.items]
        self.rows.refresh()
        tell(self.client, 'Checklist saved. Jobs already started keep theirs.', type='positive')


# ---- helpers --------------------------------------------------------------------------------------------


def _label(check: Check) -> str:
    extra = ' (needs a photo)' if check.photo_required else ''
    optional = ' (optional)' if not check.required else ''
    return f'{check.text}{extra}{optional}'


def _attr(text: str) -> str:
    return ''.join(c for c in text if c.isalnum() or c in ' ._-')[:60]
