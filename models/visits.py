"""Visits: windows the requester chooses, the way there, time on site, and visits that did not happen.

A technician (or a manager) offers one to three windows; the requester picks one with a single tap (or asks
for other times with a short note). The chosen window is the ticket's "Visit planned" and the technician's
day. Then:

- "On my way" (a ticket status, with an arrival time) starts a site visit; a later arrival time is told to
  the requester as running late ("now ~10:40").
- "Arrived" checks in (with the place, if the phone shares it); "Leaving" checks out and says whether it
  is fixed (the ticket is resolved through its verb) or another visit is needed. Time on site is the sum
  of a ticket's visits; a fix on the first visit is recorded as such.
- A chosen window that ends with nobody on the way and nobody there is a missed visit: the requester is
  told plainly and offered new times, the technician and the managers are told, and it is counted.

Every write is a ticket change (models/changes.py): the ticket's status moves through tickets.move, and
the VISIT timeline lines say what happened. No semicolons in model docstrings (SQLite migrations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model

from . import changes, clock, followups, notifications, offline, queries, tickets, when
from .changes import Change, changing
from .errors import Conflict, Forbidden, Invalid, NotFound, require
from .followups import Job, JobKind
from .notifications import Kind
from .position import Position, from_browser
from .records import OPEN, EventKind, Status, Ticket
from .text import normalise
from .users import Role, User

MAX_WINDOWS = 3
LONGEST_WINDOW = timedelta(hours=10)
FURTHEST_AHEAD = timedelta(days=60)
MISSED_AFTER = timedelta(minutes=15)  # grace after a window ends before it counts as missed
LATE_ENOUGH_TO_SAY = timedelta(minutes=5)  # a later arrival time by at least this much is told as "running late"
MAX_NOTE = 300


class WindowState(StrEnum):
    PROPOSED = 'proposed'
    CONFIRMED = 'confirmed'
    REPLACED = 'replaced'  # new times were offered, or another of the same offer was chosen
    DECLINED = 'declined'  # the requester asked for other times
    MISSED = 'missed'
    KEPT = 'kept'  # somebody came


class Outcome(StrEnum):
    FIXED = 'fixed'
    ANOTHER_VISIT = 'another_visit'


class VisitWindow(Model):
    """A window offered for a visit to a ticket, by whom, for which technician, and what became of it."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='visit_windows', on_delete=fields.CASCADE
    )
    ticket_id: int
    technician: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='visit_windows', on_delete=fields.CASCADE
    )
    technician_id: int
    start = fields.DatetimeField()
    end = fields.DatetimeField()
    state = fields.CharEnumField(WindowState, max_length=12, default=WindowState.PROPOSED)
    proposed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='windows_proposed', null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'visit_window'
        indexes = (('technician_id', 'state', 'start'), ('ticket_id', 'state'))


class SiteVisit(Model):
    """One trip to a ticket: set off, arrived, left, and how it ended."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='site_visits', on_delete=fields.CASCADE
    )
    ticket_id: int
    technician: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='site_visits', on_delete=fields.CASCADE
    )
    technician_id: int
    window: fields.ForeignKeyNullableRelation[VisitWindow] = fields.ForeignKeyField(
        'models.VisitWindow', related_name='site_visits', null=True, on_delete=fields.SET_NULL
    )
    window_id: int | None
    set_off_at = fields.DatetimeField(null=True)
    first_eta = fields.DatetimeField(null=True)  # what the requester was told first (lateness is measured from it)
    arrived_at = fields.DatetimeField(null=True)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    accuracy_m = fields.FloatField(null=True)
    left_at = fields.DatetimeField(null=True)
    outcome = fields.CharField(max_length=16, default='')
    first_visit_fix = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = 'site_visit'
        indexes = (('ticket_id', 'arrived_at'), ('technician_id', 'arrived_at'))

    @property
    def on_site(self) -> timedelta:
        if self.arrived_at is None or self.left_at is None:
            return timedelta(0)
        return self.left_at - self.arrived_at


# ---- offering and choosing windows ------------------------------------------------------------------------


async def propose(
    ticket_id: int, windows: list[tuple[datetime, datetime]], *, actor: User, now: datetime | None = None
) -> list[VisitWindow]:
    """Offer one to three windows for a visit by the ticket's technician (earlier offers are replaced)."""
    now = now or clock.now()
    ticket = await _workable(ticket_id, actor)
    assert ticket.assignee_id is not None
    windows = sorted(windows)
    await _check_windows(windows, technician_id=ticket.assignee_id, ticket_id=ticket.id, viewer=actor, now=now)
    async with changing(ticket, actor=actor, now=now) as change:
        await _close_open_offers(ticket.id, now)
        offered = [
            await VisitWindow.create(
                ticket_id=ticket.id,
                technician_id=ticket.assignee_id,
                start=start,
                end=end,
                proposed_by=actor,
                created_at=now,
            )
            for start, end in windows
        ]
        await change.record(
            EventKind.VISIT,
            data={'what': 'proposed', 'windows': [[w.id, w.start.isoformat(), w.end.isoformat()] for w in offered]},
        )
        await tickets.write(change, ticket)  # times to pick are news for the requester: lists sort by activity
    return offered


async def choose(window_id: int, *, actor: User, now: datetime | None = None) -> VisitWindow:
    """The requester picks one of the offered windows: the visit is planned (one tap, no second question)."""
    now = now or clock.now()
    window = await VisitWindow.get_or_none(id=window_id).select_related('technician')
    if window is None:
        raise NotFound('Those visit times are no longer offered.')
    ticket = await tickets.get_for(actor, window.ticket_id)
    require(actor.id == ticket.requester_id, 'Only the person who asked for this can choose the visit time.')
    if window.state == WindowState.CONFIRMED:
        return window  # a second tap (the page and the notification): the same answer
    if window.state != WindowState.PROPOSED:
        raise Conflict('Those visit times are no longer offered; have a look at the latest ones.')
    if window.end <= now:
        raise Invalid('That window has passed; choose another or ask for other times.', field='window')
    clash = await _clash(window.technician_id, window.start, window.end, besides=ticket.id)
    if clash is not None:
        raise Conflict('That time was just given to another visit; choose another or ask for other times.')
    async with changing(ticket, actor=actor, now=now) as change:
        taken = await VisitWindow.filter(id=window.id, state=WindowState.PROPOSED).update(
            state=WindowState.CONFIRMED, decided_at=now
        )
        if not taken:
            raise Conflict('Those visit times changed a moment ago; have a look at the latest ones.')
        await _close_open_offers(ticket.id, now)
        await change.record(EventKind.VISIT, data=_window_data('confirmed', window))
        await _plan(change, ticket, window)
    return await VisitWindow.get(id=window.id).select_related('technician')


async def ask_again(ticket_id: int, note: str, *, actor: User, now: datetime | None = None) -> None:
    """None of the offered times suits the requester: they ask for others, with a short note."""
    now = now or clock.now()
    ticket = await tickets.get_for(actor, ticket_id)
    require(actor.id == ticket.requester_id, 'Only the person who asked for this can ask for other times.')
    note = normalise(note)
    if not note:
        raise Invalid('Say which times would suit you.', field='note')
    if len(note) > MAX_NOTE:
        raise Invalid(f'Please keep this under {MAX_NOTE} characters (it has {len(note)}).', field='note')
    async with changing(ticket, actor=actor, now=now) as change:
        declined = await VisitWindow.filter(ticket_id=ticket.id, state=WindowState.PROPOSED).update(
            state=WindowState.DECLINED, decided_at=now
        )
        if not declined:
            raise Conflict('There are no visit times waiting for your answer.')
        await change.record(EventKind.VISIT, body=note, data={'what': 'asked_again'})
        await tickets.write(change, ticket)


async def offered(viewer: User, ticket_id: int) -> list[VisitWindow]:
    """The windows waiting for the requester's choice (for anyone who may see the ticket)."""
    await tickets.get_for(viewer, ticket_id)
    return await VisitWindow.filter(ticket_id=ticket_id, state=WindowState.PROPOSED).order_by('start')


async def confirmed(viewer: User, ticket_id: int) -> VisitWindow | None:
    await tickets.get_for(viewer, ticket_id)
    return await _confirmed_window(ticket_id)


@dataclass(frozen=True)
class Windows:
    """A request's visit as its requester reads it in a list: the times waiting for their pick, or the chosen one."""

    offered: tuple[VisitWindow, ...] = ()
    chosen: VisitWindow | None = None


async def of_my_requests(viewer: User, ticket_ids: list[int]) -> dict[int, Windows]:
    """For a list of the viewer's own requests (others are left out), in two reads for the whole list."""
    mine = VisitWindow.filter(ticket_id__in=ticket_ids, ticket__requester_id=viewer.id)
    found: dict[int, Windows] = {}
    for w in await mine.filter(state=WindowState.PROPOSED).order_by('start'):
        found[w.ticket_id] = Windows(offered=(*found.get(w.ticket_id, Windows()).offered, w))
    for w in await mine.filter(state=WindowState.CONFIRMED).order_by('id').select_related('technician'):
        found[w.ticket_id] = Windows(offered=found.get(w.ticket_id, Windows()).offered, chosen=w)
    return found


# ---- on the day -------------------------------------------------------------------------------------------


async def new_arrival_time(ticket_id: int, eta: datetime, *, actor: User, now: datetime | None = None) -> Ticket:
    """On the way, the arrival time moves: a later one is told to the requester ("running 15 minutes late")."""
    now = now or clock.now()
    ticket = await _workable(ticket_id, actor)
    if ticket.status != Status.ON_THE_WAY or ticket.eta is None:
        raise Invalid('Say "On my way" first; then you can change the arrival time.', field='eta')
    if eta < now - timedelta(minutes=5):
        raise Invalid('Say when you will arrive (a time from now on).', field='eta')
    visit = await _open_visit(ticket.id)
    first = (visit.first_eta if visit and visit.first_eta else ticket.eta) or eta
    later_by = eta - ticket.eta
    async with changing(ticket, actor=actor, now=now) as change:
        await tickets.write(change, ticket, eta=eta)
        data: dict[str, object] = {'what': 'eta', 'eta': eta.isoformat()}
        if later_by >= LATE_ENOUGH_TO_SAY:
            data['late_minutes'] = round((eta - first).total_seconds() / 60)
        await change.record(EventKind.VISIT, data=data)
    return change.after


async def check_in(
    ticket_id: int,
    *,
    actor: User,
    position: Position | None = None,
    now: datetime | None = None,
    at: datetime | None = None,
) -> SiteVisit:
    """ "Arrived": the time on site starts (and the place, if the phone shares it). `at` is when it was tapped,
    for an "Arrived" kept on a phone with no signal: never before setting off or the last visit's end."""
    now = now or clock.now()
    ticket = await _workable(ticket_id, actor)
    visit = await _open_visit(ticket.id)
    if visit is not None and visit.arrived_at is not None:
        raise Conflict('You are checked in already; say "Leaving" when you go.')
    if not ticket.is_open:
        raise Invalid('This ticket is finished; reopen it first.', field='status')
    async with changing(ticket, actor=actor, now=now) as change:
        if visit is None:
            window = await _confirmed_window(ticket.id)
            visit = await SiteVisit.create(
                ticket_id=ticket.id, technician_id=actor.id, window_id=window.id if window else None, created_at=now
            )
        where = (
            {'latitude': position.latitude, 'longitude': position.longitude, 'accuracy_m': position.accuracy}
            if position
            else {}
        )
        arrived = _between(at or now, await _earliest_arrival(ticket.id, visit), now)
        await SiteVisit.filter(id=visit.id).update(arrived_at=arrived, **where)
        await _keep_window(ticket.id, now)
        await change.record(EventKind.VISIT, data={'what': 'arrived', **({'position': True} if position else {})})
        if ticket.status != Status.IN_PROGRESS:
            await tickets.move(change, ticket, Status.IN_PROGRESS)
    return await SiteVisit.get(id=visit.id)


async def check_out(
    ticket_id: int,
    outcome: Outcome,
    *,
    actor: User,
    summary: str = '',
    now: datetime | None = None,
    at: datetime | None = None,
) -> SiteVisit:
    """ "Leaving": the time on site ends (`at`, when tapped on a phone with no signal, never before arriving).
    Fixed resolves the ticket (through its verb, with the summary); another visit keeps it open for new times."""
    now = now or clock.now()
    ticket = await _workable(ticket_id, actor)
    outcome = Outcome(outcome)
    visit = await _open_visit(ticket.id)
    if visit is None or visit.arrived_at is None:
        raise Invalid('Say "Arrived" first: leaving ends the time on site.', field='status')
    first = not await SiteVisit.filter(ticket_id=ticket.id, left_at__not_isnull=True).exists()
    async with changing(ticket, actor=actor, now=now) as change:
        left = _between(at or now, visit.arrived_at, now)
        await SiteVisit.filter(id=visit.id).update(
            left_at=left, outcome=outcome.value, first_visit_fix=first and outcome == Outcome.FIXED
        )
        minutes = round((left - visit.arrived_at).total_seconds() / 60)
        await change.record(EventKind.VISIT, data={'what': 'left', 'outcome': outcome.value, 'minutes': minutes})
        if outcome == Outcome.FIXED:
            await tickets.resolve(ticket.id, summary, actor=actor, now=now)  # every rule of resolving holds
    return await SiteVisit.get(id=visit.id)


def _between(moment: datetime, earliest: datetime | None, now: datetime) -> datetime:
    return min(max(moment, earliest), now) if earliest is not None else min(moment, now)


async def _earliest_arrival(ticket_id: int, visit: SiteVisit | None) -> datetime | None:
    """An arrival is after setting off, and after the ticket's last visit ended."""
    ended = await queries.first_value(
        SiteVisit.filter(ticket_id=ticket_id, left_at__not_isnull=True).order_by('-left_at'), 'left_at'
    )
    started = visit.set_off_at if visit is not None else None
    return max((m for m in (ended, started) if m is not None), default=None)


async def time_on_site(viewer: User, ticket_id: int) -> timedelta:
    """The sum of the ticket's visits (staff)."""
    require(viewer.can_work_tickets, 'Only staff can see the time on site.')
    total = timedelta(0)
    for visit in await SiteVisit.filter(ticket_id=ticket_id, arrived_at__not_isnull=True, left_at__not_isnull=True):
        total += visit.on_site
    return total


async def visits_of(viewer: User, ticket_id: int) -> list[SiteVisit]:
    require(viewer.can_work_tickets, 'Only staff can see the visits.')
    return await SiteVisit.filter(ticket_id=ticket_id).order_by('id')


# ---- the step after every ticket change: visits follow the ticket's status ----------------------------------


async def after_change(change: Change) -> None:
    """ "On my way" starts a site visit; "Arrived" from on the way checks in; a chosen window gets its
    missed-visit check; a ticket that is finished or reassigned drops its offers, and a reassigned one's chosen
    visit goes with it to the new technician; visit lines are told."""
    for event in change.events:
        if event.kind == EventKind.STATUS:
            await _status_moved(change, event.data)
        elif event.kind == EventKind.VISIT:
            await _tell(change, event.data, event.body)
    after = change.after
    handed_over = change.before is not None and change.before.assignee_id != after.assignee_id
    if not after.is_open or handed_over:
        await _close_open_offers(after.id, change.now)
    if handed_over and after.is_open and after.assignee_id is not None:
        # The requester agreed to a time, not to a person: the new technician keeps the chosen visit.
        await VisitWindow.filter(ticket_id=after.id, state=WindowState.CONFIRMED).update(
            technician_id=after.assignee_id
        )
    window = await _confirmed_window(after.id)
    await _fit_missed_check(after.id, window, change.now)


async def _status_moved(change: Change, data: dict) -> None:
    after, now = change.after, change.now
    if data.get('to') == Status.ON_THE_WAY.value and after.assignee_id is not None:
        window = await _confirmed_window(after.id)
        await SiteVisit.create(
            ticket_id=after.id,
            technician_id=after.assignee_id,
            window_id=window.id if window else None,
            set_off_at=now,
            first_eta=after.eta,
            created_at=now,
        )
    elif data.get('from') == Status.ON_THE_WAY.value and data.get('to') == Status.IN_PROGRESS.value:
        visit = await _open_visit(after.id)
        if visit is not None and visit.arrived_at is None:
            await SiteVisit.filter(id=visit.id).update(arrived_at=now)
            await _keep_window(after.id, now)


changes.add_step(after_change, order=15)


# ---- telling people (push notifications, in the reader's time zone) ------------------------------------------

VISIT_URL = '/visits/choose'  # the notification's window buttons POST here (pages/visit_api.py)
MAX_ACTIONS = 2  # most platforms show two buttons on a notification; the body opens the full choice


async def _tell(change: Change, data: dict, body: str) -> None:
    ticket = change.after
    await ticket.fetch_related('requester', 'assignee')
    what = data.get('what')
    requester_tz = ticket.requester.timezone
    if what == 'proposed':
        windows = [(wid, datetime.fromisoformat(s), datetime.fromisoformat(e)) for wid, s, e in data['windows']]
        words = ' · '.join(when.window(s, e, requester_tz) for _, s, e in windows)
        actions = [{'action': f'visit-{wid}', 'title': _short(s, e, requester_tz)} for wid, s, e in windows]
        extra = {'actions': actions[:MAX_ACTIONS], 'action_url': VISIT_URL}
        text = f'{words}. Tap the one that suits you.'
        await _queue(change, Kind.VISIT_PROPOSED, text, [ticket.requester_id], extra)
    elif what == 'confirmed' and ticket.assignee is not None:
        start, end = _times(data['window'])
        text = f'{ticket.requester.first_name} chose {when.window(start, end, ticket.assignee.timezone)}.'
        await _queue(change, Kind.VISIT_PLANNED, text, [ticket.assignee_id])
    elif what == 'asked_again':
        await _queue(change, Kind.REPLY, f'Other times for the visit, please: {body}', [ticket.assignee_id])
    elif what == 'eta' and data.get('late_minutes'):
        arrives = when.time_of_day(datetime.fromisoformat(data['eta']), requester_tz)
        text = f'Running {data["late_minutes"]} minutes late, now arriving ~{arrives}.'
        await _queue(change, Kind.RUNNING_LATE, text, [ticket.requester_id])
    elif what == 'missed':
        start, end = _times(data['window'])
        sorry = f'Sorry: nobody came in your window {when.window(start, end, requester_tz)}. We will offer new times.'
        await _queue(change, Kind.VISIT_MISSED, sorry, [ticket.requester_id])
        staff_tz = ticket.assignee.timezone if ticket.assignee else None
        missed = f'Nobody came to {ticket.requester.name} in {when.window(start, end, staff_tz)}. Offer new times.'
        await _queue(change, Kind.VISIT_MISSED, missed, [ticket.assignee_id, *await _managers()])


async def _queue(
    change: Change, kind: Kind, text: str, to: list[int | None], extra: dict[str, Any] | None = None
) -> None:
    await notifications.queue_for(
        change.ticket_id, kind, actor=change.actor, now=change.now, text=text, to=to, extra=extra
    )


def _short(start: datetime, end: datetime, tz: str | None) -> str:
    """ "Tue 10:00–12:00": what fits on a notification's button."""
    return f'{when.day(start, tz).split()[0]} {when.time_of_day(start, tz)}–{when.time_of_day(end, tz)}'


def _times(window: list) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(window[1]), datetime.fromisoformat(window[2])


async def _managers() -> list[int | None]:
    return list(await queries.ids(User.filter(role=Role.MANAGER, is_active=True)))


# ---- missed visits (a follow-up job of this module's own) ---------------------------------------------------


async def _fit_missed_check(ticket_id: int, window: VisitWindow | None, now: datetime) -> None:
    due = window.end + MISSED_AFTER if window is not None else None
    pending = await Job.filter(ticket_id=ticket_id, kind=JobKind.VISIT_MISSED, state='pending')
    for job in pending:
        if job.due_at != due:
            await Job.filter(id=job.id, state='pending').update(state='cancelled', finished_at=now)
    if due is not None and not any(job.due_at == due for job in pending):
        await followups.schedule(ticket_id, JobKind.VISIT_MISSED, due, now=now)


async def _check_missed(job: Job, now: datetime, told: list) -> bool:
    """Runs when a chosen window is over: if nobody set off and nobody arrived, it was missed."""
    window = await _confirmed_window(job.ticket_id)
    if window is None or window.end + MISSED_AFTER != job.due_at:
        return False
    came = await SiteVisit.filter(
        Q(set_off_at__gte=window.start - timedelta(hours=12)) | Q(arrived_at__gte=window.start - timedelta(hours=12)),
        ticket_id=job.ticket_id,
    ).exists()
    if came:
        return False
    ticket = await Ticket.get(id=job.ticket_id)
    async with changing(ticket, actor=None, now=now) as change:
        await VisitWindow.filter(id=window.id, state=WindowState.CONFIRMED).update(
            state=WindowState.MISSED, decided_at=now
        )
        await change.record(EventKind.VISIT, data=_window_data('missed', window))
        if ticket.status == Status.VISIT_PLANNED:
            await tickets.move(
                change, ticket, Status.IN_PROGRESS, data={'missed': True}, visit_start=None, visit_end=None
            )
    return True


followups.RULES[JobKind.VISIT_MISSED] = _check_missed


async def missed_count(*, actor: User, since: datetime, until: datetime) -> int:
    """Missed visits in a period (managers' measures), counted by the window's end."""
    require(actor.is_manager, 'Only managers can see the measures.')
    return await VisitWindow.filter(state=WindowState.MISSED, end__gte=since, end__lt=until).count()


# ---- helpers ------------------------------------------------------------------------------------------------


async def _workable(ticket_id: int, actor: User) -> Ticket:
    require(actor.can_work_tickets, 'Only technicians can plan visits.')
    ticket = await tickets.get_for(actor, ticket_id)
    if ticket.assignee_id is None:
        raise Invalid('Take this ticket first ("Assign to me").', field='status')
    if not tickets.may_work(actor, ticket):
        raise Forbidden('This ticket is assigned to someone else; ask them or a manager to hand it over.')
    if ticket.status not in OPEN:
        raise Invalid('This ticket is finished; reopen it first.', field='status')
    return ticket


async def _check_windows(
    windows: list[tuple[datetime, datetime]], *, technician_id: int, ticket_id: int, viewer: User, now: datetime
) -> None:
    if not 1 <= len(windows) <= MAX_WINDOWS:
        raise Invalid(f'Offer one to {MAX_WINDOWS} windows.', field='windows')
    tz = viewer.timezone
    for start, end in windows:
        words = when.window(start, end, tz)
        if end <= start:
            raise Invalid(f'{words}: a window ends after it starts.', field='windows')
        if start < now:
            raise Invalid(f'{words} has already begun; offer times from now on.', field='windows')
        if end - start > LONGEST_WINDOW:
            raise Invalid(f'{words} is too long; nobody can wait in all day. Offer shorter windows.', field='windows')
        if start - now > FURTHEST_AHEAD:
            raise Invalid(f'{words} is too far ahead; offer times in the next 60 days.', field='windows')
        clash = await _clash(technician_id, start, end, besides=ticket_id)
        if clash is not None:
            raise Invalid(
                f'{words} overlaps the visit for #{clash.ticket_id} '
                f'({when.window(clash.start, clash.end, tz)}); offer another time.',
                field='windows',
            )
    for (_, end), (start, _) in zip(windows, windows[1:], strict=False):
        if start < end:
            raise Invalid('The windows you offer must not overlap each other.', field='windows')


async def _clash(technician_id: int, start: datetime, end: datetime, *, besides: int) -> VisitWindow | None:
    """The technician's confirmed visit (on another ticket) that overlaps this time, if any."""
    return (
        await VisitWindow.filter(technician_id=technician_id, state=WindowState.CONFIRMED, start__lt=end, end__gt=start)
        .exclude(ticket_id=besides)
        .first()
    )


async def _close_open_offers(ticket_id: int, now: datetime) -> None:
    await VisitWindow.filter(ticket_id=ticket_id, state=WindowState.PROPOSED).update(
        state=WindowState.REPLACED, decided_at=now
    )


async def _confirmed_window(ticket_id: int) -> VisitWindow | None:
    return await VisitWindow.filter(ticket_id=ticket_id, state=WindowState.CONFIRMED).order_by('-id').first()


async def _keep_window(ticket_id: int, now: datetime) -> None:
    """Somebody came: the chosen window is kept (and can no longer be missed)."""
    await VisitWindow.filter(ticket_id=ticket_id, state=WindowState.CONFIRMED).update(
        state=WindowState.KEPT, decided_at=now
    )


async def _open_visit(ticket_id: int) -> SiteVisit | None:
    """The visit under way: set off or arrived, not left."""
    return await SiteVisit.filter(ticket_id=ticket_id, left_at=None).order_by('-id').first()


async def _plan(change: Change, ticket: Ticket, window: VisitWindow) -> None:
    # An earlier chosen window of this ticket gives way to the new one.
    await (
        VisitWindow.filter(ticket_id=ticket.id, state=WindowState.CONFIRMED)
        .exclude(id=window.id)
        .update(state=WindowState.REPLACED, decided_at=change.now)
    )
    columns = {'visit_start': window.start, 'visit_end': window.end}
    data: dict[str, object] = {'visit': [window.start.isoformat(), window.end.isoformat()]}
    if ticket.status == Status.VISIT_PLANNED:
        await tickets.write(change, ticket, **columns)
    else:
        await tickets.move(change, ticket, Status.VISIT_PLANNED, data=data, **columns)


def _window_data(what: str, window: VisitWindow) -> dict[str, object]:
    return {'what': what, 'window': [window.id, window.start.isoformat(), window.end.isoformat()]}


# ---- queued on the phone while there was no signal (models/offline.py) ------------------------------------


@offline.handles('on_the_way', what='"On my way"')
async def _on_the_way_offline(
    viewer: User, ticket_id: int, payload: dict[str, Any], now: datetime, made_at: datetime | None
) -> str:
    """{"minutes": 1..720} or {"eta": ISO time}: "On my way", setting off when it was tapped."""
    tapped = offline.tapped(now, made_at)
    await tickets.set_status(
        ticket_id, Status.ON_THE_WAY, actor=viewer, eta=offline.arrival(payload, tapped, now), now=now
    )
    # The visit this started (after_change) set off when the signal came back; it set off when tapped.
    visit = await _open_visit(ticket_id)
    if visit is not None and visit.set_off_at == now and visit.arrived_at is None:
        set_off = _between(tapped, await _earliest_arrival(ticket_id, None), now)
        await SiteVisit.filter(id=visit.id).update(set_off_at=set_off)
    return f'"On my way" for #{ticket_id} was sent.'


@offline.handles('arrived', what='"Arrived"')
async def _arrived_offline(
    viewer: User, ticket_id: int, payload: dict[str, Any], now: datetime, made_at: datetime | None
) -> str:
    """{"position"?: {latitude, longitude, accuracy}}: "Arrived", on site from when it was tapped (on my way, a
    planned visit, or straight there), and where, if the phone shared it."""
    here = from_browser(payload.get('position'))
    await check_in(ticket_id, actor=viewer, now=now, at=offline.tapped(now, made_at), position=here)
    return f'"Arrived" for #{ticket_id} was sent.'


@offline.handles('leaving', what='"Leaving"', done='sent', typed=('summary',))
async def _leaving_offline(
    viewer: User, ticket_id: int, payload: dict[str, Any], now: datetime, made_at: datetime | None
) -> str:
    """{"fixed": true, "summary": "..."} or {"fixed": false}: "Leaving", with the fix or another visit needed."""
    fixed = offline.flag(payload, 'fixed')
    outcome = Outcome.FIXED if fixed else Outcome.ANOTHER_VISIT
    summary = offline.text(payload, 'summary', required=fixed)
    await check_out(ticket_id, outcome, actor=viewer, summary=summary, now=now, at=offline.tapped(now, made_at))
    return f'#{ticket_id} is resolved.' if fixed else f'"Leaving" for #{ticket_id} was sent.'
