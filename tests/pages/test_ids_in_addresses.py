"""Numbers in addresses and searches that no row can have: the friendly "not found" (or no results), never a
server error, and no error on the live updates that follow."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from nicegui import background_tasks
from nicegui.testing import User

from models import tickets

from .conftest import sign_in

HUGE = '99999999999999999999'


@pytest.mark.parametrize('number', [HUGE, str(2**31), '0', '-1', 'abc'])
async def test_a_ticket_number_out_of_range_shows_not_found(user: User, people: SimpleNamespace, number: str) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{number}')
    await user.should_see(f'There is no request #{number} for you.')


@pytest.mark.parametrize('number', [HUGE, str(2**31), '0', '-1', 'abc'])
async def test_a_photo_id_out_of_range_is_not_found(user: User, people: SimpleNamespace, number: str) -> None:
    await sign_in(user, 'sam@example.com')
    response = await user.http_client.get(f'/files/{number}/preview')
    assert response.status_code == 404


async def test_searching_the_queue_for_a_number_out_of_range_finds_nothing_and_stays_quiet_when_live(
    user: User, people: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    first = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Printer jams')
    await sign_in(user, 'sam@example.com')
    await user.open('/queue')
    await user.should_see(f'#{first.id} Printer jams')
    user.find(marker='search').type(f'#{HUGE}')
    await user.should_not_see(f'#{first.id} Printer jams')
    await user.should_see('No tickets match this search.')
    for title in ('Toner everywhere', 'Scanner sends blank pages'):  # each change wakes the open queue
        await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title=title)
        await settled()
        await user.should_see('No tickets match this search.')
    assert [r.getMessage() for r in caplog.records if r.levelname == 'ERROR'] == []


@pytest.mark.parametrize('service', [HUGE, 'abc'])
async def test_a_service_that_cannot_exist_in_the_new_request_address_shows_the_tiles(
    user: User, people: SimpleNamespace, service: str
) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open(f'/new?service={service}')
    await user.should_see('What do you need help with?')


async def settled() -> None:
    """Wait for the live updates a change started (background tasks) to finish."""
    for _ in range(100):
        await asyncio.sleep(0.02)
        if not background_tasks.running_tasks:
            return
