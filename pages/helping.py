"""Superusers helping colleagues: the requests they may help with (/helping, live), how involved they choose to
be, and one request as they see it with an answer box (/helping/<id>).

What a superuser may see is decided by models/superusers.py: only open requests of the services they help with,
whose requesters allowed it; never internal notes, never the requester's other requests. A request that stops
being one they may help with (fixed, or they stepped back) leaves the list and its page says so.
"""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from models import errors, events, ids, superusers
from models.records import Attachment, EventKind, Ticket, TicketEvent
from models.users import Role, User

from . import drafts
from .layout import clear_errors, field_error, frame, live, signed_in, tell, when

NOT_A_SUPERUSER = 'Here, people who know a tool well help others with it. A manager chooses who, service by service.'


@ui.page('/helping')
@signed_in(roles=(Role.REQUESTER,), otherwise='/queue')
async def helping(request: Request, viewer: User) -> None:
    with frame('Help colleagues', viewer):
        mine = await superusers.mine(viewer)
        if not mine:
            ui.label(NOT_A_SUPERUSER).classes('text-body1').mark('not-superuser')
            return None
        ui.label('Open requests where colleagues said someone who knows this may help.').classes(
            'text-body2 text-grey-8'
        )
        board = HelpList(viewer)
        await board.show()
        _involvement(viewer, mine, board)
    live(events.QUEUE, lambda e: board.changed(e.ticket_id))
    return None


class HelpList:
    """The requests this superuser may help with, newest first; a change re-checks only that request."""

    def __init__(self, viewer: User) -> None:
        self.viewer = viewer
        self.rows: dict[int, ui.element] = {}
        self.empty = ui.label('Nobody needs a hand right now. You will see new requests here.').classes(
            'text-grey-8 q-pa-md'
        )
        self.container = ui.list().classes('full-width td-list').mark('help-list')

    async def show(self) -> None:
        self.container.clear()
        self.rows.clear()
        with self.container:
            for ticket in await superusers.requests_to_help(self.viewer):
                self.rows[ticket.id] = self._row(ticket)
        self.empty.visible = not self.rows

    async def changed(self, ticket_id: int) -> None:
        try:
            ticket = await superusers.request_for(self.viewer, ticket_id)
        except errors.NotFound:
            row = self.rows.pop(ticket_id, None)
            if row is not None:
                self.container.remove(row)
        else:
            if ticket_id not in self.rows:  # new: on top (the list is newest first)
                await ticket.fetch_related('service')
                with self.container:
                    self.rows[ticket_id] = self._row(ticket)
                self.rows[ticket_id].move(self.container, target_index=0)
        self.empty.visible = not self.rows

    def _row(self, ticket: Ticket) -> ui.element:
        with (
            ui.item().props(f'clickable tag=a href=/helping/{ticket.id}').classes('td-row').mark(f'help-{ticket.id}')
        ) as row:
            with ui.item_section():
                ui.label(ticket.title).classes('td-row-title ellipsis-2-lines')
                ui.label(f'{ticket.service.name} · {when(ticket.created_at, self.viewer)}').classes('td-row-meta')
        return row


def _involvement(viewer: User, mine: list[superusers.Expertise], board: HelpList) -> None:
    """The superuser's own choices, per service: helping now, and being told of each new request."""
    with ui.card().classes('full-width q-mt-md').mark('involvement'):
        ui.label('How involved you are').classes('text-subtitle1 text-weight-medium')
        ui.label('Choose per service. You can step back at any time.').classes('text-caption text-grey-8')
        for expertise in mine:
            _service_choices(viewer, expertise, board)


def _service_choices(viewer: User, expertise: superusers.Expertise, board: HelpList) -> None:
    service_id = expertise.service_id

    async def choose(**choice: bool) -> None:
        try:
            await superusers.choose(viewer, service_id, **choice)
        except errors.DomainError as e:
            tell(ui.context.client, str(e), type='negative')
            return
        await board.show()

    with ui.column().classes('full-width q-gutter-none q-mt-sm'):
        ui.label(expertise.service.name).classes('text-body1 text-weight-medium')
        ui.switch(
            'Help with these requests', value=expertise.helping, on_change=lambda e: choose(helping=e.value)
        ).mark(f'helping-{service_id}')
        ui.switch(
            'Tell me when a new one comes in', value=expertise.notify, on_change=lambda e: choose(notify=e.value)
        ).mark(f'notify-{service_id}')


@ui.page('/helping/{ticket_id}')
@signed_in(roles=(Role.REQUESTER,), otherwise='/queue')
async def help_with(request: Request, viewer: User, ticket_id: str) -> None:
    number = ids.parse(ticket_id) or 0  # from the address: a number no row can have is simply not found
    try:
        ticket, timeline, photos = await superusers.what_they_see(viewer, number)
    except errors.NotFound as e:
        with frame('Not available', viewer, back='/helping'):
            ui.label(str(e)).classes('text-body1').mark('not-available')
        return None
    view = HelpView(viewer, ticket)
    with frame('Help a colleague', viewer, back='/helping'):
        view.build(photos)
        view.append(timeline)
    live(events.ticket(ticket.id), view.changed)
    return None


class HelpView:
    """One colleague's request as a superuser sees it, kept live: new public entries appear as they come."""

    def __init__(self, viewer: User, ticket: Ticket) -> None:
        self.viewer = viewer
        self.ticket = ticket
        self.last_event_id = 0
        self.client = ui.context.client

    def build(self, photos: list[Attachment]) -> None:
        t = self.ticket
        with ui.card().classes('full-width td-summary').mark('summary'):
            ui.label(t.title).classes('text-h6 td-break').mark('title')
            ui.label(f'{t.service.name} · from {t.requester.first_name} · {when(t.created_at, self.viewer)}').classes(
                'text-body2 text-grey-8'
            )
            if t.location:
                ui.label(f'Where: {t.location}').classes('text-body2 text-grey-8 td-break')
            for att in photos:
                with ui.link(target=f'/files/{att.id}/full', new_tab=True):
                    ui.image(f'/files/{att.id}/preview').classes('td-photo').props('alt="Photo from the request"')
        self.closed = ui.label('This request is no longer open for colleagues’ answers. Thank you!').classes(
            'text-body1 text-weight-medium'
        )
        self.closed.visible = False
        self.timeline = ui.column().classes('full-width td-timeline').mark('timeline')
        with ui.card().classes('full-width td-reply').mark('answer-box') as self.box:
            self.answer_input = (
                ui.textarea('Your answer', placeholder='What worked for you? Step by step is best.')
                .props(f'outlined autogrow stack-label maxlength={superusers.MAX_ANSWER}')
                .classes('full-width')
                .mark('answer')
            )
            self.draft = drafts.keep(self.answer_input, self.viewer, f'help{self.ticket.id}:answer')
            ui.label(f'{t.requester.first_name} and the IT team will see your answer and your name.').classes(
                'text-caption text-grey-8'
            )
            ui.button('Send answer', icon='send', on_click=self.send).props('unelevated no-caps').classes(
                'full-width'
            ).mark('send-answer')
        self.inputs = {'answer': self.answer_input}

    def append(self, entries: list[TicketEvent]) -> None:
        with self.timeline:
            for e in entries:
                if e.id > self.last_event_id:
                    self.last_event_id = e.id
                    who = e.actor.name if e.actor else 'Tapdesk'
                    line = (
                        ui.label(e.body)
                        .classes('td-entry' + (' td-mine' if e.actor_id == self.viewer.id else ''))
                        .mark(f'event-{e.kind.value}')
                    )
                    line.props['data-head'] = f'{who} · {_headline(e)} · {when(e.created_at, self.viewer)}'

    async def changed(self, event: events.TicketChanged) -> None:
        try:
            _, timeline, _ = await superusers.what_they_see(self.viewer, self.ticket.id)
        except errors.NotFound:  # fixed meanwhile, or they stepped back: nothing more to answer
            self.closed.visible = True
            self.box.visible = False
            return
        self.append(timeline)

    async def send(self) -> None:
        clear_errors(self.inputs)
        try:
            await superusers.answer(self.viewer, self.ticket.id, self.answer_input.value or '')
        except errors.NotFound as e:
            tell(self.client, str(e), type='negative')
            return
        except errors.DomainError as e:
            field_error(self.inputs, e, client=self.client)
            return
        self.answer_input.set_value('')
        drafts.forget(self.draft)
        tell(self.client, 'Thanks! Your answer is on the request.', type='positive')


def _headline(e: TicketEvent) -> str:
    if e.kind == EventKind.CREATED:
        return 'asked'
    if e.kind == EventKind.PEER_ANSWER:
        return 'answered'
    if e.kind == EventKind.REPLY:
        return 'replied'
    if e.kind == EventKind.PHOTO:
        return 'added photos'
    return 'updated the request'
