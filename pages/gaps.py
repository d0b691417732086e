"""Managers: expectation gaps (where delivery and satisfaction part), the tickets and comments behind each, and
the improvement actions recorded from them.

Every figure comes from models/gaps.py (aggregated in the database); this module only lays them out. People's
words (titles, comments, what an action is) are shown through ui.label only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from nicegui import Client, ui

from models import clock, errors, gaps, improvements, sla, when
from models.gaps import Gap, GapKind
from models.improvements import ActionState, ImprovementAction
from models.measures import GroupBy
from models.ratings import SCALE
from models.users import User

from .layout import MANAGERS, STAFF, clear_errors, dialog_buttons, field_error, frame, signed_in, tell
from .measures import CSS, PERIODS, big_toggle, fill, local_days, noon, window

GROUPS = {GroupBy.SERVICE: 'Service', GroupBy.CATEGORY: 'Requesters', GroupBy.TECHNICIAN: 'Technician'}
GROUP_WORDS = {GroupBy.SERVICE: 'Service', GroupBy.CATEGORY: 'Requester group', GroupBy.TECHNICIAN: 'Technician'}
REVIEW_AFTER = timedelta(days=14)  # the review day a new action proposes
NOT_MANAGER = 'Only managers can see the expectation gaps.'

GAP_CSS = """
.td-g-words { font-size: 1.1rem; font-weight: 600; line-height: 1.3; }
.td-g-said { border-left: 3px solid rgba(128, 128, 128, 0.4); padding-left: 8px; gap: 2px; font-size: 0.9rem; }
.td-g-buttons .q-btn { min-height: 44px; }
.td-g-link { text-decoration: none; color: inherit; display: block; }
"""


@ui.page('/gaps')
@signed_in(roles=MANAGERS, refusal=NOT_MANAGER, title='Expectation gaps')
async def gaps_page(request: Request, viewer: User, period: str = '30', by: str = 'service') -> None:
    with frame('Expectation gaps', viewer):
        ui.add_css(CSS + GAP_CSS)
        await GapsScreen(viewer, period, by).build()


@ui.page('/gaps/{kind}')
@signed_in(roles=MANAGERS, refusal=NOT_MANAGER, title='Expectation gap')
async def gap_page(
    request: Request, viewer: User, kind: str, by: str = 'service', key: str = '', period: str = '30'
) -> None:
    """The tickets behind one group's gap, newest first, with what their requesters said."""
    chosen = _period(period)
    since, until, zone = await period_window(chosen, clock.now())
    back = f'/gaps?{urlencode({"period": chosen, "by": by})}'
    with frame('Expectation gap', viewer, back=back):
        ui.add_css(CSS + GAP_CSS)
        try:
            group_by, group_key = GroupBy(by), _key(key)
            gap = await gaps.gap_of(actor=viewer, kind=kind, group_by=group_by, key=group_key, since=since, until=until)
            behind = await gaps.tickets_behind(
                actor=viewer, kind=kind, group_by=group_by, key=group_key, since=since, until=until
            )
        except (errors.DomainError, ValueError):
            ui.label('There is no such gap. Pick one from the list of gaps.').classes('text-body1').mark('not-found')
            return
        client = ui.context.client
        gap_head(gap, group_by, span_words(since, until, zone))
        ui.button(
            'Record an action', icon='flag', on_click=lambda: record_dialog(viewer, gap, group_by, since, until, client)
        ).props('unelevated no-caps').classes('full-width').mark('record-action')
        ui.label(_listed(len(behind))).classes('td-m-head')
        with ui.column().classes('full-width td-m-list').mark('behind'):
            for b in behind:
                ticket_card(b, gap.kind, viewer)


@ui.page('/actions')
@signed_in(roles=STAFF, title='Improvement actions')
async def actions_page(request: Request, viewer: User) -> None:
    with frame('Improvement actions', viewer):
        ui.add_css(CSS + GAP_CSS)
        found = await improvements.actions_for(viewer)
        if viewer.is_manager:
            ui.button('See the gaps', icon='insights', on_click=lambda: ui.navigate.to('/gaps')).props(
                'flat no-caps'
            ).mark('to-gaps')
        if not found:
            words = 'No actions yet. Record one from a gap.' if viewer.is_manager else 'No actions are yours to review.'
            ui.label(words).classes('td-m-hint').mark('no-actions')
            return
        with ui.column().classes('full-width td-m-list').mark('actions'):
            for action in found:
                action_card(action)


@ui.page('/actions/{number}')
@signed_in(roles=STAFF, title='Improvement action')
async def action_page(request: Request, viewer: User, number: str) -> None:
    with frame('Improvement action', viewer, back='/actions'):
        ui.add_css(CSS + GAP_CSS)
        try:
            action = await improvements.get_for(viewer, number)
        except errors.NotFound:
            ui.label('This action is not available to you.').classes('text-body1').mark('not-found')
            return
        await ActionView(viewer, action).build()


# ---- the list of gaps ----------------------------------------------------------------------------------------


class GapsScreen:
    """The chosen period and grouping; each change loads the gaps once (a newer choice wins over an older load)."""

    def __init__(self, viewer: User, period: str, by: str) -> None:
        self.viewer = viewer
        self.period = _period(period)
        self.by = GroupBy(by) if by in GROUPS else GroupBy.SERVICE
        self.loads = 0
        self.client = ui.context.client

    async def build(self) -> None:
        ui.label('Where what we delivered and what people felt part ways.').classes('td-m-note')
        big_toggle(PERIODS, self.period, self.set_period).mark('period')
        self.span = ui.label().classes('td-m-note').mark('span')
        big_toggle(GROUPS, self.by, self.set_group).mark('group-by')
        self.cards = ui.column().classes('full-width td-m-list').mark('gaps')
        self.export = (
            ui.link('This table as CSV', self._export())
            .classes('q-btn q-btn--outline q-px-md q-py-sm td-m-line')
            .mark('gaps-csv')
        )
        ui.button('Improvement actions', icon='flag', on_click=lambda: ui.navigate.to('/actions')).props(
            'flat no-caps'
        ).mark('to-actions')
        ui.label(
            'Days are counted in the desk’s time zone. "On time" means within the service’s fix target, '
            'counted in working hours where the target says so; waiting for the requester is included.'
        ).classes('td-m-note')
        await self.load()

    async def set_period(self, value: str) -> None:
        self.period = value
        await self.load()

    async def set_group(self, value: GroupBy) -> None:
        self.by = GroupBy(value)
        await self.load()

    async def load(self) -> None:
        self.loads += 1
        load = self.loads
        ui.navigate.history.replace(f'/gaps?period={self.period}&by={self.by.value}')
        self.export.props['href'] = self._export()
        self.export.update()
        since, until, zone = await period_window(self.period, clock.now())
        found = await gaps.gaps(actor=self.viewer, since=since, until=until, group_by=self.by)
        if load != self.loads:
            return
        self.span.set_text(span_words(since, until, zone))
        fill(self.cards, lambda: self.show(found, since, until))

    def _export(self) -> str:
        """The gaps of the chosen period and grouping as CSV (pages/exports.py)."""
        return f'/export/gaps.csv?{urlencode({"period": self.period, "by": self.by.value})}'

    def show(self, found: list[Gap], since: datetime, until: datetime) -> None:
        if not found:
            ui.label('No gaps in this period: delivery and satisfaction agree.').classes('td-m-hint').mark('no-gaps')
            return
        for gap in found:
            self.gap_card(gap, since, until)

    def gap_card(self, gap: Gap, since: datetime, until: datetime) -> None:
        target = gap_address(gap, self.by, self.period)
        with ui.card().props('flat bordered').classes('td-m-card full-width').mark(f'gap-{gap.kind}-{gap.key}'):
            with ui.link(target=target).classes('td-g-link full-width').mark('see-tickets'):
                ui.label(f'{GROUP_WORDS[self.by]}: {gap.label}').classes('td-m-note')
                ui.label(gap.words).classes('td-g-words').mark('gap-words')
                ui.label(gaps.MEANINGS[gap.kind]).classes('td-m-note')
            with ui.row().classes('full-width no-wrap td-g-buttons'):
                ui.button('See the tickets', on_click=lambda t=target: ui.navigate.to(t)).props('flat no-caps').classes(
                    'col'
                )
                ui.button(
                    'Record an action',
                    on_click=lambda g=gap: record_dialog(self.viewer, g, self.by, since, until, self.client),
                ).props('flat no-caps').classes('col').mark(f'record-action-{gap.kind}-{gap.key}')


def gap_address(gap: Gap, by: GroupBy, period: str) -> str:
    key = 'none' if gap.key is None else str(gap.key)
    return f'/gaps/{gap.kind.value}?{urlencode({"by": by.value, "key": key, "period": period})}'


def gap_head(gap: Gap, by: GroupBy, span: str) -> None:
    with ui.card().props('flat bordered').classes('td-m-card full-width').mark('gap-head'):
        ui.label(f'{GROUP_WORDS[by]}: {gap.label}').classes('td-m-note')
        ui.label(gap.words).classes('td-g-words').mark('gap-words')
        ui.label(gaps.MEANINGS[gap.kind]).classes('td-m-note')
        ui.label(span).classes('td-m-note')


def ticket_card(b: gaps.Behind, kind: GapKind, viewer: User) -> None:
    happened = 'Visit missed' if kind == GapKind.MISSED_VISITS else 'Fixed'
    with ui.card().props('flat bordered').classes('td-m-card full-width').mark('behind-ticket'):
        with ui.link(target=f'/t/{int(b.ticket_id)}').classes('td-g-link full-width'):
            ui.label(f'#{b.ticket_id}').classes('td-m-note')
            ui.label(b.title).classes('td-m-name').mark('behind-title')
        rated = f' · rated {b.score} ({SCALE[b.score]})' if b.score in SCALE else ''
        ui.label(f'{happened} {when.day(b.at, viewer.timezone)}{rated}').classes('td-m-line')
        for s in b.said:
            with ui.column().classes('td-g-said full-width q-gutter-none').mark('said'):
                ui.label(f'{s.what}, {when.day(s.at, viewer.timezone)}').classes('td-m-note')
                ui.label(s.text).classes('td-m-line').mark('said-text')


def _listed(n: int) -> str:
    if not n:
        return 'No tickets behind this figure now.'
    return f'The {n} ticket{"" if n == 1 else "s"} behind it, newest first' if n > 1 else 'The ticket behind it'


# ---- recording an action ----------------------------------------------------------------------------------------


async def record_dialog(viewer: User, gap: Gap, by: GroupBy, since: datetime, until: datetime, client: Client) -> None:
    """What will be done, who owns it, when to look again: recorded with the gap's figures of today."""
    people = await improvements.staff(viewer)
    proposed = await improvements.suggested_review_day(clock.now(), REVIEW_AFTER)
    with client.layout, ui.dialog() as dialog, ui.card().classes('full-width').style('max-width: 480px'):
        ui.label('Record an action').classes('td-m-head')
        ui.label(f'{gap.label} · {gap.words}').classes('td-m-note')
        what = (
            ui.textarea('What will be done')
            .props(f'outlined autogrow maxlength={improvements.MAX_WHAT} counter')
            .classes('full-width')
            .mark('action-what')
        )
        owner = (
            ui.select({p.id: p.name for p in people}, label='Who owns it', value=viewer.id)
            .props('outlined')
            .classes('full-width')
            .mark('action-owner')
        )
        review = (
            ui.input('Review on', value=proposed.isoformat())
            .props('outlined type=date stack-label')
            .classes('full-width')
            .mark('action-review')
        )
        inputs = {'what': what, 'owner': owner, 'review_on': review}

        async def save() -> None:
            clear_errors(inputs)
            try:
                action = await improvements.record(
                    actor=viewer, kind=gap.kind, group_by=by, key=gap.key, what=what.value or '',
                    owner_id=int(owner.value or 0), review_on=_day(review.value), since=since, until=until,
                    now=clock.now(),
                )  # fmt: skip
            except errors.DomainError as e:
                field_error(inputs, e, client=client)
                return
            dialog.close()
            with client:
                ui.navigate.to(f'/actions/{action.id}')

        dialog_buttons(dialog, 'Record', save, marker='save-action')
    dialog.open()


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value or '')
    except ValueError:
        raise errors.Invalid('Pick a review day.', field='review_on') from None


# ---- actions -------------------------------------------------------------------------------------------------------


def action_card(action: ImprovementAction) -> None:
    kind = GapKind(action.gap_kind)
    with ui.card().props('flat bordered').classes('td-m-card full-width').mark(f'action-{action.id}'):
        with ui.link(target=f'/actions/{int(action.id)}').classes('td-g-link full-width'):
            ui.label(action.what).classes('td-m-name')
            ui.label(f'{gaps.TITLES[kind]} · {action.group_label}').classes('td-m-note')
            state = 'Done' if action.state == ActionState.DONE else f'Review {when.date_words(action.review_on)}'
            ui.label(f'{action.owner.name} · {state}').classes('td-m-line')


class ActionView:
    def __init__(self, viewer: User, action: ImprovementAction) -> None:
        self.viewer, self.action = viewer, action
        self.client = ui.context.client

    async def build(self) -> None:
        a, kind = self.action, GapKind(self.action.gap_kind)
        now = await improvements.figures_now(self.viewer, a)
        ui.label(a.what).classes('td-g-words').mark('action-what')
        ui.label(f'From the gap "{gaps.TITLES[kind]}" · {a.group_label}').classes('td-m-note')
        with ui.element('div').classes('td-m-grid'):
            self.figure('When recorded', improvements.figures_words(a.figures, kind), self._then_span(), 'then')
            days = f'the last {a.period_days} days' if a.period_days != 1 else 'today'
            self.figure('Now', improvements.figures_words(now.as_figures(), kind), days.capitalize(), 'now')
        ui.label(f'Owner: {a.owner.name}').classes('td-m-line').mark('action-owner')
        ui.label(f'Review on {when.date_words(a.review_on)}').classes('td-m-line').mark('action-review')
        recorded_by = a.created_by.name if a.created_by else 'someone who has left'
        ui.label(f'Recorded by {recorded_by}, {when.day(a.created_at, self.viewer.timezone)}').classes('td-m-note')
        if a.state == ActionState.DONE:
            done = when.day(a.done_at, self.viewer.timezone) if a.done_at else ''
            ui.label(f'Done {done}'.strip()).classes('td-m-line').mark('action-done')
        else:
            ui.button('Mark done', icon='check', on_click=self.mark_done).props('unelevated no-caps').classes(
                'full-width'
            ).mark('mark-done')
        if self.viewer.is_manager:
            period = str(a.period_days) if str(a.period_days) in PERIODS else '30'
            key = 'none' if a.group_key is None else str(a.group_key)
            target = f'/gaps/{kind.value}?{urlencode({"by": a.group_by, "key": key, "period": period})}'
            ui.button('See the tickets now', on_click=lambda: ui.navigate.to(target)).props('flat no-caps')

    def figure(self, name: str, value: str, note: str, marker: str) -> None:
        with ui.card().props('flat bordered').classes('td-m-card').mark(marker):
            ui.label(name).classes('td-m-name')
            ui.label(value).classes('td-m-line').mark(f'{marker}-value')
            ui.label(note).classes('td-m-note')

    def _then_span(self) -> str:
        try:
            since = datetime.fromisoformat(self.action.figures['since'])
            until = datetime.fromisoformat(self.action.figures['until'])
        except (KeyError, TypeError, ValueError):
            return ''
        return when.dates(since, until - timedelta(hours=1))

    async def mark_done(self) -> None:
        try:
            await improvements.mark_done(self.viewer, self.action.id, now=clock.now())
        except errors.DomainError as e:
            tell(self.client, str(e), type='warning')
            return
        with self.client:
            ui.navigate.reload()


# ---- helpers ---------------------------------------------------------------------------------------------------------


async def period_window(period: str, now: datetime) -> tuple[datetime, datetime, ZoneInfo]:
    """[since, until) in whole days of the desk (the working calendar's time zone), up to the end of today:
    the measures' window (pages/measures.py), so that a gap and the measures count the same days."""
    zone = ZoneInfo((await sla.working_calendar()).timezone)
    since, until, _ = window(_period(period), now, zone)
    return since, until, zone


def span_words(since: datetime, until: datetime, zone: ZoneInfo) -> str:
    """ "28 Oct–26 Nov": the period's first and last day where the desk is."""
    first, last = local_days(since, until, zone)
    return when.dates(noon(first), noon(last))


def _period(period: str) -> str:
    return period if period in PERIODS else '30'


def _key(key: str) -> int | None:
    """A group's id in the address; 'none' is the group of the unassigned (or without a category)."""
    if key == 'none':
        return None
    if not key.isdigit():
        raise ValueError(key)
    return int(key)
