"""The managers' measures: satisfaction, share of fixes rated, callbacks (reopened fixes), first-answer and
fix times, volume; over a period, per service, technician or requester group, and as a trend.

Read-only, and computed in the database (aggregates with GROUP BY), never by loading tickets into Python.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pypika_tortoise import SqlContext
from pypika_tortoise import functions as pypika_functions
from pypika_tortoise.terms import Function as PypikaFunction
from tortoise.expressions import Aggregate, F, Function, Q, ResolveContext, ResolveResult
from tortoise.functions import Count
from tortoise.models import Model

from . import measure_times
from .catalog import Service
from .errors import Invalid, require
from .measure_times import Zone
from .ratings import Callback, Rating
from .records import Ticket
from .users import Category, User


class GroupBy(StrEnum):
    SERVICE = 'service'
    TECHNICIAN = 'technician'  # the ticket's assignee
    CATEGORY = 'category'  # the requester's category
    DAY = 'day'  # the organisation's days (the working calendar's time zone)
    WEEK = 'week'  # the organisation's weeks, keyed by their Monday


_KEY_FIELD = {
    GroupBy.SERVICE: 'service_id',
    GroupBy.TECHNICIAN: 'assignee_id',
    GroupBy.CATEGORY: 'requester__category_id',
}


async def measures(*, actor: User, since: datetime, until: datetime, group_by: GroupBy) -> list[dict[str, Any]]:
    """What a manager measures, per group, for [since, until); every number is aggregated in the database.

    - volume: tickets reported in the period
    - resolved: fixes made in the period (a ticket fixed, reopened and fixed again counts twice)
    - rated, satisfaction (average score), satisfied (share of 4–5), response_rate (rated / resolved):
      ratings of the fixes made in the period
    - callbacks, callback_rate (callbacks / resolved): fixes made in the period that were reopened
    - first_response_seconds: average, over tickets first answered in the period
    - resolution_seconds: average time from report to fix, over tickets fixed in the period
    Times are around the clock (not business hours), as averages; the medians, 90th percentiles and working
    hours are in models/measure_figures.py. Days and weeks are the organisation's (the working calendar's zone).
    """
    require(actor.is_manager, 'Only managers can see the measures.')
    group_by = GroupBy(group_by)
    if since >= until:
        raise Invalid('The period has to end after it starts.', field='until')
    window = (since, until)
    zone = await measure_times.zone(since, until) if group_by in (GroupBy.DAY, GroupBy.WEEK) else None
    volume = await _grouped(Ticket, 'created_at', '', group_by, window, zone, volume=Count('id'))
    answered = await _grouped(
        Ticket,
        'first_response_at',
        '',
        group_by,
        window,
        zone,
        first=Mean(Seconds('first_response_at', 'created_at')),
    )
    standing = await _grouped(
        Ticket,
        'resolved_at',
        '',
        group_by,
        window,
        zone,
        fixed=Count('id'),
        took=Mean(Seconds('resolved_at', 'created_at')),
    )
    rated = await _grouped(
        Rating,
        'fix_at',
        'ticket__',
        group_by,
        window,
        zone,
        rated=Count('id'),
        average=Mean('score'),  # not named 'score': it would shadow the field in the filter below
        good=Count('id', _filter=Q(score__gte=4)),
    )
    called = await _grouped(Callback, 'fix_at', 'ticket__', group_by, window, zone, callbacks=Count('id'))
    keys = sorted({*volume, *answered, *standing, *rated, *called}, key=lambda k: (k is None, k))
    names = await labels(group_by, keys)
    return [
        _measure(
            k,
            names.get(k, str(k)),
            volume.get(k, {}),
            answered.get(k, {}),
            standing.get(k, {}),
            rated.get(k, {}),
            called.get(k, {}),
        )
        for k in keys
    ]


def empty(key: Any, label: str) -> dict[str, Any]:
    """A group's measures when nothing of them happened in the period (it shows up for another reason)."""
    return _measure(key, label, {}, {}, {}, {}, {})


def _measure(
    key: Any, label: str, volume: dict, answered: dict, standing: dict, rated: dict, called: dict
) -> dict[str, Any]:
    n_rated, callbacks = rated.get('rated', 0), called.get('callbacks', 0)
    resolved = standing.get('fixed', 0) + callbacks  # fixes still standing, and those that came back
    return {
        'key': key,
        'label': label,
        'volume': volume.get('volume', 0),
        'resolved': resolved,
        'rated': n_rated,
        'satisfaction': _round(rated.get('average'), 2),
        'satisfied': _ratio(rated.get('good', 0), n_rated),
        'response_rate': _ratio(n_rated, resolved),
        'callbacks': callbacks,
        'callback_rate': _ratio(callbacks, resolved),
        'first_response_seconds': _round(answered.get('first'), 0),
        'resolution_seconds': _round(standing.get('took'), 0),
    }


async def _grouped(
    model: type[Model],
    date_field: str,
    via: str,
    group_by: GroupBy,
    window: tuple[datetime, datetime],
    zone: Zone | None = None,
    **aggregates: Any,
) -> dict[Any, dict[str, Any]]:
    """One aggregate query: {group key: {aggregate name: value}} for rows whose `date_field` is in the window."""
    query = model.filter(**{f'{date_field}__gte': window[0], f'{date_field}__lt': window[1]})
    if group_by in (GroupBy.DAY, GroupBy.WEEK):
        query = query.annotate(group_key=Period(date_field, group_by.value, zone))
    else:
        query = query.annotate(group_key=F(f'{via}{_KEY_FIELD[group_by]}'))
    rows = await query.annotate(**aggregates).group_by('group_key').values('group_key', *aggregates)
    return {row.pop('group_key'): row for row in rows}


async def labels(group_by: GroupBy, keys: list[Any]) -> dict[Any, str]:
    """Each group key's name on screen (a service, a person, a category, a day or a week)."""
    ids = [k for k in keys if k is not None]
    if group_by == GroupBy.SERVICE:
        names = await Service.filter(id__in=ids).values_list('id', 'name')
    elif group_by == GroupBy.TECHNICIAN:
        names = await User.filter(id__in=ids).values_list('id', 'name')
    elif group_by == GroupBy.CATEGORY:
        names = await Category.filter(id__in=ids).values_list('id', 'name')
    else:
        return {k: f'Week of {k}' if group_by == GroupBy.WEEK else k for k in ids}
    nobody = {GroupBy.TECHNICIAN: 'Unassigned', GroupBy.CATEGORY: 'No category'}.get(group_by, 'None')
    return {None: nobody, **dict(names)}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _round(value: Any, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


class _PeriodSql(PypikaFunction):
    """The local day or week (its Monday) of a timestamp, as 'YYYY-MM-DD', with the same arithmetic on both
    databases (models/measure_times.py); UTC without a zone."""

    def __init__(self, term: Any, unit: str, zone: Zone | None = None) -> None:
        super().__init__('PERIOD', term)
        self.unit, self.zone = unit, zone or measure_times.UTC_ZONE

    def get_function_sql(self, ctx: SqlContext) -> str:
        column = self.args[0].get_sql(ctx.copy(with_alias=False))
        sql = measure_times.Sql(self.zone, postgres=ctx.dialect.value == 'postgresql')
        number = sql.week(column) if self.unit == 'week' else sql.day(column)
        if sql.postgres:
            return f"to_char(DATE '1970-01-01' + CAST({number} AS INTEGER), 'YYYY-MM-DD')"
        return f"date({number} * 86400, 'unixepoch')"


class Period(Function):
    database_func = _PeriodSql


class _SecondsSql(PypikaFunction):
    """Seconds from one timestamp to another (SQLite keeps them as ISO text, PostgreSQL as timestamptz)."""

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__('SECONDS', end, start)

    def get_function_sql(self, ctx: SqlContext) -> str:
        end, start = (a.get_sql(ctx.copy(with_alias=False)) for a in self.args)
        if ctx.dialect.value == 'postgresql':
            return f'EXTRACT(EPOCH FROM ({end} - {start}))'
        return f'((julianday({end}) - julianday({start})) * 86400.0)'


class Seconds(Function):
    """`Seconds('resolved_at', 'created_at')`: both are field names (F() would lose the table name in a join)."""

    database_func = _SecondsSql

    def _resolve_argument(
        self, resolve_context: ResolveContext, value: Any, *, treat_str_as_field: bool
    ) -> ResolveResult:
        return super()._resolve_argument(resolve_context, value, treat_str_as_field=True)


class Mean(Aggregate):
    """AVG that returns a number (Tortoise's Avg would turn an average of timestamps back into a timestamp)."""

    database_func = pypika_functions.Avg

    def __init__(self, term: Function | F | str) -> None:
        # Tortoise types an aggregate's argument as a field or expression; a function (Seconds) works too.
        super().__init__(term)  # type: ignore[arg-type]


async def overall(*, actor: User, since: datetime, until: datetime) -> dict[str, Any]:
    """The measures of `measures` for the whole period at once (a screen's headline figures), keyed None.

    Averages are over every ticket of the period, not averages of group averages.
    """
    require(actor.is_manager, 'Only managers can see the measures.')
    if since >= until:
        raise Invalid('The period has to end after it starts.', field='until')
    window = (since, until)
    volume = await _total(Ticket, 'created_at', window, volume=Count('id'))
    answered = await _total(Ticket, 'first_response_at', window, first=Mean(Seconds('first_response_at', 'created_at')))
    standing = await _total(
        Ticket, 'resolved_at', window, fixed=Count('id'), took=Mean(Seconds('resolved_at', 'created_at'))
    )
    rated = await _total(
        Rating, 'fix_at', window, rated=Count('id'), average=Mean('score'), good=Count('id', _filter=Q(score__gte=4))
    )
    called = await _total(Callback, 'fix_at', window, callbacks=Count('id'))
    return _measure(None, 'All', volume, answered, standing, rated, called)


async def _total(model: type[Model], date_field: str, window: tuple[datetime, datetime], **aggregates: Any) -> dict:
    """One aggregate query without groups: {aggregate name: value} over rows whose `date_field` is in the window."""
    query = model.filter(**{f'{date_field}__gte': window[0], f'{date_field}__lt': window[1]})
    rows = await query.annotate(**aggregates).values(*aggregates)
    return rows[0] if rows else {}
