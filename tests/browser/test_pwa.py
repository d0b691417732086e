"""The installable shell in a real Chromium: manifest, service worker, offline page and banner, push, clicks."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import BrowserContext, Page, Worker, async_playwright, expect

from pwa import assets

from .conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, PHONE, ROOT, Server
from .test_core_loop import photo

SLOW = 15_000  # ms, for what waits on the server or NiceGUI's reconnect back-off on a loaded 2-core machine
BACK = 4_000  # ms from the network's return to the banner gone (socket.io's own back-off alone: up to 7.5 s)
OFFLINE_TEXT = "You're offline. Tapdesk will come back as soon as your connection does."
BANNER_TEXT = "You're offline — what you type is kept"
CACHED = """async () => {
    const urls = [];
    for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return {names: await caches.keys(), urls};
}"""
SPY = """() => {  // counts the worker's settled showNotification() calls
    if (self.tdShown === undefined) {
        const registration = self.registration;
        const show = registration.showNotification.bind(registration);
        self.tdShown = 0;
        registration.showNotification = (...args) => show(...args).finally(() => { self.tdShown += 1; });
    }
    return self.tdShown;
}"""
NOTIFICATIONS = """() => navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list => list.map(n => ({
    title: n.title, body: n.body, tag: n.tag, data: n.data, icon: n.icon, badge: n.badge, renotify: n.renotify,
    actions: n.actions.map(a => ({action: a.action, title: a.title})),
})))"""


@pytest.fixture
async def context(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    """A persistent profile: Chromium reports `in-incognito` for installability in an ordinary context."""
    async with async_playwright() as p:
        ctx = await p.chromium.launch_persistent_context(
            tmp_path / 'profile', executable_path=CHROMIUM, args=CHROMIUM_ARGS, **PHONE
        )
        ctx.set_default_timeout(10_000)
        yield ctx
        await ctx.close()


async def controlled(context: BrowserContext, url: str) -> Page:
    """Open `url` and wait until the service worker is active and controls the page."""
    page = context.pages[0] if context.pages else await context.new_page()
    await page.goto(url)
    await page.wait_for_function("navigator.serviceWorker.controller?.state === 'activated'")
    return page


async def sign_in(page: Page, server: Server, email: str) -> None:
    await page.goto(server.url + '/login')
    await page.get_by_label('Email').fill(email)
    await page.get_by_label('Password').fill(PASSWORD)
    await page.get_by_role('button', name='Sign in').click()
    await page.wait_for_url('**/requests' if email.startswith('alex') else '**/today')  # technicians start at Today


async def report(page: Page, server: Server, title: str, attachment: Path | None = None) -> int:
    await page.goto(server.url + '/new')
    await page.get_by_role('button', name=re.compile('Wi-Fi & network')).click()
    await page.get_by_label('Short title').fill(title)
    await page.get_by_label('What is happening?').fill('Since this morning.')
    if attachment is not None:
        await page.locator('input[type=file]').first.set_input_files(str(attachment))
        await expect(page.locator('.td-thumb img[alt="Photo 1"]')).to_be_visible(timeout=SLOW)
    await page.get_by_role('button', name='Send request').click()
    banner = page.get_by_text(re.compile(r'Your request #\d+ is in'))
    await expect(banner).to_be_visible(timeout=SLOW)
    return int(re.search(r'#(\d+)', await banner.inner_text())[1])  # type: ignore[index]


async def service_worker(context: BrowserContext) -> Worker:
    return context.service_workers[0] if context.service_workers else await context.wait_for_event('serviceworker')


async def push(context: BrowserContext, page: Page, server: Server, message: dict[str, object]) -> None:
    """Deliver a push message straight into the worker, as a push service would (no push service needed).

    Returns once the worker's showNotification() has settled: Chromium's getNotifications() deletes notifications it
    finds written but not yet on display, so asking while one is still being shown (a loaded machine) loses it.
    """
    await context.grant_permissions(['notifications'], origin=server.url)
    worker = await service_worker(context)
    shown = await worker.evaluate(SPY)
    cdp = await context.new_cdp_session(page)
    registration: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def updated(event: dict[str, list[dict[str, object]]]) -> None:
        for r in event['registrations']:
            if r['scopeURL'] == server.url + '/' and not r.get('isDeleted') and not registration.done():
                registration.set_result(str(r['registrationId']))

    cdp.on('ServiceWorker.workerRegistrationUpdated', updated)
    await cdp.send('ServiceWorker.enable')
    registration_id = await asyncio.wait_for(registration, 10)
    await cdp.send(
        'ServiceWorker.deliverPushMessage',
        {'origin': server.url, 'registrationId': registration_id, 'data': json.dumps(message)},
    )
    for _ in range(100):
        if await worker.evaluate('self.tdShown') > shown:
            return
        await asyncio.sleep(0.1)
    raise AssertionError('the worker did not show a notification within 10 s')


async def notifications(page: Page) -> list[dict[str, object]]:
    return await page.evaluate(NOTIFICATIONS)


async def test_the_app_is_installable_from_the_login_page(context: BrowserContext, server: Server) -> None:
    page = await controlled(context, server.url + '/login')
    cdp = await context.new_cdp_session(page)
    assert await cdp.send('Page.getInstallabilityErrors') == {'installabilityErrors': []}
    manifest = await cdp.send('Page.getAppManifest')
    assert manifest['errors'] == []
    assert manifest['url'] == server.url + '/manifest.webmanifest'
    data = json.loads(manifest['data'])
    assert (data['name'], data['short_name'], data['display']) == ('Tapdesk service desk', 'Tapdesk', 'standalone')
    assert (data['start_url'], data['scope']) == ('/', '/')
    assert {(i['sizes'], i['purpose']) for i in data['icons']} == {
        ('192x192', 'any'),
        ('512x512', 'any'),
        ('512x512', 'maskable'),
    }
    assert [s['name'] for s in data['shortcuts']] == ['New request', 'My requests', 'Queue']

    head = page.locator('head')
    await expect(head.locator('link[rel=apple-touch-icon]')).to_have_attribute(
        'href', assets.url('icons/apple-touch-icon.png')
    )
    await expect(head.locator('meta[name=apple-mobile-web-app-title]')).to_have_attribute('content', 'Tapdesk')
    await expect(page.locator('.td-offline')).to_be_hidden()
    for icon in data['icons']:
        response = await page.request.get(server.url + icon['src'])
        assert response.ok and response.headers['content-type'] == 'image/png'
    worker = await page.request.get(server.url + '/sw.js')
    assert worker.headers['content-type'] == 'application/javascript'
    assert worker.headers['cache-control'] == 'no-cache'
    assert worker.headers['service-worker-allowed'] == '/'


async def test_the_worker_keeps_assets_and_the_offline_page_but_never_a_page(
    context: BrowserContext, server: Server, tmp_path: Path
) -> None:
    page = await controlled(context, server.url + '/login')
    await sign_in(page, server, 'alex@example.com')
    number = await report(page, server, 'Printer offline on floor 2', photo(tmp_path))
    await page.goto(f'{server.url}/t/{number}')
    await expect(page.locator('.td-photo img, img.q-img__image').first).to_be_visible()  # a photo from /files/
    await page.goto(server.url + '/requests')
    await expect(page.get_by_text('Printer offline on floor 2')).to_be_visible()

    cached = await page.evaluate(CACHED)
    version = re.search(r'"version": "([^"]+)"', (await (await page.request.get(server.url + '/sw.js')).text()))
    assert version is not None
    assert sorted(cached['names']) == [f'tapdesk-assets-{version[1]}', f'tapdesk-shell-{version[1]}']
    paths = [urlsplit(url).path for url in cached['urls']]
    shell = {
        '/offline',
        '/manifest.webmanifest',
        '/static/tapdesk.css',
        '/static/js/page.js',  # every page's script, and the signed-in pages' work with no signal
        '/static/js/offline-queue.js',
        '/static/fonts/material-icons.woff2',  # the icons (pwa/icon_font.py): offline pages keep theirs
        '/static/icons/icon-192.png',
        '/static/icons/icon-512.png',
        '/static/icons/maskable-512.png',
        '/static/icons/apple-touch-icon.png',
        '/static/icons/badge-96.png',
    }
    assert shell <= set(paths)
    assets = [p for p in paths if p.startswith('/_nicegui/3.')]
    assert any(p.endswith('/nicegui.js') for p in assets)  # versioned assets are kept as they are used
    assert set(paths) - shell == set(assets), 'only the app shell and versioned NiceGUI assets'
    assert not [p for p in paths if re.match(r'/(login|requests|new|queue|t/|files/|_nicegui_ws/|$)', p)]
    assert not [p for p in paths if '/dynamic_resources/' in p]


async def test_a_page_opened_offline_shows_the_offline_page_and_comes_back(
    context: BrowserContext, server: Server
) -> None:
    page = await controlled(context, server.url + '/login')
    await context.set_offline(True)
    await page.goto(server.url + '/login')
    await expect(page.get_by_text(OFFLINE_TEXT)).to_be_visible()
    await expect(page).to_have_title('Offline · Tapdesk')
    assert page.url == server.url + '/login'  # the address stays, so Retry asks for the same page again

    async with page.expect_navigation():  # Retry while still offline: it tries again, and says so again
        await page.get_by_role('button', name='Retry').click()
    await expect(page.get_by_text(OFFLINE_TEXT)).to_be_visible()

    await context.set_offline(False)  # back online: the page returns by itself (Retry would do the same)
    await expect(page.get_by_role('button', name='Sign in')).to_be_visible(timeout=SLOW)
    await expect(page).to_have_title('Sign in · Tapdesk')


async def test_the_banner_shows_while_offline_and_what_was_typed_is_sent_when_back(
    context: BrowserContext, server: Server
) -> None:
    page = await controlled(context, server.url + '/login')
    await sign_in(page, server, 'alex@example.com')
    await page.goto(server.url + '/new')
    await page.get_by_role('button', name=re.compile('Wi-Fi & network')).click()
    await expect(page.get_by_label('Short title')).to_be_visible()  # the server's answer to the tap is in
    banner = page.locator('.td-offline')
    await expect(banner).to_be_hidden()

    await context.set_offline(True)
    await expect(banner).to_be_visible()
    await expect(banner).to_have_text(BANNER_TEXT)
    await page.get_by_label('Short title').fill('Typed in the basement')
    await page.get_by_label('What is happening?').fill('No signal down here.')

    await context.set_offline(False)
    await expect(banner).to_be_hidden(timeout=BACK)  # at once: no waiting out socket.io's back-off
    await expect(page.get_by_label('Short title')).to_have_value('Typed in the basement')
    await page.get_by_role('button', name='Send request').click()
    await expect(page.get_by_text(re.compile(r'Your request #\d+ is in'))).to_be_visible(timeout=SLOW)
    await page.goto(server.url + '/requests')
    await expect(page.get_by_text('Typed in the basement')).to_be_visible()


async def test_what_was_typed_survives_the_server_forgetting_the_page(context: BrowserContext, server: Server) -> None:
    """Longer than TAPDESK_RECONNECT_TIMEOUT, or a restart: NiceGUI rebuilds the page; the draft comes back."""
    page = await controlled(context, server.url + '/login')
    await sign_in(page, server, 'alex@example.com')
    await page.goto(server.url + '/new')
    await page.get_by_role('button', name=re.compile('Wi-Fi & network')).click()
    await expect(page).to_have_url(re.compile(r'/new\?service=\d+$'))  # a rebuilt page comes back to the form
    await page.get_by_label('Short title').fill('Typed before the outage')
    await page.get_by_label('What is happening?').fill('Every word of this stays.')

    server.kill()  # the server's copy of the page is gone, as after any outage longer than the reconnect timeout
    banner = page.locator('.td-offline')
    await expect(banner).to_be_visible(timeout=SLOW)
    server.start()
    await expect(banner).to_be_hidden(timeout=SLOW)
    await expect(page.get_by_label('Short title')).to_have_value('Typed before the outage', timeout=SLOW)
    await expect(page.get_by_label('What is happening?')).to_have_value('Every word of this stays.')
    await page.get_by_role('button', name='Send request').click()  # the server has the restored text too
    await expect(page.get_by_text(re.compile(r'Your request #\d+ is in'))).to_be_visible(timeout=SLOW)

    reply = page.get_by_placeholder('Write a reply…')  # the reply box keeps its draft the same way
    await reply.fill('One more thing: it started after the update.')
    server.kill()
    await expect(banner).to_be_visible(timeout=SLOW)
    server.start()
    await expect(banner).to_be_hidden(timeout=SLOW)
    await expect(reply).to_have_value('One more thing: it started after the update.', timeout=SLOW)
    await page.get_by_role('button', name='Send').click()
    await expect(page.get_by_text('One more thing: it started after the update.').first).to_be_visible(timeout=SLOW)
    await expect(reply).to_have_value('')

    await page.goto(server.url + '/new')  # sent: the drafts are forgotten
    await page.get_by_role('button', name=re.compile('Wi-Fi & network')).click()
    await expect(page.get_by_label('Short title')).to_have_value('')
    assert await page.evaluate(DRAFT_KEYS) == []

    await page.get_by_label('Short title').fill('Half a thought')  # signing out leaves no draft on a shared phone
    await page.wait_for_function(f'{DRAFT_KEYS}.length === 1')
    await page.get_by_role('button', name='Alex Kim').click()
    await page.get_by_text('Sign out').click()
    await page.wait_for_url('**/login')
    assert await page.evaluate(DRAFT_KEYS) == []


DRAFT_KEYS = "Object.keys(localStorage).filter(k => k.startsWith('td-draft:'))"
SUBSCRIPTION_CHANGE = """async ({old, fresh}) => {  // as the browser fires it when it replaces a subscription
    const event = new ExtendableEvent('pushsubscriptionchange');
    Object.defineProperty(event, 'oldSubscription', {value: {endpoint: old}});
    Object.defineProperty(event, 'newSubscription', {value: {endpoint: fresh.endpoint, toJSON: () => fresh}});
    try { self.dispatchEvent(event); } catch (e) { /* a test's event is untrusted: waitUntil() refuses it */ }
}"""
DEVICES = """
import asyncio, json
from models import db
from models.notifications import PushSubscription

async def main():
    await db.start()
    print(json.dumps(await PushSubscription.all().order_by('id').values_list('user__email', 'endpoint')))
    await db.stop()

asyncio.run(main())
"""


async def test_a_replaced_subscription_is_sent_to_tapdesk_by_the_worker(
    context: BrowserContext, server: Server
) -> None:
    from tests.push_service import BrowserDevice

    page = await controlled(context, server.url + '/login')
    await sign_in(page, server, 'alex@example.com')
    worker = await service_worker(context)
    fresh = BrowserDevice('http://127.0.0.1:9/push/rotated')
    subscription = {'endpoint': fresh.endpoint, 'expirationTime': None, 'keys': fresh.keys()}
    await worker.evaluate(SUBSCRIPTION_CHANGE, {'old': 'http://127.0.0.1:9/push/before', 'fresh': subscription})
    for _ in range(100):
        devices = in_server_database(server, DEVICES)
        if devices:
            break
        await asyncio.sleep(0.1)
    assert devices == [['alex@example.com', fresh.endpoint]]


def in_server_database(server: Server, script: str) -> object:
    """Run `script` against the running server's database and read the JSON it prints last."""
    done = subprocess.run([sys.executable, '-c', script], cwd=ROOT, env=server.env, check=True, capture_output=True)
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


async def test_a_push_message_shows_a_notification(context: BrowserContext, server: Server) -> None:
    page = await controlled(context, server.url + '/login')
    await push(
        context,
        page,
        server,
        {
            'title': 'Sam is on the way',
            'body': 'Arrives ~14:05',
            'tag': 'ticket-7',
            'url': '/t/7',
            'ticket_id': 7,
            'kind': 'on_the_way',
            'actions': [{'action': 'open', 'title': 'Open'}],
        },
    )
    [shown] = await notifications(page)
    assert (shown['title'], shown['body'], shown['tag'], shown['renotify']) == (
        'Sam is on the way',
        'Arrives ~14:05',
        'ticket-7',
        True,
    )
    assert shown['data'] == {
        'url': server.url + '/t/7',
        'ticket_id': 7,
        'kind': 'on_the_way',
        'action_url': None,
        'rate_url': None,
    }
    assert shown['icon'] == server.url + assets.url('icons/icon-192.png')
    assert shown['badge'] == server.url + assets.url('icons/badge-96.png')
    assert shown['actions'] == [{'action': 'open', 'title': 'Open'}]


async def test_tapping_a_notification_brings_a_window_to_its_ticket(context: BrowserContext, server: Server) -> None:
    page = await controlled(context, server.url + '/login')
    await sign_in(page, server, 'alex@example.com')
    number = await report(page, server, 'Screen flickers')
    await page.goto(server.url + '/requests')
    await push(
        context,
        page,
        server,
        {
            'title': 'Fixed — how did we do?',
            'body': 'Screen flickers',
            'tag': f'ticket-{number}',
            'url': f'/t/{number}',
            'ticket_id': number,
            'kind': 'resolved',
            'action_url': f'/t/{number}/action',
            'actions': [{'action': 'rate-good', 'title': 'Good'}, {'action': 'rate-poor', 'title': 'Poor'}],
        },
    )
    assert len(await notifications(page)) == 1
    worker = await service_worker(context)

    # A button on the notification: one POST of {action}, same-origin credentials, no window.
    posted = await worker.evaluate(
        """async () => {
            const calls = [];
            const realFetch = self.fetch;
            self.fetch = async (url, init) => {
                calls.push({url: String(url), method: init.method, credentials: init.credentials, body: init.body});
                return new Response(null, {status: 204});
            };
            try {
                const [notification] = await self.registration.getNotifications();
                self.dispatchEvent(new NotificationEvent('notificationclick', {notification, action: 'rate-good'}));
                await new Promise(resolve => setTimeout(resolve, 300));
            } finally {
                self.fetch = realFetch;
            }
            return calls;
        }"""
    )
    assert posted == [
        {
            'url': f'{server.url}/t/{number}/action',
            'method': 'POST',
            'credentials': 'same-origin',
            'body': '{"action":"rate-good"}',
        }
    ]
    assert page.url == server.url + '/requests'
    for _ in range(50):  # the tapped notification goes away
        if not await notifications(page):
            break
        await asyncio.sleep(0.1)
    assert await notifications(page) == []

    # The notification itself: the open window goes to the ticket.
    await push(context, page, server, {'title': 'Sam replied', 'tag': f'ticket-{number}', 'url': f'/t/{number}'})
    assert [n['title'] for n in await notifications(page)] == ['Sam replied']
    await worker.evaluate(
        """async () => {
            const [notification] = await self.registration.getNotifications();
            self.dispatchEvent(new NotificationEvent('notificationclick', {notification}));
        }"""
    )
    await page.wait_for_url(f'**/t/{number}')
    await expect(page.get_by_text('Screen flickers').first).to_be_visible()


async def test_the_tap_itself_asks_for_permission_and_the_server_hears_the_answer(
    context: BrowserContext, server: Server
) -> None:
    """The permission prompt runs in the button's own click handler (iOS asks only within a tap), and the
    browser's answer comes back to the server. Headless Chromium answers the prompt with "denied" at once
    (a real push subscription would need a push service on the internet), which must read in plain words."""
    page = await controlled(context, server.url + '/login')
    await sign_in(page, server, 'alex@example.com')
    await page.goto(server.url + '/settings')
    await page.wait_for_function("navigator.serviceWorker.controller?.state === 'activated'")
    await page.get_by_role('button', name='Get notified about your requests').click()
    await expect(page.get_by_text('Notifications are blocked for Tapdesk in this browser')).to_be_visible(timeout=SLOW)
    assert await page.evaluate('Notification.permission') == 'denied'
