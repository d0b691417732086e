"""Service levels: targets per service and priority, due times, and on-track / at-risk / breached.

A target gives the time to first response and the time to resolution, counted around the clock or in
business hours of the organisation's working calendar (working days, hours, IANA time zone: one row).
Business-hours arithmetic walks the calendar day by day in its zone, so nights, weekends and DST
changes fall where a wall clock puts them.

The resolution clock stops while the ticket waits for the requester (and while it is fixed, until a
reopen). The stops are derived from the timeline: every status change writes an event whose data has
`to` (set_status, a requester's answer, resolve, reopen, close, the auto-resolve), so the intervals
spent in waiting / resolved / closed are read back from those events — no counter on the ticket to
keep in step. The first-response clock never stops (asking the requester a question is a response).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from . import queries
from .catalog import Priority, Service
from .errors import Invalid, NotFound, require
from .records import OPEN, EventKind, Ticket, TicketEvent
from .users import User

MAX_TARGET_MINUTES = 365 * 24 * 60
MAX_DAYS = 3660  # business-hours arithmetic gives up after ten years of calendar
# Statuses in which the resolution clock stands still (waiting for the requester or for a part, fixed).
STOPPED = frozenset({'waiting', 'waiting_part', 'resolved', 'closed'})


class SlaState(StrEnum):
    ON_TRACK = 'on_track'
    AT_RISK = 'at_risk'
    BREACHED = 'breached'


class SlaTarget(Model):
    id = fields.IntField(primary_key=True)
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        'models.Service', related_name='sla_targets', on_delete=fields.CASCADE
    )
    service_id: int
    priority = fields.IntEnumField(Priority)
    first_response_minutes = fields.IntField(null=True)
    resolution_minutes = fields.IntField(null=True)
    business_hours = fields.BooleanField(default=False)  # count only the working calendar's hours

    class Meta:
        table = 'sla_target'
        unique_together = (('service', 'priority'),)


class WorkingCalendar(Model):
    """The organisation's working week: one row (id 1), Mon–Fri 09:00–17:00 UTC while there is none."""

    id = fields.IntField(primary_key=True)
    timezone = fields.CharField(max_length=64, default='UTC')
    days = fields.CharField(max_length=7, default='12345')  # ISO weekdays: 1 Monday ... 7 Sunday
    start_minute = fields.IntField(default=9 * 60)  # minutes after local midnight
    end_minute = fields.IntField(default=17 * 60)
    at_risk_percent = fields.IntField(default=75)  # share of the allowed time after which a ticket is at risk

    class Meta:
        table = 'working_calendar'


@dataclass(frozen=True)
class Due:
    first_response: datetime | None
    resolution: datetime | None
    state: SlaState | None  # None: no target for this service and priority


# ---- reading ---------------------------------------------------------------------------------------


async def due_times(ticket: Ticket, now: datetime) -> Due:
    """The ticket's due times and its marker (one ticket; use `service_levels` for a list)."""
    return (await service_levels([ticket], now))[ticket.id]


async def due_for(viewer: User, ticket: Ticket, now: datetime) -> Due | None:
    """Due times are for staff: a requester gets None (they see the status words, not our targets)."""
    if not viewer.can_work_tickets:
        return None
    return await due_times(ticket, now)


async def levels_for(viewer: User, ticket_list: list[Ticket], now: datetime) -> dict[int, Due]:
    """`service_levels` for staff; nothing for anyone else."""
    if not viewer.can_work_tickets:
        return {}
    return await service_levels(ticket_list, now)


@dataclass(frozen=True)
class Alarms:
    """The moments worth a warning while they are still ahead of the clock: when the ticket becomes at risk
    and when it is overdue, per clock. None: that clock has nothing left to warn about (no target, already
    answered, fixed, or standing still while the ticket waits for the requester)."""

    reply_at_risk: datetime | None = None
    reply_due: datetime | None = None
    fix_at_risk: datetime | None = None
    fix_due: datetime | None = None
    target: SlaTarget | None = None


async def alarms(ticket: Ticket) -> Alarms:
    """When this ticket turns at risk and overdue, as it stands (the follow-up jobs are scheduled from it)."""
    target = await SlaTarget.get_or_none(service_id=ticket.service_id, priority=Priority(ticket.priority))
    if target is None or not ticket.is_open:
        return Alarms(target=target)
    cal = await working_calendar()
    clk = business_hours(cal) if target.business_hours else AROUND_THE_CLOCK
    share = cal.at_risk_percent / 100
    found: dict[str, datetime] = {}
    if target.first_response_minutes and ticket.first_response_at is None:
        allowed = target.first_response_minutes * 60
        found['reply_at_risk'] = clk.add(ticket.created_at, allowed * share)
        found['reply_due'] = clk.add(ticket.created_at, allowed)
    if target.resolution_minutes and ticket.status not in STOPPED:
        allowed, stops = target.resolution_minutes * 60, (await _stops({ticket.id})).get(ticket.id, [])
        closed = [(a, b) for a, b in stops if b is not None]
        found['fix_at_risk'] = _due(clk, ticket.created_at, allowed * share, closed)
        found['fix_due'] = _due(clk, ticket.created_at, allowed, closed)
    return Alarms(target=target, **found)


async def open_tickets(
    *, service_id: int | None = None, priority: Priority | None = None, where: Q | None = None
) -> list[int]:
    """Ids of the open tickets of one service and priority, or (without them) of every service and priority
    that has a target (and `where`, if given): the tickets whose warnings a changed target or calendar moves."""
    if service_id is not None:
        covered = [Q(service_id=service_id, priority=priority)]
    else:
        covered = [Q(service_id=s, priority=p) for s, p in await SlaTarget.all().values_list('service_id', 'priority')]
    if not covered:
        return []
    query = Ticket.filter(Q(*covered, join_type='OR'), status__in=OPEN)
    if where is not None:
        query = query.filter(where)
    return await queries.ids(query)


async def sla_state(ticket: Ticket, now: datetime) -> SlaState | None:
    return (await due_times(ticket, now)).state


async def service_levels(ticket_list: list[Ticket], now: datetime) -> dict[int, Due]:
    """Due times and markers for many tickets in three queries (a queue can sort at-risk first)."""
    targets = {
        (t.service_id, t.priority): t
        for t in await SlaTarget.filter(service_id__in={t.service_id for t in ticket_list})
    }
    cal = await working_calendar()
    stops = await _stops({t.id for t in ticket_list})
    result = {}
    for t in ticket_list:
        target = targets.get((t.service_id, Priority(t.priority)))
        if target is None or not (target.first_response_minutes or target.resolution_minutes):
            result[t.id] = Due(None, None, None)
            continue
        clk = business_hours(cal) if target.business_hours else AROUND_THE_CLOCK
        result[t.id] = _evaluate(t, target, clk, stops.get(t.id, []), now, cal.at_risk_percent)
    return result


async def targets(*, actor: User) -> list[SlaTarget]:
    require(actor.can_work_tickets, 'Only staff can see the service levels.')
    return await SlaTarget.all().order_by('service_id', 'priority')


async def working_calendar() -> WorkingCalendar:
    return await WorkingCalendar.get_or_none(id=1) or WorkingCalendar(id=1)


# ---- managers set targets and the calendar -------------------------------------------------------------


async def set_target(
    *,
    actor: User,
    service_id: int,
    priority: Priority,
    first_response_minutes: int | None,
    resolution_minutes: int | None,
    business_hours: bool = False,
) -> SlaTarget | None:
    """Set the target for one service and priority; with neither time given, remove it."""
    require(actor.is_manager, 'Only managers can set service levels.')
    if not await Service.exists(id=service_id):
        raise NotFound('That service does not exist.', field='service')
    try:
        priority = Priority(priority)
    except ValueError:
        raise Invalid('Choose a priority.', field='priority') from None
    values: dict[str, Any] = {
        'first_response_minutes': _minutes(first_response_minutes, 'first_response_minutes'),
        'resolution_minutes': _minutes(resolution_minutes, 'resolution_minutes'),
        'business_hours': bool(business_hours),
    }
    if values['first_response_minutes'] is None and values['resolution_minutes'] is None:
        await SlaTarget.filter(service_id=service_id, priority=priority).delete()
    elif not await SlaTarget.filter(service_id=service_id, priority=priority).update(**values):
        try:
            await SlaTarget.create(service_id=service_id, priority=priority, **values)
        except IntegrityError:  # set twice at once: the later values win
            await SlaTarget.filter(service_id=service_id, priority=priority).update(**values)
    # Whether working hours count may have changed: the measures count these tickets' times again.
    await _forget_counted_times(Ticket.filter(service_id=service_id, priority=priority))
    # Open tickets' warnings move to the new times (those already past are not sent after the fact).
    affected = await open_tickets(service_id=service_id, priority=priority)
    await _targets_moved(affected)
    return await SlaTarget.get_or_none(service_id=service_id, priority=priority)


async def _forget_counted_times(tickets: QuerySet[Ticket]) -> None:
    """Clear the answer and fix times the measures stored (records.Ticket.answer_seconds): they depend on the
    targets' working hours and on the calendar; the measures count them again when next read."""
    await tickets.filter(answer_seconds__not_isnull=True).update(answer_seconds=None)
    await tickets.filter(fix_seconds__not_isnull=True).update(fix_seconds=None)


async def set_calendar(
    *,
    actor: User,
    days: Iterable[int],
    start: time,
    end: time,
    timezone: str,
    at_risk_percent: int = 75,
) -> WorkingCalendar:
    require(actor.is_manager, 'Only managers can change the working calendar.')
    day_set = sorted(set(days))
    if not day_set or not all(isinstance(d, int) and 1 <= d <= 7 for d in day_set):
        raise Invalid('Choose at least one working day.', field='days')
    start_minute, end_minute = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    end_minute = end_minute or 24 * 60  # "until 00:00" is the end of the day
    if start_minute >= end_minute:
        raise Invalid('The working day has to end after it starts.', field='end')
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid('Choose a time zone such as "Europe/Berlin".', field='timezone') from None
    if not isinstance(at_risk_percent, int) or not 1 <= at_risk_percent <= 99:
        raise Invalid('Choose a share from 1 to 99 %.', field='at_risk_percent')
    values: dict[str, Any] = {
        'days': ''.join(map(str, day_set)),
        'start_minute': start_minute,
        'end_minute': end_minute,
        'timezone': timezone,
        'at_risk_percent': at_risk_percent,
    }
    # One UPDATE; the first save inserts the row, and a save at the same moment that lost the insert updates it.
    if not await WorkingCalendar.filter(id=1).update(**values):
        try:
            await WorkingCalendar.create(id=1, **values)
        except IntegrityError:
            await WorkingCalendar.filter(id=1).update(**values)
    cal = await working_calendar()
    await _forget_counted_times(Ticket.all())  # working hours and days are counted anew
    await _targets_moved(await open_tickets())
    return cal


# What follows a changed target or calendar (models/followups.py moves its warnings) registers here: the
# floors above are told, this module imports none of them.
Refit = Callable[[list[int]], Awaitable[None]]
_when_moved: list[Refit] = []


def when_targets_move(refit: Refit) -> None:
    """`refit(ticket_ids)` runs after a manager changed a target or the working calendar."""
    if refit not in _when_moved:
        _when_moved.append(refit)


async def _targets_moved(ticket_ids: list[int]) -> None:
    for refit in _when_moved:
        await refit(ticket_ids)


# ---- clocks -----------------------------------------------------------------------------------------


class Clock(Protocol):
    def seconds(self, a: datetime, b: datetime) -> float:
        """Counted seconds between a and b (0 if b is not after a)."""

    def add(self, a: datetime, seconds: float) -> datetime:
        """The instant at which `seconds` counted seconds have passed since a."""


class AroundTheClock:
    def seconds(self, a: datetime, b: datetime) -> float:
        return max(0.0, (b - a).total_seconds())

    def add(self, a: datetime, seconds: float) -> datetime:
        return a + timedelta(seconds=seconds)


AROUND_THE_CLOCK = AroundTheClock()


@dataclass(frozen=True)
class BusinessHours:
    zone: ZoneInfo
    days: frozenset[int]
    start_minute: int
    end_minute: int

    def seconds(self, a: datetime, b: datetime) -> float:
        total = 0.0
        if b <= a:
            return total
        for start, end in self.windows(a):
            if start >= b:
                break
            total += max(0.0, (min(end, b) - max(start, a)).total_seconds())
        return total

    def add(self, a: datetime, seconds: float) -> datetime:
        remaining = seconds
        for start, end in self.windows(a):
            start = max(start, a)
            if end <= start:
                continue
            span = (end - start).total_seconds()
            if remaining <= span:
                return start + timedelta(seconds=remaining)
            remaining -= span
        raise ValueError('The working calendar has no working hours.')

    def windows(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The working hours (in UTC) of each working day, from the local day of `since` on."""
        day = since.astimezone(self.zone).date()
        for _ in range(MAX_DAYS):
            if day.isoweekday() in self.days:
                midnight = datetime.combine(day, time(0), tzinfo=self.zone)
                # Wall-clock arithmetic on an aware datetime, then to UTC: DST falls where it does locally.
                yield (
                    (midnight + timedelta(minutes=self.start_minute)).astimezone(UTC),
                    (midnight + timedelta(minutes=self.end_minute)).astimezone(UTC),
                )
            day += timedelta(days=1)


def business_hours(cal: WorkingCalendar) -> BusinessHours:
    return BusinessHours(ZoneInfo(cal.timezone), frozenset(int(d) for d in cal.days), cal.start_minute, cal.end_minute)


# ---- helpers ------------------------------------------------------------------------------------------


def _evaluate(
    ticket: Ticket,
    target: SlaTarget,
    clk: Clock,
    stops: list[tuple[datetime, datetime | None]],
    now: datetime,
    at_risk: int,
) -> Due:
    created, states = ticket.created_at, []
    first_due = resolution_due = None
    if target.first_response_minutes:
        allowed = target.first_response_minutes * 60
        first_due = clk.add(created, allowed)
        if ticket.first_response_at is None:
            states.append(_state(clk.seconds(created, now) / allowed, at_risk))
        elif ticket.first_response_at > first_due:
            states.append(SlaState.BREACHED)
    if target.resolution_minutes:
        allowed = target.resolution_minutes * 60
        # While stopped, the due time is "if the clock ran again now"; once fixed, the due time it had.
        shown = stops if ticket.is_open else [(a, b) for a, b in stops if b is not None]
        resolution_due = _due(clk, created, allowed, [(a, b or now) for a, b in shown])
        used = clk.seconds(created, now) - sum(clk.seconds(a, min(b or now, now)) for a, b in stops)
        state = _state(used / allowed, at_risk)
        states.append(state if ticket.is_open or state == SlaState.BREACHED else SlaState.ON_TRACK)
    return Due(first_due, resolution_due, max(states, key=_ORDER.index) if states else SlaState.ON_TRACK)


_ORDER = [SlaState.ON_TRACK, SlaState.AT_RISK, SlaState.BREACHED]


def _state(used: float, at_risk_percent: int) -> SlaState:
    if used >= 1:
        return SlaState.BREACHED
    if used * 100 >= at_risk_percent:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def _due(clk: Clock, start: datetime, seconds: float, stops: list[tuple[datetime, datetime]]) -> datetime:
    """When `seconds` of counted time have run from `start`, skipping the stops."""
    cursor, remaining = start, seconds
    for a, b in stops:
        if a > cursor:
            span = clk.seconds(cursor, a)
            if span >= remaining:
                return clk.add(cursor, remaining)
            remaining -= span
        cursor = max(cursor, b)
    return clk.add(cursor, remaining)


async def _stops(ticket_ids: set[int]) -> dict[int, list[tuple[datetime, datetime | None]]]:
    """Per ticket, the intervals spent waiting for the requester or fixed, from the status events."""
    rows = (
        await TicketEvent.filter(
            ticket_id__in=ticket_ids,
            kind__in=[EventKind.STATUS, EventKind.RESOLVED, EventKind.REOPENED],
        )
        .order_by('id')
        .values_list('ticket_id', 'created_at', 'data')
    )
    since: dict[int, datetime] = {}
    stops: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for ticket_id, at, data in rows:
        to = (data or {}).get('to')
        if to in STOPPED and ticket_id not in since:
            since[ticket_id] = at
        elif to is not None and to not in STOPPED and ticket_id in since:
            stops.setdefault(ticket_id, []).append((since.pop(ticket_id), at))
    for ticket_id, at in since.items():
        stops.setdefault(ticket_id, []).append((at, None))
    return stops


def _minutes(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or not 1 <= value <= MAX_TARGET_MINUTES:
        raise Invalid('Choose a time from 1 minute to 365 days.', field=field)
    return value
