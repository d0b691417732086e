"""Accessible to everyone (issue 13): every screen, for every role, in light and dark mode, at phone size, passes
axe-core (shipped by axe-playwright-python) with no serious or critical violation of WCAG 2.1 A/AA: text contrast,
a name on every icon-only button, labelled fields. And motion respects the phone's "reduce motion" setting.

One demo server (the demo's data fills every screen) serves the whole module, on SQLite: what is checked here is
what the browser draws, which does not depend on the database."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

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
