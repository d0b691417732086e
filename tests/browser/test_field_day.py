"""The field technician's day in a real Chromium at phone size: "On my way" reaches the requester's open page and
the outbox; a window chosen from the notification's button shows on the technician's open Today."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, async_playwright, expect

from .conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, Server, signed_in
from .test_pwa import controlled, in_server_database, push, service_worker, sign_in
from .test_pwa import notifications as shown_notifications

TAKEN = """
import asyncio, json
from models import db, tickets
from models.catalog import Service
from models.users import User

async def main():
    await db.start()
    alex = await User.get(email='alex@example.com')
    sam = await User.get(email='sam@example.com')
    service = await Service.get(name='Printer & scanner')
    ticket = await tickets.create_ticket(requester=alex, service_id=service.id, title='Printer on floor 2 jams')
    await tickets.take(ticket.id, technician=sam)
    print(json.dumps({'id': ticket.id}))
    await db.stop()

asyncio.run(main())
"""
OUTBOX = """
import asyncio, json
from models import db
from models.outbox import PushMessage

async def main():
    await db.start()
    rows = await PushMessage.filter(ticket_id=%d).select_related('user').order_by('id')
    print(json.dumps([[m.kind.value, m.user.email, m.payload['body']] for m in rows]))
    await db.stop()

asyncio.run(main())
"""
SUBSCRIBE = """
import asyncio, json
from models import db, notifications
from models.users import User
from tests.push_service import BrowserDevice

async def main():
    await db.start()
    alex = await User.get(email='alex@example.com')
    device = BrowserDevice('http://127.0.0.1:9/push/alex')
    await notifications.subscribe(alex, endpoint=device.endpoint, keys=device.keys())
    print(json.dumps({'ok': True}))
    await db.stop()

asyncio.run(main())
"""
OFFER = """
import asyncio, json
from datetime import timedelta
from models import clock, db, visits
from models.outbox import PushMessage

async def main():
    await db.start()
    from models.users import User
    sam = await User.get(email='sam@example.com')
    start = (clock.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
    later = start + timedelta(hours=4)
    windows = [(start, start + timedelta(hours=2)), (later, later + timedelta(hours=2))]
    offered = await visits.propose(%d, windows, actor=sam)
    message = await PushMessage.filter(ticket_id=%d, kind='visit_proposed').order_by('-id').first()
    print(json.dumps({'windows': [w.id for w in offered], 'payload': message.payload}))
    await db.stop()

asyncio.run(main())
"""
CLICK = """async (action) => {
    const [notification] = await self.registration.getNotifications();
    self.dispatchEvent(new NotificationEvent('notificationclick', {notification, action}));
}"""


async def test_on_my_way_in_30_minutes_shows_on_the_requesters_open_page_and_goes_out_as_a_push(
    browser: object, server: Server
) -> None:
    ticket = (await asyncio.to_thread(in_server_database, server, TAKEN))['id']  # type: ignore[index]
    await asyncio.to_thread(in_server_database, server, SUBSCRIBE)
    requester = await signed_in(browser, server, 'alex@example.com', **PHONE)
    await requester.goto(f'{server.url}/t/{ticket}')  # type: ignore[attr-defined]
    await expect(requester.get_by_text('Assigned to Sam', exact=True)).to_be_visible()  # type: ignore[attr-defined]
    technician = await signed_in(browser, server, 'sam@example.com', **PHONE)
    await technician.goto(f'{server.url}/t/{ticket}')  # type: ignore[attr-defined]
    await technician.get_by_role('button', name='More').click()  # type: ignore[attr-defined]  # next step: a reply
    await technician.get_by_role('menuitem', name='On my way').click()  # type: ignore[attr-defined]
    arrival = await technician.evaluate(  # type: ignore[attr-defined]
        '(() => { const t = new Date(Date.now() + 30 * 60000); '
        "return String(t.getHours()).padStart(2, '0') + ':' + String(t.getMinutes()).padStart(2, '0'); })()"
    )
    await technician.get_by_label('Arrival time').fill(arrival)  # type: ignore[attr-defined]
    await technician.get_by_role('button', name="I'm on my way").click()  # type: ignore[attr-defined]
    words = f'Sam is on the way (arrives ~{arrival})'
    await expect(requester.get_by_text(words, exact=True)).to_be_visible(timeout=3000)  # type: ignore[attr-defined]
    outbox = await asyncio.to_thread(in_server_database, server, OUTBOX % ticket)
    assert ['on_the_way', 'alex@example.com', words] in outbox  # type: ignore[operator]


@pytest.fixture
async def phones(tmp_path: Path) -> AsyncIterator[tuple[BrowserContext, object]]:
    """The requester's installed app (a persistent profile, for its service worker) and a browser for the
    technician, from one Playwright driver (two drivers in one event loop end the test process)."""
    async with async_playwright() as p:
        requester = await p.chromium.launch_persistent_context(
            tmp_path / 'profile', executable_path=CHROMIUM, args=CHROMIUM_ARGS, **PHONE
        )
        requester.set_default_timeout(10_000)
        technician = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield requester, technician
        await technician.close()
        await requester.close()


async def test_a_window_chosen_from_the_notification_shows_confirmed_on_the_technicians_open_today(
    phones: tuple[BrowserContext, object], server: Server
) -> None:
    context, browser = phones
    ticket = (await asyncio.to_thread(in_server_database, server, TAKEN))['id']  # type: ignore[index]
    await asyncio.to_thread(in_server_database, server, SUBSCRIBE)  # Alex's phone hears of the offer
    technician = await signed_in(browser, server, 'sam@example.com', **PHONE)
    await expect(technician.get_by_text(f'#{ticket} Printer on floor 2 jams')).to_be_visible()  # type: ignore[attr-defined]
    offer = await asyncio.to_thread(in_server_database, server, OFFER % (ticket, ticket))
    first, _ = offer['windows']  # type: ignore[index]

    page = await controlled(context, server.url + '/login')
    await sign_in(page, server, 'alex@example.com')  # the worker's POST carries the requester's session
    await push(context, page, server, offer['payload'])  # type: ignore[index]
    [shown] = await shown_notifications(page)
    assert [a['action'] for a in shown['actions']] == [f'visit-{w}' for w in offer['windows']]  # type: ignore[index,union-attr]
    worker = await service_worker(context)
    await worker.evaluate(CLICK, f'visit-{first}')
    for _ in range(100):
        titles = [n['title'] for n in await shown_notifications(page)]
        if titles == [f'Visit planned · #{ticket}']:
            break
        await asyncio.sleep(0.1)
    assert titles == [f'Visit planned · #{ticket}']

    window = technician.locator('.td-job-when').first  # type: ignore[attr-defined]
    await expect(window).to_have_text(re.compile(r'\w{3} \d+ \w{3}, 10:00–12:00'), timeout=3000)
    visit_line = technician.get_by_text('Say "On my way" when you set off')  # type: ignore[attr-defined]
    await expect(visit_line).to_be_visible()
