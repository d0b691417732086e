"""Expectations set at the start: what a requester reads once they chose a service, and when they need it.

"Usually answered within 2 working hours, fixed within 3 working days" comes from the service's targets (at
the service's usual priority) and the working calendar; "Most requests like this are fixed within a day" from
the median time to fix of the last 90 days, once there are enough fixes to say so. The requester may say when
they need it (today, tomorrow, this week, no rush, or a date): the end of that working day in the calendar's
time zone. A need that falls before the fix target is flagged to staff at once, with the sentence the
requester read (the ticket keeps both: targets may move later, what was said does not).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from tortoise import connections

from . import sla
from .catalog import Priority, Service
from .errors import Invalid

HISTORY = timedelta(days=90)  # how far back "most requests like this" looks
ENOUGH_FIXES = 10  # fewer than this and the typical time says nothing
LATEST_NEED = timedelta(days=366)


class Need(StrEnum):
    TODAY = 'today'
    TOMORROW = 'tomorrow'
    THIS_WEEK = 'this_week'
    NO_RUSH = 'no_rush'
    DATE = 'date'


NEED_WORDS = {
    Need.TODAY: 'Today',
    Need.TOMORROW: 'Tomorrow',
    Need.THIS_WEEK: 'This week',
    Need.NO_RUSH: 'No rush',
    Need.DATE: 'Pick a day',
}


@dataclass(frozen=True)
class Promise:
    """What the desk says it usually does for one service, as the requester reads it."""

    reply_by: datetime | None  # if it were asked now
    fix_by: datetime | None
    targets: str  # "Usually answered within 2 working hours, fixed within 3 working days." or ''
    typical: str  # "Most requests like this are fixed within a day." or ''

    @property
    def sentence(self) -> str:
        return ' '.join(part for part in (self.targets, self.typical) if part)


async def promise(service: Service, now: datetime) -> Promise:
    target = await sla.SlaTarget.get_or_none(service_id=service.id, priority=Priority(service.default_priority))
    cal = await sla.working_calendar()
    reply_by = fix_by = None
    targets = ''
    if target is not None and (target.first_response_minutes or target.resolution_minutes):
        clk = sla.business_hours(cal) if target.business_hours else sla.AROUND_THE_CLOCK
        day = cal.end_minute - cal.start_minute if target.business_hours else 24 * 60
        parts = []
        if target.first_response_minutes:
            reply_by = clk.add(now, target.first_response_minutes * 60)
            parts.append(f'answered within {_span(target.first_response_minutes, day, target.business_hours)}')
        if target.resolution_minutes:
            fix_by = clk.add(now, target.resolution_minutes * 60)
            parts.append(f'fixed within {_span(target.resolution_minutes, day, target.business_hours)}')
        targets = 'Usually ' + ', '.join(parts) + '.'
    typical_seconds = await median_fix_seconds(service.id, now)
    typical = f'Most requests like this are fixed {_typical(typical_seconds)}.' if typical_seconds is not None else ''
    return Promise(reply_by, fix_by, targets, typical)


async def median_fix_seconds(service_id: int, now: datetime) -> float | None:
    """The median time from request to fix over the last 90 days (None with too few fixes), in the database:
    the count, then the middle row(s) by ORDER BY ... LIMIT/OFFSET (neither database needs a median function)."""
    conn = connections.get('default')
    postgres = conn.capabilities.dialect == 'postgres'
    if postgres:
        seconds, since = 'EXTRACT(EPOCH FROM (resolved_at - created_at))', 'resolved_at >= $2'
        params: list[object] = [service_id, now - HISTORY]
    else:  # SQLite keeps times as ISO text: compared and subtracted as julian days
        seconds, since = (
            '(julianday(resolved_at) - julianday(created_at)) * 86400.0',
            'julianday(resolved_at) >= julianday(?)',
        )
        params = [service_id, (now - HISTORY).isoformat()]
    where = f'service_id = {"$1" if postgres else "?"} AND resolved_at IS NOT NULL AND {since}'
    [row] = await conn.execute_query_dict(f'SELECT COUNT(*) AS n FROM ticket WHERE {where}', params)
    count = int(row['n'])
    if count < ENOUGH_FIXES:
        return None
    middle, take = (count - 1) // 2, 1 if count % 2 else 2
    rows = await conn.execute_query_dict(
        f'SELECT {seconds} AS s FROM ticket WHERE {where} ORDER BY s LIMIT {take} OFFSET {middle}', params
    )
    values = [float(r['s']) for r in rows]
    return sum(values) / len(values)


async def needed_by(need: Need | str, now: datetime, *, day: date | None = None) -> datetime | None:
    """The end of the working day the requester needs it by (None: no rush), in the calendar's zone."""
    try:
        need = Need(need)
    except ValueError:
        raise Invalid('Choose when you need it.', field='need') from None
    if need == Need.NO_RUSH:
        return None
    cal = await sla.working_calendar()
    zone = ZoneInfo(cal.timezone)
    today = now.astimezone(zone).date()
    if need == Need.TODAY:
        chosen = today
    elif need == Need.TOMORROW:
        chosen = today + timedelta(days=1)
    elif need == Need.THIS_WEEK:
        working = sorted(int(d) for d in cal.days) or [5]
        last = max((d for d in working if d >= today.isoweekday()), default=today.isoweekday())
        chosen = today + timedelta(days=last - today.isoweekday())
    else:
        if day is None:
            raise Invalid('Pick the day you need it by.', field='need')
        chosen = day
    if chosen < today:
        raise Invalid('Pick a day from today on.', field='need')
    end = datetime.combine(chosen, time(0), tzinfo=zone) + timedelta(minutes=cal.end_minute)
    if end <= now:  # later than the working day: by the end of the day itself
        end = datetime.combine(chosen + timedelta(days=1), time(0), tzinfo=zone)
    if end - now > LATEST_NEED:
        raise Invalid('Pick a day within the next year, or choose "No rush".', field='need')
    return end.astimezone(UTC)


def sooner_than_target(need: datetime | None, p: Promise) -> bool:
    return need is not None and p.fix_by is not None and need < p.fix_by


def need_words(need: datetime, viewer_zone: str, now: datetime) -> str:
    """ "Needed today by 17:00", "Needed by Fri 4 Dec": for the queue and the ticket."""
    zone = ZoneInfo(viewer_zone)
    local, today = need.astimezone(zone), now.astimezone(zone).date()
    clock_time = local.strftime('%H:%M')
    if local.date() == today:
        return f'Needed today by {clock_time}'
    if local.date() == today + timedelta(days=1):
        return f'Needed tomorrow by {clock_time}'
    return f'Needed by {local.strftime("%a")} {local.day} {local.strftime("%b")}'


def _span(minutes: int, day_minutes: int, working: bool) -> str:
    kind = 'working ' if working else ''
    if minutes < 60:
        return f'{minutes} minutes'
    if minutes < day_minutes or minutes % day_minutes:
        hours = math.ceil(minutes / 60)
        if hours < 24 or working:
            return f'{hours} {kind}hour{"s" if hours != 1 else ""}'
    days = math.ceil(minutes / day_minutes)
    return f'{days} {kind}day{"s" if days != 1 else ""}'


def _typical(seconds: float) -> str:
    hours = seconds / 3600
    if hours <= 1:
        return 'within an hour'
    if hours < 20:
        return f'within {math.ceil(hours)} hours'
    if hours <= 24:
        return 'within a day'
    return f'within {math.ceil(hours / 24)} days'
