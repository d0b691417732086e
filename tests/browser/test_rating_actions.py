"""One tap on a notification's rating button, in a real Chromium: the service worker POSTs the rating link,
the server records it once, and a short confirmation replaces the notification."""

from __future__ import annotations

import asyncio

from playwright.async_api import BrowserContext, expect

from models import notifications, ratings

from .conftest import Server
from .test_pwa import context, controlled, in_server_database, push, service_worker, sign_in  # noqa: F401  (a fixture)
from .test_pwa import notifications as shown_notifications

FIXED = """
import asyncio, json
from models import clock, db, ratings, tickets
from models.catalog import Service
from models.users import User

async def main():
    await db.start()
    alex = await User.get(email='alex@example.com')
    sam = await User.get(email='sam@example.com')
    service = await Service.get(name='Wi-Fi & network')
    ticket = await tickets.create_ticket(requester=alex, service_id=service.id, title='Laptop will not charge')
    await tickets.take(ticket.id, technician=sam)
    ticket = await tickets.resolve(ticket.id, 'New charger', actor=sam)
    print(json.dumps({'id': ticket.id, 'token': ratings.issue_token(ticket, alex, clock.now())}))
    await db.stop()

asyncio.run(main())
"""
RATINGS = """
import asyncio, json
from models import db
from models.ratings import Rating

async def main():
    await db.start()
    print(json.dumps([[r.ticket_id, r.score] for r in await Rating.all()]))
    await db.stop()

asyncio.run(main())
"""
OFFLINE_CLICK = """async (action) => {  // as CLICK, with the rating's POST failing as it does offline
    const realFetch = self.fetch;
    self.fetch = (input, init) =>
        init?.method === 'POST' ? Promise.reject(new TypeError('Failed to fetch')) : realFetch(input, init);
    try {
        const [notification] = await self.registration.getNotifications();
        self.dispatchEvent(new NotificationEvent('notificationclick', {notification, action}));
        await new Promise(resolve => setTimeout(resolve, 300));
    } finally {
        self.fetch = realFetch;
    }
}"""
CLICK = """async (action) => {
    const [notification] = await self.registration.getNotifications();
    self.dispatchEvent(new NotificationEvent('notificationclick', {notification, action}));
}"""


def fixed_message(ticket_id: int, token: str) -> dict[str, object]:
    """The "Fixed — how did we do?" push as models/notifications.py words it for the requester."""
    return notifications.payload(
        f'#{ticket_id} is fixed — how did we do?',
        'Laptop will not charge',
        kind=notifications.Kind.RESOLVED,
        ticket_id=ticket_id,
        actions=notifications.RATING_ACTIONS,
        rate_url=notifications.RATE_PATH + token,
    )


async def titles_become(page: object, expected: list[str]) -> list[dict[str, object]]:
    for _ in range(100):
        shown = await shown_notifications(page)  # type: ignore[arg-type]
        if [n['title'] for n in shown] == expected:
            return shown
        await asyncio.sleep(0.1)
    raise AssertionError(f'notifications: {[n["title"] for n in shown]}, expected {expected}')


async def test_a_rating_button_on_the_notification_records_it_and_says_thanks(
    context: BrowserContext,  # noqa: F811
    server: Server,
) -> None:
    page = await controlled(context, server.url + '/login')  # signed out: the token is the credential
    fixed = await asyncio.to_thread(in_server_database, server, FIXED)
    number, token = fixed['id'], fixed['token']  # type: ignore[index]
    message = fixed_message(number, token)
    await push(context, page, server, message)
    [offered] = await shown_notifications(page)
    assert [a['title'] for a in offered['actions']] == ['Good', 'Not good']  # type: ignore[union-attr]

    worker = await service_worker(context)
    await worker.evaluate(CLICK, 'rate-good')
    [thanks] = await titles_become(page, [f'Thanks — you rated #{number} Good'])
    assert (thanks['tag'], thanks['body'], thanks['actions']) == (f'ticket-{number}', 'Tap to open the request.', [])
    assert thanks['data']['url'] == f'{server.url}/t/{number}'  # type: ignore[index]
    assert await asyncio.to_thread(in_server_database, server, RATINGS) == [[number, 5]]
    assert page.url == server.url + '/login'  # no window was opened or moved

    # The same link again (a replayed notification): refused, nothing recorded twice, the ticket opens instead.
    await push(context, page, server, message)
    await worker.evaluate(CLICK, 'rate-poor')
    await page.wait_for_url(f'**/login?next=%2Ft%2F{number}')  # the ticket, behind sign-in
    assert await asyncio.to_thread(in_server_database, server, RATINGS) == [[number, 5]]

    # Offline at the tap: the rating page opens, where the same choice is one tap away.
    await push(context, page, server, message)
    await worker.evaluate(OFFLINE_CLICK, 'rate-good')
    await page.wait_for_url(f'**/rate/{token}')
    await expect(page.get_by_text(ratings.USED)).to_be_visible()  # this link was used above

    # The ticket shows it: the technician's page has the rating the notification's button recorded.
    await sign_in(page, server, 'sam@example.com')
    await page.goto(f'{server.url}/t/{number}')
    await expect(page.get_by_text('Alex rated the fix')).to_be_visible()
    await expect(page.get_by_text('Great', exact=True)).to_be_visible()
