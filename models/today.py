"""A technician's day: today's jobs in visit order, then tomorrow, later, and the ones with no date yet.

Today holds the visits chosen for today (by their start) and what is under way (on the way, on site),
then late and at-risk work, then priority, then age. Each job says what comes next in plain words.
Read-only: every figure is read for the whole list at once (one query per kind, not one per job).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import queries, sla, when
from .errors import require
from .records import OPEN, Status, Ticket
from .sla import Due, SlaState
from .users import User
from .visits import SiteVisit, VisitWindow, WindowState

URGENCY = {SlaState.BREACHED: 0, SlaState.AT_RISK: 1}


@dataclass(frozen=True)
class Job:
    ticket: Ticket
    window: VisitWindow | None  # the chosen visit, if any
    due: Due | None
    on_site: bool
    next_step: str  # what comes next, in plain words


@dataclass
class Day:
    today: list[Job] = field(default_factory=list)
    tomorrow: list[Job] = field(default_factory=list)
    later: list[Job] = field(default_factory=list)
    undated: list[Job] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.today) + len(self.tomorrow) + len(self.later) + len(self.undated)


async def plan(viewer: User, *, now: datetime, technician_id: int | None = None) -> Day:
    """`viewer`'s own day (or, for a manager, `technician_id`'s)."""
    require(viewer.can_work_tickets, 'Only technicians have a day of jobs.')
    whose = technician_id if technician_id is not None and viewer.is_manager else viewer.id
    found = await Ticket.filter(assignee_id=whose, status__in=OPEN).select_related('service', 'requester', 'assignee')
    ids = [t.id for t in found]
    windows = {
        w.ticket_id: w for w in await VisitWindow.filter(ticket_id__in=ids, state=WindowState.CONFIRMED).order_by('id')
    }
    visiting = SiteVisit.filter(ticket_id__in=ids, arrived_at__not_isnull=True, left_at=None)
    on_site = set(await queries.column(visiting, 'ticket_id'))
    levels = await sla.levels_for(viewer, found, now)
    day = Day()
    today = when.zone(viewer.timezone)
    start_of_today = datetime.combine(now.astimezone(today).date(), datetime.min.time(), tzinfo=today)
    for ticket in found:
        window = windows.get(ticket.id)
        here = ticket.id in on_site
        _file(day, Job(ticket, window, levels.get(ticket.id), here, _next_step(ticket, window, here)), start_of_today)
    day.today.sort(key=_today_order)
    for jobs in (day.tomorrow, day.later):
        jobs.sort(key=lambda j: (j.window.start if j.window else now, j.ticket.id))
    day.undated.sort(key=_urgency_order)
    return day


def _file(day: Day, job: Job, start_of_today: datetime) -> None:
    window, status = job.window, job.ticket.status
    if job.on_site or status == Status.ON_THE_WAY:
        day.today.append(job)
    elif window is None:
        day.undated.append(job)
    elif window.start < start_of_today + timedelta(days=1):
        day.today.append(job)  # today's, or an earlier one nobody has come to yet
    elif window.start < start_of_today + timedelta(days=2):
        day.tomorrow.append(job)
    else:
        day.later.append(job)


def _today_order(job: Job) -> tuple:
    """Under way first, then the chosen windows by start, then the rest by urgency."""
    under_way = job.on_site or job.ticket.status == Status.ON_THE_WAY
    start = job.window.start.timestamp() if job.window else float('inf')
    return (0 if under_way else 1, start, *_urgency_order(job))


def _urgency_order(job: Job) -> tuple:
    state = job.due.state if job.due else None
    urgency = URGENCY.get(state, 2) if state is not None else 2
    return (urgency, -job.ticket.priority, job.ticket.created_at.timestamp(), job.ticket.id)


def _next_step(ticket: Ticket, window: VisitWindow | None, on_site: bool) -> str:
    s = ticket.status
    if on_site:
        return 'On site: tick the checklist, then "Leaving"'
    if s == Status.ON_THE_WAY:
        return 'On the way: say "Arrived" when you get there'
    if s == Status.VISIT_PLANNED and window is not None:
        return 'Say "On my way" when you set off'
    if s == Status.WAITING_PART:
        return 'Waiting for a part: carry on when it comes'
    if s == Status.WAITING:
        return 'Waiting for the requester'
    if s in (Status.ASSIGNED, Status.REOPENED):
        return 'Start work, or offer visit times'
    return 'Carry on, or offer visit times'
