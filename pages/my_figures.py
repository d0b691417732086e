"""Staff: how one's own work went over a period, beside the period before and the targets.

Every figure comes from `measure_figures.my_figures` (the tickets assigned to the technician), aggregated in
the database; this page only formats them, with the cards of /measures. A figure with nothing to measure shows
"—" and says why. Nobody is ranked here: a manager, or anyone once managers turned on ranking staff, may open
a colleague's figures (`?technician=<id>`), one person at a time.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from nicegui import ui

from models import clock, errors, help_settings, measure_figures, ratings, sla, users, when
from models.users import User

from .layout import STAFF, frame, signed_in
from .measures import (
    CSS,
    PERIODS,
    Words,
    before_words,
    big_toggle,
    box,
    fill,
    headline_counts,
    local_days,
    noon,
    note,
    percent,
    satisfaction_lines,
    window,
    work_cards,
)

MY_CSS = '.td-f-pick { min-height: 48px; }'
YOUR_WORDS: Words = {
    'received': ('Assigned to you', 'Requests reported in the period that are yours'),
    'fixed': ('Fixed', 'Your fixes; one fixed twice counts twice'),
    'backlog': ('Still open', 'Yours not fixed when the period ended'),
    'callback-rate': ('Reopened', 'Your fixes that did not hold'),
    'first-response': ('First answer', 'Median wait for your first reply'),
    'resolution': ('Time to fix', 'Median time from report to your fix'),
    'answer-compliance': ('Answered in time', 'Your first answers within the target'),
    'fix-compliance': ('Fixed in time', 'Your fixes within the target'),
    'satisfaction': ('Satisfaction', 'Average rating requesters gave your fixes'),
}  # the cards of /measures (HEADLINE_WORDS), in words about one's own work


@ui.page('/my-figures')
@signed_in(roles=STAFF, otherwise='/requests')
async def my_figures_page(request: Request, viewer: User, period: str = '30', technician: str = '') -> None:
    with frame('Your figures', viewer):
        ui.add_css(CSS + MY_CSS)
        await MyFigures(viewer, period, technician).build()
    return None


class MyFigures:
    """The chosen period and person; each change loads once (a newer choice wins over an older load)."""

    def __init__(self, viewer: User, period: str, technician: str) -> None:
        self.viewer = viewer
        self.period = period if period in PERIODS else '30'
        self.whose = int(technician) if technician.isdecimal() else viewer.id
        self.loads = 0

    async def build(self) -> None:
        await self.pick()
        big_toggle(PERIODS, self.period, self.set_period).mark('period')
        self.span = ui.label().classes('td-m-note').mark('span')
        self.figures = ui.element('div').classes('td-m-grid').mark('figures')
        self.note = ui.label().classes('td-m-note q-mt-md').mark('time-zone-note')
        await self.load()

    async def pick(self) -> None:
        """Whose figures, for those who may see a colleague's: a list by name, never an order of merit."""
        if not (self.viewer.is_manager or (await help_settings.current()).rank_staff):
            return
        people = {p.id: p.name for p in sorted(await users.technicians(), key=lambda p: p.name)}
        people[self.viewer.id] = f'{self.viewer.name} (you)'
        ui.select(
            people, value=self.whose if self.whose in people else None, label='Whose figures',
            on_change=lambda e: self.set_person(e.value),
        ).props('outlined').classes('full-width td-f-pick').mark('whose')  # fmt: skip

    async def set_period(self, value: str) -> None:
        self.period = value
        await self.load()

    async def set_person(self, value: int | None) -> None:
        if value is not None:
            self.whose = int(value)
            await self.load()

    async def load(self) -> None:
        self.loads += 1
        load = self.loads
        self._remember()
        zone = ZoneInfo((await sla.working_calendar()).timezone)
        since, until, _ = window(self.period, clock.now(), zone)
        try:
            found = await measure_figures.my_figures(self.viewer, since=since, until=until, technician_id=self.whose)
        except errors.Forbidden as e:
            refusal = str(e)
            if load == self.loads:
                self.span.set_text('')
                fill(self.figures, lambda: ui.label(refusal).classes('td-m-hint td-m-wide').mark('not-yours'))
            return
        name = await self._name(found['technician_id'])
        if load != self.loads:
            return
        first, last = local_days(since, until, zone)
        self.span.set_text(f'{name}: {when.dates(noon(first), noon(last))}')
        fill(self.figures, lambda: figures(found, PERIODS[self.period]))
        self.note.set_text(note(found['timezone']))

    async def _name(self, whose: int) -> str:
        if whose == self.viewer.id:
            return 'Your work'
        found = {p.id: p.name for p in await users.technicians()}
        return f'{found.get(whose, "Someone who has left")}’s work'

    def _remember(self) -> None:
        """Keep the choices in the address: a reload shows the same."""
        chosen = {'period': self.period, **({'technician': self.whose} if self.whose != self.viewer.id else {})}
        ui.navigate.history.replace(f'/my-figures?{urlencode(chosen)}')


def figures(found: dict[str, Any], period: str) -> None:
    """One's figures, each with the previous period's beside it and the target where there is one. No link to
    the tickets behind a figure: those lists are the managers'."""
    m, was, targets = found['current'], found['previous'], found['targets']
    before = before_words(period)
    headline_counts(m, was, before, YOUR_WORDS)
    work_cards(m, was, targets, before, YOUR_WORDS)
    with box('satisfaction', wide=True):
        satisfaction_lines(m, was, before, YOUR_WORDS)
        if m['rated']:
            scores(m['scores'])
        fixes = m['fixed']
        rated = f'{percent(m["response_rate"])} of your fixes rated ({m["rated"]} of {fixes})' if fixes else ''
        ui.label(rated or 'Nothing fixed yet, so nothing to rate').classes('td-m-line').mark('response-rate')


def scores(counts: dict[int, int]) -> None:
    """How many of each score, 5 first, in words."""
    for score in sorted(counts, reverse=True):
        n = counts[score]
        ui.label(f'{score} · {ratings.SCALE[score]}: {n} rating{"" if n == 1 else "s"}').classes('td-m-line').mark(
            'score-row'
        )
