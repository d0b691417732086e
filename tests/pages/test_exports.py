"""The CSV downloads (the tickets, and the tables of /measures and /gaps): managers get a file, everyone else
a refusal."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace

import pytest
from nicegui.testing import User

from models import catalog, ratings, sla, tickets
from models.catalog import Priority
from models.measures import GroupBy
from tests.conftest import START, FrozenClock

from .conftest import sign_in


async def test_a_manager_downloads_the_tickets_of_the_period(user: User, people: SimpleNamespace) -> None:
    await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Printer jams')
    await sign_in(user, 'maria@example.com')
    response = await user.http_client.get('/export/tickets.csv?days=7')
    assert response.status_code == 200
    assert response.headers['content-type'].startswith('text/csv')
    assert response.headers['content-disposition'].startswith('attachment; filename="tapdesk-tickets-')
    lines = response.text.splitlines()
    assert lines[0].startswith('number,title,service') and 'Printer jams' in lines[1] and len(lines) == 2
    assert (await user.http_client.get('/export/tickets.csv?days=0')).status_code == 400
    assert (await user.http_client.get('/export/tickets.csv?days=many')).status_code == 400


async def test_nobody_else_downloads_tickets(user: User, people: SimpleNamespace) -> None:
    assert (await user.http_client.get('/export/tickets.csv')).status_code == 403  # signed out
    await sign_in(user, 'sam@example.com')
    response = await user.http_client.get('/export/tickets.csv')
    assert response.status_code == 403 and 'Only managers' in response.text


# ---- the screens' tables ------------------------------------------------------------------------------------


@pytest.fixture
async def tables(people: SimpleNamespace, clock: FrozenClock) -> SimpleNamespace:
    """Seen on Thu 26 Nov 2026 (the 7 days: 20–26 Nov); Wi-Fi is answered within 1 h and fixed within 4 h.

    Tue 24: Alex's Wi-Fi, Sam: answered after 30 min, fixed after 2 h, rated 1 (on time but unhappy).
    Tue 24: Casey's request to a service named "=cmd", Priya: answered after 1 h, fixed after 3 h, not rated.
    """
    p = people
    p.cmd = await catalog.save_service(
        actor=None, name='=cmd', description='A name a spreadsheet would run', icon='build', category_ids=[p.staff.id]
    )
    await sla.set_target(
        actor=p.manager, service_id=p.wifi.id, priority=Priority.NORMAL, first_response_minutes=60,
        resolution_minutes=240,
    )  # fmt: skip
    for who, service, tech, reported, answer, fix in (
        (p.requester, p.wifi, p.technician, START, 0.5, 2),
        (p.colleague, p.cmd, p.technician2, START + timedelta(hours=1), 1, 3),
    ):
        t = await tickets.create_ticket(requester=who, service_id=service.id, title='Help', now=reported)
        await tickets.take(t.id, technician=tech, now=reported)
        await tickets.reply(t.id, 'On it', author=tech, now=reported + timedelta(hours=answer))
        await tickets.resolve(t.id, 'Done', actor=tech, now=reported + timedelta(hours=fix))
        if service == p.wifi:
            await ratings.rate(t.id, 1, actor=who, now=reported + timedelta(hours=3))
    clock.now = START + timedelta(days=2)
    return p


async def test_a_manager_downloads_the_measures_per_service(user: User, tables: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    response = await user.http_client.get('/export/measures.csv?period=7&by=service')
    assert response.status_code == 200 and response.headers['content-type'].startswith('text/csv')
    assert response.headers['content-disposition'] == (
        'attachment; filename="tapdesk-measures-by-service-2026-11-20-to-2026-11-26.csv"'
    )
    assert response.text.split('\r\n') == [
        'service,received,fixed,reopened,reopened (%),rated,rated (%),satisfaction (1-5),good or great (%),'
        'hours to first answer (average),hours to fix (average),first answers,hours to first answer (median),'
        'hours to first answer (90% within),first answers with a target,answered within target,'
        'answered within target (%),fixes timed,hours to fix (median),hours to fix (90% within),'
        'fixes with a target,fixed within target,fixed within target (%),visits,missed visits,fixes on a visit,'
        'fixed on the first visit,fixed on the first visit (%),hours on site,hours on site per fix',
        "'=cmd,1,1,0,0.0,0,0.0,,,1.00,3.00,1,1.00,1.00,0,,,1,3.00,3.00,0,,,0,0,0,0,,,",  # a formula no more
        'Wi-Fi,1,1,0,0.0,1,100.0,1.00,0.0,0.50,2.00,1,0.50,0.50,1,1,100.0,1,2.00,2.00,1,1,100.0,0,0,0,0,,,',
        '',
    ]


async def test_the_measures_per_technician_have_no_target_columns(user: User, tables: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    response = await user.http_client.get('/export/measures.csv?period=7&by=technician')
    lines = response.text.split('\r\n')
    assert lines[0].startswith('technician,received,') and 'median' not in lines[0]
    assert lines[1:] == [
        'Priya Shah,1,1,0,0.0,0,0.0,,,1.00,3.00,0,0,0,0,,,',
        'Sam Rivera,1,1,0,0.0,1,100.0,1.00,0.0,0.50,2.00,0,0,0,0,,,',
        '',
    ]


async def test_a_manager_downloads_the_trend_day_by_day(user: User, tables: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    response = await user.http_client.get('/export/trend.csv?period=7')
    assert response.status_code == 200
    nothing = ',0,0,0,,0,,,,,'
    assert response.text.split('\r\n') == [
        'from,to,received,fixed,reopened,reopened (%),rated,rated (%),satisfaction (1-5),good or great (%),'
        'hours to first answer (average),hours to fix (average)',
        '2026-11-20,2026-11-20' + nothing,
        '2026-11-21,2026-11-21' + nothing,
        '2026-11-22,2026-11-22' + nothing,
        '2026-11-23,2026-11-23' + nothing,
        '2026-11-24,2026-11-24,2,2,0,0.0,1,50.0,1.00,0.0,0.75,2.50',
        '2026-11-25,2026-11-25' + nothing,
        '2026-11-26,2026-11-26' + nothing,
        '',
    ]


async def test_the_trend_of_30_days_is_week_by_week(user: User, tables: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    lines = (await user.http_client.get('/export/trend.csv?period=30')).text.split('\r\n')
    assert [line.split(',')[:4] for line in lines[1:-1]] == [
        ['2026-10-28', '2026-11-01', '0', '0'],  # the period starts on a Wednesday
        ['2026-11-02', '2026-11-08', '0', '0'],
        ['2026-11-09', '2026-11-15', '0', '0'],
        ['2026-11-16', '2026-11-22', '0', '0'],
        ['2026-11-23', '2026-11-26', '2', '2'],  # this week so far
    ]


async def test_a_manager_downloads_the_expectation_gaps(user: User, tables: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    response = await user.http_client.get('/export/gaps.csv?period=7&by=service')
    name = 'tapdesk-gaps-by-service-2026-11-20-to-2026-11-26.csv'
    assert response.headers['content-disposition'] == f'attachment; filename="{name}"'
    assert response.text.split('\r\n') == [
        'service,gap,count,out of,share (%),in words',
        'Wi-Fi,On time but unhappy,1,1,100.0,On time but unhappy: 1 of 1 fix',
        '',
    ]


async def test_the_gaps_screen_links_its_table_as_csv(user: User, tables: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    await user.open('/gaps?period=7')
    await user.should_see('This table as CSV')
    (link,) = user.find(marker='gaps-csv').elements
    assert link.props['href'] == '/export/gaps.csv?period=7&by=service'
    (toggle,) = user.find(marker='group-by').elements
    toggle.set_value(GroupBy.TECHNICIAN)
    for _ in range(50):
        if link.props['href'] == '/export/gaps.csv?period=7&by=technician':
            break
        await asyncio.sleep(0.1)
    assert link.props['href'] == '/export/gaps.csv?period=7&by=technician'


TABLES = ['/export/measures.csv', '/export/trend.csv', '/export/gaps.csv']


async def test_a_technician_is_refused_the_tables(user: User, tables: SimpleNamespace) -> None:
    for address in TABLES:
        assert (await user.http_client.get(address)).status_code == 403  # signed out
    await sign_in(user, 'sam@example.com')
    for address in TABLES:
        response = await user.http_client.get(address)
        assert response.status_code == 403 and response.text.startswith('Only managers can see the'), address


async def test_a_table_asked_for_wrongly_says_what_to_choose(user: User, tables: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    for address in ('/export/measures.csv?by=day', '/export/gaps.csv?by=x', '/export/trend.csv?period=14'):
        assert (await user.http_client.get(address)).status_code == 400, address
