"""Time in the measures' SQL: the organisation's days and weeks, working hours, and medians, the same on SQLite
and PostgreSQL.

Both databases run the same arithmetic, so that both give the same figures:

- **Local time.** A timestamp's local time is its UTC time plus the zone's offset at that instant. The offsets
  come from Python's zoneinfo for the period (from 400 days before it to a day after), as a handful of
  segments ("from this instant on, +3600 s"), written into the SQL as one CASE. SQLite has no time zones, and
  PostgreSQL's `AT TIME ZONE` would be a second implementation to keep in step. Outside those segments the
  nearest segment's offset is used (a ticket open for more than a year may be off by an hour).
- **Working time** between a and b is W(b) − W(a), where W(t) counts the working seconds from 1 Jan 1970 to t
  in the working calendar (working weekdays, a daily window in local wall-clock time): whole weeks times the
  working days of a week, the working days of the week so far, and the part of today's window already
  passed. Pure arithmetic on the local epoch seconds, no calendar table. It matches `sla.BusinessHours`
  (which walks the calendar in Python) except when a DST change falls inside the working window itself.
- **Counted once, stored.** A ticket's counted seconds (report to first answer, report to fix) are written
  into the ticket (`answer_seconds`, `fix_seconds`) by `stamp` the first time a measure reads them, with the
  arithmetic above, and cleared when the answer or fix time, its target's working hours or the calendar
  change (models/tickets.py, models/sla.py). A measure then sorts stored integers, read through the indexes
  (first_response_at, answer_seconds) and (resolved_at, fix_seconds), instead of parsing and shifting two
  timestamps per row every time a manager looks.
- **Median and 90th percentile** with window functions (SQLite ≥ 3.25 and PostgreSQL): each row numbered in
  order of its time, with the count beside it, and only the rows at the middle and at the 90 % rank read
  back. The median of an even count is the mean of the two middle rows; the 90th percentile is the
  nearest-rank one (the ⌈0.9·n⌉-th of n). Times are rounded to whole seconds in SQL first.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise import connections

from .records import Ticket
from .sla import WorkingCalendar, working_calendar

EPOCH = date(1970, 1, 1)  # a Thursday: day 0 of the arithmetic below
LOOK_BACK = timedelta(days=400)


@dataclass(frozen=True)
class Zone:
    """The organisation's time zone and working week, with the zone's offsets around one period."""

    name: str
    segments: tuple[tuple[datetime, int], ...]  # (from this UTC instant, offset in seconds), oldest first
    days: frozenset[int]  # ISO weekdays
    start_minute: int
    end_minute: int

    def midnight(self, day: date) -> datetime:
        """The UTC instant of local midnight starting `day`."""
        return datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(self.name)).astimezone(UTC)

    def today(self, now: datetime) -> date:
        return now.astimezone(ZoneInfo(self.name)).date()


UTC_ZONE = Zone('UTC', ((datetime(1970, 1, 1, tzinfo=UTC), 0),), frozenset({1, 2, 3, 4, 5}), 9 * 60, 17 * 60)


async def zone(since: datetime, until: datetime) -> Zone:
    """The working calendar's zone (UTC while none is set) with its offsets around [since, until)."""
    return zone_of(await working_calendar(), since, until)


def zone_of(cal: WorkingCalendar, since: datetime, until: datetime) -> Zone:
    tz = ZoneInfo(cal.timezone)
    start, end = since - LOOK_BACK, until + timedelta(days=1)
    segments = [(start, _offset(tz, start))]
    cursor = start
    while cursor < end:
        step = min(cursor + timedelta(days=1), end)
        if _offset(tz, step) != segments[-1][1]:
            low, high = cursor, step  # the change lies in (low, high]: find its second
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (low, middle) if _offset(tz, middle) != segments[-1][1] else (middle, high)
            segments.append((high.replace(microsecond=0), _offset(tz, high)))
        cursor = step
    days = frozenset(int(d) for d in cal.days)
    return Zone(cal.timezone, tuple(segments), days, cal.start_minute, cal.end_minute)


def _offset(tz: ZoneInfo, at: datetime) -> int:
    delta = at.astimezone(tz).utcoffset()
    return int(delta.total_seconds()) if delta else 0


def day_of(number: int) -> date:
    """The date of a local day number (days since 1 Jan 1970) that the SQL below returns."""
    return EPOCH + timedelta(days=int(number))


class Sql:
    """SQL pieces for one database and one zone; parameters are collected in order as they are used."""

    def __init__(self, z: Zone, *, postgres: bool | None = None) -> None:
        if postgres is None:
            postgres = connections.get('default').capabilities.dialect == 'postgres'
        self.postgres, self.zone = postgres, z
        self.params: list[object] = []

    def param(self, value: datetime | int) -> str:
        """A placeholder; SQLite keeps times as text in the form Tortoise writes ('2026-11-24 09:00:00+00:00')."""
        given: object = value
        if isinstance(value, datetime):
            given = value.astimezone(UTC) if self.postgres else str(value.astimezone(UTC))
        self.params.append(given)
        return f'${len(self.params)}' if self.postgres else '?'

    def epoch(self, column: str) -> str:
        """Seconds since 1970 (UTC) of a timestamp column."""
        if self.postgres:
            return f'EXTRACT(EPOCH FROM {column})::float8'
        return f'((julianday({column}) - 2440587.5) * 86400.0)'

    def offset(self, column: str) -> str:
        """The zone's offset, in seconds, at the instant in `column` (literals: the same SQL for every row)."""
        if len(self.zone.segments) == 1:
            return str(self.zone.segments[0][1])
        branches = ' '.join(
            f'WHEN {column} >= {self._instant(at)} THEN {offset}' for at, offset in reversed(self.zone.segments[1:])
        )
        return f'(CASE {branches} ELSE {self.zone.segments[0][1]} END)'

    def local(self, column: str) -> str:
        """Local wall-clock seconds since 1970 (as if the local time were UTC)."""
        return f'({self.epoch(column)} + {self.offset(column)})'

    def whole(self, expression: str) -> str:
        """Rounded down to an integer (only ever used on times after 1970, where truncating is rounding down)."""
        return f'CAST(FLOOR({expression}) AS BIGINT)' if self.postgres else f'CAST({expression} AS INTEGER)'

    def day(self, column: str) -> str:
        """The local day's number (days since 1 Jan 1970); `day_of` turns it into a date."""
        return self.whole(f'{self.local(column)} / 86400.0')

    def week(self, column: str) -> str:
        """The number of the Monday starting the local week (day 0 is a Thursday: 3 days after a Monday)."""
        d = self.day(column)
        return f'({d} - (({d} + 3) % 7))'

    def working(self, local: str, day: str) -> str:
        """W(t): working seconds from 1970 to t, given t's local seconds and local day number (as SQL)."""
        z = self.zone
        length, start = (z.end_minute - z.start_minute) * 60, z.start_minute * 60
        weekdays = [(r + 3) % 7 + 1 for r in range(7)]  # the ISO weekday of day numbers ≡ r (mod 7)
        before = [sum(1 for k in range(r) if weekdays[k] in z.days) for r in range(7)]
        works = [int(weekdays[r] in z.days) for r in range(7)]
        days_before = f'(({day} / 7) * {len(z.days)} + {self._pick(day, before)})'
        today = f'{self._pick(day, works)} * {self._clamp(f"({local} - {day} * 86400.0 - {start})", length)}'
        return f'({days_before} * {length} + {today})'

    def durations(self, *, start: str, end: str, working: str, target: str, group: str, where: str) -> str:
        """Per row of `where` (ticket t joined to its target st): its group, whole seconds from `start` to `end`
        (working time where `working` is true), whether it has a target (`target`, minutes) and met it.

        Each step is a MATERIALIZED common table expression, so that each timestamp is parsed and shifted once
        per row (inlined, the working-time formula would repeat them a dozen times)."""
        return (
            'WITH base AS MATERIALIZED ('
            f' SELECT {group} AS grp, {working} AS bh, {target} AS minutes,'
            f' {self.epoch(start)} AS a, {self.epoch(end)} AS b, {self.offset(start)} AS oa, {self.offset(end)} AS ob'
            f' FROM ticket t LEFT JOIN sla_target st ON st.service_id = t.service_id AND st.priority = t.priority'
            f' WHERE {where}'
            '), shifted AS MATERIALIZED ('
            ' SELECT grp, bh, minutes, a, b, a + oa AS la, b + ob AS lb,'
            f' {self.whole("(a + oa) / 86400.0")} AS da, {self.whole("(b + ob) / 86400.0")} AS db FROM base'
            '), timed AS MATERIALIZED ('
            f' SELECT grp, minutes, ROUND(CASE WHEN bh THEN {self.working("lb", "db")} - {self.working("la", "da")}'
            ' ELSE b - a END) AS s FROM shifted'
            ')'
        )

    def counted(self, *, seconds: str, target: str, group: str, where: str) -> str:
        """Per row of `where` (ticket t joined to its target st): its group, the stored counted seconds (`stamp`
        wrote them) and its target in minutes, as the `timed` table that `ranked` reads."""
        return (
            f'WITH timed AS (SELECT {group} AS grp, {target} AS minutes, t.{seconds} AS s'
            ' FROM ticket t LEFT JOIN sla_target st ON st.service_id = t.service_id AND st.priority = t.priority'
            f' WHERE {where})'
        )

    def _pick(self, day: str, values: list[int]) -> str:
        if len(set(values)) == 1:
            return str(values[0])
        return f'(CASE ({day} % 7) ' + ' '.join(f'WHEN {r} THEN {v}' for r, v in enumerate(values)) + ' END)'

    def _clamp(self, expression: str, most: int) -> str:
        low, high = ('GREATEST', 'LEAST') if self.postgres else ('MAX', 'MIN')
        return f'{low}(0, {high}({most}, {expression}))'

    def _instant(self, at: datetime) -> str:
        return f"'{at.astimezone(UTC)}'"


COUNTED = {'answer': ('first_response_at', 'answer_seconds'), 'fix': ('resolved_at', 'fix_seconds')}


async def stamp(z: Zone, kind: str, since: datetime, until: datetime) -> None:
    """Write the counted seconds of the tickets first answered (`kind` 'answer') or fixed ('fix') in
    [since, until) that have none stored yet (new, or cleared since); `z` must cover their reports."""
    end, column = COUNTED[kind]
    sql = Sql(z)
    where = f't.{end} >= {sql.param(since)} AND t.{end} < {sql.param(until)} AND t.{column} IS NULL'
    ctes = sql.durations(
        start='t.created_at', end=f't.{end}', working='st.business_hours', target='NULL', group='t.id', where=where
    )
    await connections.get('default').execute_query(
        f'{ctes} UPDATE ticket SET {column} = {sql.whole("timed.s")} FROM timed WHERE ticket.id = timed.grp',
        sql.params,
    )


BACKFILL_WEEK = timedelta(days=7)


async def backfill(now: datetime, *, pause: float = 0.05) -> int:
    """Store the counted seconds of every ticket answered or fixed before `now` that has none yet, newest week
    first, one week per statement with a short pause between, so the database stays free for everyone else.

    After an upgrade (or a change that cleared many), the first look at the measures would otherwise count a
    whole period at once (seconds at a million tickets on PostgreSQL); every instance may run it at start, the
    UPDATE only fills what is still empty. Returns how many weeks it stamped."""
    weeks = 0
    for kind, (end, column) in COUNTED.items():
        until = now
        while True:
            empty = Ticket.filter(**{f'{end}__lt': until, f'{column}__isnull': True, f'{end}__isnull': False})
            newest = await empty.order_by(f'-{end}').first().values_list(end, flat=True)
            if newest is None:
                break
            until = min(until, newest + timedelta(seconds=1))  # type: ignore[operator]
            since = until - BACKFILL_WEEK
            await stamp(await zone(since, until), kind, since, until)
            weeks += 1
            until = since  # always further back: a ticket the UPDATE left empty cannot hold it here
            await asyncio.sleep(pause)
    return weeks


async def rows(sql: str, params: list[object]) -> list[dict]:
    return await connections.get('default').execute_query_dict(sql, params)


def ranked(ctes: str, group: bool) -> str:
    """After `Sql.durations`: only the rows that the median and 90th percentile need, with the count and the
    target counts of their group beside them."""
    part = 'PARTITION BY grp' if group else ''
    return (
        f'{ctes} SELECT grp, s, rn, n, counted, met FROM ('
        f' SELECT grp, s, ROW_NUMBER() OVER ({part} ORDER BY s) AS rn, COUNT(*) OVER ({part}) AS n,'
        f' SUM(CASE WHEN minutes IS NULL THEN 0 ELSE 1 END) OVER ({part}) AS counted,'
        f' SUM(CASE WHEN minutes IS NOT NULL AND s <= minutes * 60 THEN 1 ELSE 0 END) OVER ({part}) AS met'
        ' FROM timed) AS numbered'
        ' WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2 OR rn = (9 * n + 9) / 10'
    )


def spread(found: list[dict]) -> dict[object, dict[str, float | int | None]]:
    """Per group key: n, median, p90, and how many had a target (counted) and met it (met)."""
    result: dict[object, dict] = {}
    for row in found:
        n = int(row['n'])
        entry = result.setdefault(row['grp'], {'n': n, 'middle': [], 'p90': None})
        entry['counted'], entry['met'] = int(row['counted'] or 0), int(row['met'] or 0)
        rank, value = int(row['rn']), float(row['s'])
        if rank in ((n + 1) // 2, (n + 2) // 2):
            entry['middle'].append(value)
        if rank == (9 * n + 9) // 10:
            entry['p90'] = value
    for entry in result.values():
        middle = entry.pop('middle')
        entry['median'] = sum(middle) / len(middle) if middle else None
    return result
