"""Accessible to everyone (issue 13): every screen, for every role, in light and dark mode, at phone size, passes
axe-core (shipped by axe-playwright-python) with no serious or critical violation of WCAG 2.1 A/AA: text contrast,
a name on every icon-only button, labelled fields; and so does what opens on them (menus, dialogs, folded panels, a
photo's thumbnail). And motion respects the phone's "reduce motion" setting.

One demo server (the demo's data fills every screen) serves the whole module, on SQLite: what is checked here is
what the browser draws, which does not depend on the database."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Locator, Page, expect

from tests.images import jpeg

from .conftest import PHONE, ROOT, Server, _server_env, fail_on_csp_reports

WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
BLOCKING = ('serious', 'critical')
MODES = ['light', 'dark']  # the app follows the phone's setting (main.py: ui.run(dark=None))


class First:
    """The screen behind the first link on `page` whose address starts with `prefix` (ids differ from run to run)."""

    def __init__(self, page: str, prefix: str) -> None:
        self.page, self.prefix = page, prefix

    def __repr__(self) -> str:
        return f'{self.prefix}… (from {self.page})'


# Each role's screens: its bottom navigation, the account menu's pages, and one of each kind of detail screen.
ACCOUNT = ['/thanks', '/me', '/settings']
SCREENS: dict[str, tuple[str | None, list[str | First]]] = {
    'visitor': (None, ['/login', '/rate/']),  # '/rate/' gets a fresh link token (see `rate_link`)
    'requester': ('alex', ['/requests', First('/requests', '/t/'), '/new', '/help', First('/help', '/help/a/')]
                          + ACCOUNT),
    'superuser': ('hannah', ['/helping', First('/helping', '/helping/'), '/articles', '/requests']),
    'technician': ('sam', ['/today', '/queue', First('/queue', '/t/'), '/articles', '/articles/1', '/actions',
                           '/my-figures'] + ACCOUNT),
    'manager': ('manager', ['/queue', '/dispatch', '/manage', '/measures', First('/measures', '/measures/tickets'),
                            '/measures/weekly', '/gaps', First('/gaps', '/gaps/'), '/actions',
                            First('/actions', '/actions/'), '/service-levels', '/checklists', '/articles/new',
                            '/settings']),
}  # fmt: skip

RATE_LINK = """
import asyncio
from models import clock, db, ratings
from models.records import Ticket
from models.tickets import Status
from models.users import User

async def main():
    await db.start()
    alex = await User.get(email='alex@demo.tapdesk')
    ticket = await Ticket.filter(requester=alex, status=Status.RESOLVED).first()
    print(ratings.issue_token(ticket, alex, clock.now()))
    await db.stop()

asyncio.run(main())
"""


# The demo tickets whose opened states are checked: a technician's job being worked on (the next step "Mark fixed",
# "More" with a part, a visit, a hand-over), one with a visit planned (the next step "On my way") and a requester's
# fixed request (the reopen dialog). Read once, never changed: the dialogs are opened, then cancelled.
STATE_TICKETS = """
import asyncio, json
from models import db
from models.records import Ticket
from models.tickets import Status
from models.users import User

async def main():
    await db.start()
    sam = await User.get(email='sam@demo.tapdesk')
    alex = await User.get(email='alex@demo.tapdesk')
    working = await Ticket.filter(assignee=sam, status=Status.IN_PROGRESS).order_by('id').first()
    planned = await Ticket.filter(assignee=sam, status=Status.VISIT_PLANNED).order_by('id').first()
    fixed = await Ticket.filter(requester=alex, status=Status.RESOLVED).order_by('id').first()
    print(json.dumps({'working': working.id, 'planned': planned.id, 'fixed': fixed.id}))
    await db.stop()

asyncio.run(main())
"""


@pytest.fixture(scope='module')
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real app with the demo's data (`tapdesk serve --demo`), shared by every test of this module."""
    folder = tmp_path_factory.mktemp('a11y')
    env = {**_server_env(folder / 'data'), 'TAPDESK_DEMO': '1'}
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    srv = Server(url=f'http://127.0.0.1:{port}', env=env, log=folder / 'server.log')
    srv.start()
    deadline = time.monotonic() + 90
    while 'Demo sign-ins' not in srv.log.read_text():  # printed once the demo is seeded
        assert time.monotonic() < deadline and srv.process and srv.process.poll() is None, srv.log.read_text()[-2000:]
        time.sleep(0.2)
    yield srv
    srv.stop()
    fail_on_csp_reports(srv.log.read_text())  # axe runs inside the page: the policy must not have blocked it
    shutil.rmtree(folder / 'data', ignore_errors=True)


@pytest.fixture(scope='module')
def rate_link(demo: Server) -> str:
    made = subprocess.run(
        [sys.executable, '-c', RATE_LINK], cwd=ROOT, env=demo.env, check=True, capture_output=True, text=True
    )
    return '/rate/' + made.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('role', list(SCREENS))
async def test_every_screen_passes_axe_with_no_serious_or_critical_violation(
    browser: object, demo: Server, rate_link: str, role: str, mode: str
) -> None:
    person, screens = SCREENS[role]
    context = await browser.new_context(color_scheme=mode, **PHONE)  # type: ignore[attr-defined]
    page = await context.new_page()
    page.set_default_timeout(15_000)
    if person:
        await sign_in(page, demo, f'{person}@demo.tapdesk')
    axe, found = Axe(), []
    for screen in screens:
        path = rate_link if screen == '/rate/' else await address(page, demo, screen)
        await settle(page, demo.url + path)
        assert await page.evaluate("document.body.classList.contains('body--dark')") == (mode == 'dark') or (
            await page.locator('.q-layout, .nicegui-content').count() == 0  # the help centre's plain article page
        ), f'{path} is not in {mode} mode'
        results = await axe.run(page, options={'runOnly': {'type': 'tag', 'values': WCAG_21_AA}})
        found += [(path, v) for v in results.response['violations'] if v['impact'] in BLOCKING]
    await context.close()
    assert not found, report(found, role, mode)


@pytest.fixture(scope='module')
def state_tickets(demo: Server) -> dict[str, int]:
    made = subprocess.run(
        [sys.executable, '-c', STATE_TICKETS], cwd=ROOT, env=demo.env, check=True, capture_output=True, text=True
    )
    return dict(json.loads(made.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize('mode', MODES)
async def test_opened_menus_dialogs_and_panels_pass_axe(
    browser: object, demo: Server, state_tickets: dict[str, int], mode: str, tmp_path: Path
) -> None:
    """What a person opens is checked while it is open (Quasar teleports menus and dialogs to the body; axe reads
    the whole document): the account menu, a technician's "More" menu and the dialogs of a ticket, the private
    note, the queue's filters, the new-request form with a photo and suggestions, the help centre's search, and
    the requester's reopen dialog."""
    found: list[tuple[str, dict]] = []
    axe = Axe()

    async def person(email: str) -> Page:
        context = await browser.new_context(color_scheme=mode, **PHONE)  # type: ignore[attr-defined]
        page: Page = await context.new_page()
        page.set_default_timeout(15_000)
        await sign_in(page, demo, email)
        return page

    async def check(page: Page, state: str, shown: Locator) -> None:
        await expect(shown).to_be_visible()
        await page.wait_for_function(STILL)  # a menu's or dialog's fade has ended: colours are final
        results = await axe.run(page, options={'runOnly': {'type': 'tag', 'values': WCAG_21_AA}})
        found.extend((state, v) for v in results.response['violations'] if v['impact'] in BLOCKING)

    async def in_dialog(page: Page, state: str, opener: Callable[[], Awaitable[None]]) -> None:
        await opener()
        dialog = page.get_by_role('dialog')
        await check(page, state, dialog)
        await dialog.get_by_role('button', name='Cancel').click()
        await expect(dialog).to_have_count(0)

    async def account_menu(page: Page, screen: str, name: str, role: str) -> None:
        await settle(page, demo.url + screen)
        await page.get_by_role('button', name=name).click()
        await check(page, f'account menu ({role})', page.get_by_role('menu'))
        await page.keyboard.press('Escape')

    # The requester: the account menu, the reopen dialog, the form with a photo and suggestions, the help search.
    alex = await person('alex@demo.tapdesk')
    await account_menu(alex, '/requests', 'Alex Kim', 'requester')

    await settle(alex, f'{demo.url}/t/{state_tickets["fixed"]}')
    await in_dialog(
        alex, 'reopen dialog', lambda: alex.get_by_role('button', name=re.compile('Still a problem')).click()
    )

    await settle(alex, demo.url + '/new')
    await alex.get_by_role('button', name=re.compile('Printer & scanner')).click()
    await alex.wait_for_timeout(600)  # see test_self_help: keys right after the tap
    await alex.get_by_label('Short title').press_sequentially('paper jam', delay=20)
    photo = tmp_path / 'printer.jpg'
    photo.write_bytes(jpeg(color='steelblue'))
    await alex.locator('input[type=file]').first.set_input_files(str(photo))
    await expect(alex.locator('.td-thumb img[alt="Photo 1"]')).to_be_visible()
    await check(alex, '/new with a photo and suggestions', alex.get_by_text('These may fix it right away'))
    await alex.get_by_role('button', name=re.compile('paper jam')).first.click()
    await check(alex, '/new: a suggested article in place', alex.get_by_role('button', name='Still need help'))

    await settle(alex, demo.url + '/help')
    await alex.get_by_label('Search the help').press_sequentially('printer', delay=20)
    await check(alex, '/help: search results', alex.get_by_role('link', name=re.compile('Printer prints blank')))
    await alex.context.close()

    # The technician: the account menu, the ticket's "More" and its dialogs, the private note, the queue's filters.
    sam = await person('sam@demo.tapdesk')
    await account_menu(sam, '/today', 'Sam Rivera', 'technician')

    await settle(sam, f'{demo.url}/t/{state_tickets["working"]}')
    more = sam.get_by_role('button', name='More')
    await more.click()
    await check(sam, 'ticket: the "More" menu', sam.get_by_role('menu'))
    await sam.keyboard.press('Escape')
    for move in ['Hand over…', 'Waiting for a part', 'Offer visit times']:

        async def open_move(move: str = move) -> None:
            await more.click()
            await sam.get_by_role('menuitem', name=move).click()

        await in_dialog(sam, f'ticket: {move}', open_move)
    await in_dialog(sam, 'ticket: Mark fixed', lambda: sam.get_by_role('button', name='Mark fixed').click())
    await sam.get_by_text('Private note').click()
    await check(sam, 'ticket: a private note', sam.get_by_role('button', name='Add private note'))
    await in_dialog(sam, 'ticket: link an article', lambda: sam.get_by_role('button', name='Link an article').click())

    await settle(sam, f'{demo.url}/t/{state_tickets["planned"]}')
    await in_dialog(sam, 'ticket: On my way', lambda: sam.get_by_role('button', name='On my way').click())

    await settle(sam, demo.url + '/queue')
    await sam.get_by_role('button', name='Filters').click()
    await check(sam, '/queue: the filters unfolded', sam.get_by_text('All services'))
    await sam.context.close()
    assert not found, report(found, 'opened states', mode)


# Nothing is fading in or out (Quasar's transition classes are on an element only while it moves).
STILL = """() => !document.querySelector('[class*="q-transition--"], .q-dialog__backdrop.fade-enter-active')"""


async def test_reduced_motion_turns_transitions_and_ripples_off(browser: object, demo: Server) -> None:
    """With "reduce motion" on, Quasar's transitions (menus, dialogs, notifications) take no time and buttons do not
    ripple; without it, they still do."""
    seen = {}
    for motion in ['no-preference', 'reduce']:
        context = await browser.new_context(reduced_motion=motion, **PHONE)  # type: ignore[attr-defined]
        page = await context.new_page()
        await settle(page, demo.url + '/login')
        seen[motion] = await page.evaluate(MOTION)
        await context.close()
    assert seen['no-preference'] == [0.3, 'block']  # Quasar's own: a fade lasts 0.3 s
    assert seen['reduce'] == [0, 'none']


# What a menu's fade and a button's ripple would do on this page.
MOTION = """() => {
    const fade = document.createElement('div'), ripple = document.createElement('span');
    fade.className = 'q-transition--fade-enter-active';
    ripple.className = 'q-ripple';
    document.body.append(fade, ripple);
    return [parseFloat(getComputedStyle(fade).transitionDuration), getComputedStyle(ripple).display];
}"""


async def sign_in(page: Page, server: Server, email: str) -> None:
    await page.goto(server.url + '/login')
    await page.get_by_label('Email').fill(email)
    await page.get_by_label('Password').fill('demo')
    await page.get_by_role('button', name='Sign in').click()
    await page.wait_for_url(lambda url: '/login' not in url)


async def address(page: Page, server: Server, screen: str | First) -> str:
    if isinstance(screen, str):
        return screen
    await settle(page, server.url + screen.page)
    link = page.locator(f'a[href^="{screen.prefix}"]').first
    href = await link.get_attribute('href')
    assert href, f'no link to {screen.prefix} on {screen.page}'
    return href


async def settle(page: Page, url: str) -> None:
    """Open `url` and wait until its content is drawn: the page live (its socket's handshake done), what it loads
    after that (the map's script) in, and the fonts."""
    await page.goto(url, wait_until='networkidle')
    await page.wait_for_function('window.did_handshake === true || !window.socket')  # the help article has none
    await page.evaluate('document.fonts.ready.then(() => true)')


def report(found: list[tuple[str, dict]], role: str, mode: str) -> str:
    lines = [f'{len(found)} serious or critical axe violation(s) for the {role} in {mode} mode:']
    for path, violation in found:
        lines.append(f'\n{path}: {violation["id"]} ({violation["impact"]}): {violation["help"]}')
        for node in violation['nodes'][:8]:
            why = (node.get('failureSummary') or '').replace('\n', ' ')
            lines.append(f'    {" ".join(map(str, node["target"]))}\n      {node["html"][:200]}\n      {why[:300]}')
        if len(violation['nodes']) > 8:
            lines.append(f'    … and {len(violation["nodes"]) - 8} more')
    return '\n'.join(lines)
