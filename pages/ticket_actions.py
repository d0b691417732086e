"""The technician's moves on a ticket's page (issue 13): the most likely next step as one big button, every
other move the status rules allow under "More", and the dialogs they open.

What may be done comes from the domain (models/tickets.py `may_take`, `may_work`, `next_moves`); this module
only chooses which allowed move leads. A move the domain would refuse is never offered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from nicegui import ui

from models import clock, errors, tickets, users, visits
from models.tickets import Status, Ticket
from models.users import User

from . import geolocation
from .article_pages import to_article
from .checklist import ResolveGate
from .layout import dialog_buttons
from .visit_panel import arrival_dialog, leaving_dialog, next_time, offer_dialog

if TYPE_CHECKING:
    from .ticket import TicketView

ARRIVED_ASK_SECONDS = 5  # "Check in" waits this long at most for the phone to say where it is, then goes without
TAP = 'min-height: 48px'  # every move is a thumb-sized target, in the menu too


class Move(StrEnum):
    """A technician's move on a ticket; the value is the button's test marker (kept from before issue 13)."""

    TAKE = 'take'
    REPLY = 'write-reply'  # not a status: the reply box, focused (only ever the next step)
    START = 'start'  # to "Being worked on": start work, back to work, the part arrived
    CHECK_IN = 'check-in'  # on site: the time there starts, and so does the work
    LEAVING = 'leaving'
    ON_THE_WAY = 'on-the-way'
    NEW_ETA = 'new-eta'
    OFFER_VISIT = 'plan-visit'
    WAITING_PART = 'waiting-part'
    WAITING = 'waiting'
    RESOLVE = 'resolve'
    ASSIGN = 'assign'
    REOPEN = 'reopen'
    TO_ARTICLE = 'to-article'


MARKERS = {Move.CHECK_IN: 'check-in start'}  # "Arrived" was marked 'start' before it had a name of its own

# The likely next step for each status, for someone who may work the ticket (taking it comes first).
NEXT = {
    Status.REOPENED: Move.START,
    Status.IN_PROGRESS: Move.RESOLVE,
    Status.WAITING: Move.REPLY,
    Status.WAITING_PART: Move.START,
    Status.VISIT_PLANNED: Move.ON_THE_WAY,
    Status.ON_THE_WAY: Move.CHECK_IN,
}


def offered(viewer: User, ticket: Ticket, *, on_site: bool) -> list[Move]:
    """Every move the domain allows this person now, in the order the menu lists them."""
    t, works, allowed = ticket, tickets.may_work(viewer, ticket), tickets.next_moves(viewer, ticket)
    moves = [Move.TAKE] if tickets.may_take(viewer, t) else []
    if Status.IN_PROGRESS in allowed:
        moves.append(Move.CHECK_IN if t.status in (Status.ON_THE_WAY, Status.VISIT_PLANNED) else Move.START)
    wanted = [
        (Move.LEAVING, on_site and t.status == Status.IN_PROGRESS and works),
        (Move.ON_THE_WAY, Status.ON_THE_WAY in allowed),
        (Move.NEW_ETA, t.status == Status.ON_THE_WAY and works),
        (Move.OFFER_VISIT, works and t.is_open),
        (Move.WAITING_PART, Status.WAITING_PART in allowed),
        (Move.WAITING, Status.WAITING in allowed),
        (Move.RESOLVE, Status.RESOLVED in allowed),
        (Move.ASSIGN, t.is_open),
        (Move.REOPEN, not t.is_open),
        (Move.TO_ARTICLE, not t.is_open and bool(t.resolution)),  # the fix, as a draft self-help article
    ]
    return moves + [move for move, ok in wanted if ok]


def next_step(viewer: User, ticket: Ticket, *, on_site: bool, moves: list[Move]) -> Move | None:
    """The one move that leads, if any: taking an unassigned ticket, answering one nobody answered yet, then
    what usually follows its status. A ticket someone else works, or a finished one, has none."""
    if Move.TAKE in moves:
        return Move.TAKE
    if not tickets.may_work(viewer, ticket):
        return None
    if ticket.status == Status.ASSIGNED:
        return Move.REPLY if ticket.first_response_at is None else Move.START
    if ticket.status == Status.IN_PROGRESS and on_site:
        return Move.LEAVING
    move = NEXT.get(ticket.status)
    return move if move == Move.REPLY or move in moves else None


def plan(viewer: User, ticket: Ticket, *, on_site: bool) -> tuple[Move | None, list[Move]]:
    """The next step, and the other moves for "More"."""
    moves = offered(viewer, ticket, on_site=on_site)
    first = next_step(viewer, ticket, on_site=on_site, moves=moves)
    return first, [m for m in moves if m != first]


class StaffActions:
    """Draws the technician's moves into the page's actions row and runs them (through the page's `act`)."""

    def __init__(self, view: TicketView) -> None:
        self.view = view

    @property
    def ticket(self) -> Ticket:
        return self.view.ticket  # the latest read: a live update replaces it

    def draw(self) -> None:
        first, more = plan(self.view.viewer, self.ticket, on_site=self.view.visit.checked_in)
        if first is not None:
            label, icon = self.words(first)
            colour = 'positive' if first == Move.RESOLVE else 'primary'
            ui.button(label, icon=icon, on_click=self.handler(first)).props(f'unelevated no-caps color={colour}').style(
                f'{TAP}; font-size: 1.05rem'
            ).classes('col td-next-step').mark(f'next-step {MARKERS.get(first, first.value)}')
        if more:
            self._more(more, alone=first is None)

    def _more(self, moves: list[Move], *, alone: bool) -> None:
        """Everything else, one tap away: a menu of thumb-sized rows."""
        button = ui.button('More', icon='more_horiz').props('outline no-caps aria-haspopup=menu').mark('more-actions')
        button.style(TAP if alone else f'{TAP}; flex: 0 0 auto')  # beside a next step it stays small
        with button, ui.menu().props('auto-close anchor="bottom right" self="top right"').style('min-width: 260px'):
            with ui.column().classes('full-width q-py-xs').style('gap: 0'):
                for move in moves:
                    label, icon = self.words(move)
                    # Items of the menu, as a screen reader lists them (Quasar's menu has role=menu).
                    ui.button(label, icon=icon, on_click=self.handler(move)).props(
                        'flat no-caps align=left role=menuitem'
                    ).classes('full-width').style(TAP).mark(MARKERS.get(move, move.value))

    def words(self, move: Move) -> tuple[str, str]:
        """The button's label and icon, in the technician's words."""
        t = self.ticket
        name = t.requester.first_name
        if move == Move.START:
            return {
                Status.WAITING: ('Back to work', 'build'),
                Status.WAITING_PART: ('Part arrived', 'inventory'),
            }.get(t.status, ('Start work', 'build'))
        if move == Move.ASSIGN:
            return ('Hand over…' if t.assignee_id else 'Assign to someone…'), 'person_add'
        return {
            Move.TAKE: ('Assign to me', 'pan_tool'),
            Move.REPLY: (f'Reply to {name}', 'reply'),
            Move.CHECK_IN: ('Check in on site', 'where_to_vote'),
            Move.LEAVING: ('Leaving: check out', 'logout'),
            Move.ON_THE_WAY: ('On my way', 'directions_car'),
            Move.NEW_ETA: ('New arrival time', 'schedule'),
            Move.OFFER_VISIT: ('Offer visit times', 'event'),
            Move.WAITING_PART: ('Waiting for a part', 'inventory_2'),
            Move.WAITING: (f'Wait for {name} to reply', 'help_outline'),
            Move.RESOLVE: ('Mark fixed', 'task_alt'),
            Move.REOPEN: ('Reopen', 'replay'),
            Move.TO_ARTICLE: ('Turn into an article', 'menu_book'),
        }[move]

    def handler(self, move: Move) -> Callable[[], Any]:
        v, view = self.view.viewer, self.view
        return {
            Move.TAKE: lambda: view.act(tickets.take(self.ticket.id, technician=v)),
            Move.REPLY: view.to_reply,
            Move.START: lambda: view.move(Status.IN_PROGRESS),
            Move.CHECK_IN: self.check_in,
            Move.LEAVING: lambda: leaving_dialog(v, self.ticket),
            Move.ON_THE_WAY: self.on_the_way_dialog,
            Move.NEW_ETA: lambda: arrival_dialog(v, self.ticket),
            Move.OFFER_VISIT: lambda: offer_dialog(v, self.ticket),
            Move.WAITING_PART: self.part_dialog,
            Move.WAITING: lambda: view.move(Status.WAITING),
            Move.RESOLVE: self.resolve_dialog,
            Move.ASSIGN: self.assign_dialog,
            Move.REOPEN: view.reopen_dialog,
            Move.TO_ARTICLE: lambda: to_article(v, self.ticket.id, view.client),
        }[move]

    # ---- the moves that need a word first ----------------------------------------------------------------

    async def check_in(self) -> None:
        """Arrived: the time on site starts (models/visits.py), with the place if the phone says it quickly;
        refused or slow, the check-in goes ahead without it."""
        found = await geolocation.ask(within=ARRIVED_ASK_SECONDS)
        place = None if isinstance(found, geolocation.Problem) else found
        await self.view.act(visits.check_in(self.ticket.id, actor=self.view.viewer, position=place))

    def resolve_dialog(self) -> None:
        with ui.dialog() as dialog, ui.card().classes('td-dialog'):
            ui.label('What fixed it?').classes('text-h6')
            summary = (
                ui.textarea(placeholder='A short summary the requester will read')
                .props('outlined autogrow autofocus')
                .classes('full-width')
                .mark('resolution')
            )
            gate = ResolveGate(self.view.checklist.checklist)  # as live as the page: the domain's gate decides

            async def done() -> None:
                try:
                    await tickets.resolve(
                        self.ticket.id,
                        summary.value or '',
                        actor=self.view.viewer,
                        override_reason=gate.override_reason,
                    )
                except errors.DomainError as e:
                    gate.show_error(e, summary)
                    return
                dialog.close()

            dialog_buttons(dialog, 'Mark fixed', done, marker='resolve-confirm', extra_props='color=positive')
        dialog.open()

    def on_the_way_dialog(self) -> None:
        tz = ZoneInfo(self.view.viewer.timezone or 'UTC')
        suggestion = (clock.now().astimezone(tz) + timedelta(minutes=20)).strftime('%H:%M')
        with ui.dialog() as dialog, ui.card().classes('td-dialog'):
            ui.label('When will you be there?').classes('text-h6')
            eta = (
                ui.input('Arrival time', value=suggestion).props('outlined type=time').classes('full-width').mark('eta')
            )

            async def go() -> None:
                arrival = next_time(eta.value or '', tz)
                if arrival is None:
                    eta.error = 'Give a time like 10:25.'
                    return
                if await self.view.move(Status.ON_THE_WAY, eta=arrival):
                    dialog.close()

            dialog_buttons(dialog, "I'm on my way", go, marker='on-the-way-confirm')
        dialog.open()

    def part_dialog(self) -> None:
        tz = ZoneInfo(self.view.viewer.timezone or 'UTC')
        tomorrow = (clock.now().astimezone(tz) + timedelta(days=1)).date()
        with ui.dialog() as dialog, ui.card().classes('td-dialog'):
            ui.label('When is the part expected?').classes('text-h6')
            day = ui.input('Day', value=tomorrow.isoformat()).props('outlined type=date').classes('full-width')
            day.mark('part-day')

            async def wait() -> None:
                try:
                    expected = date.fromisoformat((day.value or '').strip())
                except ValueError:
                    day.error = 'Pick the day the part should come.'
                    return
                if await self.view.move(Status.WAITING_PART, part_expected=expected):
                    dialog.close()

            dialog_buttons(dialog, 'Wait for the part', wait, marker='waiting-part-confirm')
        dialog.open()

    async def assign_dialog(self) -> None:
        people = await users.technicians()
        with ui.dialog() as dialog, ui.card().classes('td-dialog'):
            ui.label('Give this ticket to').classes('text-h6')
            choice = (
                ui.select({p.id: p.name for p in people}, value=self.ticket.assignee_id)
                .props('outlined')
                .classes('full-width')
                .mark('assignee')
            )

            async def give() -> None:
                if choice.value and await self.view.act(
                    tickets.assign(self.ticket.id, assignee_id=choice.value, actor=self.view.viewer)
                ):
                    dialog.close()

            dialog_buttons(dialog, 'Assign', give, marker='assign-confirm')
        dialog.open()
