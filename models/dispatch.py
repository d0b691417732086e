"""The dispatch board: the whole field team at a glance, for managers.

Unassigned open work (late and at-risk first, then priority, then age: the queue's order), and a column per
technician (those with missed, then late visits first): their jobs for today in visit order (models/today.py)
and those with no visit booked yet, what they are doing right now, and the visits that were missed or are
running late. Read-only. Times are in words in the viewer's time zone.

Missed is the visits module's rule (a chosen window over for `visits.MISSED_AFTER` with nobody on the way or
there), shown at once and also after the follow-up has marked the window missed. Late: the arrival time has
passed, or a chosen window has begun with nobody on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from . import queries, queue, today, when
from .errors import require
from .records import OPEN, Status, Ticket
from .tickets import QueueView
from .today import Day, Job
from .users import Role, User
from .visits import MISSED_AFTER, SiteVisit, VisitWindow, WindowState


class Flag(StrEnum):
    MISSED = 'missed'
    LATE = 'late'


class Doing(StrEnum):
    FREE = 'free'
    ON_THE_WAY = 'on_the_way'
    ON_SITE = 'on_site'


@dataclass(frozen=True)
class Card:
    job: Job
    flag: Flag | None = None
    flag_words: str = ''  # why it is flagged, in plain words

    @property
    def ticket(self) -> Ticket:
        return self.job.ticket


@dataclass(frozen=True)
class Column:
    technician: User
    doing: Doing
    now_words: str  # "On the way to #12, arrives ~10:25", "On site at #9 since 09:40", "Free"
    cards: list[Card]  # today's, in visit order
    undated: list[Card]  # open jobs with no visit booked yet, most urgent first
    booked_later: int  # visits booked for tomorrow or later


@dataclass(frozen=True)
class Board:
    unassigned: list[Card]
    columns: list[Column]


async def board(viewer: User, *, now: datetime) -> Board:
    """Unassigned work and every active technician's today, side by side (managers only)."""
    require(viewer.is_manager, 'Only managers can see the dispatch board.')
    found, levels = await queue.first_rows(viewer, now=now, view=QueueView.UNASSIGNED)
    unassigned = [Card(Job(t, None, levels.get(t.id), False, 'Give it to a technician')) for t in found]
    team = await _team()
    days = [await today.plan(viewer, now=now, technician_id=person.id) for person in team]
    ids = [job.ticket.id for day in days for job in _jobs(day)]
    missed = await _missed_since(ids, _start_of_day(now, viewer.timezone))
    arrived = await _arrivals(ids)
    tz = viewer.timezone
    columns = [_column(person, day, missed, arrived, now, tz) for person, day in zip(team, days, strict=True)]
    return Board(unassigned, sorted(columns, key=_trouble_first))


def _trouble_first(column: Column) -> tuple[int, int]:
    """Technicians with missed visits first, then with late ones (by name after that: the sort is stable)."""
    flags = [card.flag for card in column.cards]
    return -flags.count(Flag.MISSED), -flags.count(Flag.LATE)


async def _team() -> list[User]:
    """Every active technician (also with nothing to do), and managers who have open work of their own."""
    busy = set(await queries.column(Ticket.filter(status__in=OPEN, assignee_id__not_isnull=True), 'assignee_id'))
    staff = await User.filter(is_active=True, role__in=[Role.TECHNICIAN, Role.MANAGER]).order_by('name', 'id')
    return [person for person in staff if person.role == Role.TECHNICIAN or person.id in busy]


def _column(
    person: User,
    day: Day,
    missed: dict[int, VisitWindow],
    arrived: dict[int, datetime],
    now: datetime,
    tz: str,
) -> Column:
    # A job whose window was missed today stays on today's column (with that window) until it is rebooked.
    rebook = [replace(job, window=missed[job.ticket.id]) for job in day.undated if job.ticket.id in missed]
    jobs = rebook + day.today
    undated = [Card(job) for job in day.undated if job.ticket.id not in missed]
    doing, words = _doing(jobs, arrived, now, tz)
    cards = [_card(job, now, tz) for job in jobs]
    return Column(person, doing, words, cards, undated, len(day.tomorrow) + len(day.later))


def _card(job: Job, now: datetime, tz: str) -> Card:
    t, window = job.ticket, job.window
    under_way = job.on_site or t.status == Status.ON_THE_WAY
    if t.status == Status.ON_THE_WAY and t.eta is not None and t.eta < now:
        return Card(job, Flag.LATE, f'Late: was due ~{when.moment(t.eta, now, tz)}')
    if window is None or under_way or now < window.start:
        return Card(job)
    if now >= window.end + MISSED_AFTER:
        return Card(job, Flag.MISSED, 'Missed: nobody came in the window')
    return Card(job, Flag.LATE, 'Late: the window has begun and nobody is on the way')


def _doing(jobs: list[Job], arrived: dict[int, datetime], now: datetime, tz: str) -> tuple[Doing, str]:
    for job in jobs:
        if job.on_site:
            since = arrived.get(job.ticket.id)
            at = f' since {when.moment(since, now, tz)}' if since else ''
            return Doing.ON_SITE, f'On site at {job.ticket.number}{at}'
    for job in jobs:
        if job.ticket.status == Status.ON_THE_WAY:
            eta = job.ticket.eta
            arrives = f', arrives ~{when.moment(eta, now, tz)}' if eta else ''
            return Doing.ON_THE_WAY, f'On the way to {job.ticket.number}{arrives}'
    return Doing.FREE, 'Free'


async def _missed_since(ticket_ids: list[int], since: datetime) -> dict[int, VisitWindow]:
    """Each ticket's latest window marked missed that ended since `since`."""
    found = await VisitWindow.filter(ticket_id__in=ticket_ids, state=WindowState.MISSED, end__gte=since).order_by('id')
    return {w.ticket_id: w for w in found}


async def _arrivals(ticket_ids: list[int]) -> dict[int, datetime]:
    """When the technician now on site at each ticket arrived."""
    found = await SiteVisit.filter(ticket_id__in=ticket_ids, arrived_at__not_isnull=True, left_at=None)
    return {v.ticket_id: v.arrived_at for v in found if v.arrived_at is not None}


def _jobs(day: Day) -> list[Job]:
    return day.today + day.tomorrow + day.later + day.undated


def _start_of_day(now: datetime, tz: str) -> datetime:
    zone = when.zone(tz)
    return datetime.combine(now.astimezone(zone).date(), datetime.min.time(), tzinfo=zone)
