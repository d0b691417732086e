"""A technician's own figures (/my-figures): their numbers beside the period before and the targets, and
nobody else's unless managers turned on comparing colleagues."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace

import pytest
from nicegui import ui
from nicegui.testing import User

from models import help_settings
from tests.conftest import START, FrozenClock

from .conftest import job, sign_in, wifi_targets

TECHNICIAN = 'sam@example.com'


@pytest.fixture
async def work(people: SimpleNamespace, clock: FrozenClock) -> SimpleNamespace:
    """Seen on Thu 26 Nov 2026; Wi-Fi is answered within 1 h and fixed within 4 h (around the clock).

    Sam, this week: T1 Wi-Fi (Tue 24) answered after 30 min, fixed after 2 h, rated 5; T3 Printer (Wed 25)
    answered after 10 min, fixed after 4 h, not rated.
    Sam, the week before: T0 Printer (Mon 16) answered after 1 h, fixed after 8 h, rated 3.
    Priya, this week: T2 Printer (Tue 24) answered after 1 h, fixed after 24 h, rated 2.
    """
    p = people
    await wifi_targets(p)
    await job(p.requester, p.printer.id, p.technician, START - timedelta(days=8), 1, 8, (3, START - timedelta(days=7)))
    await job(p.requester, p.wifi.id, p.technician, START, 0.5, 2, (5, START + timedelta(hours=3)))
    await job(p.colleague, p.printer.id, p.technician2, START + timedelta(hours=1), 1, 24,
              (2, START + timedelta(days=1, hours=2)))  # fmt: skip
    await job(p.outsider, p.printer.id, p.technician, START + timedelta(days=1), 1 / 6, 4)
    clock.now = START + timedelta(days=2)
    return people


def shown(user: User, marker: str) -> str:
    (label,) = user.find(marker=marker).elements
    assert isinstance(label, ui.label)
    return label.text


async def until_shown(user: User, marker: str) -> bool:
    for _ in range(100):
        try:
            return bool(user.find(marker=marker).elements)  # raises while there is none
        except AssertionError:
            await asyncio.sleep(0.1)
    raise AssertionError(f'nothing marked {marker!r} appeared')


async def test_a_technician_sees_their_own_figures_beside_the_week_before(user: User, work: SimpleNamespace) -> None:
    await sign_in(user, TECHNICIAN)
    await user.open('/my-figures?period=7')
    await until_shown(user, 'received-value')
    assert shown(user, 'span') == 'Your work: 20–26 Nov'
    assert {m: shown(user, f'{m}-value') for m in FIGURES} == {
        'received': '2',  # T1, T3: not Priya's T2
        'fixed': '2',
        'backlog': '0',
        'callback-rate': '0%',
        'first-response': '20 min',  # the median of 10 and 30 min
        'resolution': '3 h',  # the median of 2 h and 4 h
        'answer-compliance': '100%',  # T1 only: the printer has no target
        'fix-compliance': '100%',
        'satisfaction': '5.0 / 5',
    }
    assert shown(user, 'received-was') == '▲ from 1, the 7 days before'
    assert shown(user, 'first-response-was') == '▼ from 1 h, the 7 days before'
    assert shown(user, 'resolution-was') == '▼ from 8 h, the 7 days before'
    assert shown(user, 'satisfaction-was') == '▲ from 3.0, the 7 days before'
    assert shown(user, 'first-response-target') == 'Target: within 1 h'
    assert shown(user, 'resolution-target') == 'Target: within 4 h'
    assert shown(user, 'response-rate') == '50% of your fixes rated (1 of 2)'
    await user.should_see('90% within 30 min')
    await user.should_see('90% within 4 h')
    await user.should_see('1 rating, 100% good or great')
    await user.should_see('0 of 2')  # reopened
    await user.should_see('1 of 1')  # answered and fixed in time


FIGURES = (
    'received', 'fixed', 'backlog', 'callback-rate', 'first-response', 'resolution', 'answer-compliance',
    'fix-compliance', 'satisfaction',
)  # fmt: skip


async def test_a_period_with_nothing_shows_dashes_and_why(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, TECHNICIAN)
    await user.open('/my-figures')
    await until_shown(user, 'received-value')
    assert shown(user, 'received-value') == '0'  # a count of nothing is a true 0
    for figure in ('callback-rate', 'first-response', 'resolution', 'answer-compliance', 'satisfaction'):
        assert shown(user, f'{figure}-value') == '—'
    await user.should_see('no answers yet')
    await user.should_see('no ratings yet')
    await user.should_see('Nothing fixed yet, so nothing to rate')
    texts = [label.text for label in user.find(ui.label).elements]
    assert not [t for t in texts if '0%' in t or '0.0' in t]


async def test_a_requester_is_sent_to_their_requests(user: User, work: SimpleNamespace) -> None:
    await sign_in(user, 'alex@example.com')
    response = await user.http_client.get('/my-figures', follow_redirects=False)
    assert (response.status_code, response.headers['location']) == (303, '/requests')


async def test_a_technician_cannot_open_a_colleagues_figures(user: User, work: SimpleNamespace) -> None:
    await sign_in(user, TECHNICIAN)
    await user.open(f'/my-figures?period=7&technician={work.technician2.id}')
    await until_shown(user, 'not-yours')
    await user.should_see('You can see your own figures; a manager can turn on comparing colleagues.')
    await user.should_not_see(marker='received-value', retries=50)
    await user.should_not_see(marker='whose', retries=50)  # no list of colleagues to pick from either


async def test_once_managers_turn_on_comparing_a_technician_opens_a_colleagues_figures(
    user: User, work: SimpleNamespace
) -> None:
    await help_settings.choose(work.manager, rank_staff=True)
    await sign_in(user, TECHNICIAN)
    await user.open(f'/my-figures?period=7&technician={work.technician2.id}')
    await until_shown(user, 'received-value')
    assert shown(user, 'span') == 'Priya Shah’s work: 20–26 Nov'
    assert (shown(user, 'received-value'), shown(user, 'resolution-value')) == ('1', '1 day')
    (whose,) = user.find(marker='whose').elements
    assert isinstance(whose, ui.select)
    assert list(whose.options.values()) == ['Maria Lopez', 'Priya Shah', 'Sam Rivera (you)']  # by name, not rank


async def test_the_technicians_today_screen_leads_to_their_figures(user: User, work: SimpleNamespace) -> None:
    await sign_in(user, TECHNICIAN)
    await user.open('/today')
    user.find(marker='to-my-figures').click()
    await until_shown(user, 'received-value')
    await user.should_see('Your figures')
