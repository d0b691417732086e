"""The managers' measures screen: headline figures, the breakdown per group, trends, and who may see it."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from html import unescape
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from nicegui import ui
from nicegui.testing import User

from models import measure_figures, ratings, tickets
from models.tickets import Ticket
from models.users import User as Person
from tests.conftest import START, FrozenClock
from tests.field_day import a_field_day

from .conftest import sign_in

MANAGER = 'maria@example.com'


@pytest.fixture
async def history(people: SimpleNamespace, clock: FrozenClock) -> SimpleNamespace:
    """The requests of tests/unit/test_ratings.py's measures, seen on Thu 26 Nov 2026, plus an older one.

    T1 Alex, Wi-Fi, Sam: answered after 30 min, fixed after 2 h, rated 5.
    T2 Casey, Printer, Priya: answered after 1 h, fixed after 24 h, rated 2, reopened (a callback).
    T3 Otto (Contractors), Printer, Sam: answered after 10 min, fixed after 4 h, not rated.
    T4 Alex, Wi-Fi: reported Wed 25, nobody took it yet.
    T0 Alex, Wi-Fi: reported 20 days before, never taken: in the last 30 days, not in the last 7.
    """
    p = people
    day = timedelta(days=1)

    def at(offset: timedelta, hours: float = 0) -> datetime:
        return START + offset + timedelta(hours=hours)  # START is Tue 24 Nov 2026, 09:00 UTC

    async def report(who: Person, service_id: int, when: datetime) -> Ticket:
        return await tickets.create_ticket(requester=who, service_id=service_id, title='Help', now=when)

    async def work(t: Ticket, tech: Person, answered: datetime, fixed: datetime) -> None:
        await tickets.take(t.id, technician=tech, now=t.created_at)
        await tickets.reply(t.id, 'On it', author=tech, now=answered)
        await tickets.resolve(t.id, 'Done', actor=tech, now=fixed)

    await report(p.requester, p.wifi.id, at(-20 * day))
    t1 = await report(p.requester, p.wifi.id, at(0 * day))
    await work(t1, p.technician, at(0 * day, 0.5), at(0 * day, 2))
    await ratings.rate(t1.id, 5, actor=p.requester, now=at(0 * day, 3))
    t2 = await report(p.colleague, p.printer.id, at(0 * day, 1))
    await work(t2, p.technician2, at(0 * day, 2), at(day, 1))
    await ratings.rate(t2.id, 2, actor=p.colleague, now=at(day, 2))
    await tickets.reopen(t2.id, 'Still jams', actor=p.colleague, now=at(day, 3))
    t3 = await report(p.outsider, p.printer.id, at(day))
    await work(t3, p.technician, at(day, 1 / 6), at(day, 4))
    await report(p.requester, p.wifi.id, at(day, 6))
    clock.now = at(2 * day)
    return people


def shown(user: User, marker: str) -> str:
    (label,) = user.find(marker=marker).elements
    assert isinstance(label, ui.label | ui.link)  # a count is a link to the tickets behind it
    return label.text


def said(user: User, marker: str) -> list[str]:
    """What each element of `marker` says, its parts joined as the screen shows them ("1 fixed · 0 reopened")."""
    return [' · '.join(part.text for part in line.default_slot.children) for line in user.find(marker=marker).elements]


def table(user: User, marker: str) -> list[list[str]]:
    """The rows of the numbers' table of `marker`, as the cells' words (the header row first)."""
    (html,) = user.find(marker=marker).elements
    assert isinstance(html, ui.html)
    rows = re.findall(r'<tr>(.*?)</tr>', html.content)
    return [[re.sub(r'<[^>]+>', '', cell) for cell in re.findall(r'<t[hd][^>]*>(.*?)</t[hd]>', row)] for row in rows]


def links(user: User, marker: str) -> dict[str, str]:
    """Each number of a table that opens tickets, and the address it opens."""
    (html,) = user.find(marker=marker).elements
    return {words: unescape(href) for href, words in re.findall(r'<a href="([^"]+)">([^<]+)</a>', html.content)}


def choose(user: User, marker: str, value: str) -> None:
    (toggle,) = user.find(marker=marker).elements
    assert isinstance(toggle, ui.toggle)
    toggle.set_value(value)


async def test_a_manager_sees_the_headline_figures_of_the_last_7_days(user: User, history: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('20–26 Nov')
    assert {m: shown(user, f'{m}-value') for m in HEADLINE} == {
        'received': '4',
        'fixed': '3',  # T1, T3, and T2's fix that came back
        'satisfaction': '3.5 / 5',
        'response-rate': '67%',
        'callback-rate': '33%',
        'first-response': '30 min',  # the median of 10, 30 and 60 min (no targets: around the clock)
        'resolution': '3 h',  # the median of 2 h and 4 h: T2's fix did not hold
    }
    await user.should_see('2 ratings, 50% good or great')
    await user.should_see('2 of 3')  # rated
    await user.should_see('1 of 3')  # reopened


HEADLINE = ('received', 'fixed', 'satisfaction', 'response-rate', 'callback-rate', 'first-response', 'resolution')


async def test_a_longer_period_takes_in_older_requests(user: User, history: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('20–26 Nov')
    assert shown(user, 'received-value') == '4'
    choose(user, 'period', '30')
    await user.should_see('28 Oct–26 Nov')
    assert shown(user, 'received-value') == '5'


async def test_the_breakdown_is_per_service_and_switches_to_technicians(user: User, history: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('Wi-Fi')
    await user.should_see('Printer')
    await user.should_see('1 fixed')
    assert sorted(said(user, 'group-fixes')) == ['1 fixed · 0 reopened (0%)', '2 fixed · 1 reopened (50%)']
    choose(user, 'group-by', 'technician')
    await user.should_see('Priya Shah')
    await user.should_see('Sam Rivera')
    await user.should_see('Unassigned')
    await user.should_see('First answer 1 h · fixed in —')  # Priya's only fix came back
    await user.should_not_see('Wi-Fi')


async def test_a_quick_second_choice_does_not_lose_the_first(
    user: User, history: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures?period=30')
    await user.should_see('28 Oct–26 Nov')
    database_answers, read = asyncio.Event(), measure_figures.figures

    async def slow_figures(**kwargs: Any) -> dict:
        await database_answers.wait()
        return await read(**kwargs)

    monkeypatch.setattr(measure_figures, 'figures', slow_figures)
    choose(user, 'period', '7')
    choose(user, 'group-by', 'technician')  # while the period's figures are still on their way
    await user.should_see('Priya Shah')
    database_answers.set()
    await user.should_see('20–26 Nov')
    assert shown(user, 'received-value') == '4'
    assert user.find('Priya Shah').elements


async def test_the_breakdown_per_requester_group(user: User, history: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7&by=category')
    await user.should_see('Contractors')
    assert sorted(said(user, 'group-ratings')) == [
        'Satisfaction 3.5 / 5 · 2 ratings · 50% good or great',  # Staff
        'Satisfaction: no ratings yet',  # Contractors
    ]


async def test_the_trend_of_7_days_has_a_row_per_day_with_its_numbers(user: User, history: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('Day by day')
    rows = table(user, 'trend-table')
    assert rows[0] == ['Day', 'Received', 'Fixed', 'Satisfaction (ratings)']
    assert rows[1] == ['Fri 20 Nov', '0', '0', '—']
    assert rows[5] == ['Tue 24 Nov', '2', '1', '5.0 (1)']
    assert rows[6] == ['Wed 25 Nov', '2', '2', '2.0 (1)']
    assert rows[7] == ['Thu 26 Nov', '0', '0', '—']
    assert len(rows) == 8


async def test_the_trend_is_drawn_as_lines_with_a_point_per_day(user: User, history: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('Day by day')
    (volume,) = user.find(marker='volume-chart').elements
    received, fixed = (series['data'] for series in volume.options['series'])
    assert [p['value'] for p in received] == [0, 0, 0, 0, 2, 2, 0]
    assert [p['value'] for p in fixed] == [0, 0, 0, 0, 1, 2, 0]
    assert volume.options['xAxis']['data'][4] == 'Tue\n24'
    (averages,) = user.find(marker='satisfaction-chart').elements
    points = averages.options['series'][0]['data']
    assert [p if p == '-' else p['value'] for p in points] == ['-', '-', '-', '-', 5.0, 2.0, '-']  # '-': no ratings


async def test_each_number_of_the_trend_opens_the_tickets_of_its_day(user: User, history: SimpleNamespace) -> None:
    """UTC is the organisation's zone here: Tue 24 Nov is [24 Nov 00:00, 25 Nov 00:00) UTC."""
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('Day by day')
    day = 'since=2026-11-24T00%3A00%3A00%2B00%3A00&until=2026-11-25T00%3A00%3A00%2B00%3A00'
    (html,) = user.find(marker='trend-table').elements
    tuesday = re.search(r'<tr><th scope="row">Tue 24 Nov</th>(.*?)</tr>', html.content)
    assert tuesday is not None
    opened = [unescape(address) for address in re.findall(r'href="([^"]+)"', tuesday.group(1))]
    assert opened == [f'/measures/tickets?what={what}&{day}' for what in ('received', 'fixed', 'rated')]


async def test_days_are_written_without_a_leading_zero(user: User, people: SimpleNamespace, clock: FrozenClock) -> None:
    clock.now = START - timedelta(days=20)  # Wed 4 Nov
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('Thu 29 Oct')
    await user.should_see('Wed 4 Nov')


async def test_the_trend_of_longer_periods_is_per_week(user: User, history: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures?period=30')
    await user.should_see('Week by week')
    await user.should_see('28 Oct–1 Nov')  # the period starts on a Wednesday
    await user.should_see('23–26 Nov')  # this week so far


async def test_an_empty_period_shows_dashes_and_why_not_zeros(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures')
    await user.should_see('no ratings yet')
    assert shown(user, 'received-value') == '0'  # a count of nothing is a true 0
    for measure in ('satisfaction', 'response-rate', 'callback-rate', 'first-response', 'resolution'):
        assert shown(user, f'{measure}-value') == '—'
    await user.should_see('nothing fixed yet')
    await user.should_see('no answers yet')
    await user.should_see('Nothing was reported or fixed in this period.')
    await user.should_see('No ratings in this period yet.')
    texts = [label.text for label in user.find(ui.label).elements]
    assert not [t for t in texts if '0%' in t or '0.0' in t]


@pytest.mark.parametrize('email', ['sam@example.com', 'alex@example.com'])
async def test_only_managers_see_the_measures(user: User, history: SimpleNamespace, email: str) -> None:
    await sign_in(user, email)
    await user.open('/measures')
    await user.should_see('Only managers can see the measures.')
    await user.should_not_see('Satisfaction')
    await user.should_not_see('Wi-Fi')


async def test_the_measures_are_in_the_managers_navigation(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/queue')
    user.find('Measures').click()
    await user.should_see('Per group')


@pytest.mark.parametrize(
    ('seconds', 'words'),
    [(None, '—'), (20, 'under 1 min'), (45 * 60, '45 min'), (3600, '1 h'), (8100, '2 h 15 min'),
     (25 * 3600 + 600, '1 day 1 h'), (3 * 86400, '3 days')],
)  # fmt: skip
async def test_times_read_as_a_person_says_them(user: User, seconds: float | None, words: str) -> None:
    from pages.measures import duration  # after `user` loaded the app: pages imported outside it would not register

    assert duration(seconds) == words


async def test_a_manager_sees_the_visits_on_site(user: User, people: SimpleNamespace, clock: FrozenClock) -> None:
    """tests/field_day.py: Sam fixed Alex's Wi-Fi on the first visit (1 h 20 min), Priya fixed Casey's printer
    on a second visit (30 min + 1 h 30 min), nobody came to Otto in his window."""
    await a_field_day(people, clock)
    clock.now = START + timedelta(days=2)
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('Visits on site')
    assert {m: shown(user, f'{m}-value') for m in FIELD} == {
        'visits': '3',
        'missed': '1',
        'first-visit-fixes': '50%',
        'time-on-site': '3 h 20 min',
    }
    await user.should_see('1 of 2')  # fixed on the first visit
    await user.should_see('1 h 40 min per fix')
    await user.should_see('1 visit · 0 missed · 100% fixed on the first visit')  # Wi-Fi
    await user.should_see('On site 1 h 20 min, 1 h 20 min per fix')
    await user.should_see('2 visits · 1 missed · 0% fixed on the first visit')  # Printer
    choose(user, 'group-by', 'technician')
    await user.should_see('Priya Shah')
    await user.should_see('On site 2 h, 2 h per fix')  # Priya


FIELD = ('visits', 'missed', 'first-visit-fixes', 'time-on-site')


async def test_a_period_without_visits_shows_dashes_for_the_field_figures(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures')
    await user.should_see('Visits on site')
    assert {m: shown(user, f'{m}-value') for m in FIELD} == {
        'visits': '0',
        'missed': '0',
        'first-visit-fixes': '—',
        'time-on-site': '—',
    }
    await user.should_see('nothing fixed on site yet')


async def test_self_help_shows_requests_avoided_per_service(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    from models import articles, deflections

    article = await articles.write(people.technician, title='Clear a paper jam', body='Pull slowly.')
    await articles.publish(people.technician, article.id)
    await deflections.solved(people.requester, article.id, service_id=people.printer.id)
    await sign_in(user, 'maria@example.com')
    await user.open('/measures')
    await user.should_see(marker='deflections-confirmed', retries=50)
    assert user.find(marker='deflections-confirmed-value').elements.pop().text == '1'
    await user.should_see('Printer: 1 solved, 0 probably')


# ---- figures that compare (issue 12) ---------------------------------------------------------------------------


async def test_each_headline_figure_shows_the_period_before_it(user: User, history: SimpleNamespace) -> None:
    """The 7 days before 20 Nov had nothing: counts went up from 0, a rating average had nothing to compare."""
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('20–26 Nov')
    assert shown(user, 'received-was') == '▲ from 0, the 7 days before'
    assert shown(user, 'backlog-value') == '3'  # T0 (older than the period, still open), T2 reopened, T4
    assert shown(user, 'backlog-was') == '▲ from 1, the 7 days before'  # T0 was open then
    assert shown(user, 'satisfaction-was') == 'the 7 days before: —'


async def test_targets_and_the_share_within_them(user: User, history: SimpleNamespace) -> None:
    """Wi-Fi: answered within 1 h, fixed within 4 h; T1 (30 min, 2 h) kept both. The printer has no target."""
    from models import sla
    from models.catalog import Priority

    await sla.set_target(
        actor=history.manager, service_id=history.wifi.id, priority=Priority.NORMAL, first_response_minutes=60,
        resolution_minutes=240,
    )  # fmt: skip
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('Target: within 1 h')
    assert shown(user, 'resolution-target') == 'Target: within 4 h'
    assert shown(user, 'answer-compliance-value') == '100%'
    assert shown(user, 'fix-compliance-value') == '100%'
    await user.should_see('Answer: median 30 min, 90% within 30 min · 100% within target')  # Wi-Fi
    await user.should_see('Answer: median 35 min, 90% within 1 h')  # Printer: 10 and 60 min, no target


async def test_the_share_in_time_opens_the_late_ones_and_a_median_its_tickets(
    user: User, history: SimpleNamespace
) -> None:
    """Printer: fixed within 3 h. T3 (4 h) is late; T2's fix came back, so it is not a standing fix."""
    from models import sla
    from models.catalog import Priority

    await sla.set_target(
        actor=history.manager, service_id=history.printer.id, priority=Priority.NORMAL, first_response_minutes=None,
        resolution_minutes=180,
    )  # fmt: skip
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('0 of 1, 1 late')
    (late,) = user.find(marker='fix-compliance-value').elements
    assert isinstance(late, ui.link) and 'what=fixed_late' in late.props['href']
    (median,) = user.find(marker='resolution-value').elements
    assert isinstance(median, ui.link) and 'what=fixed&' in median.props['href']
    await user.open(late.props['href'])
    await user.should_see('Fixed after the target')
    await user.should_see('1 ticket')


async def test_the_ratings_are_shown_as_bars_with_their_numbers(user: User, history: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('2 ratings, 50% good or great')
    (bars,) = user.find(marker='score-chart').elements
    assert [b['value'] for b in bars.options['series'][0]['data']] == [0, 1, 0, 0, 1]  # scores 1 to 5
    assert bars.options['yAxis']['data'][4] == '5 · Great'
    rows = table(user, 'score-table')
    assert rows == [
        ['Score', '5 Great', '4 Good', '3 OK', '2 Poor', '1 Very poor'],
        ['Ratings', '1', '0', '0', '1', '0'],
    ]
    assert links(user, 'score-table')['1'].startswith('/measures/tickets?what=rated&since=')


async def test_the_note_says_which_time_zone_counts_the_days(user: User, history: SimpleNamespace) -> None:
    from datetime import time

    from models import sla

    await sla.set_calendar(
        actor=history.manager, days=[1, 2, 3, 4, 5], start=time(9), end=time(17), timezone='Europe/London'
    )
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('Days are counted in Europe/London time.')


async def test_expectation_gaps_are_one_tap_away(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures')
    (link,) = user.find(marker='gaps-link').elements
    assert isinstance(link, ui.link) and link.props['href'] == '/gaps'


async def test_days_are_the_organisations_across_the_clock_change(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    """London: 23:30 UTC on Sat 24 Oct 2026 is 00:30 on Sunday (summer time ends at 01:00 UTC that night)."""
    from datetime import UTC, time

    from models import sla

    await sla.set_calendar(
        actor=people.manager, days=[1, 2, 3, 4, 5], start=time(9), end=time(17), timezone='Europe/London'
    )
    saturday_night = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='Help', now=saturday_night)
    clock.now = datetime(2026, 10, 28, 12, 0, tzinfo=UTC)
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('22–28 Oct')
    rows = {row[0]: row[1] for row in table(user, 'trend-table')[1:]}
    assert rows['Sun 25 Oct'] == '1' and rows['Sat 24 Oct'] == '0'


async def test_the_tickets_of_the_chosen_period_download_as_a_spreadsheet(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    await user.open('/measures')
    await user.should_see(marker='export-link')
    [link] = user.find(marker='export-link').elements
    assert link.props['href'] == '/export/tickets.csv?days=30'
    choose(user, 'period', '7')
    for _ in range(50):
        if link.props['href'] == '/export/tickets.csv?days=7':
            break
        await asyncio.sleep(0.1)
    assert link.props['href'] == '/export/tickets.csv?days=7'


async def test_the_tables_on_the_screen_download_as_they_are_chosen(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    await user.open('/measures')
    await user.should_see(marker='groups-csv')
    [groups] = user.find(marker='groups-csv').elements
    [trend] = user.find(marker='trend-csv').elements
    assert (groups.props['href'], trend.props['href']) == (
        '/export/measures.csv?period=30&by=service',
        '/export/trend.csv?period=30',
    )
    choose(user, 'period', '7')
    choose(user, 'group-by', 'technician')
    for _ in range(50):
        if groups.props['href'] == '/export/measures.csv?period=7&by=technician':
            break
        await asyncio.sleep(0.1)
    assert groups.props['href'] == '/export/measures.csv?period=7&by=technician'
    assert trend.props['href'] == '/export/trend.csv?period=7'
    for link in (groups, trend):
        answer = await user.http_client.get(link.props['href'])
        assert answer.status_code == 200 and answer.headers['content-type'].startswith('text/csv')
    assert (await user.http_client.get(link.props['href'])).status_code == 200


# ---- the figures behind each group, charts and live figures (issue 12) ---------------------------------------


async def test_each_count_of_a_group_opens_its_tickets_of_that_group(user: User, history: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('Printer')
    printer = user.find(marker=f'group-{history.printer.id}')
    opened = {
        link.text: parse_qs(urlsplit(link.props['href']).query)
        for link in printer.elements.pop().descendants()
        if isinstance(link, ui.link)
    }
    assert {words: (q['what'], q['service']) for words, q in opened.items()} == {
        '2 received': (['received'], [str(history.printer.id)]),
        '2 fixed': (['fixed'], [str(history.printer.id)]),
        '1 reopened (50%)': (['callbacks'], [str(history.printer.id)]),
        '1 rating': (['rated'], [str(history.printer.id)]),
    }
    choose(user, 'group-by', 'technician')
    await user.should_see('Unassigned')
    (unassigned,) = user.find(marker='group-None').elements
    assert not [e for e in unassigned.descendants() if isinstance(e, ui.link)]  # no address says "nobody's"


async def test_a_fix_shows_in_the_open_figures_without_a_reload(
    user: User, history: SimpleNamespace, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pages.measures

    monkeypatch.setattr(pages.measures, 'LIVE_SECONDS', 0.5)
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('20–26 Nov')
    assert shown(user, 'fixed-value') == '3'
    (volume,) = user.find(marker='volume-chart').elements
    waiting = await Ticket.all().order_by('-id').first()  # T4, reported yesterday
    assert waiting is not None
    await tickets.take(waiting.id, technician=history.technician, now=clock.now)
    await tickets.resolve(waiting.id, 'Done', actor=history.technician, now=clock.now)
    for _ in range(50):
        if shown(user, 'fixed-value') == '4':
            break
        await asyncio.sleep(0.1)
    assert shown(user, 'fixed-value') == '4'
    assert user.find(marker='volume-chart').elements == {volume}  # the same chart, changed in place
    assert [p['value'] for p in volume.options['series'][1]['data']][-1] == 1  # fixed today


async def test_a_burst_of_changes_is_read_once(
    user: User, history: SimpleNamespace, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pages.measures

    monkeypatch.setattr(pages.measures, 'LIVE_SECONDS', 2.0)
    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('20–26 Nov')
    reads, read = [], measure_figures.figures

    async def counted(**kwargs: Any) -> dict:
        reads.append(kwargs['until'])
        return await read(**kwargs)

    monkeypatch.setattr(measure_figures, 'figures', counted)
    for _ in range(BURST):
        await tickets.create_ticket(
            requester=history.requester, service_id=history.wifi.id, title='Wi-Fi down', now=clock.now
        )
    for _ in range(80):
        if shown(user, 'received-value') == str(4 + BURST):
            break
        await asyncio.sleep(0.1)
    assert shown(user, 'received-value') == str(4 + BURST)
    await asyncio.sleep(2 * pages.measures.LIVE_SECONDS)  # a second reading would be done by now
    assert 1 <= len(reads) <= 2


BURST = 20  # changes, each published on the bus


async def test_a_closed_screen_stops_following_the_changes(user: User, history: SimpleNamespace) -> None:
    from models import events

    await sign_in(user, MANAGER)
    await user.open('/measures?period=7')
    await user.should_see('20–26 Nov')
    following = events.bus.subscriber_count(events.QUEUE)
    assert following >= 1
    assert user.client is not None
    user.client.delete()
    assert events.bus.subscriber_count(events.QUEUE) == following - 1
