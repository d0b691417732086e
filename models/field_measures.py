"""The managers' field figures: visits made, visits missed, fixes on the first visit and time on site; over a
period, per service, technician or requester group, and for the whole period.

Read-only, aggregated in the database like the rest of the measures (models/measures.py):

- visits: site visits that ended (the technician left) in the period
- missed: chosen windows that passed with nobody coming, counted by the window's end
- fixed_on_visit: visits in the period that ended with the fix (a ticket fixed with a visit)
- first_visit_fixes, first_visit_fix_rate: of those, the fixes made on the ticket's first visit
- on_site_seconds: the time on site of the period's visits, from "Arrived" to "Leaving"
- on_site_per_fix_seconds: that time divided by the fixes made on a visit (what a fix costs on site)

Per technician means the technician of the visit (or of the missed window), who may not be the ticket's
assignee today.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pypika_tortoise import functions as pypika_functions
from tortoise.expressions import Aggregate, F, Function, Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from .errors import Invalid, require
from .measures import GroupBy, Period, Seconds, labels
from .users import User
from .visits import Outcome, SiteVisit, VisitWindow, WindowState

_KEY_FIELD = {
    GroupBy.SERVICE: 'ticket__service_id',
    GroupBy.TECHNICIAN: 'technician_id',
    GroupBy.CATEGORY: 'ticket__requester__category_id',
}


async def field_measures(*, actor: User, since: datetime, until: datetime, group_by: GroupBy) -> list[dict[str, Any]]:
    """The field figures per group for [since, until); only groups with a visit or a missed one."""
    _check(actor, since, until)
    group_by = GroupBy(group_by)
    visited = await _grouped(_visits(since, until), 'left_at', group_by, **_VISIT_FIGURES)
    missed = await _grouped(_missed(since, until), 'end', group_by, missed=Count('id'))
    keys = sorted({*visited, *missed}, key=lambda k: (k is None, k))
    names = await labels(group_by, keys)
    return [_figures(k, names.get(k, str(k)), visited.get(k, {}), missed.get(k, {})) for k in keys]


async def field_overall(*, actor: User, since: datetime, until: datetime) -> dict[str, Any]:
    """The field figures for the whole period at once (keyed None, labelled 'All')."""
    _check(actor, since, until)
    visited = await _visits(since, until).annotate(**_VISIT_FIGURES).values(*_VISIT_FIGURES)
    missed = await _missed(since, until).annotate(missed=Count('id')).values('missed')
    return _figures(None, 'All', visited[0] if visited else {}, missed[0] if missed else {})


class Total(Aggregate):
    """SUM that returns a number (of seconds here), like measures.Mean for AVG."""

    database_func = pypika_functions.Sum

    def __init__(self, term: Function | F | str) -> None:
        super().__init__(term)  # type: ignore[arg-type]


_VISIT_FIGURES: dict[str, Any] = {
    'visits': Count('id'),
    'fixed': Count('id', _filter=Q(outcome=Outcome.FIXED.value)),
    'first': Count('id', _filter=Q(first_visit_fix=True)),
    'on_site': Total(Seconds('left_at', 'arrived_at')),
}


def _check(actor: User, since: datetime, until: datetime) -> None:
    require(actor.is_manager, 'Only managers can see the measures.')
    if since >= until:
        raise Invalid('The period has to end after it starts.', field='until')


def _visits(since: datetime, until: datetime) -> QuerySet[SiteVisit]:
    return SiteVisit.filter(left_at__gte=since, left_at__lt=until, arrived_at__not_isnull=True)


def _missed(since: datetime, until: datetime) -> QuerySet[VisitWindow]:
    return VisitWindow.filter(state=WindowState.MISSED, end__gte=since, end__lt=until)


async def _grouped(query: QuerySet, date_field: str, group_by: GroupBy, **aggregates: Any) -> dict[Any, dict]:
    if group_by in (GroupBy.DAY, GroupBy.WEEK):
        query = query.annotate(group_key=Period(date_field, group_by.value))
    else:
        query = query.annotate(group_key=F(_KEY_FIELD[group_by]))
    rows = await query.annotate(**aggregates).group_by('group_key').values('group_key', *aggregates)
    return {row.pop('group_key'): row for row in rows}


def _figures(key: Any, label: str, visited: dict, missed: dict) -> dict[str, Any]:
    fixed, on_site = visited.get('fixed') or 0, visited.get('on_site')
    seconds = round(float(on_site)) if on_site is not None else 0
    return {
        'key': key,
        'label': label,
        'visits': visited.get('visits') or 0,
        'missed': missed.get('missed') or 0,
        'fixed_on_visit': fixed,
        'first_visit_fixes': visited.get('first') or 0,
        'first_visit_fix_rate': round((visited.get('first') or 0) / fixed, 4) if fixed else None,
        'on_site_seconds': seconds,
        'on_site_per_fix_seconds': round(seconds / fixed) if fixed else None,
    }
