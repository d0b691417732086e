"""Managers: people (roles, categories) and the service catalog."""

from __future__ import annotations

import asyncio

from fastapi import Request
from nicegui import ui

from models import catalog, errors, help_settings, superusers, users
from models.catalog import Priority
from models.users import Role, User

from .layout import MANAGERS, clear_errors, dialog_buttons, field_error, frame, signed_in, tell
from .saved import heading, save_when_left


@ui.page('/manage')
@signed_in(roles=MANAGERS)
async def manage(request: Request, viewer: User) -> None:
    with frame('Manage', viewer):
        with ui.tabs().props('no-caps').classes('full-width') as tabs:
            people_tab = ui.tab('People', icon='group')
            services_tab = ui.tab('Services', icon='apps')
        with ui.tab_panels(tabs, value=people_tab).classes('full-width'):
            with ui.tab_panel(people_tab).classes('q-pa-none'):
                await People(viewer).build()
            with ui.tab_panel(services_tab).classes('q-pa-none'):
                ui.button(
                    'Target times, working hours, reminders',
                    icon='timer',
                    on_click=lambda: ui.navigate.to('/service-levels'),
                ).props('outline no-caps').classes('full-width q-mb-sm').mark('service-levels')
                ui.button(
                    'Checklists for jobs', icon='checklist', on_click=lambda: ui.navigate.to('/checklists')
                ).props('outline no-caps').classes('full-width q-mb-sm').mark('checklists')
                await SelfHelp(viewer).build()
                await Services(viewer).build()
    return None


class People:
    def __init__(self, viewer: User) -> None:
        self.viewer = viewer
        self.client = ui.context.client  # messages go through the page (layout.tell)

    async def build(self) -> None:
        self.categories = {c.id: c.name for c in await users.categories()}
        ui.button('Add a person', icon='person_add', on_click=self.add_dialog).props('unelevated no-caps').classes(
            'full-width'
        ).mark('add-person')
        self.list = ui.list().props('separator').classes('full-width')
        await self.show()

    async def show(self) -> None:
        self.list.clear()
        experts = await superusers.experts_by_person()
        with self.list:
            for person in await users.list_users(actor=self.viewer):
                with (
                    ui.item(on_click=lambda p=person: self.edit_dialog(p))
                    .props('clickable')
                    .mark(f'person-{person.id}')
                ):
                    with ui.item_section():
                        ui.label(person.name).classes('text-weight-medium')
                        category = f' · {person.category.name}' if person.category else ''
                        state = '' if person.is_active else ' · switched off'
                        ui.label(f'{person.email} · {users.ROLE_WORDS[person.role]}{category}{state}').classes(
                            'text-caption'
                        )
                        if person.id in experts:
                            ui.label('Helps colleagues with ' + ', '.join(experts[person.id])).classes(
                                'text-caption text-positive'
                            ).mark(f'superuser-{person.id}')

    def _fields(self, person: User | None) -> dict[str, ui.element]:
        roles = {r.value: users.ROLE_WORDS[r] for r in Role}
        f: dict[str, ui.element] = {}
        if person is None:
            f['name'] = ui.input('Name').props('outlined').classes('full-width').mark('new-name')
            f['email'] = ui.input('Email').props('outlined type=email').classes('full-width').mark('new-email')
            f['password'] = (
                ui.input('First password (8+ characters)', password=True)
                .props('outlined')
                .classes('full-width')
                .mark('new-password')
            )
        f['role'] = (
            ui.select(roles, value=(person.role.value if person else Role.REQUESTER.value), label='Role')
            .props('outlined')
            .classes('full-width')
            .mark('role')
        )
        f['category'] = (
            ui.select(
                {0: 'None', **self.categories},
                value=(person.category_id or 0) if person else 0,
                label='Requester category',
            )
            .props('outlined')
            .classes('full-width')
            .mark('category')
        )
        return f

    def add_dialog(self) -> None:
        with ui.dialog() as dialog, ui.card().classes('td-dialog'):
            ui.label('Add a person').classes('text-h6')
            f = self._fields(None)

            async def save() -> None:
                clear_errors(f)
                try:
                    await users.create_user(
                        email=f['email'].value or '',
                        name=f['name'].value or '',
                        password=f['password'].value or '',
                        role=Role(f['role'].value),
                        category_id=f['category'].value or None,
                        actor=self.viewer,
                    )
                except errors.DomainError as e:
                    field_error(f, e, client=self.client)
                    return
                dialog.close()
                tell(self.client, f'{f["name"].value} can sign in now.', type='positive')
                await self.show()

            dialog_buttons(dialog, 'Add', save, marker='save-person')
        dialog.open()

    async def edit_dialog(self, person: User) -> None:
        usable = await catalog.services_for(person) if person.role == Role.REQUESTER else []
        locked = await users.is_locked(person.id, actor=self.viewer)
        knows = [e.service_id for e in await superusers.mine(person)]
        with ui.dialog() as dialog, ui.card().classes('td-dialog'):
            ui.label(person.name).classes('text-h6')
            f = self._fields(person)
            active = ui.switch('Can sign in', value=person.is_active).mark('active')
            if usable:  # a requester who knows a tool well can help colleagues with it (they choose how much)
                f['services'] = (
                    ui.select({s.id: s.name for s in usable}, value=knows, multiple=True, label='Helps colleagues with')
                    .props('outlined use-chips')
                    .classes('full-width')
                    .mark('superuser-services')
                )

            async def save() -> None:
                category = f['category'].value
                try:
                    await users.update_user(
                        person.id,
                        actor=self.viewer,
                        role=Role(f['role'].value),
                        category_id=category or None,
                        clear_category=not category,
                        is_active=bool(active.value),
                    )
                    if 'services' in f:
                        await superusers.set_services(self.viewer, person.id, list(f['services'].value or []))
                except errors.DomainError as e:
                    field_error(f, e, client=self.client)
                    return
                dialog.close()
                await self.show()

            async def unlock() -> None:
                await users.unlock(person.id, actor=self.viewer)
                tell(self.client, f'{person.name} can try to sign in again.')

            with dialog_buttons(dialog, 'Save', save, marker='save-person') as row:
                if locked:  # only for someone locked out by wrong passwords
                    ui.button('Unlock sign-in', on_click=unlock).props('flat no-caps').move(row, target_index=0).mark(
                        'unlock'
                    )
        dialog.open()


class Services:
    def __init__(self, viewer: User) -> None:
        self.viewer = viewer
        self.client = ui.context.client  # messages go through the page (layout.tell)

    async def build(self) -> None:
        self.categories = {c.id: c.name for c in await users.categories()}
        ui.button('Add a service', icon='add', on_click=lambda: self.dialog(None)).props('unelevated no-caps').classes(
            'full-width'
        ).mark('add-service')
        self.list = ui.list().props('separator').classes('full-width')
        await self.show()

    async def show(self) -> None:
        self.list.clear()
        with self.list:
            for service in await catalog.all_services(actor=self.viewer):
                with (
                    ui.item(on_click=lambda s=service: self.dialog(s)).props('clickable').mark(f'service-{service.id}')
                ):
                    with ui.item_section().props('avatar'):
                        ui.icon(service.icon)
                    with ui.item_section():
                        ui.label(service.name + ('' if service.active else ' (hidden)')).classes('text-weight-medium')
                        seen_by = ', '.join(c.name for c in service.categories) or 'nobody yet'
                        ui.label(f'{service.default_priority.words} priority · seen by {seen_by}').classes(
                            'text-caption'
                        )

    def dialog(self, service: catalog.Service | None) -> None:
        with ui.dialog() as dialog, ui.card().classes('td-dialog'):
            ui.label('Service' if service else 'New service').classes('text-h6')
            f: dict[str, ui.element] = {
                'name': ui.input('Name', value=service.name if service else '')
                .props('outlined')
                .classes('full-width')
                .mark('service-name'),
                'description': ui.input('Short description', value=service.description if service else '')
                .props('outlined')
                .classes('full-width')
                .mark('service-description'),
                'icon': icon_choice(service.icon if service else 'support_agent'),
                'priority': ui.select(
                    {p.value: p.words for p in Priority},
                    value=(service.default_priority.value if service else Priority.NORMAL.value),
                    label='Default priority',
                )
                .props('outlined')
                .classes('full-width'),
                'categories': ui.select(
                    self.categories,
                    multiple=True,
                    label='Who sees it',
                    value=[c.id for c in service.categories] if service else [],
                )
                .props('outlined use-chips')
                .classes('full-width')
                .mark('service-categories'),
            }
            active = ui.switch('Shown in the catalog', value=service.active if service else True)
            peers = ui.switch(
                '"Colleagues who know this may help" starts ticked', value=service.peers_may_help if service else False
            ).mark('service-peers')

            async def save() -> None:
                clear_errors(f)
                try:
                    await catalog.save_service(
                        actor=self.viewer,
                        service_id=service.id if service else None,
                        name=f['name'].value or '',
                        description=f['description'].value or '',
                        icon=f['icon'].value or '',
                        default_priority=Priority(f['priority'].value),
                        category_ids=list(f['categories'].value or []),
                        active=bool(active.value),
                        peers_may_help=bool(peers.value),
                    )
                except errors.DomainError as e:
                    field_error(f, e, client=self.client)
                    return
                dialog.close()
                await self.show()

            dialog_buttons(dialog, 'Save', save, marker='save-service')
        dialog.open()


class SelfHelp:
    """The managers' choices for self-help (models/help_settings.py): recognition, ranking staff, review time.
    Each saves as it changes (a switch flipped, the days field left), with "Saved" beside the heading."""

    def __init__(self, viewer: User) -> None:
        self.viewer = viewer
        self.client = ui.context.client  # messages go through the page (layout.tell)
        self.saving = asyncio.Lock()  # quick changes save one after the other (the first save creates the row)

    async def build(self) -> None:
        chosen = await help_settings.current()
        with ui.card().classes('full-width q-mb-sm').mark('self-help'):
            self.note = heading('Self-help', 'self-help-saved', classes='text-subtitle1 text-weight-medium')
            ui.switch(
                'Thank helpers with points and badges',
                value=chosen.recognition,
                on_change=lambda e: self.choose(recognition=bool(e.value)),
            ).mark('recognition')
            ui.switch(
                'Rank technicians too',
                value=chosen.rank_staff,
                on_change=lambda e: self.choose(rank_staff=bool(e.value)),
            ).mark('rank-staff')
            ui.label('Remind article owners to review after this many days').classes('text-body2')
            days = (
                ui.number('Days', value=chosen.review_days, precision=0)
                .props('outlined inputmode=numeric')
                .classes('full-width')
                .mark('review-days')
            )
            save_when_left(days, lambda: self.choose_days(days))

    async def choose(self, **choice: bool) -> None:
        try:
            async with self.saving:
                await help_settings.choose(self.viewer, **choice)
        except errors.DomainError as e:
            self.note.refused()
            tell(self.client, str(e), type='negative')
            return
        self.note.saved()

    async def choose_days(self, days: ui.number) -> None:
        clear_errors({'review_days': days})
        try:
            async with self.saving:
                await help_settings.choose(self.viewer, review_days=int(days.value or 0))
        except errors.DomainError as e:
            self.note.refused()
            field_error({'review_days': days}, e, client=self.client)
            return
        self.note.saved()


def icon_choice(current: str) -> ui.select:
    """The service's icon, picked from those Tapdesk offers (catalog.SERVICE_ICONS: the icon font carries only
    those), each shown with its name in words; the chosen one beside the field."""
    offered = {name: name.replace('_', ' ') for name in catalog.SERVICE_ICONS}
    if current not in offered:  # chosen before the list existed: shown, and refused on saving
        offered[current] = current.replace('_', ' ')
    choice = ui.select(offered, value=current, label='Icon').props('outlined').classes('full-width')
    choice.mark('service-icon')
    with choice.add_slot('prepend'):
        ui.icon(current).bind_name_from(choice, 'value')
    return choice
