"""Managers: how well the desk serves, for a period: headline figures, a breakdown per group, trends.

Every figure comes from `measure_figures.figures` (the headline, beside the previous period and the targets)
and `measures.measures` (the breakdown and the trend), aggregated in the database; this page only formats
them. A measure with nothing to measure shows "—" and says why, never a misleading 0. Days are the
organisation's: the working calendar's time zone.

The trend and the ratings are charts (ui.echart: its script loads only on this screen, never on the screens a
requester's phone opens), each with its numbers in a small table under it; every point, bar and number opens the
tickets behind it (/measures/tickets). The screen follows ticket changes live, reading again at most once every
LIVE_SECONDS, and changes only what changed: the charts keep their place, nothing scrolls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from nicegui import Client, ui
from nicegui.events import EChartPointClickEventArguments

from models import clock, deflections, events, field_measures, measure_figures, measures, sla, when
from models.measures import GroupBy
from models.table_export import with_field
from models.users import User

from .layout import MANAGERS, frame, live, signed_in
from .measure_charts import (
    Slot,
    chart,
    rating_chart,
    score_chart,
    score_table,
    set_options,
    trend_table,
    volume_chart,
)

PERIODS = {'7': '7 days', '30': '30 days', '90': '90 days', 'month': 'This month'}
GROUPS = {GroupBy.SERVICE: 'Service', GroupBy.TECHNICIAN: 'Technician', GroupBy.CATEGORY: 'Requesters'}
GROUP_MEANING = {
    GroupBy.SERVICE: 'What the requests were about.',
    GroupBy.TECHNICIAN: 'Who the requests are assigned to.',
    GroupBy.CATEGORY: 'Who asked: the requester’s category.',
}
NONE = '—'
LIVE_SECONDS = 5.0  # an open screen reads its figures again at most this often while tickets change

CSS = """
.td-m-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; width: 100%; }
.td-m-part { display: contents; }
.td-m-card { padding: 10px 12px; border-radius: 8px; gap: 2px; min-width: 0; }
.td-m-wide { grid-column: 1 / -1; }
.td-m-lines { gap: 2px; }
.td-m-name { font-weight: 600; font-size: 0.9rem; line-height: 1.2; }
.td-m-value { font-size: 1.5rem; font-weight: 600; line-height: 1.25; }
.td-m-note { font-size: 0.8rem; opacity: 0.72; line-height: 1.25; }
.td-m-hint { font-size: 0.8rem; font-style: italic; opacity: 0.72; }
.td-m-line { font-size: 0.9rem; line-height: 1.35; }
.td-m-links > * { display: inline; }
.td-m-links > :not(:first-child)::before { content: '·'; display: inline-block; margin: 0 0.3em; }
.td-m-count { color: inherit; text-decoration: underline dotted; text-underline-offset: 3px; }
.td-m-head { font-size: 1.05rem; font-weight: 600; margin-top: 8px; }
.td-m-toggle { border: 1px solid rgba(128, 128, 128, 0.4); }
.td-m-toggle .q-btn { min-height: 48px; padding: 0 6px; }
.td-m-list { gap: 8px; }
.td-m-rows { gap: 2px; }
.td-m-track { flex: 1 1 auto; height: 12px; border-radius: 6px; background: rgba(128, 128, 128, 0.18); }
.td-m-bar { height: 100%; border-radius: 6px; background: var(--q-primary); }
.td-m-was { font-size: 0.8rem; line-height: 1.25; }
.td-m-target { font-size: 0.8rem; line-height: 1.25; font-weight: 600; }
.td-m-chart { width: 100%; }
.td-m-table { width: 100%; border-collapse: collapse; font-size: 0.75rem; line-height: 1.3; opacity: 0.85; }
.td-m-table th, .td-m-table td { padding: 1px 4px; text-align: right; font-weight: normal; white-space: nowrap; }
.td-m-table th[scope=row], .td-m-table thead th:first-child { text-align: left; }
.td-m-table thead th { font-weight: 600; }
.td-m-scores thead th { white-space: normal; }
.td-m-table a { color: inherit; text-decoration: underline dotted; text-underline-offset: 3px; }
@media print { .td-m-table { opacity: 1; font-size: 9pt; } }
"""


@ui.page('/measures')
@signed_in(roles=MANAGERS, refusal='Only managers can see the measures.', title='Measures')
async def measures_page(request: Request, viewer: User, period: str = '30', by: str = 'service') -> None:
    screen = Measures(viewer, period, by)
    with frame('Measures', viewer):
        ui.add_css(CSS)
        await screen.build()
    live(events.QUEUE, screen.changed)  # every ticket change, from every instance
    return None


class Measures:
    """The screen's state: the chosen period and grouping; each choice change loads once, and so does each
    burst of ticket changes."""

    def __init__(self, viewer: User, period: str, by: str) -> None:
        self.viewer = viewer
        self.client = ui.context.client
        self.period = period if period in PERIODS else '30'
        self.by = GroupBy(by) if by in GROUPS else GroupBy.SERVICE
        self._loads = {'period': 0, 'groups': 0}  # per part of the screen: a newer choice wins over an older load
        self._shown: dict[int, Any] = {}  # per part: what it shows, so that a refresh rebuilds only what changed
        self._refresh_due = False
        self.trend_links: list[list[str]] = [[], []]  # per series of the volume chart: each point's tickets
        self.rating_links: list[str] = []
        self.score_links: list[str] = []

    async def build(self) -> None:
        big_toggle(PERIODS, self.period, self.set_period).mark('period')
        self.span = ui.label().classes('td-m-note').mark('span')
        with ui.element('div').classes('td-m-grid').mark('headline'):
            self.counts = ui.element('div').classes('td-m-part')
            with box('satisfaction', wide=True):
                self.satisfaction = ui.column().classes('td-m-lines full-width')
                self.score_chart = chart(self.open_score, 'scores', height=150).mark('score-chart')
                self.score_table = ui.html('', sanitize=False).classes('full-width').mark('score-table')
            self.rest = ui.element('div').classes('td-m-part')
        with ui.row().classes('q-gutter-sm'):
            ui.link('Expectation gaps', '/gaps').classes('q-btn q-btn--outline q-px-md q-py-sm td-m-line').mark(
                'gaps-link'
            )
            ui.link('Improvement actions', '/actions').classes('q-btn q-btn--outline q-px-md q-py-sm td-m-line')
            ui.link('Weekly summary to print', '/measures/weekly').classes(
                'q-btn q-btn--outline q-px-md q-py-sm td-m-line'
            ).mark('weekly-link')
            self.export = (
                ui.link('Tickets as a spreadsheet (CSV)', self._export())
                .classes('q-btn q-btn--outline q-px-md q-py-sm td-m-line')
                .mark('export-link')
            )
        ui.label('Visits on site').classes('td-m-head')
        self.field = ui.element('div').classes('td-m-grid').mark('field')
        ui.label('Self-help').classes('td-m-head')
        self.self_help = ui.column().classes('full-width td-m-list').mark('self-help')
        ui.label('Per group').classes('td-m-head')
        big_toggle(GROUPS, self.by, self.set_group).mark('group-by')
        self.group_meaning = ui.label(GROUP_MEANING[self.by]).classes('td-m-note')
        self.groups = ui.column().classes('full-width td-m-list').mark('groups')
        self.groups_csv = ui.link('This table as CSV', self._groups_csv()).classes('td-m-line').mark('groups-csv')
        self.trend_title = ui.label().classes('td-m-head')
        with ui.column().classes('full-width td-m-rows').mark('trends'):
            ui.label('Received and fixed').classes('td-m-name q-mt-sm')
            self.volume_chart = chart(self.open_trend, 'volume', height=210).mark('volume-chart')
            ui.label('Satisfaction, out of 5').classes('td-m-name q-mt-md')
            self.no_rating_trend = ui.label('No ratings in this period yet.').classes('td-m-hint')
            self.no_rating_trend.mark('no-ratings-trend')
            self.rating_chart = chart(self.open_rating, 'satisfaction', height=140).mark('satisfaction-chart')
            self.trend_table = ui.html('', sanitize=False).classes('full-width q-mt-sm').mark('trend-table')
            self.trend_csv = ui.link('This table as CSV', self._trend_csv()).classes('td-m-line').mark('trend-csv')
        self.note = ui.label().classes('td-m-note q-mt-md').mark('time-zone-note')
        await self.load_period()

    def _export(self) -> str:
        """The tickets of the chosen period as CSV (pages/exports.py; "This month" takes the last 31 days)."""
        return f'/export/tickets.csv?days={self.period if self.period.isdecimal() else 31}'

    def _groups_csv(self) -> str:
        """The per-group table of the chosen period and grouping as CSV (pages/exports.py)."""
        return f'/export/measures.csv?period={self.period}&by={self.by.value}'

    def _trend_csv(self) -> str:
        return f'/export/trend.csv?period={self.period}'

    async def set_period(self, value: str) -> None:
        self.period = value
        self.export.props(f'href={self._export()}')
        self.groups_csv.props(f'href={self._groups_csv()}')
        self.trend_csv.props(f'href={self._trend_csv()}')
        self._remember()
        await self.load_period()

    async def set_group(self, value: GroupBy) -> None:
        self.by = GroupBy(value)
        self.groups_csv.props(f'href={self._groups_csv()}')
        self._remember()
        self.group_meaning.set_text(GROUP_MEANING[self.by])
        await self.load_groups()

    async def changed(self, _: events.TicketChanged) -> None:
        """A ticket was created, answered, fixed, rated, reopened…: read everything again once the burst it may
        belong to has had LIVE_SECONDS to pass; changes meanwhile wait for the same reading."""
        if self._refresh_due:
            return
        self._refresh_due = True
        await asyncio.sleep(LIVE_SECONDS)
        self._refresh_due = False
        if self.client.id in Client.instances:  # not gone while waiting
            await self.load_period()

    async def load_period(self) -> None:
        """Everything: the period changed (or the page opened, or tickets changed)."""
        load = self._start('period', 'groups')
        zone = ZoneInfo((await sla.working_calendar()).timezone)
        since, until, step = window(self.period, clock.now(), zone)
        total = await measure_figures.figures(actor=self.viewer, since=since, until=until, now=clock.now())
        field = await field_measures.field_overall(actor=self.viewer, since=since, until=until)
        rows = await self.group_rows(since, until)
        trend = await measures.measures(actor=self.viewer, since=since, until=until, group_by=step)
        avoided = await deflections.by_service(actor=self.viewer, since=since, until=until, now=clock.now())
        if self._current(load, 'period'):
            first, last = local_days(since, until, zone)
            self.span.set_text(when.dates(noon(first), noon(last)))
            self.show_headline(total, since, until)
            self.show(self.field, (field, total['previous']), lambda: field_headline(field, total['previous']))
            self.show(self.self_help, (avoided, total['previous']), lambda: self_help(avoided, total['previous']))
            self.trend_title.set_text('Day by day' if step == GroupBy.DAY else 'Week by week')
            self.show_trend(trend, slots(since, until, step, zone), 'Day' if step == GroupBy.DAY else 'Week')
            self.note.set_text(note(total['timezone']))
        if self._current(load, 'groups'):
            self.show_groups(rows, since, until)

    async def load_groups(self) -> None:
        """Only the breakdown: the grouping changed."""
        load = self._start('groups')
        zone = ZoneInfo((await sla.working_calendar()).timezone)
        since, until, _ = window(self.period, clock.now(), zone)
        rows = await self.group_rows(since, until)
        if self._current(load, 'groups'):
            self.show_groups(rows, since, until)

    async def group_rows(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Each group's figures, with its field figures under 'field' (a group may have only those)."""
        rows = await measures.measures(actor=self.viewer, since=since, until=until, group_by=self.by)
        field = await field_measures.field_measures(actor=self.viewer, since=since, until=until, group_by=self.by)
        merged = with_field(rows, field)
        if self.by == GroupBy.SERVICE:
            kept = await measure_figures.compliance_by_service(actor=self.viewer, since=since, until=until)
            merged = [{**m, 'times': kept.get(m['key'])} for m in merged]
        return merged

    def show_headline(self, total: dict[str, Any], since: datetime, until: datetime) -> None:
        m, was, before = total['current'], total['previous'], before_words(PERIODS[self.period])
        shown = (m, was, total['targets'], before, since, until)
        link = partial(behind, since=since, until=until)
        self.show(self.counts, shown, lambda: headline_counts(m, was, before, link=link))
        self.show(self.satisfaction, shown, lambda: satisfaction_lines(m, was, before))
        self.show(self.rest, shown, lambda: headline_rest(m, was, total['targets'], before, link))
        self.score_links = [behind('rated', since, until, score=score) for score in range(1, 6)]
        set_options(self.score_chart, score_chart(m['scores']))
        self.score_table.set_content(score_table(m['scores'], self.score_links))
        for part in (self.score_chart, self.score_table):
            part.set_visibility(bool(m['rated']))

    def show_trend(self, rows: list[dict[str, Any]], every: list[Slot], each: str) -> None:
        per = {r['key']: r for r in rows}
        found = [per.get(slot.key) for slot in every]
        self.trend_links = [[behind(what, s.since, s.until) for s in every] for what in ('received', 'fixed')]
        self.rating_links = [behind('rated', s.since, s.until) for s in every]
        set_options(self.volume_chart, volume_chart(every, found))
        set_options(self.rating_chart, rating_chart(every, found))
        rated = any(m and m['rated'] for m in found)
        self.rating_chart.set_visibility(rated)
        self.no_rating_trend.set_visibility(not rated)
        self.trend_table.set_content(trend_table(each, every, found, self.trend_links, self.rating_links))

    def show_groups(self, rows: list[dict[str, Any]], since: datetime, until: datetime) -> None:
        self.show(self.groups, (rows, self.by, since, until), lambda: group_cards(rows, self.by, since, until))

    def show(self, container: ui.element, shown: Any, build: Callable[[], None]) -> None:
        """Rebuild a part only when what it shows changed: a live refresh that changes nothing sends nothing."""
        if self._shown.get(container.id) == shown:
            return
        self._shown[container.id] = shown
        fill(container, build)

    def open_trend(self, e: EChartPointClickEventArguments) -> None:
        go(self.trend_links[e.series_index] if e.series_index < len(self.trend_links) else [], e.data_index)

    def open_rating(self, e: EChartPointClickEventArguments) -> None:
        go(self.rating_links, e.data_index)

    def open_score(self, e: EChartPointClickEventArguments) -> None:
        go(self.score_links, e.data_index)

    def _start(self, *parts: str) -> dict[str, int]:
        for part in parts:
            self._loads[part] += 1
        return dict(self._loads)

    def _current(self, load: dict[str, int], part: str) -> bool:
        """Whether no newer load of this part started while this one was waiting for the database."""
        return load[part] == self._loads[part]

    def _remember(self) -> None:
        """Keep the choices in the address, so that a reload or a shared link shows the same."""
        ui.navigate.history.replace(f'/measures?period={self.period}&by={self.by.value}')


def big_toggle(options: dict, value: Any, on_change: Callable[[Any], Awaitable[None]]) -> ui.toggle:
    return (
        ui.toggle(options, value=value, on_change=lambda e: on_change(e.value))
        .props('spread no-caps unelevated toggle-color=primary')
        .classes('full-width td-m-toggle')
    )


def fill(container: ui.element, build: Callable[[], None]) -> None:
    """Replace a part's contents in one step (one update for the browser: no blank moment, no jump)."""
    container.clear()
    with container:
        build()


def go(links: Sequence[str], index: int) -> None:
    """Open the tickets behind a chart point (none for a point of a chart drawn before the last update)."""
    if 0 <= index < len(links):
        ui.navigate.to(links[index])


# ---- the period --------------------------------------------------------------------------------------------


def window(period: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime, GroupBy]:
    """[since, until) in whole local days up to the end of today (local midnight to local midnight, in UTC),
    and the step of its trend. Whole days, so that the trend's first and last bars are not cut short."""
    today = now.astimezone(zone).date()
    first = today.replace(day=1) if period == 'month' else today - timedelta(days=int(period) - 1)
    step = GroupBy.DAY if period != 'month' and int(period) <= 7 else GroupBy.WEEK
    return midnight(first, zone), midnight(today + timedelta(days=1), zone), step


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(ZoneInfo('UTC'))


def local_days(since: datetime, until: datetime, zone: ZoneInfo) -> tuple[date, date]:
    """The first and last local day of [since, until)."""
    return since.astimezone(zone).date(), (until.astimezone(zone) - timedelta(seconds=1)).date()


def slots(since: datetime, until: datetime, step: GroupBy, zone: ZoneInfo) -> list[Slot]:
    """Every local day or week of the period, including those with nothing in them; a week is cut to the period."""
    first, last = local_days(since, until, zone)
    if step == GroupBy.DAY:
        every = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        return [
            Slot(key(d), when.date_words(d), f'{when.DAYS[d.weekday()]}\n{d.day}', midnight(d, zone),
                 midnight(d + timedelta(days=1), zone))
            for d in every
        ]  # fmt: skip
    result = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        start, end = max(monday, first), min(monday + timedelta(days=6), last)
        short = f'{start.day} {when.MONTHS[start.month - 1]}'
        span = (midnight(start, zone), midnight(end + timedelta(days=1), zone))
        result.append(Slot(key(monday), when.dates(noon(start), noon(end)), short, *span))
        monday += timedelta(days=7)
    return result


def noon(day: date) -> datetime:
    """A day as the datetime `when.dates` reads (it takes the date as given)."""
    return datetime(day.year, day.month, day.day, 12)


def key(day: date) -> str:
    return f'{day:%Y-%m-%d}'


def before_words(period: str) -> str:
    """What the period before a chosen one (PERIODS' words) is called: 'the 7 days before', 'the month before'."""
    return f'the {period.lower()} before' if period[0].isdigit() else 'the month before'


def note(timezone: str) -> str:
    return (
        f'Days are counted in {timezone} time. First-answer and fix times count working hours where the '
        "service's target does, and run around the clock otherwise; the fix time does not pause while a "
        'request waits for the requester.'
    )


# ---- what is shown ------------------------------------------------------------------------------------------


Words = dict[str, tuple[str, str]]  # per figure (its marker): its name on the card, and what it means

HEADLINE_WORDS: Words = {
    'received': ('Received', 'Requests reported'),
    'fixed': ('Fixed', 'Fixes made; one fixed twice counts twice'),
    'backlog': ('Open at the end', 'Requests not fixed when the period ended'),
    'callback-rate': ('Reopened', 'Share of fixes that did not hold'),
    'first-response': ('First answer', 'Median wait for a first reply'),
    'resolution': ('Time to fix', 'Median time from report to fix'),
    'answer-compliance': ('Answered in time', 'First answers within the target'),
    'fix-compliance': ('Fixed in time', 'Fixes within the target'),
    'satisfaction': ('Satisfaction', 'Average rating requesters gave the fixes'),
}


def no_link(what: str) -> str:
    return ''


def headline_counts(
    m: dict[str, Any], was: dict[str, Any], before: str, words: Words = HEADLINE_WORDS, *,
    link: Callable[[str], str] = no_link,
) -> None:  # fmt: skip
    """The headline's counts, the previous period's beside them ("▲ from 3"); `link(what)`: the address of the
    tickets behind a figure, opened by tapping it ('' leaves the figure plain)."""
    for what, better in (('received', 1), ('fixed', 1), ('backlog', -1)):
        name, meaning = words[what]
        card(name, str(m[what]), meaning, what, behind=link(what),
             was=compare(m[what], was[what], str, before, better=better))  # fmt: skip


def satisfaction_lines(m: dict[str, Any], was: dict[str, Any], before: str, words: Words = HEADLINE_WORDS) -> None:
    """The satisfaction card's words; the scores it shows (a chart, or lines of words) stay in place below them."""
    name, meaning = words['satisfaction']
    card_lines(
        name,
        satisfaction(m['satisfaction']),
        meaning,
        'satisfaction',
        hint=ratings_words(m['rated'], m['satisfied']) if m['rated'] else 'no ratings yet',
        was=compare(m['satisfaction'], was['satisfaction'], lambda v: f'{v:.1f}', before),
    )


def headline_rest(
    m: dict[str, Any], was: dict[str, Any], targets: dict[str, Any], before: str, link: Callable[[str], str]
) -> None:
    """The shares and times of the headline, with their targets where one exists; `link` as for
    `headline_counts`."""
    fixes = m['fixed']
    card(
        'Rated',
        percent(m['response_rate']),
        'Share of fixes the requester rated',
        'response-rate',
        behind=link('rated'),
        hint=f'{m["rated"]} of {fixes}' if fixes else 'nothing fixed yet',
        was=compare(m['response_rate'], was['response_rate'], percent, before),
    )
    work_cards(m, was, targets, before, link=link)


def work_cards(
    m: dict[str, Any], was: dict[str, Any], targets: dict[str, Any], before: str, words: Words = HEADLINE_WORDS, *,
    link: Callable[[str], str] = no_link,
) -> None:  # fmt: skip
    """How the fixes held and how long they took: reopened, the median times (with their targets where one exists)
    and the shares in time; `link` as for `headline_counts`."""
    fixes = m['fixed']
    no_fix = 'nothing fixed yet' if not fixes else ''
    name, meaning = words['callback-rate']
    card(name, percent(m['callback_rate']), meaning, 'callback-rate', behind=link('callbacks'),
         hint=f'{m["callbacks"]} of {fixes}' if fixes else no_fix,
         was=compare(m['callback_rate'], was['callback_rate'], percent, before, better=-1))  # fmt: skip
    time_card(*words['first-response'], 'first-response', m['first_answer'], was['first_answer'], targets['answer'],
              before, empty='no answers yet', behind=link('answered'))  # fmt: skip
    time_card(*words['resolution'], 'resolution', m['fix'], was['fix'], targets['fix'], before,
              empty=no_fix or 'every fix was reopened', behind=link('fixed'))  # fmt: skip
    within_card(*words['answer-compliance'], 'answer-compliance', m['first_answer'], was['first_answer'], before,
                behind=link('answered_late'))  # fmt: skip
    within_card(*words['fix-compliance'], 'fix-compliance', m['fix'], was['fix'], before, behind=link('fixed_late'))


def time_card(
    name: str, meaning: str, marker: str, now: dict, was: dict, target: dict | None, before: str, *, empty: str,
    behind: str = '',
) -> None:  # fmt: skip
    """A median time; `behind`: the tickets it was taken over."""
    median = now['median_seconds']
    hint = f'90% within {duration(now["p90_seconds"])}' if median is not None else empty
    with card(
        name, duration(median), meaning, marker, hint=hint,
        was=compare(median, was['median_seconds'], duration, before, better=-1),
        behind=behind if median is not None else '',
    ):  # fmt: skip
        if target is not None:
            ui.label(target_words(target)).classes('td-m-target').mark(f'{marker}-target')


def within_card(name: str, meaning: str, marker: str, now: dict, was: dict, before: str, *, behind: str = '') -> None:
    """A share within the target; `behind`: the late ones (what a manager wants to read), opened from it."""
    counted, late = now['with_target'], now['with_target'] - now['within_target']
    hint = f'{now["within_target"]} of {counted}, {late} late' if counted else 'no target, or nothing to hold to yet'
    card(name, percent(now['compliance']), meaning, marker, hint=hint,
         was=compare(now['compliance'], was['compliance'], percent, before),
         behind=behind if late else '')  # fmt: skip


def compare(now: Any, was: Any, words: Callable[[Any], str], before: str, *, better: int = 1) -> str:
    """ "▲ from 3.9" (up), "▼ from 3.9" (down), "same as …"; nothing when either side has nothing to show.
    `better` is not shown as a colour: up is not always good (a backlog), so the words stay neutral."""
    if now is None or was is None:
        return f'{before}: —' if was is None and now is not None else ''
    if words(now) == words(was):
        return f'same as {before}'
    return f'{"▲" if now > was else "▼"} from {words(was)}, {before}'


def target_words(target: dict[str, Any]) -> str:
    """'Target: within 8 h of working hours', 'Targets: 1 h to 4 h (some in working hours)'."""
    working = {True: ' of working hours', False: '', None: ' (some in working hours)'}[target['working']]
    low, high = (when.span(target[k] * 60) for k in ('shortest_minutes', 'longest_minutes'))
    return f'Target: within {low}{working}' if low == high else f'Targets: {low} to {high}{working}'


def self_help(rows: list[dict[str, Any]], was: dict[str, Any]) -> None:
    """Requests self-help avoided: "This solved it" (confirmed), and opened an article then nothing filed
    for a day (potential), per service; the previous period's totals beside them."""
    confirmed, potential = sum(r['confirmed'] for r in rows), sum(r['potential'] for r in rows)
    with ui.element('div').classes('td-m-grid'):
        card('Solved by an article', str(confirmed), '"This solved it", no request sent', 'deflections-confirmed',
             was=compare(confirmed, was['deflections_confirmed'], str, 'the period before'))  # fmt: skip
        card(
            'Probably solved',
            str(potential),
            'Read an article, then asked nothing for a day',
            'deflections-potential',
            was=compare(potential, was['deflections_potential'], str, 'the period before'),
        )
    for row in rows:
        ui.label(f'{row["label"]}: {row["confirmed"]} solved, {row["potential"]} probably').classes('text-body2').mark(
            'deflections-service'
        )


def field_headline(f: dict[str, Any], was: dict[str, Any]) -> None:
    fixed = f['fixed_on_visit']
    card('Visits', str(f['visits']), 'Visits made on site', 'visits')
    card('Missed visits', str(f['missed']), 'Chosen times nobody came to', 'missed')
    card(
        'Fixed on the first visit',
        percent(f['first_visit_fix_rate']),
        'Share of fixes on site made the first time',
        'first-visit-fixes',
        was=compare(f['first_visit_fix_rate'], was['first_visit_fix_rate'], percent, 'the period before'),
        hint=f'{f["first_visit_fixes"]} of {fixed}' if fixed else 'nothing fixed on site yet',
    )
    per_fix = f['on_site_per_fix_seconds']
    card(
        'Time on site',
        when.span(f['on_site_seconds']) if f['visits'] else NONE,
        'From "Arrived" to "Leaving", all visits',
        'time-on-site',
        hint=f'{when.span(per_fix)} per fix' if per_fix is not None else 'nothing fixed on site yet',
    )


def card(
    name: str, value: str, meaning: str, marker: str, *, hint: str = '', was: str = '', behind: str = ''
) -> ui.card:
    """A figure with its name, a hint, the previous period (`was`) and what it means; more may be added inside.
    `behind`: the address of the tickets it counts (/measures/tickets), opened by tapping the figure."""
    with box(marker) as made:
        card_lines(name, value, meaning, marker, hint=hint, was=was, behind=behind)
    return made


def box(marker: str, *, wide: bool = False) -> ui.card:
    """A figure's card, empty: `card_lines` and what else it shows go inside; `wide` spans the grid."""
    return ui.card().props('flat bordered').classes('td-m-card' + (' td-m-wide' if wide else '')).mark(marker)


def card_lines(
    name: str, value: str, meaning: str, marker: str, *, hint: str = '', was: str = '', behind: str = ''
) -> None:
    ui.label(name).classes('td-m-name')
    if behind:
        ui.link(value, behind).classes('td-m-value td-m-behind').mark(f'{marker}-value')
    else:
        ui.label(value).classes('td-m-value').mark(f'{marker}-value')
    if was:
        ui.label(was).classes('td-m-was').mark(f'{marker}-was')
    if hint:
        ui.label(hint).classes('td-m-hint')
    ui.label(meaning).classes('td-m-note')


def behind(what: str, since: datetime, until: datetime, **only: Any) -> str:
    """The address of the tickets behind a figure of [since, until), `only` those of a group or a score
    (service=, category=, technician=, score=)."""
    query = {'what': what, 'since': since.isoformat(), 'until': until.isoformat()}
    return '/measures/tickets?' + urlencode({**query, **{k: v for k, v in only.items() if v is not None}})


def group_cards(rows: list[dict[str, Any]], by: GroupBy, since: datetime, until: datetime) -> None:
    """A card per group; each count opens its tickets, of that group only (a group without a key, such as
    'Unassigned', cannot be asked for: its counts are plain)."""
    if not rows:
        ui.label('Nothing was reported or fixed in this period.').classes('td-m-hint').mark('no-groups')
        return
    busiest = max(r['volume'] for r in rows) or 1
    for m in sorted(rows, key=lambda r: (-r['volume'], -r['resolved'], r['key'] is None, r['label'])):

        def count(words: str, what: str, m: dict[str, Any] = m) -> None:
            if m['key'] is None:
                ui.label(words)
            else:
                link = ui.link(words, behind(what, since, until, **{by.value: m['key']}))
                link.classes('td-m-count').mark(f'group-{what}-link')

        with ui.card().props('flat bordered').classes('td-m-card full-width').mark(f'group-{m["key"]}'):
            with ui.row().classes('full-width no-wrap items-baseline td-m-line'):
                ui.label(m['label']).classes('td-m-name ellipsis col')
                count(f'{m["volume"]} received', 'received')
            bar(m['volume'] / busiest)
            with ui.element('div').classes('td-m-line td-m-links').mark('group-fixes'):
                if m['resolved']:
                    count(f'{m["resolved"]} fixed', 'fixed')
                    count(f'{m["callbacks"]} reopened ({percent(m["callback_rate"])})', 'callbacks')
                else:
                    ui.label('Nothing fixed yet')
            with ui.element('div').classes('td-m-line td-m-links').mark('group-ratings'):
                if m['rated']:
                    ui.label(f'Satisfaction {satisfaction(m["satisfaction"])}')
                    count(f'{m["rated"]} rating' + ('' if m['rated'] == 1 else 's'), 'rated')
                    ui.label(f'{percent(m["satisfied"])} good or great')
                else:
                    ui.label('Satisfaction: no ratings yet')
            answer, fix = duration(m['first_response_seconds']), duration(m['resolution_seconds'])
            ui.label(f'First answer {answer} · fixed in {fix}').classes('td-m-line')
            time_lines(m.get('times'))
            field_lines(m['field'])


def time_lines(times: dict[str, Any] | None) -> None:
    """A service's medians, 90th percentiles and shares within target (nothing for other groupings)."""
    if not times:
        return
    for kind, words in (('answer', 'Answer'), ('fix', 'Fix')):
        t = times.get(kind)
        if not t or not t['count']:
            continue
        within = f' · {percent(t["compliance"])} within target' if t['with_target'] else ''
        line = f'{words}: median {duration(t["median_seconds"])}, 90% within {duration(t["p90_seconds"])}{within}'
        ui.label(line).classes('td-m-line').mark(f'group-{kind}-times')


def field_lines(f: dict[str, Any] | None) -> None:
    """A group's visits in two short lines (nothing when it had none)."""
    if f is None or not (f['visits'] or f['missed']):
        return
    visits = f'{f["visits"]} visit' + ('' if f['visits'] == 1 else 's')
    first = f' · {percent(f["first_visit_fix_rate"])} fixed on the first visit' if f['fixed_on_visit'] else ''
    ui.label(f'{visits} · {f["missed"]} missed{first}').classes('td-m-line').mark('group-visits')
    if f['visits']:
        per_fix = f['on_site_per_fix_seconds']
        each = f', {when.span(per_fix)} per fix' if per_fix is not None else ''
        ui.label(f'On site {when.span(f["on_site_seconds"])}{each}').classes('td-m-line').mark('group-on-site')


def bar(share: float) -> None:
    width = max(0.0, min(1.0, share)) * 100
    ui.html(
        f'<div class="td-m-track"><div class="td-m-bar" style="width: {width:.1f}%"></div></div>', sanitize=False
    ).classes('full-width').props('aria-hidden=true')


# ---- numbers in words ----------------------------------------------------------------------------------------


def satisfaction(score: float | None) -> str:
    return NONE if score is None else f'{score:.1f} / 5'


def ratings_words(rated: int, satisfied: float | None) -> str:
    count = f'{rated} rating' + ('' if rated == 1 else 's')
    return f'{count}, {percent(satisfied)} good or great' if satisfied is not None else count


def percent(ratio: float | None) -> str:
    return NONE if ratio is None else f'{round(ratio * 100)}%'


def duration(seconds: float | None) -> str:
    return NONE if seconds is None else when.span(seconds)
