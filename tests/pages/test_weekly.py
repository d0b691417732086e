"""The printable weekly summary (/measures/weekly): a week's figures beside the week before and the targets,
per service, its gaps and the open improvement actions; managers only."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from nicegui import ui
from nicegui.testing import User

from models import improvements, tickets
from models.gaps import GapKind
from models.measures import GroupBy
from tests.conftest import START, FrozenClock

from .conftest import job, sign_in, wifi_targets

MANAGER = 'maria@example.com'


def at(day: int, hour: float) -> datetime:
    return START.replace(hour=0) + timedelta(days=day, hours=hour)  # day 0: Tue 24 Nov 2026 (UTC)


@pytest.fixture
async def week(people: SimpleNamespace, clock: FrozenClock) -> SimpleNamespace:
    """The week of Mon 23 – Sun 29 Nov 2026, seen on Wed 2 Dec; Wi-Fi is answered within 1 h and fixed within
    4 h (around the clock), the printer has no target.

    T1 Wi-Fi, Sam, Tue 24: answered after 30 min, fixed after 2 h, rated 5.
    T2 Printer, Priya, Tue 24: answered after 1 h, fixed after 24 h, rated 2, reopened (still open).
    T3 Printer, Sam, Wed 25: answered after 10 min, fixed after 4 h, not rated.
    T4 Wi-Fi, Thu 26: nobody took it yet.
    T5 Wi-Fi, Sam, Fri 27: answered after 20 min, fixed after 1 h, rated 1 (on time but unhappy).
    The week before, T0 Wi-Fi, Sam, Mon 16: answered after 2 h, fixed after 6 h (late), rated 4.
    Two open actions: one to review Fri 27 Nov (due), one Fri 4 Dec.
    """
    p = people
    await wifi_targets(p)
    await job(p.requester, p.wifi.id, p.technician, at(-8, 9), 2, 6, (4, at(-8, 16)))
    await job(p.requester, p.wifi.id, p.technician, at(0, 9), 0.5, 2, (5, at(0, 12)))
    t2 = await job(p.colleague, p.printer.id, p.technician2, at(0, 10), 1, 24, (2, at(1, 11)))
    await tickets.reopen(t2.id, 'Still jams', actor=p.colleague, now=at(1, 12))
    await job(p.outsider, p.printer.id, p.technician, at(1, 9), 1 / 6, 4)
    await tickets.create_ticket(requester=p.requester, service_id=p.wifi.id, title='Help', now=at(2, 9))
    await job(p.colleague, p.wifi.id, p.technician, at(3, 9), 1 / 3, 1, (1, at(3, 11)))
    for what, review, now in (('Ask why when closing', date(2026, 12, 4), at(8, 8)),
                              ('Say what was fixed', date(2026, 11, 27), at(0, 8))):  # fmt: skip
        await improvements.record(
            actor=p.manager, kind=GapKind.ON_TIME_UNHAPPY, group_by=GroupBy.SERVICE, key=p.wifi.id, what=what,
            owner_id=p.technician.id, review_on=review, since=at(-7, 0), until=at(1, 0), now=now,
        )  # fmt: skip
    clock.now = at(8, 9)  # Wed 2 Dec
    return people


async def table(user: User, marker: str) -> list[dict]:
    """The rows of the table marked `marker`, once the page shows it."""
    for _ in range(100):
        try:
            (found,) = user.find(marker=marker).elements  # raises while there is none
        except AssertionError:
            await asyncio.sleep(0.1)
            continue
        assert isinstance(found, ui.table)
        return [{k: v for k, v in row.items() if k != 'id'} for row in found.rows]
    raise AssertionError(f'no table marked {marker!r}')


async def test_a_manager_reads_last_weeks_figures_beside_the_week_before(user: User, week: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures/weekly')
    await user.should_see('Service desk — week of 23–29 November 2026')
    rows = {r['figure']: (r['week'], r['before'], r['target']) for r in await table(user, 'headline-table')}
    assert rows == {
        'Received': ('5', '1', ''),
        'Fixed': ('4', '1', ''),  # T1, T3, T5, and T2's fix that came back
        'Open at the end': ('2', '0', ''),  # T2 (reopened) and T4
        'First answer, median': ('25 min', '2 h', 'within 1 h'),  # 10, 20, 30, 60 min
        'First answer, 90% within': ('1 h', '2 h', 'within 1 h'),
        'Answered in time': ('100% (2 of 2)', '0% (0 of 1)', ''),  # Wi-Fi only: the printer has no target
        'Time to fix, median': ('2 h', '6 h', 'within 4 h'),  # 1, 2 and 4 h: T2's fix did not hold
        'Time to fix, 90% within': ('4 h', '6 h', 'within 4 h'),
        'Fixed in time': ('100% (2 of 2)', '0% (0 of 1)', ''),
        'Satisfaction': ('2.7 / 5 (3 ratings)', '4.0 / 5 (1 rating)', ''),
        'Scores 5 · 4 · 3 · 2 · 1': ('1 · 0 · 0 · 1 · 1', '0 · 1 · 0 · 0 · 0', ''),
        'Rated': ('75% (3 of 4)', '100% (1 of 1)', ''),
        'Reopened': ('25% (1 of 4)', '0% (0 of 1)', ''),
        'Fixed on the first visit': ('— no fixes on site', '— no fixes on site', ''),
        'Solved by an article': ('0', '0', ''),
    }


async def test_the_week_per_service_its_gaps_and_the_open_actions(user: User, week: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures/weekly')
    assert await table(user, 'services-table') == [
        {'service': 'Wi-Fi', 'received': 3, 'fixed': 2, 'reopened': '0 (0%)', 'satisfaction': '3.0 (2)',
         'answer': '25 min', 'answer_in_time': '100%', 'fix': '1 h 30 min', 'fix_in_time': '100%'},
        {'service': 'Printer', 'received': 2, 'fixed': 2, 'reopened': '1 (50%)', 'satisfaction': '2.0 (1)',
         'answer': '35 min', 'answer_in_time': '—', 'fix': '4 h', 'fix_in_time': '—'},
    ]  # fmt: skip
    assert [(g['service'], g['gap']) for g in await table(user, 'gaps-table')] == [
        ('Wi-Fi', 'On time but unhappy: 1 of 2 fixes')
    ]
    assert await table(user, 'actions-table') == [
        {'what': 'Say what was fixed', 'about': 'On time but unhappy · Wi-Fi', 'owner': 'Sam Rivera',
         'review': 'Fri 27 Nov · due'},
        {'what': 'Ask why when closing', 'about': 'On time but unhappy · Wi-Fi', 'owner': 'Sam Rivera',
         'review': 'Fri 4 Dec'},
    ]  # fmt: skip


async def test_any_day_opens_its_week_with_links_to_the_weeks_around_it(user: User, week: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures/weekly?week=2026-11-18')
    await user.should_see('Service desk — week of 16–22 November 2026')
    rows = {r['figure']: r['week'] for r in await table(user, 'headline-table')}
    assert (rows['Received'], rows['Time to fix, median']) == ('1', '6 h')
    links = {m: user.find(marker=m).elements.pop().props['href'] for m in ('previous-week', 'next-week')}
    assert links == {
        'previous-week': '/measures/weekly?week=2026-11-09',
        'next-week': '/measures/weekly?week=2026-11-23',
    }
    await user.should_see(marker='print')


async def test_a_week_not_begun_or_not_a_date_shows_the_last_full_week_and_says_why(
    user: User, week: SimpleNamespace
) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures/weekly?week=2026-12-07')
    await user.should_see('That week has not begun: this is the last full week.')
    await user.should_see('Service desk — week of 23–29 November 2026')
    await user.open('/measures/weekly?week=last')
    await user.should_see('The week in the address is not a date (YYYY-MM-DD): this is the last full week.')


@pytest.mark.parametrize('email', ['sam@example.com', 'alex@example.com'])
async def test_only_managers_see_the_weekly_summary(user: User, week: SimpleNamespace, email: str) -> None:
    await sign_in(user, email)
    await user.open('/measures/weekly')
    await user.should_see('Only managers can see the weekly summary.')
    await user.should_not_see('Service desk — week of', retries=50)
    await user.should_not_see(marker='headline-table', retries=50)
