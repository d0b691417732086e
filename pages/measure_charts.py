"""The measures' charts (ui.echart) and the tables of their numbers, for pages/measures.py.

The numbers are always in a table under a chart as well (screen readers, print, keyboards): the charts are
hidden from assistive technology, and every number of the tables opens the same tickets as its point. Only
numbers and dates (escaped) go into the tables' HTML, never text a person typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from nicegui import ui
from nicegui.events import EChartPointClickEventArguments

from models import ratings

NONE = '—'
LABELLED_POINTS = 8  # a trend with more points than this shows its numbers in the table only
STILL = "!window.matchMedia('(prefers-reduced-motion: reduce)').matches"  # JavaScript: animate unless asked not to

# Chart colours that read on white and on Quasar's dark background: chosen in the browser when the chart is drawn
# (the page follows the system's dark mode, which only the browser knows). Lines differ in shape, not only colour.
DARK = "document.body.classList.contains('body--dark')"
COLOURS = {  # name: (light, dark)
    'text': ('#424242', '#e0e0e0'),
    'grid': ('#e0e0e0', '#3d3d3d'),
    'received': ('#1565c0', '#64b5f6'),
    'fixed': ('#2e7d32', '#81c784'),
    'satisfaction': ('#e65100', '#ffb74d'),
    'good': ('#2e7d32', '#81c784'),
    'ok': ('#757575', '#bdbdbd'),
    'poor': ('#c62828', '#ef9a9a'),
}


@dataclass(frozen=True)
class Slot:
    """One point of the trend: a local day or week, [since, until) in UTC."""

    key: str  # the domain's key: the day, or the week's Monday
    words: str  # 'Tue 24 Nov', '23–26 Nov'
    short: str  # under the chart: 'Tue\n24', '23 Nov'
    since: datetime
    until: datetime


def chart(on_point: Callable[[EChartPointClickEventArguments], None], name: str, *, height: int) -> ui.echart:
    return (
        ui.echart({}, on_point_click=on_point)
        .classes(f'td-m-chart td-m-chart-{name}')
        .style(f'height: {height}px')
        .props('aria-hidden=true')
    )


def set_options(target: ui.echart, options: dict[str, Any]) -> None:
    """Change a chart in place (no new chart, no flicker); nothing is sent when nothing changed."""
    if target.options == options:
        return
    target.options.clear()
    target.options.update(options)
    target.update()


def colour(name: str) -> str:
    """A JavaScript expression: the colour for the mode the browser shows (NiceGUI evaluates ':' keys)."""
    light, dark = COLOURS[name]
    return f"{DARK} ? '{dark}' : '{light}'"


def text() -> dict[str, str]:
    return {':color': colour('text')}


def axes(every: list[Slot], y: dict[str, Any]) -> dict[str, Any]:
    """The category axis of a trend (the days or weeks) and a value axis; room for the labels around them."""
    return {
        ':animation': STILL,  # "reduce motion": drawn at once
        'animationDuration': 300,
        'grid': {'left': 4, 'right': 12, 'top': 28, 'bottom': 4, 'containLabel': True},
        'xAxis': {
            'type': 'category',
            'data': [s.short for s in every],
            'axisTick': {'show': False},
            'axisLine': {'lineStyle': {':color': colour('grid')}},
            'axisLabel': {**text(), 'hideOverlap': True, 'fontSize': 11, 'lineHeight': 13, 'margin': 10},
        },
        'yAxis': {
            'type': 'value',
            'splitLine': {'lineStyle': {':color': colour('grid')}},
            'axisLabel': {**text(), 'fontSize': 11},
            **y,
        },
    }


def volume_chart(every: list[Slot], found: list[dict[str, Any] | None]) -> dict[str, Any]:
    """Received and fixed per day or week, as two lines (the fixed one dashed, with diamonds)."""
    labelled = len(every) <= LABELLED_POINTS
    received = [m['volume'] if m else 0 for m in found]
    fixed = [m['resolved'] if m else 0 for m in found]
    low = max(received + fixed) * 0.15  # a number under a point this low would sit on the days' names
    dashed = {':color': colour('fixed'), 'width': 2, 'type': 'dashed'}
    fixes = line('Fixed', fixed, 'fixed', 'diamond', labelled, position='bottom')
    for item, was_received in zip(fixes['data'], received, strict=True):
        if isinstance(item, dict) and (item['value'] < low or item['value'] == was_received):
            item['label']['position'] = 'right'  # beside the point, not on top of the other line's number
    return {
        **axes(every, {'minInterval': 1}),
        'legend': {'top': 0, 'left': 0, 'textStyle': text(), 'itemHeight': 10, 'selectedMode': False},
        'series': [line('Received', received, 'received', 'circle', labelled, position='top'),
                   {**fixes, 'lineStyle': dashed}],
    }  # fmt: skip


def line(
    name: str, values: list[Any], colour_name: str, symbol: str, labelled: bool, *, position: str
) -> dict[str, Any]:
    """One line; its numbers beside its points when there are few points (zeros and gaps unlabelled)."""
    return {
        'type': 'line',
        'name': name,
        'data': [point(v, labelled) for v in values],
        'symbol': symbol,
        'symbolSize': 11 if symbol == 'circle' else 13,
        'showAllSymbol': True,
        'connectNulls': True,
        'cursor': 'pointer',
        'itemStyle': {':color': colour(colour_name)},
        'lineStyle': {':color': colour(colour_name), 'width': 2},
        'label': {**text(), 'position': position, 'fontSize': 11},
        'emphasis': {'scale': 1.4},
    }


def point(value: Any, labelled: bool) -> dict[str, Any] | str:
    if value is None:
        return '-'  # ECharts' "no value": the line goes on to the next point
    words = f'{value:.1f}' if isinstance(value, float) else str(value)
    return {'value': value, 'label': {'show': labelled and value != 0, 'formatter': words}}


def rating_chart(every: list[Slot], found: list[dict[str, Any] | None]) -> dict[str, Any]:
    """The average score per day or week where there were ratings, on a scale of 1 to 5."""
    labelled = len(every) <= LABELLED_POINTS
    averages = [m['satisfaction'] if m and m['rated'] else None for m in found]
    return {
        **axes(every, {'min': 1, 'max': 5, 'interval': 1}),
        'grid': {'left': 4, 'right': 12, 'top': 20, 'bottom': 4, 'containLabel': True},
        'series': [line('Satisfaction', averages, 'satisfaction', 'circle', labelled, position='top')],
    }


def score_chart(counts: dict[int, int]) -> dict[str, Any]:
    """How many of each score, as bars (5 at the top), each with its number."""
    every = range(1, 6)
    kinds = {1: 'poor', 2: 'poor', 3: 'ok', 4: 'good', 5: 'good'}
    return {
        ':animation': STILL,  # "reduce motion": drawn at once
        'animationDuration': 300,
        'grid': {'left': 4, 'right': 32, 'top': 4, 'bottom': 4, 'containLabel': True},
        'xAxis': {'type': 'value', 'show': False, 'minInterval': 1},
        'yAxis': {
            'type': 'category',
            'data': [f'{s} · {ratings.SCALE[s]}' for s in every],
            'axisTick': {'show': False},
            'axisLine': {'show': False},
            'axisLabel': {**text(), 'fontSize': 12},
        },
        'series': [
            {
                'type': 'bar',
                'name': 'Ratings',
                'data': [{'value': counts.get(s, 0), 'itemStyle': {':color': colour(kinds[s])}} for s in every],
                'barWidth': 16,
                'cursor': 'pointer',
                'label': {**text(), 'show': True, 'position': 'right', 'fontSize': 12},
                'itemStyle': {'borderRadius': 3},
            }
        ],
    }


def trend_table(
    each: str, every: list[Slot], found: list[dict[str, Any] | None], links: list[list[str]], rated: list[str]
) -> str:
    """The trend's numbers, a row per day or week; each count opens its tickets (dates and numbers only)."""
    rows = []
    for index, (slot, m) in enumerate(zip(every, found, strict=True)):
        received, fixed = (m['volume'], m['resolved']) if m else (0, 0)
        score = f'{m["satisfaction"]:.1f} ({m["rated"]})' if m and m['rated'] else NONE
        cells = [
            linked(str(received), links[0][index], received),
            linked(str(fixed), links[1][index], fixed),
            linked(score, rated[index], m['rated'] if m else 0),
        ]
        rows.append(f'<tr><th scope="row">{escape(slot.words)}</th>{"".join(cells)}</tr>')
    head = f'<tr><th scope="col">{each}</th>' + ''.join(
        f'<th scope="col">{words}</th>' for words in ('Received', 'Fixed', 'Satisfaction (ratings)')
    )
    return f'<table class="td-m-table"><thead>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def score_table(counts: dict[int, int], links: list[str]) -> str:
    """How many of each score, in two short rows (the scores, then their counts), each count opening its tickets."""
    every = range(5, 0, -1)
    head = ''.join(f'<th scope="col">{score} {ratings.SCALE[score]}</th>' for score in every)
    cells = ''.join(linked(str(counts.get(score, 0)), links[score - 1], counts.get(score, 0)) for score in every)
    return (
        f'<table class="td-m-table td-m-scores"><thead><tr><th scope="col">Score</th>{head}</tr></thead>'
        f'<tbody><tr><th scope="row">Ratings</th>{cells}</tr></tbody></table>'
    )


def linked(words: str, address: str, count: int) -> str:
    """A table cell: a link to the tickets behind a number, plain text when there are none."""
    body = f'<a href="{escape(address)}">{escape(words)}</a>' if count else escape(words)
    return f'<td>{body}</td>'
