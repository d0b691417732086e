"""The managers' screen tables as CSV, one line per line on the screen: the measures per group and their trend
(/measures), and the expectation gaps (/gaps).

Every figure comes from the functions the screens call (models/measures.py, measure_figures.py,
field_measures.py, gaps.py), which check that the reader is a manager; this module only lays their rows out.
A figure with nothing to measure is an empty cell, never a 0. Times are in hours (two decimals), shares in
percent (one decimal). Cells are escaped like the tickets' CSV (models/ticket_export.py): a name that a
spreadsheet would run as a formula stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from . import field_measures, gaps, measure_figures, measures, sla
from .errors import Invalid
from .gaps import Gap
from .measures import GroupBy
from .ticket_export import safe_cell  # one escaping rule for every CSV Tapdesk writes
from .users import User

GROUP_WORDS = {GroupBy.SERVICE: 'service', GroupBy.TECHNICIAN: 'technician', GroupBy.CATEGORY: 'requester group'}
MEASURES = [
    'received', 'fixed', 'reopened', 'reopened (%)', 'rated', 'rated (%)', 'satisfaction (1-5)',
    'good or great (%)', 'hours to first answer (average)', 'hours to fix (average)',
]  # fmt: skip
TIMES = [
    'first answers', 'hours to first answer (median)', 'hours to first answer (90% within)',
    'first answers with a target', 'answered within target', 'answered within target (%)', 'fixes timed',
    'hours to fix (median)', 'hours to fix (90% within)', 'fixes with a target', 'fixed within target',
    'fixed within target (%)',
]  # fmt: skip
FIELD = [
    'visits', 'missed visits', 'fixes on a visit', 'fixed on the first visit', 'fixed on the first visit (%)',
    'hours on site', 'hours on site per fix',
]  # fmt: skip
GAPS = ['gap', 'count', 'out of', 'share (%)', 'in words']


# ---- the tables ---------------------------------------------------------------------------------------------


async def measures_csv(*, actor: User, since: datetime, until: datetime, group_by: GroupBy | str) -> str:
    """/measures' breakdown: one line per service, technician or requester group, with every figure its card
    shows (the medians and shares within target per service only, as on the screen)."""
    group_by = _group(group_by)
    found = await measures.measures(actor=actor, since=since, until=until, group_by=group_by)
    field = await field_measures.field_measures(actor=actor, since=since, until=until, group_by=group_by)
    times = None
    if group_by == GroupBy.SERVICE:
        times = await measure_figures.compliance_by_service(actor=actor, since=since, until=until)
    return as_csv(measures_header(group_by), measure_rows(found, field, times))


async def trend_csv(*, actor: User, since: datetime, until: datetime, step: GroupBy | str) -> str:
    """/measures' trend: one line per local day or week of the period, those with nothing in them included."""
    step = GroupBy(step)
    if step not in (GroupBy.DAY, GroupBy.WEEK):
        raise Invalid('A trend goes day by day or week by week.', field='step')
    found = await measures.measures(actor=actor, since=since, until=until, group_by=step)
    zone = ZoneInfo((await sla.working_calendar()).timezone)
    return as_csv(['from', 'to', *MEASURES], trend_rows(found, slots(since, until, step, zone)))


async def gaps_csv(*, actor: User, since: datetime, until: datetime, group_by: GroupBy | str) -> str:
    """/gaps: the gaps of the period per group, in the screen's order."""
    group_by = _group(group_by)
    found = await gaps.gaps(actor=actor, since=since, until=until, group_by=group_by)
    return as_csv([GROUP_WORDS[group_by], *GAPS], gap_rows(found))


# ---- rows (pure) ----------------------------------------------------------------------------------------------


def measures_header(group_by: GroupBy) -> list[str]:
    return [GROUP_WORDS[group_by], *MEASURES, *(TIMES if group_by == GroupBy.SERVICE else []), *FIELD]


def measure_rows(
    found: list[dict[str, Any]], field: list[dict[str, Any]], times: dict[int, dict[str, Any]] | None
) -> list[list[object]]:
    """Each group's line, busiest first (as the screen orders its cards); `times` None: no time columns.
    A group with visits only has a line too (see `with_field`)."""
    groups, result = with_field(found, field), []
    for m in sorted(groups, key=lambda r: (-r['volume'], -r['resolved'], r['key'] is None, r['label'])):
        line = [m['label'], *_measure_cells(m)]
        if times is not None:
            line += _time_cells(times.get(m['key']) or {})
        result.append(line + _field_cells(m['field']))
    return result


def with_field(rows: list[dict[str, Any]], field: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The groups' figures with their field figures under 'field' (None: no visits); a group with visits only is
    added, its other figures those of nothing measured. /measures' group cards are built from the same."""
    found = {f['key']: f for f in field}
    merged = [{**m, 'field': found.pop(m['key'], None)} for m in rows]
    return merged + [{**measures.empty(f['key'], f['label']), 'field': f} for f in found.values()]


def trend_rows(found: list[dict[str, Any]], every: list[tuple[str, date, date]]) -> list[list[object]]:
    """One line per (key, first day, last day) of `every`, with the domain's figures of that key, if any."""
    per = {m['key']: m for m in found}
    return [[_day(first), _day(last), *_measure_cells(per.get(k) or measures.empty(k, ''))] for k, first, last in every]


def gap_rows(found: list[Gap]) -> list[list[object]]:
    return [[g.label, g.title, g.count, g.base, _percent(g.share), g.words] for g in found]


def slots(since: datetime, until: datetime, step: GroupBy, zone: ZoneInfo) -> list[tuple[str, date, date]]:
    """Every local day, or week (Monday to Sunday, cut to the period), of [since, until): the domain's key
    (the day, or the week's Monday, which may fall before the period), its first and its last day."""
    first, last = since.astimezone(zone).date(), (until.astimezone(zone) - timedelta(seconds=1)).date()
    if step == GroupBy.DAY:
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        return [(_day(day), day, day) for day in days]
    result = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        result.append((_day(monday), max(monday, first), min(monday + timedelta(days=6), last)))
        monday += timedelta(days=7)
    return result


def as_csv(header: list[str], rows: Iterable[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\r\n')
    writer.writerow([safe_cell(cell) for cell in header])
    for line in rows:
        writer.writerow([safe_cell(cell) for cell in line])
    return out.getvalue()


# ---- cells ------------------------------------------------------------------------------------------------------


def _measure_cells(m: dict[str, Any]) -> list[object]:
    return [
        m['volume'], m['resolved'], m['callbacks'], _percent(m['callback_rate']), m['rated'],
        _percent(m['response_rate']), _number(m['satisfaction']), _percent(m['satisfied']),
        _hours(m['first_response_seconds']), _hours(m['resolution_seconds']),
    ]  # fmt: skip


def _time_cells(t: dict[str, Any]) -> list[object]:
    cells: list[object] = []
    for kind in ('answer', 'fix'):
        k = t.get(kind) or {}
        count, counted = k.get('count', 0), k.get('with_target', 0)
        cells += [
            count, _hours(k.get('median_seconds')), _hours(k.get('p90_seconds')), counted,
            k.get('within_target', 0) if counted else '', _percent(k.get('compliance')),
        ]  # fmt: skip
    return cells


def _field_cells(f: dict[str, Any] | None) -> list[object]:
    if f is None:
        return [0, 0, 0, 0, '', '', '']
    return [
        f['visits'], f['missed'], f['fixed_on_visit'], f['first_visit_fixes'], _percent(f['first_visit_fix_rate']),
        _hours(f['on_site_seconds']) if f['visits'] else '', _hours(f['on_site_per_fix_seconds']),
    ]  # fmt: skip


def _group(group_by: GroupBy | str) -> GroupBy:
    try:
        chosen = GroupBy(group_by)
    except ValueError:
        chosen = None
    if chosen not in GROUP_WORDS:
        raise Invalid('Choose service, technician or requester group.', field='group_by')
    assert chosen is not None
    return chosen


def _hours(seconds: float | None) -> str:
    return '' if seconds is None else f'{seconds / 3600:.2f}'


def _percent(ratio: float | None) -> str:
    return '' if ratio is None else f'{ratio * 100:.1f}'


def _number(value: float | None) -> str:
    return '' if value is None else f'{value:.2f}'


def _day(day: date) -> str:
    return f'{day:%Y-%m-%d}'
