"""Managers: one week of the service desk on one printable page (A4): the headline figures beside the week
before and the targets, the figures per service, the biggest expectation gaps and the improvement actions
still open.

`/measures/weekly?week=YYYY-MM-DD` shows the week (Monday to Sunday, in the working calendar's time zone) that
holds that day; without it, the last full week. Every figure comes from the domain (models/measure_figures.py,
measures.py, gaps.py, improvements.py); this page only formats them. People's words (service names, what an
action is) reach the page as table cells, which are text, never HTML.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from nicegui import ui

from models import clock, gaps, improvements, measure_figures, measures, sla, when
from models.gaps import Gap
from models.improvements import ActionState, ImprovementAction
from models.measures import GroupBy
from models.users import User

from .layout import MANAGERS, frame, signed_in
from .measures import NONE, duration, midnight, noon, note, percent, satisfaction, target_words

MONTHS = ('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
          'November', 'December')  # fmt: skip
TOP_GAPS = 5
ACTIONS_SHOWN = 6
WEEK_LINK = 'q-btn q-btn--flat q-btn--no-uppercase q-px-sm td-w-note'

CSS = """
.td-main.td-w-main { max-width: 900px; gap: 10px; }
.td-w-title { font-size: 1.35rem; font-weight: 700; line-height: 1.25; }
.td-w-head { font-size: 1.05rem; font-weight: 600; margin-top: 4px; }
.td-w-note { font-size: 0.8rem; opacity: 0.75; line-height: 1.3; }
.td-w-nav { gap: 8px; align-items: center; }
.td-w-nav .q-btn, .td-w-nav a { min-height: 44px; }
.td-w-table { width: 100%; }
.td-w-table th { font-weight: 600; }
.td-w-table th, .td-w-table td { font-size: 0.85rem; white-space: normal; }
.td-w-section { width: 100%; gap: 4px; }
.td-w-scroll { width: 100%; overflow-x: auto; }
.td-w-scroll .q-table__middle { overflow: visible; }
@page { size: A4; margin: 10mm 12mm; }
@media print {
  .td-header, .td-footer, .q-header, .q-footer, .td-w-nav, .q-notifications, .td-offline { display: none !important; }
  .q-page-container { padding: 0 !important; margin: 0 !important; }
  .q-layout, .q-page { min-height: 0 !important; }
  .nicegui-content { padding: 0 !important; }
  .td-main, .td-main.td-w-main { max-width: none; padding: 0 !important; gap: 5px; }
  html, body { background: #fff !important; color: #000 !important; font-size: 9.5pt; }
  body * { color: #000 !important; background: transparent !important; box-shadow: none !important; }
  .td-w-title { font-size: 14pt; }
  .td-w-head { font-size: 10.5pt; margin-top: 2px; }
  .td-w-note { opacity: 1; font-size: 8pt; }
  .td-w-table .q-table th, .td-w-table .q-table td, .td-w-table .q-table tbody td, .td-w-table .q-table tr {
    font-size: 8.5pt !important; height: auto !important; padding: 1px 5px !important; line-height: 1.25 !important;
  }
  .td-w-table .q-table { border-collapse: collapse; }
  .td-w-table .q-table th, .td-w-table .q-table td { border: 0.5pt solid #777 !important; }
  .q-table__container { border: 0 !important; }
  .q-table__middle { overflow: visible !important; }
  tr, .td-w-keep { break-inside: avoid; page-break-inside: avoid; }
  .td-w-head { break-after: avoid; page-break-after: avoid; }
}
"""


@ui.page('/measures/weekly')
@signed_in(roles=MANAGERS, refusal='Only managers can see the weekly summary.', title='Weekly summary')
async def weekly_page(request: Request, viewer: User, week: str = '') -> None:
    with frame('Weekly summary', viewer, back='/measures') as main:
        main.classes('td-w-main')
        ui.add_css(CSS)
        await Weekly(viewer).build(week)
    return None


class Weekly:
    def __init__(self, viewer: User) -> None:
        self.viewer = viewer

    async def build(self, week: str) -> None:
        zone = ZoneInfo((await sla.working_calendar()).timezone)
        now = clock.now()
        this_monday = monday_of(now.astimezone(zone).date())
        monday, problem = chosen_week(week, this_monday)
        sunday = monday + timedelta(days=6)
        since, until = midnight(monday, zone), midnight(monday + timedelta(days=7), zone)
        so_far = ' (so far)' if monday == this_monday else ''
        ui.label(f'Service desk — week of {week_words(monday, sunday)}{so_far}').classes('td-w-title').mark('title')
        navigation(monday, this_monday)
        if problem:
            ui.label(problem).classes('td-w-note').mark('week-problem')
        found = await measure_figures.figures(actor=self.viewer, since=since, until=until, now=now)
        section('The week at a glance', 'headline', HEADLINE_COLUMNS, headline_rows(found))
        per_service = await measures.measures(actor=self.viewer, since=since, until=until, group_by=GroupBy.SERVICE)
        times = await measure_figures.compliance_by_service(actor=self.viewer, since=since, until=until)
        section('Per service', 'services', SERVICE_COLUMNS, service_rows(per_service, times),
                empty='Nothing was reported or fixed this week.')  # fmt: skip
        found_gaps = await gaps.gaps(actor=self.viewer, since=since, until=until, group_by=GroupBy.SERVICE)
        section('Where expectations and delivery part', 'gaps', GAP_COLUMNS, gap_rows(found_gaps[:TOP_GAPS]),
                empty='No gaps this week: delivery and satisfaction agree.',
                more=_more(len(found_gaps) - TOP_GAPS, 'gap', '/gaps'))  # fmt: skip
        actions = await improvements.actions_for(self.viewer, state=ActionState.OPEN)
        section('Improvement actions open', 'actions', ACTION_COLUMNS, action_rows(actions[:ACTIONS_SHOWN], sunday),
                empty='No improvement actions are open.',
                more=_more(len(actions) - ACTIONS_SHOWN, 'open action', '/actions'))  # fmt: skip
        ui.label(
            note(found['timezone']) + ' A dash means there was nothing to measure (see the reason beside it).'
        ).classes('td-w-note').mark('time-zone-note')


def navigation(monday: date, this_monday: date) -> None:
    """The week before, Print, the week after (while it has begun): none of it printed."""
    before, after = monday - timedelta(days=7), monday + timedelta(days=7)
    with ui.row().classes('td-w-nav full-width'):
        ui.link(f'← {short_week(before)}', week_address(before)).classes(WEEK_LINK).mark('previous-week')
        ui.button('Print', icon='print', on_click=lambda: ui.run_javascript('window.print()')).props(
            'unelevated no-caps'
        ).mark('print')
        if after <= this_monday:
            ui.link(f'{short_week(after)} →', week_address(after)).classes(WEEK_LINK).mark('next-week')


def section(
    title: str, marker: str, columns: list[dict[str, Any]], rows: list[dict[str, Any]], *, empty: str = '',
    more: str = '',
) -> None:  # fmt: skip
    with ui.column().classes('td-w-section'):
        ui.label(title).classes('td-w-head')
        if rows:
            # A wide table scrolls sideways on a phone: in a region a keyboard can reach and scroll (WCAG 2.1.1).
            with ui.element('div').classes('td-w-scroll').props('tabindex=0 role=region') as region:
                region.props['aria-label'] = title
                ui.table(columns=columns, rows=rows, row_key='id').props(
                    'flat bordered dense wrap-cells hide-bottom separator=cell'
                ).classes('td-w-table').mark(f'{marker}-table')
        else:
            ui.label(empty).classes('td-w-note').mark(f'no-{marker}')
        if more:
            ui.label(more).classes('td-w-note')


# ---- the week ------------------------------------------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def chosen_week(week: str, this_monday: date) -> tuple[date, str]:
    """The Monday of the week asked for, or of the last full week, with why the address was not followed."""
    last_full = this_monday - timedelta(days=7)
    if not week:
        return last_full, ''
    try:
        monday = monday_of(date.fromisoformat(week))
    except ValueError:
        return last_full, 'The week in the address is not a date (YYYY-MM-DD): this is the last full week.'
    if monday > this_monday:
        return last_full, 'That week has not begun: this is the last full week.'
    return monday, ''


def week_words(first: date, last: date) -> str:
    """'16–22 November 2026', '30 November–6 December 2026', '28 December 2026–3 January 2027'."""
    end = f'{last.day} {MONTHS[last.month - 1]} {last.year}'
    if first.year != last.year:
        return f'{first.day} {MONTHS[first.month - 1]} {first.year}–{end}'
    if first.month != last.month:
        return f'{first.day} {MONTHS[first.month - 1]}–{end}'
    return f'{first.day}–{end}'


def short_week(monday: date) -> str:
    return when.dates(noon(monday), noon(monday + timedelta(days=6)))


def week_address(monday: date) -> str:
    return f'/measures/weekly?week={monday:%Y-%m-%d}'


def _more(n: int, what: str, where: str) -> str:
    return f'and {n} more {what}{"" if n == 1 else "s"}: see {where}' if n > 0 else ''


# ---- the tables ----------------------------------------------------------------------------------------------


def _columns(*names: tuple[str, str, str], whole: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """QTable's columns; those named in `whole` never wrap (a name, a day)."""
    nowrap = {'style': 'white-space: nowrap'}
    return [
        {'name': n, 'label': label, 'field': n, 'align': align, **(nowrap if n in whole else {})}
        for n, label, align in names
    ]


HEADLINE_COLUMNS = _columns(
    ('figure', 'Figure', 'left'), ('week', 'This week', 'left'), ('before', 'Week before', 'left'),
    ('target', 'Target', 'left'),
)  # fmt: skip
SERVICE_COLUMNS = _columns(
    ('service', 'Service', 'left'), ('received', 'Received', 'right'), ('fixed', 'Fixed', 'right'),
    ('reopened', 'Reopened', 'right'), ('satisfaction', 'Satisfaction', 'right'),
    ('answer', 'First answer (median)', 'right'), ('answer_in_time', 'Answered in time', 'right'),
    ('fix', 'Fix (median)', 'right'), ('fix_in_time', 'Fixed in time', 'right'),
)  # fmt: skip
GAP_COLUMNS = _columns(('service', 'Service', 'left'), ('gap', 'Gap', 'left'), ('meaning', 'What it means', 'left'))
ACTION_COLUMNS = _columns(
    ('what', 'What will be done', 'left'), ('about', 'About', 'left'), ('owner', 'Owner', 'left'),
    ('review', 'Review', 'left'), whole=('owner', 'review'),
)  # fmt: skip


def headline_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline figures in words: this week, the week before, the target where there is one."""
    m, was, targets = found['current'], found['previous'], found['targets']
    answer = target_words(targets['answer']).split(': ', 1)[1] if targets['answer'] else ''
    fix = target_words(targets['fix']).split(': ', 1)[1] if targets['fix'] else ''
    lines = [
        ('Received', lambda f: str(f['received']), ''),
        ('Fixed', lambda f: str(f['fixed']), ''),
        ('Open at the end', lambda f: str(f['backlog']), ''),
        ('First answer, median', lambda f: _time(f['first_answer'], 'median_seconds', 'no answers'), answer),
        ('First answer, 90% within', lambda f: _time(f['first_answer'], 'p90_seconds', 'no answers'), answer),
        ('Answered in time', lambda f: _within(f['first_answer']), ''),
        ('Time to fix, median', lambda f: _time(f['fix'], 'median_seconds', _no_fix(f)), fix),
        ('Time to fix, 90% within', lambda f: _time(f['fix'], 'p90_seconds', _no_fix(f)), fix),
        ('Fixed in time', lambda f: _within(f['fix']), ''),
        ('Satisfaction', _satisfaction, ''),
        ('Scores 5 · 4 · 3 · 2 · 1', _scores, ''),
        ('Rated', lambda f: _share(f['response_rate'], f['rated'], f['fixed'], 'nothing fixed'), ''),
        ('Reopened', lambda f: _share(f['callback_rate'], f['callbacks'], f['fixed'], 'nothing fixed'), ''),
        (
            'Fixed on the first visit',
            lambda f: _share(
                f['first_visit_fix_rate'], f['first_visit_fixes'], f['fixed_on_visit'], 'no fixes on site'
            ),
            '',
        ),  # fmt: skip
        ('Solved by an article', lambda f: str(f['deflections_confirmed']), ''),
    ]
    return [
        {'id': i, 'figure': name, 'week': words(m), 'before': words(was), 'target': target}
        for i, (name, words, target) in enumerate(lines)
    ]


def service_rows(found: list[dict[str, Any]], times: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per service, busiest first (as /measures orders them)."""
    rows = []
    for m in sorted(found, key=lambda r: (-r['volume'], -r['resolved'], r['key'] is None, r['label'])):
        t = times.get(m['key']) or {}
        answer, fix = t.get('answer') or {}, t.get('fix') or {}
        fixes = m['resolved']
        rows.append({
            'id': len(rows), 'service': m['label'], 'received': m['volume'], 'fixed': fixes,
            'reopened': f'{m["callbacks"]} ({percent(m["callback_rate"])})' if fixes else NONE,
            'satisfaction': f'{m["satisfaction"]:.1f} ({m["rated"]})' if m['rated'] else NONE,
            'answer': duration(answer.get('median_seconds')), 'answer_in_time': percent(answer.get('compliance')),
            'fix': duration(fix.get('median_seconds')), 'fix_in_time': percent(fix.get('compliance')),
        })  # fmt: skip
    return rows


def gap_rows(found: list[Gap]) -> list[dict[str, Any]]:
    return [
        {'id': i, 'service': g.label, 'gap': g.words, 'meaning': gaps.MEANINGS[g.kind]} for i, g in enumerate(found)
    ]


def action_rows(found: list[ImprovementAction], sunday: date) -> list[dict[str, Any]]:
    """Open actions, the review day first; 'due' when it falls in the week or before."""
    return [
        {
            'id': a.id,
            'what': a.what,
            'about': f'{gaps.TITLES[gaps.GapKind(a.gap_kind)]} · {a.group_label}',
            'owner': a.owner.name,
            'review': f'{when.date_words(a.review_on)}' + (' · due' if a.review_on <= sunday else ''),
        }  # fmt: skip
        for a in found
    ]


# ---- figures in words ----------------------------------------------------------------------------------------


def _time(t: dict[str, Any], which: str, why: str) -> str:
    return duration(t[which]) if t[which] is not None else f'{NONE} {why}'


def _within(t: dict[str, Any]) -> str:
    if not t['with_target']:
        return f'{NONE} no target to hold to'
    return f'{percent(t["compliance"])} ({t["within_target"]} of {t["with_target"]})'


def _no_fix(f: dict[str, Any]) -> str:
    return 'nothing fixed' if not f['fixed'] else 'every fix was reopened'


def _satisfaction(f: dict[str, Any]) -> str:
    if not f['rated']:
        return f'{NONE} no ratings'
    return f'{satisfaction(f["satisfaction"])} ({f["rated"]} rating{"" if f["rated"] == 1 else "s"})'


def _scores(f: dict[str, Any]) -> str:
    return ' · '.join(str(f['scores'][s]) for s in (5, 4, 3, 2, 1)) if f['rated'] else f'{NONE} no ratings'


def _share(ratio: float | None, part: int, whole: int, why: str) -> str:
    return f'{percent(ratio)} ({part} of {whole})' if whole else f'{NONE} {why}'
