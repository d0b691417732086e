"""The visit on a ticket's page: windows to choose (requester), windows to offer, the arrival time and
leaving (technician), and the chosen visit in plain words for both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from nicegui import Client, ui

from models import clock, errors, tickets, visits, when
from models.records import Ticket
from models.users import User
from models.visits import Outcome, VisitWindow

from .layout import dialog_buttons, field_error, tell

WINDOW_ROWS = 3


class VisitPanel:
    """One small refreshable card; the ticket page calls `refresh()` when the ticket changes."""

    def __init__(self, viewer: User, ticket: Ticket) -> None:
        self.viewer, self.ticket = viewer, ticket
        self.staff = tickets.audience(viewer) == tickets.Audience.STAFF
        self.offered: list[VisitWindow] = []
        self.chosen: VisitWindow | None = None
        self.on_site = timedelta(0)
        self.checked_in = False
        self.client = ui.context.client

    async def load(self) -> None:
        t = self.ticket
        self.offered = await visits.offered(self.viewer, t.id)
        self.chosen = await visits.confirmed(self.viewer, t.id)
        if self.staff:
            done = await visits.visits_of(self.viewer, t.id)
            self.on_site = sum((v.on_site for v in done), timedelta(0))
            self.checked_in = any(v.arrived_at and not v.left_at for v in done)

    async def refresh(self, ticket: Ticket) -> None:
        self.ticket = ticket
        await self.load()
        self.card.refresh()

    @ui.refreshable_method
    def card(self) -> None:
        if not (self.offered or self.chosen or self.on_site or self.checked_in):
            return
        with ui.card().classes('full-width td-visit').mark('visit-card'):
            if self.chosen is not None:
                ui.label(self._visit_words(self.chosen)).classes('text-body1 text-weight-medium').mark('visit-chosen')
            if self.offered and not self.staff:
                self._choose()
            elif self.offered:
                times = ' · '.join(when.window(w.start, w.end, self.viewer.timezone) for w in self.offered)
                name = self.ticket.requester.first_name
                ui.label(f'Waiting for {name} to choose: {times}').classes('text-body2').mark('visit-offered')
            if self.staff and (self.on_site or self.checked_in):
                state = 'on site now' if self.checked_in else 'on site'
                ui.label(f'Time {state}: {when.span(self.on_site.total_seconds())} so far').classes(
                    'text-caption text-grey-8'
                ).mark('time-on-site')

    def _visit_words(self, w: VisitWindow) -> str:
        who = self.ticket.assignee.first_name if self.ticket.assignee else 'a technician'
        return visit_words(w, who, self.viewer)

    def _choose(self) -> None:
        window_choice(self.viewer, self.ticket.id, self.offered, client=self.client)


# ---- the requester's pick: on the ticket page and in My requests ---------------------------------------------


def visit_words(window: VisitWindow, who: str, viewer: User) -> str:
    """ "Visit on Tue 1 Dec, 10:00–12:00 with Sam", in the reader's time zone."""
    return f'Visit on {when.window(window.start, window.end, viewer.timezone)} with {who}'


def window_choice(
    viewer: User,
    ticket_id: int,
    offered: list[VisitWindow] | tuple[VisitWindow, ...],
    *,
    client: Client,
    on_chosen: Callable[[VisitWindow], None] | None = None,
    heading: str = 'text-h6',
) -> None:
    """ "Pick a time for the visit": a button per offered window (one tap plans it), and "None of these work"."""
    ui.label('Pick a time for the visit').classes(heading)
    for w in offered:
        words = when.window(w.start, w.end, viewer.timezone)
        ui.button(words, icon='event_available', on_click=lambda w=w: choose(viewer, w, client, on_chosen)).props(
            'unelevated no-caps align=left'
        ).classes('full-width td-window').mark(f'window-{w.id}')
    ui.button('None of these work', on_click=lambda: ask_again_dialog(viewer, ticket_id)).props('flat no-caps').classes(
        'full-width'
    ).mark(f'ask-again-{ticket_id}')


async def choose(
    viewer: User, window: VisitWindow, client: Client, on_chosen: Callable[[VisitWindow], None] | None
) -> None:
    try:
        chosen = await visits.choose(window.id, actor=viewer)
    except errors.DomainError as e:
        tell(client, str(e), type='negative')
        return
    if on_chosen is not None:
        on_chosen(chosen)


def ask_again_dialog(viewer: User, ticket_id: int) -> None:
    """Other times, please: a short note for the technician (the offered ones are then declined)."""
    with ui.dialog() as dialog, ui.card().classes('td-dialog'):
        ui.label('Which times would suit you?').classes('text-h6')
        note = (
            ui.textarea(placeholder='e.g. any morning next week, not Friday')
            .props('outlined autogrow autofocus')
            .classes('full-width')
            .mark('ask-again-note')
        )

        async def send() -> None:
            try:
                await visits.ask_again(ticket_id, note.value or '', actor=viewer)
            except errors.DomainError as e:
                field_error({'note': note}, e)
                return
            dialog.close()

        dialog_buttons(dialog, 'Send', send, marker='ask-again-send')
    dialog.open()


# ---- the technician's dialogs (opened from the ticket page's buttons) ------------------------------------


def offer_dialog(viewer: User, ticket: Ticket) -> None:
    """Up to three windows: a day and a time range each; the first is needed, the others optional."""
    tz = ZoneInfo(viewer.timezone or 'UTC')
    tomorrow = (clock.now().astimezone(tz) + timedelta(days=1)).date()
    rows = []
    with ui.dialog() as dialog, ui.card().classes('td-dialog'):
        ui.label('Offer times for the visit').classes('text-h6')
        ui.label(f'{ticket.requester.first_name} picks one with a tap.').classes('text-body2 text-grey-8')
        for n in range(WINDOW_ROWS):
            with ui.row().classes('full-width no-wrap q-gutter-x-xs items-center'):
                day = ui.input('Day', value=(tomorrow + timedelta(days=n)).isoformat() if n == 0 else '')
                day.props('outlined dense type=date').classes('col-5').mark(f'window-day-{n}')
                start = ui.input('From', value='09:00' if n == 0 else '').props('outlined dense type=time')
                start.classes('col').mark(f'window-from-{n}')
                end = ui.input('To', value='11:00' if n == 0 else '').props('outlined dense type=time')
                end.classes('col').mark(f'window-to-{n}')
            rows.append((day, start, end))
        problem = ui.label().classes('text-negative text-body2').mark('window-error')

        async def offer() -> None:
            windows = []
            for day, start, end in rows:
                if not (day.value or start.value or end.value):
                    continue
                found = window_of(day.value or '', start.value or '', end.value or '', tz)
                if found is None:
                    problem.set_text('Give each window a day and times like 09:00 to 11:00.')
                    return
                windows.append(found)
            try:
                await visits.propose(ticket.id, windows, actor=viewer)
            except errors.DomainError as e:
                problem.set_text(str(e))
                return
            dialog.close()

        dialog_buttons(dialog, 'Offer these times', offer, marker='offer-windows')
    dialog.open()


def arrival_dialog(viewer: User, ticket: Ticket) -> None:
    """On the way already: a new arrival time (a later one tells the requester you are running late)."""
    tz = ZoneInfo(viewer.timezone or 'UTC')
    current = ticket.eta.astimezone(tz).strftime('%H:%M') if ticket.eta else ''
    with ui.dialog() as dialog, ui.card().classes('td-dialog'):
        ui.label('New arrival time').classes('text-h6')
        eta = ui.input('Arrival time', value=current).props('outlined type=time').classes('full-width').mark('new-eta')

        async def save() -> None:
            arrival = next_time(eta.value or '', tz)
            if arrival is None:
                eta.error = 'Give a time like 10:25.'
                return
            try:
                await visits.new_arrival_time(ticket.id, arrival, actor=viewer)
            except errors.DomainError as e:
                eta.error = str(e)
                return
            dialog.close()

        dialog_buttons(dialog, 'Tell them', save, marker='new-eta-save')
    dialog.open()


def leaving_dialog(viewer: User, ticket: Ticket) -> None:
    """Checking out: fixed (with the summary the requester reads), or another visit is needed."""
    with ui.dialog() as dialog, ui.card().classes('td-dialog'):
        ui.label('Leaving: is it fixed?').classes('text-h6')
        summary = (
            ui.textarea(placeholder='If fixed: a short summary the requester will read')
            .props('outlined autogrow')
            .classes('full-width')
            .mark('leaving-summary')
        )

        async def leave(outcome: Outcome) -> None:
            try:
                await visits.check_out(ticket.id, outcome, actor=viewer, summary=summary.value or '')
            except errors.DomainError as e:
                summary.error = str(e)
                return
            dialog.close()

        fixed = dialog_buttons(
            dialog, 'Fixed', lambda: leave(Outcome.FIXED), marker='leaving-fixed', extra_props='color=positive'
        )
        with fixed:
            ui.button('Another visit needed', on_click=lambda: leave(Outcome.ANOTHER_VISIT)).props(
                'outline no-caps'
            ).mark('leaving-another')
    dialog.open()


def next_time(text: str, tz: ZoneInfo) -> datetime | None:
    """'10:25' as the next such moment in the viewer's zone (today, or tomorrow if it has passed)."""
    try:
        hours, minutes = (int(x) for x in text.strip().split(':')[:2])
        moment = clock.now().astimezone(tz).replace(hour=hours, minute=minutes, second=0, microsecond=0)
    except ValueError:
        return None
    if moment < clock.now() - timedelta(minutes=5):
        moment += timedelta(days=1)
    return moment


def window_of(day: str, start: str, end: str, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """A window from the form, as aware datetimes in the viewer's zone."""
    try:
        date_ = datetime.strptime(day.strip(), '%Y-%m-%d').date()
        times = [datetime.strptime(t.strip()[:5], '%H:%M').time() for t in (start, end)]
    except ValueError:
        return None
    return datetime.combine(date_, times[0], tzinfo=tz), datetime.combine(date_, times[1], tzinfo=tz)


def visit_headline(data: dict, viewer: User) -> str:
    """A VISIT line of the timeline, as its reader reads it (times in their zone)."""
    tz, what = viewer.timezone, data.get('what')
    if what == 'proposed':
        times = ' · '.join(when.window(_at(s), _at(e), tz) for _, s, e in data.get('windows', []))
        return f'offered times for a visit: {times}'
    if what in ('confirmed', 'missed'):
        _, s, e = data['window']
        words = when.window(_at(s), _at(e), tz)
        return f'chose the visit {words}' if what == 'confirmed' else f'the visit {words} was missed'
    if what == 'asked_again':
        return 'asked for other visit times'
    if what == 'eta':
        late = f' (running {data["late_minutes"]} minutes late)' if data.get('late_minutes') else ''
        return f'new arrival time ~{when.time_of_day(_at(data["eta"]), tz)}{late}'
    if what == 'arrived':
        return 'checked in on site (position shared)' if data.get('position') else 'checked in on site'
    if what == 'left':
        outcome = 'fixed' if data.get('outcome') == 'fixed' else 'another visit needed'
        return f'left after {when.span(float(data.get("minutes", 0)) * 60)}: {outcome}'
    return 'visit'


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)
