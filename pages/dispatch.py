"""The dispatch board: unassigned work and each technician's today side by side (stacked on a phone), who is on
the way or on site, missed and late visits highlighted; give a job to someone else or offer visit times with a
tap. Live: any change on another screen redraws the board."""

from __future__ import annotations

import asyncio

from fastapi import Request
from nicegui import ui

from models import clock, dispatch, errors, events, tickets, users, when
from models.dispatch import Board, Card, Column
from models.records import Ticket
from models.users import User

from .components import MARKERS
from .layout import MANAGERS, STATUS_COLOURS, frame, live, signed_in, tell
from .today import short_status
from .visit_panel import offer_dialog

REFRESH_SECONDS = 60  # a visit turns late or missed as time passes, without any change
SETTLE_SECONDS = 0.2  # several changes in a burst read the board once


@ui.page('/dispatch')
@signed_in(roles=MANAGERS, refusal='Only managers can see the dispatch board.', title='Dispatch board')
async def dispatch_page(request: Request, viewer: User) -> None:
    view = DispatchView(viewer)
    with frame('Dispatch board', viewer) as main:
        main.classes('td-wide')
        await view.load()
        view.board()
        view.dialogs = ui.element('div')
        ui.timer(REFRESH_SECONDS, view.reload, immediate=False)
    live(events.QUEUE, view.changed)
    return None


class DispatchView:
    def __init__(self, viewer: User) -> None:
        self.viewer = viewer
        self.data = Board([], [])
        self.team: list[User] = []
        self.client = ui.context.client
        self.dialogs: ui.element | None = None  # outside the board: a redraw must not take an open dialog with it
        self._settling = False

    async def load(self) -> None:
        self.data = await dispatch.board(self.viewer, now=clock.now())
        self.team = await users.technicians()

    async def reload(self) -> None:
        await self.load()
        self.board.refresh()

    async def changed(self, _event: events.TicketChanged) -> None:
        """Any ticket may move on the board (taken, given, booked, on the way): read it again, once per burst."""
        if self._settling:
            return
        self._settling = True
        await asyncio.sleep(SETTLE_SECONDS)
        self._settling = False
        await self.reload()

    @ui.refreshable_method
    def board(self) -> None:
        with ui.element('div').classes('td-board').mark('board'):
            waiting = len(self.data.unassigned)
            words = f'{waiting} waiting' if waiting else 'Nothing waiting'
            with self.column('Not assigned yet', words, 'unassigned', 'free'):
                for card in self.data.unassigned:
                    self.card(card)
            for col in self.data.columns:
                self.technician(col)

    def technician(self, col: Column) -> None:
        with self.column(col.technician.name, col.now_words, f'tech-{col.technician.id}', col.doing.value):
            if not col.cards:
                ui.label('Nothing booked today.').classes('text-grey-7 text-body2')
            for card in col.cards:
                self.card(card)
            if col.undated:
                ui.label('No date yet').classes('td-board-sub text-weight-bold')
            for card in col.undated:
                self.card(card)
            if col.booked_later:
                later = f'{col.booked_later} visit{"s" if col.booked_later > 1 else ""} booked for later days'
                ui.label(later).classes('text-grey-7 text-caption').mark(f'later-{col.technician.id}')

    def column(self, title: str, state: str, marker: str, doing: str) -> ui.column:
        with ui.column().classes('td-board-col').mark(f'column-{marker}') as col:
            with ui.column().classes('td-board-head'):
                ui.label(title).classes('text-subtitle1 text-weight-bold ellipsis')
                ui.label(state).classes(f'td-doing td-doing-{doing}').mark(f'doing-{marker}')
        return col

    def card(self, card: Card) -> None:
        t, tz = card.ticket, self.viewer.timezone
        flagged = f' td-flag-{card.flag.value}' if card.flag else ''
        with ui.card().classes(f'td-board-card{flagged}').props('flat bordered').mark(f'card-{t.id}'):
            if card.flag:
                ui.label(card.flag_words).classes('td-flag-words').mark(f'flag-{t.id}')
            if card.job.window is not None:
                ui.label(when.window(card.job.window.start, card.job.window.end, tz)).classes('td-job-when')
            ui.link(f'{t.number} {t.title}', f'/t/{t.id}').classes('td-row-title td-card-link ellipsis-2-lines')
            place = f' · {t.location}' if t.location else ''
            ui.label(f'{t.service.name}{place} · {t.requester.name}').classes('td-row-meta')
            self.chips(card)
            with ui.row().classes('td-card-actions no-wrap full-width'):
                ui.button('Give to…', icon='swap_horiz', on_click=lambda t=t: self.give_dialog(t)).props(
                    'outline no-caps dense'
                ).mark(f'give-{t.id}')
                if t.assignee_id is not None:
                    ui.button('Offer times', icon='event', on_click=lambda t=t: self.offer(t)).props(
                        'outline no-caps dense'
                    ).mark(f'offer-{t.id}')

    def chips(self, card: Card) -> None:
        t, due = card.ticket, card.job.due
        with ui.row().classes('td-card-chips'):
            ui.label(short_status(card.job)).classes(f'td-chip text-white bg-{STATUS_COLOURS[t.status]}')
            if due is not None and due.state is not None:
                words, colour = MARKERS[due.state]
                ui.label(words).classes(f'td-chip td-marker text-white bg-{colour}').mark(f'marker-{t.id}')

    def give_dialog(self, ticket: Ticket) -> None:
        """One button per technician; the domain decides whether this person may hand the job over."""
        assert self.dialogs is not None
        self.dialogs.clear()
        with self.dialogs, ui.dialog() as dialog, ui.card().classes('td-dialog'):
            ui.label(f'Give {ticket.number} to').classes('text-h6')
            for person in self.team:
                if person.id == ticket.assignee_id:
                    continue
                ui.button(person.name, on_click=lambda p=person: self.give(dialog, ticket, p)).props(
                    'flat no-caps align=left'
                ).classes('full-width').mark(f'give-to-{person.id}')
            with ui.row().classes('full-width justify-end'):
                ui.button('Cancel', on_click=dialog.close).props('flat no-caps')
        dialog.open()

    async def give(self, dialog: ui.dialog, ticket: Ticket, person: User) -> None:
        dialog.close()
        try:
            await tickets.assign(ticket.id, assignee_id=person.id, actor=self.viewer)
        except errors.DomainError as e:
            tell(self.client, str(e), type='negative')
            return
        tell(self.client, f'{ticket.number} is now with {person.first_name}.', type='positive')

    def offer(self, ticket: Ticket) -> None:
        assert self.dialogs is not None
        self.dialogs.clear()
        with self.dialogs:
            offer_dialog(self.viewer, ticket)
