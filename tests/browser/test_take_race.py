"""Two technicians tap "Assign to me" on the same ticket at the same moment: one gets it, and the other is always
told so in plain words, even when the live update has already redrawn the button they tapped."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from playwright.async_api import expect

from .conftest import Server, signed_in
from .test_pwa import in_server_database

ROUNDS = 15  # a new ticket each round; the loser's message was lost in about 1 race of 15 before the fix
TAKEN = 'Someone else took this ticket a moment ago.'
# Both taps are sent the same instant from two browser contexts; False if the button was already gone.
TAP_TAKE = """() => {
    const button = [...document.querySelectorAll('button')].find((b) => b.innerText.includes('Assign to me'));
    if (!button) return false;
    button.click();
    return true;
}"""


async def test_the_technician_who_loses_the_race_to_take_a_ticket_is_always_told(
    browser: object, server: Server
) -> None:
    requester = await signed_in(browser, server, 'alex@example.com')
    numbers = [await report(requester, server, f'Projector {n} flickers') for n in range(ROUNDS)]
    technicians = {
        'Sam': await signed_in(browser, server, 'sam@example.com'),
        'Priya': await signed_in(browser, server, 'priya@example.com'),
    }
    told = []
    for number in numbers:
        for page in technicians.values():
            await page.goto(f'{server.url}/t/{number}')
            await expect(page.get_by_role('button', name='Assign to me')).to_be_visible()
        async with ticket_row_held(server, number) as both_waiting:  # both taps reach the server: a real race
            tapped = await asyncio.gather(*(page.evaluate(TAP_TAKE) for page in technicians.values()))
            assert tapped == [True, True]
            await both_waiting()
        status = technicians['Sam'].get_by_text(re.compile(r'^Assigned to (Sam|Priya)$'))
        await expect(status).to_be_visible()
        winner = (await status.inner_text()).removeprefix('Assigned to ')
        loser = next(page for name, page in technicians.items() if name != winner)
        message = loser.locator('.q-notification', has_text=TAKEN)
        try:
            await expect(message).to_be_visible(timeout=5000)
            told.append(number)
        except AssertionError:
            pass
    assert told == numbers, server.log.read_text()[-3000:]  # type: ignore[union-attr]
    assert 'parent element' not in server.log.read_text()  # type: ignore[union-attr]


@asynccontextmanager
async def ticket_row_held(server: Server, number: int) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """Hold the ticket's row (PostgreSQL) or the database's write lock (SQLite) from outside the server, so both
    taps are inside `take` before either can finish; on release one wins and the other loses, as in a real race."""
    url = server.env.get('TAPDESK_DATABASE_URL')
    if url:
        conn = await asyncpg.connect(url.replace('postgres://', 'postgresql://'))
        lock = conn.transaction()
        await lock.start()
        await conn.execute('SELECT id FROM ticket WHERE id = $1 FOR UPDATE', number)

        async def both_waiting() -> None:  # both UPDATEs wait for the row
            for _ in range(100):
                waiting = await asyncpg_waiting(url)
                if waiting >= 2:
                    return
                await asyncio.sleep(0.05)
            raise AssertionError('the two taps did not both reach the server')

        try:
            yield both_waiting
        finally:
            await lock.rollback()
            await conn.close()
        return
    db = sqlite3.connect(Path(server.env['TAPDESK_DATA_DIR']) / 'tapdesk.sqlite3', isolation_level=None)
    db.execute('BEGIN IMMEDIATE')  # the server's single connection waits (busy_timeout) inside the first take

    async def settle() -> None:  # nothing to count here: give the second tap time to arrive
        await asyncio.sleep(0.5)

    try:
        yield settle
    finally:
        db.execute('ROLLBACK')
        db.close()


async def asyncpg_waiting(url: str) -> int:
    conn = await asyncpg.connect(url.replace('postgres://', 'postgresql://'))
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
    finally:
        await conn.close()


async def report(page: object, server: Server, title: str) -> int:
    """A requester reports a ticket (no photo); its number."""
    await page.goto(f'{server.url}/new')  # type: ignore[attr-defined]
    await page.get_by_role('button', name=re.compile('Printer & scanner')).click()  # type: ignore[attr-defined]
    await page.get_by_label('Short title').fill(title)  # type: ignore[attr-defined]
    await page.get_by_role('button', name='Send request').click()  # type: ignore[attr-defined]
    banner = page.get_by_text(re.compile(r'Your request #\d+ is in'))  # type: ignore[attr-defined]
    await expect(banner).to_be_visible()
    return int(re.search(r'#(\d+)', await banner.inner_text()).group(1))  # type: ignore[union-attr]


SUBSCRIBE = """
import asyncio, json
from models import db, notifications
from models.users import User
from tests.push_service import BrowserDevice

async def main():
    await db.start()
    alex = await User.get(email='alex@example.com')
    device = BrowserDevice('http://127.0.0.1:9/push/phone')
    agent = 'Mozilla/5.0 (Linux; Android 14; Pixel 8)'
    await notifications.subscribe(alex, endpoint=device.endpoint, keys=device.keys(), user_agent=agent)
    await db.stop()
    print('[]')

asyncio.run(main())
"""


async def test_removing_a_device_says_so_although_the_list_is_redrawn(browser: object, server: Server) -> None:
    """Removing a device redraws the device list, Remove button included, before the confirmation: every time."""
    in_server_database(server, SUBSCRIBE)
    page = await signed_in(browser, server, 'alex@example.com')
    await page.goto(f'{server.url}/settings')
    await page.get_by_role('button', name='Remove').click()
    await expect(page.locator('.q-notification', has_text='will get no more notifications.')).to_be_visible()
    await expect(page.get_by_role('button', name='Remove')).to_have_count(0)
    assert 'parent element' not in server.log.read_text()  # type: ignore[union-attr]
