"""Figures that compare: the headline figures of a period beside those of the period before it (the same
length, just before), with the service-level targets where there are any; compliance per service; a
technician's own figures.

Every figure is an SQL aggregate (models/measure_times.py writes the time arithmetic the same way for SQLite
and PostgreSQL); Python only divides and rounds what the database counted.

- **Volume.** received: tickets reported in the period. fixed: fixes made in the period (those still standing,
  plus those that were reopened: a ticket fixed twice counts twice). backlog: tickets reported before the
  period's end and not fixed by then (`resolved_at` is the latest fix: a ticket fixed before the end and
  reopened after it counts as open at the end).
- **First answer and fix times**: median and 90th percentile over the tickets first answered (fixed, the
  standing fixes) in the period, from the report. A ticket's time is counted in the working calendar's hours
  when its service-and-priority target counts business hours, around the clock otherwise (and when it has no
  target). The fix time runs from the report to the fix without pausing while the ticket waited for the
  requester (the SLA marker on a ticket pauses; this measure does not, so it is the stricter of the two).
- **Compliance**: of the answers (fixes) in the period whose service and priority has a target for it, the
  share within that target, counted the same way. A ticket still waiting past its target is not in it until it
  is answered (fixed); the backlog shows it meanwhile.
- **Satisfaction**: ratings of the fixes made in the period: average, share good or great (4–5), response
  rate (ratings / fixes), and how many of each score 1–5.
- **Callbacks**: fixes made in the period that were reopened, and their share of the fixes.
- **Self-help and visits** (managers only): requests avoided (models/deflections.py) and first-visit fixes
  (models/field_measures.py) of the same periods.

Days are the organisation's: the working calendar's time zone decides where a day starts.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from . import deflections, field_measures, help_settings, measure_times
from .catalog import Service
from .errors import Forbidden, Invalid, require
from .measure_times import Sql, Zone, ranked, rows, spread
from .sla import SlaTarget, working_calendar
from .users import User

SCORES = (1, 2, 3, 4, 5)
_KIND = {  # which timestamp ends the time, and which target column it is held against
    'answer': ('first_response_at', 'first_response_minutes'),
    'fix': ('resolved_at', 'resolution_minutes'),
}


async def figures(*, actor: User, since: datetime, until: datetime, now: datetime) -> dict[str, Any]:
    """The headline figures of [since, until) and of the period of the same length before it, the targets,
    and the time zone the days were counted in (managers only)."""
    require(actor.is_manager, 'Only managers can see the measures.')
    before = await _previous(since, until)
    zone = await measure_times.zone(before, until)
    current, previous = await both_periods(zone, before, since, until)
    for found, (start, end) in ((current, (since, until)), (previous, (before, since))):
        found.update(await _beside(actor, start, end, now))
    return {'current': current, 'previous': previous, 'targets': await targets(), 'timezone': zone.name}


async def my_figures(
    viewer: User, *, since: datetime, until: datetime, technician_id: int | None = None
) -> dict[str, Any]:
    """A technician's own figures (the tickets assigned to them) for the period and the one before it.

    A technician sees their own. Someone else's only when the viewer is a manager, or when managers turned on
    ranking staff (`help_settings.current().rank_staff`, the same switch as the self-help leaderboard's).
    """
    require(viewer.can_work_tickets, 'Only staff have figures of their own.')
    whose = viewer.id if technician_id is None else technician_id
    if whose != viewer.id and not viewer.is_manager and not (await help_settings.current()).rank_staff:
        raise Forbidden('You can see your own figures; a manager can turn on comparing colleagues.')
    before = await _previous(since, until)
    zone = await measure_times.zone(before, until)
    current, previous = await both_periods(zone, before, since, until, assignee=whose)
    return {
        'technician_id': whose,
        'current': current,
        'previous': previous,
        'targets': await targets(),
        'timezone': zone.name,
    }


async def compliance_by_service(*, actor: User, since: datetime, until: datetime) -> dict[int, dict[str, Any]]:
    """Per service: answers and fixes in the period, their median and 90th percentile, and the share within
    target (the same figures as the headline, one query per kind grouped by service)."""
    require(actor.is_manager, 'Only managers can see the measures.')
    _check(since, until)
    zone = await measure_times.zone(since, until)
    result: dict[int, dict[str, Any]] = {}
    for kind in _KIND:
        for key, found in (await timed(zone, kind, since, until, group='t.service_id')).items():
            result.setdefault(int(key), {})[kind] = _times(found)  # type: ignore[call-overload]
    return result


async def both_periods(
    zone: Zone, before: datetime, since: datetime, until: datetime, *, assignee: int | None = None
) -> tuple[dict, dict]:
    """The figures of [since, until) and of [before, since): each query reads both periods at once."""
    volume = await _volume(zone, (before, since, until), assignee)
    answers = await timed(zone, 'answer', before, until, assignee=assignee, split=since)
    fixes = await timed(zone, 'fix', before, until, assignee=assignee, split=since)
    found = []
    for index, (start, end) in enumerate(((since, until), (before, since))):
        scores = await _scores(zone, start, end, assignee)
        callbacks = await _callbacks(zone, start, end, assignee)
        found.append(_figures(volume[index], answers.get(index, {}), fixes.get(index, {}), scores, callbacks))
    return found[0], found[1]


def _figures(volume: dict[str, int], answers: dict, fixes: dict, scores: dict[int, int], callbacks: int) -> dict:
    fixed = int(fixes.get('n', 0)) + callbacks
    rated = sum(scores.values())
    total = sum(score * n for score, n in scores.items())
    return {
        'received': volume['received'],
        'fixed': fixed,
        'backlog': volume['backlog'],
        'rated': rated,
        'satisfaction': round(total / rated, 2) if rated else None,
        'satisfied': _ratio(scores[4] + scores[5], rated),
        'response_rate': _ratio(rated, fixed),
        'scores': scores,
        'callbacks': callbacks,
        'callback_rate': _ratio(callbacks, fixed),
        'first_answer': _times(answers),
        'fix': _times(fixes),
    }


async def timed(
    zone: Zone,
    kind: str,
    since: datetime,
    until: datetime,
    *,
    assignee: int | None = None,
    group: str | None = None,
    split: datetime | None = None,
) -> dict[object, dict]:
    """Per group: how many, median, 90th percentile, how many had a target and met it.

    Groups: by the SQL `group` (e.g. 't.service_id', numbered with window functions in one query), or two
    periods split at `split` (0 after it, 1 before), or none (everything under 0); a period alone is counted by
    one aggregate and its middle and 90 % ranks read with ORDER BY … LIMIT … OFFSET (`_ranks`), cheaper than
    numbering every row."""
    await measure_times.stamp(zone, kind, since, until)
    if group is None:
        parts = [(split, until), (since, split)] if split is not None else [(since, until)]
        found: dict[object, dict] = {}
        for index, (start, end) in enumerate(parts):
            one = await _ranks(zone, kind, start, end, assignee)
            if one is not None:
                found[index] = one
        return found
    ended, minutes = _KIND[kind]
    seconds = measure_times.COUNTED[kind][1]
    sql = Sql(zone)
    where = f't.{ended} >= {sql.param(since)} AND t.{ended} < {sql.param(until)} AND t.{seconds} IS NOT NULL'
    if assignee is not None:
        where += f' AND t.assignee_id = {sql.param(assignee)}'
    ctes = sql.counted(seconds=seconds, target=f'st.{minutes}', group=group, where=where)
    return spread(await rows(ranked(ctes, True), sql.params))


async def _ranks(zone: Zone, kind: str, since: datetime, until: datetime, assignee: int | None) -> dict | None:
    """One period's count, target counts, median (the mean of the two middle ones of an even count) and
    nearest-rank 90th percentile, as `measure_times.spread` gives them; None without any."""
    ended, minutes = _KIND[kind]
    seconds = measure_times.COUNTED[kind][1]

    def where(sql: Sql) -> str:
        found = f't.{ended} >= {sql.param(since)} AND t.{ended} < {sql.param(until)} AND t.{seconds} IS NOT NULL'
        return found + (f' AND t.assignee_id = {sql.param(assignee)}' if assignee is not None else '')

    sql = Sql(zone)
    [agg] = await rows(
        f'SELECT COUNT(*) AS n, SUM(CASE WHEN st.{minutes} IS NULL THEN 0 ELSE 1 END) AS counted,'
        f' SUM(CASE WHEN st.{minutes} IS NOT NULL AND t.{seconds} <= st.{minutes} * 60 THEN 1 ELSE 0 END) AS met'
        ' FROM ticket t LEFT JOIN sla_target st ON st.service_id = t.service_id AND st.priority = t.priority'
        f' WHERE {where(sql)}',
        sql.params,
    )
    n = int(agg['n'])
    if not n:
        return None

    async def at(rank: int, count: int = 1) -> list[float]:
        """The `count` values from the `rank`-th smallest (1-based) on."""
        sql = Sql(zone)
        text = f'SELECT t.{seconds} AS s FROM ticket t WHERE {where(sql)} ORDER BY t.{seconds}'
        text += f' LIMIT {count} OFFSET {rank - 1}'
        return [float(r['s']) for r in await rows(text, sql.params)]

    low, high = (n + 1) // 2, (n + 2) // 2
    middle = await at(low, high - low + 1)
    [p90] = await at((9 * n + 9) // 10)
    counted, met = int(agg['counted'] or 0), int(agg['met'] or 0)
    return {'n': n, 'median': sum(middle) / len(middle), 'p90': p90, 'counted': counted, 'met': met}


async def targets() -> dict[str, dict[str, Any] | None]:
    """The targets that exist, for the headline: the shortest and longest, and whether they count working
    hours ('working': True, False, or None when some do and some do not)."""
    found = await SlaTarget.all().values('first_response_minutes', 'resolution_minutes', 'business_hours')
    result: dict[str, dict[str, Any] | None] = {}
    for kind, (_, column) in _KIND.items():
        given = [(t[column], bool(t['business_hours'])) for t in found if t[column]]
        if not given:
            result[kind] = None
            continue
        kinds = {working for _, working in given}
        minutes = [m for m, _ in given]
        result[kind] = {
            'shortest_minutes': min(minutes),
            'longest_minutes': max(minutes),
            'working': kinds.pop() if len(kinds) == 1 else None,
        }
    return result


async def service_names() -> dict[int, str]:
    return dict(await Service.all().values_list('id', 'name'))


# ---- helpers ------------------------------------------------------------------------------------------------


def _check(since: datetime, until: datetime) -> None:
    if since >= until:
        raise Invalid('The period has to end after it starts.', field='until')


async def _previous(since: datetime, until: datetime) -> datetime:
    """The start of the period just before [since, until): as many of the organisation's days when the period
    is whole local days (across a clock change, a week is 167 or 169 hours and its days still start at
    midnight), as long otherwise."""
    _check(since, until)
    zone = ZoneInfo((await working_calendar()).timezone)
    first, end = since.astimezone(zone), until.astimezone(zone)
    if first.time() == end.time() == time(0):
        start = first.date() - (end.date() - first.date())
        return datetime.combine(start, time(0), tzinfo=zone).astimezone(UTC)
    return since - (until - since)


async def _volume(zone: Zone, bounds: tuple[datetime, datetime, datetime], assignee: int | None) -> list[dict]:
    """Received and open at the end, for [since, until) and [before, since); bounds = (before, since, until).

    One statement reads only the tickets that can count: reported since `before`, not fixed, or fixed since
    `since` (each an indexable range: with indexes on created_at and resolved_at, it never reads them all)."""
    before, since, until = bounds
    sql = Sql(zone)  # placeholders are made in the order they appear (SQLite's '?' are positional)

    def reported(start: datetime, end: datetime) -> str:
        return (
            f'SUM(CASE WHEN t.created_at >= {sql.param(start)} AND t.created_at < {sql.param(end)} THEN 1 ELSE 0 END)'
        )

    def still_open(at: datetime) -> str:
        created, fixed = sql.param(at), sql.param(at)
        return (
            f'SUM(CASE WHEN t.created_at < {created} AND (t.resolved_at IS NULL OR t.resolved_at >= {fixed})'
            ' THEN 1 ELSE 0 END)'
        )

    columns = (
        f'{reported(since, until)} AS received, {reported(before, since)} AS received_before,'
        f' {still_open(until)} AS backlog, {still_open(since)} AS backlog_before'
    )
    where = f'(t.created_at >= {sql.param(before)} OR t.resolved_at IS NULL OR t.resolved_at >= {sql.param(since)})'
    if assignee is not None:
        where += f' AND t.assignee_id = {sql.param(assignee)}'
    [row] = await rows(f'SELECT {columns} FROM ticket t WHERE {where}', sql.params)
    return [
        {'received': int(row['received'] or 0), 'backlog': int(row['backlog'] or 0)},
        {'received': int(row['received_before'] or 0), 'backlog': int(row['backlog_before'] or 0)},
    ]


async def _scores(zone: Zone, since: datetime, until: datetime, assignee: int | None) -> dict[int, int]:
    sql = Sql(zone)
    where = f'r.fix_at >= {sql.param(since)} AND r.fix_at < {sql.param(until)}'
    join = ''
    if assignee is not None:
        join, where = ' JOIN ticket t ON t.id = r.ticket_id', where + f' AND t.assignee_id = {sql.param(assignee)}'
    found = await rows(
        f'SELECT r.score AS score, COUNT(*) AS n FROM rating r{join} WHERE {where} GROUP BY r.score', sql.params
    )
    counted = {int(r['score']): int(r['n']) for r in found}
    return {score: counted.get(score, 0) for score in SCORES}


async def _callbacks(zone: Zone, since: datetime, until: datetime, assignee: int | None) -> int:
    sql = Sql(zone)
    where = f'c.fix_at >= {sql.param(since)} AND c.fix_at < {sql.param(until)}'
    join = ''
    if assignee is not None:
        join, where = ' JOIN ticket t ON t.id = c.ticket_id', where + f' AND t.assignee_id = {sql.param(assignee)}'
    [row] = await rows(f'SELECT COUNT(*) AS n FROM callback c{join} WHERE {where}', sql.params)
    return int(row['n'])


async def _beside(actor: User, since: datetime, until: datetime, now: datetime) -> dict[str, Any]:
    """Self-help and visits of the same period, from their own modules."""
    confirmed = await deflections.confirmed_by_service(since, until)
    potential = await deflections.potential_by_service(since, until, now=now)
    field = await field_measures.field_overall(actor=actor, since=since, until=until)
    return {
        'deflections_confirmed': sum(confirmed.values()),
        'deflections_potential': sum(potential.values()),
        'first_visit_fixes': field['first_visit_fixes'],
        'fixed_on_visit': field['fixed_on_visit'],
        'first_visit_fix_rate': field['first_visit_fix_rate'],
    }


def _times(found: dict) -> dict[str, Any]:
    counted, met = int(found.get('counted', 0)), int(found.get('met', 0))
    return {
        'count': int(found.get('n', 0)),
        'median_seconds': found.get('median'),
        'p90_seconds': found.get('p90'),
        'with_target': counted,
        'within_target': met,
        'compliance': _ratio(met, counted),
    }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
