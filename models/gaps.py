"""Expectation gaps: where what the desk delivered and what people felt part ways, per service, requester
category or technician, for a period [since, until).

- on time but unhappy: rated fixes made within the fix target, rated 1–2 (of the rated fixes made on time)
- late but happy: rated fixes made after the fix target, rated 4–5 (of the rated fixes made late)
- needed sooner: fixes made within the target but after the need-by time the requester gave (of the fixes
  with a need-by time)
- many reopened: callbacks (fixes that did not hold) over CALLBACKS_OVER of the fixes
- few ratings: under FEW_RATINGS_UNDER of the fixes rated
- missed visits: chosen visit times nobody came to (of the visit times that ended kept or missed)

"Within the target" compares the time from report to fix with the fix target of the ticket's service and
priority, counted around the clock or in working hours as the target says. Unlike the queue's marker
(models/sla.py), time spent waiting for the requester is not taken off: a gap is about what the requester
lived through against the sentence they read on the form ("fixed within 3 working days"), and it keeps the
counts in SQL. Tickets without a fix target are in neither "on time" nor "late".

How it is counted (never loading the period's tickets into Python):
- every denominator (fixes, rated, callbacks, fixes with a need) and every verdict is a GROUP BY aggregate in
  the database (COUNT(CASE ...) against the target's minutes, joined on service and priority);
- a fix's time is the one the measures count and store in the ticket (`fix_seconds`, models/measure_times.py:
  around the clock, or working hours in the calendar's time zone where the target says so), so a gap and the
  measures' compliance agree;
- a rating of an earlier fix (the ticket was reopened after it was rated: its time is not the stored one) is
  judged in Python with sla's calendar, a bounded, small set; the ticket lists judge with the stored time
  where the fix stands and the same Python rule otherwise, so a figure and its list always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tortoise import connections
from tortoise.expressions import F, Q
from tortoise.functions import Count

from . import measure_times, measures, sla
from .catalog import Priority
from .errors import Invalid, require
from .measures import GroupBy
from .ratings import Callback, Rating
from .records import EventKind, Ticket, TicketEvent
from .users import User
from .visits import VisitWindow, WindowState

CALLBACKS_OVER = 0.10  # more than this share of fixes reopened is a gap
FEW_RATINGS_UNDER = 0.5  # fewer than this share of fixes rated is a gap
ENOUGH_FIXES = 3  # the two shares above say nothing about a group with fewer fixes
UNHAPPY_UP_TO = 2
HAPPY_FROM = 4
SLACK_SECONDS = 0.5  # SQLite's julian days are not exact to the microsecond: "on the dot" is on time
LIST_LIMIT = 100  # a ticket list shows at most this many, newest first
NOT_MANAGER = 'Only managers can see the expectation gaps.'


class GapKind(StrEnum):
    ON_TIME_UNHAPPY = 'on_time_unhappy'
    LATE_HAPPY = 'late_happy'
    NEED_MISSED = 'need_missed'
    CALLBACKS = 'callbacks'
    FEW_RATINGS = 'few_ratings'
    MISSED_VISITS = 'missed_visits'


GROUPS = (GroupBy.SERVICE, GroupBy.CATEGORY, GroupBy.TECHNICIAN)

# Per kind: its name, what its count and base are (for "4 of 12 fixes"), and what it means.
TITLES = {
    GapKind.ON_TIME_UNHAPPY: 'On time but unhappy',
    GapKind.LATE_HAPPY: 'Late but happy',
    GapKind.NEED_MISSED: 'Needed sooner',
    GapKind.CALLBACKS: 'Many reopened',
    GapKind.FEW_RATINGS: 'Few ratings',
    GapKind.MISSED_VISITS: 'Missed visits',
}
UNITS = {
    GapKind.ON_TIME_UNHAPPY: 'fixes',
    GapKind.LATE_HAPPY: 'fixes',
    GapKind.NEED_MISSED: 'fixes',
    GapKind.CALLBACKS: 'fixes',
    GapKind.FEW_RATINGS: 'fixes',
    GapKind.MISSED_VISITS: 'visits',
}
MEANINGS = {
    GapKind.ON_TIME_UNHAPPY: 'Fixed within the target, yet rated poor or very poor. '
    'Out of the rated fixes made on time.',
    GapKind.LATE_HAPPY: 'Fixed after the target, yet rated good or great. Out of the rated fixes made late.',
    GapKind.NEED_MISSED: 'Fixed within the target, but after the time the requester said they needed it. '
    'Out of the fixes with a need-by time.',
    GapKind.CALLBACKS: f'Fixes that did not hold: more than {round(CALLBACKS_OVER * 100)}% came back.',
    GapKind.FEW_RATINGS: f'Fixes nobody rated: fewer than {round(FEW_RATINGS_UNDER * 100)}% of the fixes were rated.',
    GapKind.MISSED_VISITS: 'Chosen visit times nobody came to. Out of the visit times that passed.',
}


def unit(kind: GapKind, n: int) -> str:
    """ "fixes", or "fix" for one."""
    plural = UNITS[kind]
    return plural if n != 1 else {'fixes': 'fix', 'visits': 'visit'}[plural]


def of_words(kind: GapKind, count: int, base: int) -> str:
    """ "4 of 12 fixes"; "6 of 10 fixes not rated" for few ratings (its count is of the fixes nobody rated)."""
    not_rated = ' not rated' if kind == GapKind.FEW_RATINGS else ''
    return f'{count} of {base} {unit(kind, base)}{not_rated}'


@dataclass(frozen=True)
class Gap:
    kind: GapKind
    key: int | None  # the group: a service, category or technician id (None: unassigned, no category)
    label: str
    count: int
    base: int

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def words(self) -> str:
        """ "On time but unhappy: 4 of 12 fixes"."""
        return f'{self.title}: {of_words(self.kind, self.count, self.base)}'

    @property
    def share(self) -> float | None:
        return round(self.count / self.base, 4) if self.base else None

    def as_figures(self) -> dict[str, Any]:
        return {'count': self.count, 'base': self.base, 'share': self.share}


@dataclass(frozen=True)
class Said:
    """Something the requester (or someone on their behalf) wrote about the ticket."""

    at: datetime
    what: str  # 'Rating comment' or 'Reopened'
    text: str
    score: int | None = None


@dataclass
class Behind:
    """One ticket behind a gap, with what was said about it, newest first."""

    ticket_id: int
    title: str
    at: datetime  # when the fix (or the missed visit) happened
    score: int | None = None
    said: list[Said] = field(default_factory=list)


# ---- the figures ------------------------------------------------------------------------------------------


async def gaps(*, actor: User, since: datetime, until: datetime, group_by: GroupBy) -> list[Gap]:
    """The gaps of the period per group: each kind that shows (see the module's list), the most tickets first
    (then the biggest share): a gap of one is worth less of a manager's morning than a gap of ten."""
    group_by = _check(actor, since, until, group_by)
    found = []
    for row in await figures(since=since, until=until, group_by=group_by):
        found += [g for g in _gaps_of(row) if _shows(g)]
    return sorted(found, key=lambda g: (-g.count, -(g.share or 0), g.label, g.kind))


async def gap_of(
    *, actor: User, kind: GapKind | str, group_by: GroupBy | str, key: int | None, since: datetime, until: datetime
) -> Gap:
    """One group's figure of one kind (shown or not: an action compares it over time)."""
    group_by = _check(actor, since, until, group_by)
    return await figure_of(_kind(kind), group_by, key, since, until)


async def figure_of(kind: GapKind, group_by: GroupBy, key: int | None, since: datetime, until: datetime) -> Gap:
    """`gap_of` without the managers' check: for models/improvements.py, which decides who may see an action."""
    for row in await figures(since=since, until=until, group_by=group_by):
        if row['key'] == key:
            return next(g for g in _gaps_of(row) if g.kind == kind)
    label = (await measures.labels(group_by, [key])).get(key, str(key))
    return Gap(kind, key, label, 0, 0)


async def figures(*, since: datetime, until: datetime, group_by: GroupBy) -> list[dict[str, Any]]:
    """Every group's counts behind the gaps (callers check who may see them)."""
    rows: dict[Any, dict[str, int]] = {}

    def add(key: Any, **counts: int) -> None:
        row = rows.setdefault(key, {})
        for name, n in counts.items():
            row[name] = row.get(name, 0) + int(n or 0)

    await _stamp(since, until)
    for r in await _rated_verdicts_sql(group_by, since, until):
        add(
            r['k'],
            on_time=r['on_time'],
            on_time_unhappy=r['on_time_unhappy'],
            late=r['late'],
            late_happy=r['late_happy'],
        )
    verdict = await _Verdict.load()
    for r in await _rated_earlier_fixes(group_by, since, until):
        on_time = verdict.on_time(r['service_id'], r['priority'], r['created_at'], r['fix_at'])
        add(r['k'], on_time=on_time, on_time_unhappy=on_time and r['score'] <= UNHAPPY_UP_TO, late=not on_time)
        add(r['k'], late_happy=not on_time and r['score'] >= HAPPY_FROM)
    for r in await _needs_sql(group_by, since, until):
        add(r['k'], with_need=r['with_need'], need_missed=r['need_missed'])
    for name, model, date_field, via in _COUNTED:
        for k, n in (await _counted(model, date_field, via, group_by, since, until)).items():
            add(k, **{name: n})
    for key, visits in (await _visit_times(group_by, since, until)).items():
        add(key, **visits)
    names = await measures.labels(group_by, list(rows))
    return [{'key': k, 'label': names.get(k, str(k)), **_zeroes(), **rows[k]} for k in _ordered(rows)]


def _gaps_of(row: dict[str, Any]) -> list[Gap]:
    k, label = row['key'], row['label']
    return [
        Gap(GapKind.ON_TIME_UNHAPPY, k, label, row['on_time_unhappy'], row['on_time']),
        Gap(GapKind.LATE_HAPPY, k, label, row['late_happy'], row['late']),
        Gap(GapKind.NEED_MISSED, k, label, row['need_missed'], row['with_need']),
        Gap(GapKind.CALLBACKS, k, label, row['callbacks'], row['fixes']),
        Gap(GapKind.FEW_RATINGS, k, label, row['fixes'] - row['rated'], row['fixes']),
        Gap(GapKind.MISSED_VISITS, k, label, row['missed_visits'], row['visit_times']),
    ]


def _shows(gap: Gap) -> bool:
    if gap.kind == GapKind.CALLBACKS:
        return gap.base >= ENOUGH_FIXES and gap.count / gap.base > CALLBACKS_OVER
    if gap.kind == GapKind.FEW_RATINGS:  # the count is the unrated fixes
        return gap.base >= ENOUGH_FIXES and (gap.base - gap.count) / gap.base < FEW_RATINGS_UNDER
    return gap.count > 0


def _zeroes() -> dict[str, int]:
    names = ('on_time', 'on_time_unhappy', 'late', 'late_happy', 'with_need', 'need_missed', 'fixes', 'rated')
    return {name: 0 for name in (*names, 'callbacks', 'missed_visits', 'visit_times')}


def _ordered(rows: Iterable[Any]) -> list[Any]:
    return sorted(rows, key=lambda k: (k is None, k))


async def _counted(
    model: Any, date_field: str, via: str, group_by: GroupBy, since: datetime, until: datetime
) -> dict[Any, int]:
    """Rows whose `date_field` is in the period, per group: one GROUP BY (as models/measures.py counts)."""
    query = model.filter(**{f'{date_field}__gte': since, f'{date_field}__lt': until})
    query = query.annotate(k=F(f'{via}{_COLUMN_ORM[group_by]}'), n=Count('id')).group_by('k')
    return {r['k']: r['n'] for r in await query.values('k', 'n')}


# A fix still standing, a fix that came back (a callback): both are fixes made, as in the measures.
_COUNTED = (
    ('fixes', Ticket, 'resolved_at', ''),
    ('fixes', Callback, 'fix_at', 'ticket__'),
    ('rated', Rating, 'fix_at', 'ticket__'),
    ('callbacks', Callback, 'fix_at', 'ticket__'),
)


# ---- the tickets behind a gap ---------------------------------------------------------------------------------


async def tickets_behind(
    *, actor: User, kind: GapKind | str, group_by: GroupBy | str, key: int | None, since: datetime, until: datetime
) -> list[Behind]:
    """The tickets behind one group's gap, newest first, with the requesters' rating comments and reopen
    reasons (newest first too)."""
    group_by, kind = _check(actor, since, until, group_by), _kind(kind)
    await _stamp(since, until)
    found = await _BEHIND[kind](group_by, key, since, until)
    found = sorted(found, key=lambda b: (b.at, b.ticket_id), reverse=True)[:LIST_LIMIT]
    said = await _said({b.ticket_id for b in found})
    for b in found:
        b.said = sorted(said.get(b.ticket_id, []), key=lambda s: s.at, reverse=True)
    return found


async def _rated_behind(group_by: GroupBy, key: int | None, since: datetime, until: datetime, *, happy: bool) -> list:
    scores = Q(score__gte=HAPPY_FROM) if happy else Q(score__lte=UNHAPPY_UP_TO)
    query = Rating.filter(scores, fix_at__gte=since, fix_at__lt=until, **_in_group(group_by, key, 'ticket__'))
    rows = await query.values(
        'ticket_id', 'ticket__title', 'ticket__created_at', 'ticket__service_id', 'ticket__priority', 'fix_at', 'score',
        'ticket__resolved_at', 'ticket__fix_seconds',
    )  # fmt: skip
    verdict = await _Verdict.load()

    def on_time(r: dict[str, Any]) -> bool:
        stored = r['ticket__fix_seconds'] if r['ticket__resolved_at'] == r['fix_at'] else None
        service, priority = r['ticket__service_id'], r['ticket__priority']
        return verdict.on_time(service, priority, r['ticket__created_at'], r['fix_at'], stored)

    return [
        Behind(r['ticket_id'], r['ticket__title'], r['fix_at'], r['score'])
        for r in rows
        if verdict.judged(r['ticket__service_id'], r['ticket__priority']) and on_time(r) != happy
    ]


async def _unhappy(group_by: GroupBy, key: int | None, since: datetime, until: datetime) -> list[Behind]:
    return await _rated_behind(group_by, key, since, until, happy=False)


async def _happy(group_by: GroupBy, key: int | None, since: datetime, until: datetime) -> list[Behind]:
    return await _rated_behind(group_by, key, since, until, happy=True)


async def _need_missed(group_by: GroupBy, key: int | None, since: datetime, until: datetime) -> list[Behind]:
    query = Ticket.filter(
        resolved_at__gte=since, resolved_at__lt=until, needed_by__not_isnull=True, **_in_group(group_by, key, '')
    )
    rows = await query.values(
        'id', 'title', 'created_at', 'resolved_at', 'needed_by', 'service_id', 'priority', 'fix_seconds'
    )
    verdict = await _Verdict.load()
    return [
        Behind(r['id'], r['title'], r['resolved_at'])
        for r in rows
        if r['needed_by'] < r['resolved_at']
        and verdict.judged(r['service_id'], r['priority'])
        and verdict.on_time(r['service_id'], r['priority'], r['created_at'], r['resolved_at'], r['fix_seconds'])
    ]


async def _callbacks(group_by: GroupBy, key: int | None, since: datetime, until: datetime) -> list[Behind]:
    query = Callback.filter(fix_at__gte=since, fix_at__lt=until, **_in_group(group_by, key, 'ticket__'))
    newest: dict[int, Behind] = {}
    for r in await query.order_by('fix_at').values('ticket_id', 'ticket__title', 'fix_at'):
        newest[r['ticket_id']] = Behind(r['ticket_id'], r['ticket__title'], r['fix_at'])
    return list(newest.values())


async def _unrated(group_by: GroupBy, key: int | None, since: datetime, until: datetime) -> list[Behind]:
    query = Ticket.filter(resolved_at__gte=since, resolved_at__lt=until, **_in_group(group_by, key, ''))
    # The newest fixes only (a list shows LIST_LIMIT): enough to find that many unrated among them.
    rows = await query.order_by('-resolved_at').limit(LIST_LIMIT * 2).values('id', 'title', 'resolved_at')
    rated = set(
        await Rating.filter(ticket_id__in=[r['id'] for r in rows]).values_list('ticket_id', 'fix_at')
    )  # a rating of an earlier fix does not count
    return [Behind(r['id'], r['title'], r['resolved_at']) for r in rows if (r['id'], r['resolved_at']) not in rated]


async def _missed_visits(group_by: GroupBy, key: int | None, since: datetime, until: datetime) -> list[Behind]:
    where = _in_group(group_by, key, 'ticket__') if group_by != GroupBy.TECHNICIAN else _technician(key)
    query = VisitWindow.filter(state=WindowState.MISSED, end__gte=since, end__lt=until, **where)
    rows = await query.values('ticket_id', 'ticket__title', 'end')
    return [Behind(r['ticket_id'], r['ticket__title'], r['end']) for r in rows]


_BEHIND = {
    GapKind.ON_TIME_UNHAPPY: _unhappy,
    GapKind.LATE_HAPPY: _happy,
    GapKind.NEED_MISSED: _need_missed,
    GapKind.CALLBACKS: _callbacks,
    GapKind.FEW_RATINGS: _unrated,
    GapKind.MISSED_VISITS: _missed_visits,
}


async def _said(ticket_ids: set[int]) -> dict[int, list[Said]]:
    found: dict[int, list[Said]] = {}
    comments = Rating.filter(ticket_id__in=ticket_ids).exclude(comment='')
    for r in await comments.values('ticket_id', 'rated_at', 'comment', 'score'):
        found.setdefault(r['ticket_id'], []).append(Said(r['rated_at'], 'Rating comment', r['comment'], r['score']))
    reopened = TicketEvent.filter(ticket_id__in=ticket_ids, kind=EventKind.REOPENED, internal=False).exclude(body='')
    for r in await reopened.values('ticket_id', 'created_at', 'body'):
        found.setdefault(r['ticket_id'], []).append(Said(r['created_at'], 'Reopened', r['body']))
    return found


def _in_group(group_by: GroupBy, key: int | None, via: str) -> dict[str, Any]:
    column = {
        GroupBy.SERVICE: 'service_id',
        GroupBy.TECHNICIAN: 'assignee_id',
        GroupBy.CATEGORY: 'requester__category_id',
    }[group_by]
    return {f'{via}{column}__isnull': True} if key is None else {f'{via}{column}': key}


def _technician(key: int | None) -> dict[str, Any]:
    return {'technician_id': key} if key is not None else {'id': -1}  # every visit time has its technician


# ---- "within the target" ---------------------------------------------------------------------------------------


class _Verdict:
    """On time or late, for one fix: the same rule in Python as `_on_time_sql` is in SQL."""

    def __init__(self, targets: dict[tuple[int, int], sla.SlaTarget], clock: sla.BusinessHours) -> None:
        self.targets, self.working = targets, clock

    @classmethod
    async def load(cls) -> _Verdict:
        targets = await sla.SlaTarget.filter(resolution_minutes__not_isnull=True)
        working = sla.business_hours(await sla.working_calendar())
        return cls({(t.service_id, int(t.priority)): t for t in targets}, working)

    def judged(self, service_id: int, priority: int) -> bool:
        return (service_id, int(priority)) in self.targets

    def working_hours(self, via: str = '') -> Q | None:
        """Tickets (through `via`) of a service and priority whose target counts working hours; None: none."""
        pairs = [(s, p) for (s, p), t in self.targets.items() if t.business_hours]
        if not pairs:
            return None
        found = [Q(**_pair(via, s, p)) for s, p in pairs]
        return Q(*found, join_type='OR')

    def on_time(
        self, service_id: int, priority: int, created: datetime, fixed: datetime, stored: int | None = None
    ) -> bool:
        """`stored`: the fix's counted seconds as the measures stored them (the same rule, counted in SQL), when
        the fix still stands; otherwise counted here with sla's clock."""
        target = self.targets[(service_id, int(priority))]
        clk = self.working if target.business_hours else sla.AROUND_THE_CLOCK
        assert target.resolution_minutes is not None
        seconds = stored if stored is not None else clk.seconds(created, fixed)
        return seconds <= target.resolution_minutes * 60 + SLACK_SECONDS


def _pair(via: str, service_id: int, priority: int) -> dict[str, Any]:
    return {f'{via}service_id': service_id, f'{via}priority': Priority(priority)}


_COLUMN_ORM = {
    GroupBy.SERVICE: 'service_id',
    GroupBy.TECHNICIAN: 'assignee_id',
    GroupBy.CATEGORY: 'requester__category_id',
}
_COLUMN_SQL = {GroupBy.SERVICE: 't.service_id', GroupBy.TECHNICIAN: 't.assignee_id', GroupBy.CATEGORY: 'u.category_id'}

# A fix is on time when its counted seconds (stored in the ticket by models/measure_times.py: working time
# where the target counts working hours) are within the target.
_ON_TIME = f't.fix_seconds <= s.resolution_minutes * 60 + {SLACK_SECONDS}'

_RATED_SQL = f"""
SELECT {{key}} AS k,
  COUNT(CASE WHEN {_ON_TIME} THEN 1 END) AS on_time,
  COUNT(CASE WHEN {_ON_TIME} AND r.score <= {UNHAPPY_UP_TO} THEN 1 END) AS on_time_unhappy,
  COUNT(CASE WHEN NOT ({_ON_TIME}) THEN 1 END) AS late,
  COUNT(CASE WHEN NOT ({_ON_TIME}) AND r.score >= {HAPPY_FROM} THEN 1 END) AS late_happy
FROM rating r
JOIN ticket t ON t.id = r.ticket_id
JOIN "user" u ON u.id = t.requester_id
JOIN sla_target s ON s.service_id = t.service_id AND s.priority = t.priority
WHERE r.fix_at >= {{since}} AND r.fix_at < {{until}} AND r.fix_at = t.resolved_at AND s.resolution_minutes IS NOT NULL
GROUP BY {{key}}
"""

# Ratings of an earlier fix (the ticket was reopened after it was rated): its time is not stored (few rows).
_EARLIER_SQL = """
SELECT {key} AS k, r.score AS score, r.fix_at AS fix_at, t.created_at AS created_at, t.service_id AS service_id,
  t.priority AS priority
FROM rating r
JOIN ticket t ON t.id = r.ticket_id
JOIN "user" u ON u.id = t.requester_id
JOIN sla_target s ON s.service_id = t.service_id AND s.priority = t.priority
WHERE r.fix_at >= {since} AND r.fix_at < {until} AND (t.resolved_at IS NULL OR r.fix_at <> t.resolved_at)
  AND s.resolution_minutes IS NOT NULL
"""

_NEEDS_SQL = f"""
SELECT {{key}} AS k,
  COUNT(*) AS with_need,
  COUNT(CASE WHEN s.resolution_minutes IS NOT NULL AND {{needed_by}} < {{resolved_at}} AND {_ON_TIME}
             THEN 1 END) AS need_missed
FROM ticket t
JOIN "user" u ON u.id = t.requester_id
LEFT JOIN sla_target s ON s.service_id = t.service_id AND s.priority = t.priority
WHERE t.resolved_at >= {{since}} AND t.resolved_at < {{until}} AND t.needed_by IS NOT NULL
GROUP BY {{key}}
"""


async def _stamp(since: datetime, until: datetime) -> None:
    """Count and store the fix times of the period's fixes that have none stored yet."""
    await measure_times.stamp(await measure_times.zone(since, until), 'fix', since, until)


async def _rated_verdicts_sql(group_by: GroupBy, since: datetime, until: datetime) -> list[dict]:
    """Rated fixes of the period that still stand, on time or late, per group: one query."""
    return await _query(_RATED_SQL, group_by, since, until)


async def _rated_earlier_fixes(group_by: GroupBy, since: datetime, until: datetime) -> list[dict]:
    """Ratings of the period's fixes that were reopened since (judged in Python: a bounded, small set)."""
    return await _query(_EARLIER_SQL, group_by, since, until)


async def _needs_sql(group_by: GroupBy, since: datetime, until: datetime) -> list[dict]:
    """Fixes of the period with a need-by time, and those made on time but after it."""
    return await _query(_NEEDS_SQL, group_by, since, until)


async def _query(sql: str, group_by: GroupBy, since: datetime, until: datetime) -> list[dict]:
    """`sql` in this database's words: the period's bounds compared as stored (SQLite keeps times as text in
    one form, so that ranges read the indexes), two columns compared as instants."""
    db = connections.get('default')
    postgres = db.capabilities.dialect == 'postgres'

    def moment(column: str) -> str:
        return column if postgres else f'julianday({column})'

    text = sql.format(
        key=_COLUMN_SQL[group_by],
        resolved_at=moment('t.resolved_at'),
        needed_by=moment('t.needed_by'),
        since='$1' if postgres else '?',
        until='$2' if postgres else '?',
    )
    params: list[object] = [since, until] if postgres else [str(since.astimezone(UTC)), str(until.astimezone(UTC))]
    rows = await db.execute_query_dict(text, params)
    if not postgres:  # raw SQLite gives the stored text
        for row in rows:
            for name in ('fix_at', 'created_at'):
                if isinstance(row.get(name), str):
                    row[name] = datetime.fromisoformat(row[name])
    return rows


async def _visit_times(group_by: GroupBy, since: datetime, until: datetime) -> dict[Any, dict[str, int]]:
    """Chosen visit times that ended in the period, kept or missed, per group (per the window's technician)."""
    column = 'technician_id' if group_by == GroupBy.TECHNICIAN else f'ticket__{_COLUMN_ORM[group_by]}'
    query = VisitWindow.filter(state__in=[WindowState.MISSED, WindowState.KEPT], end__gte=since, end__lt=until)
    rows = (
        await query.annotate(k=F(column), n=Count('id'), missed=Count('id', _filter=Q(state=WindowState.MISSED)))
        .group_by('k')
        .values('k', 'n', 'missed')
    )
    return {r['k']: {'visit_times': r['n'], 'missed_visits': r['missed']} for r in rows}


# ---- checks ------------------------------------------------------------------------------------------------------


def _check(actor: User, since: datetime, until: datetime, group_by: GroupBy | str) -> GroupBy:
    require(actor.is_manager, NOT_MANAGER)
    if since >= until:
        raise Invalid('The period has to end after it starts.', field='until')
    try:
        chosen = GroupBy(group_by)
    except ValueError:
        chosen = None
    if chosen not in GROUPS:
        raise Invalid('Choose service, requester group or technician.', field='group_by')
    assert chosen is not None
    return chosen


def _kind(kind: GapKind | str) -> GapKind:
    try:
        return GapKind(kind)
    except ValueError:
        raise Invalid('There is no such gap.', field='kind') from None
