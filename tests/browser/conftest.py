"""Real-browser tests: the real server as a subprocess, Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get('TAPDESK_TEST_POSTGRES_URL')


def _chromium() -> str | None:
    """TAPDESK_TEST_CHROMIUM names the browser to use (a path that does not exist counts as missing)."""
    chosen = os.environ.get('TAPDESK_TEST_CHROMIUM')
    if chosen is not None:
        return chosen if os.path.isfile(chosen) and os.access(chosen, os.X_OK) else None
    return shutil.which('chromium') or shutil.which('chromium-browser')


CHROMIUM = _chromium()
CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
]
PHONE = {'viewport': {'width': 390, 'height': 844}, 'device_scale_factor': 2, 'is_mobile': True, 'has_touch': True}
PASSWORD = 'correct horse'
CSP_REPORT = 'CSP violation:'  # the start of pages/csp_reports.py's log line

SEED = """
import asyncio
from models import catalog, db, users
from models.users import Role

async def main():
    await db.start()
    staff = await users.create_category('Staff', actor=None)
    await catalog.save_service(actor=None, name='Wi-Fi & network', description='No connection, slow', icon='wifi',
                               category_ids=[staff.id])
    await catalog.save_service(actor=None, name='Printer & scanner', description='Jams, toner', icon='print',
                               category_ids=[staff.id])
    for email, name, role, category in [('alex@example.com', 'Alex Kim', Role.REQUESTER, staff.id),
                                         ('sam@example.com', 'Sam Rivera', Role.TECHNICIAN, None),
                                         ('priya@example.com', 'Priya Shah', Role.TECHNICIAN, None)]:
        await users.create_user(email=email, name=name, password='correct horse', role=role, category_id=category,
                                actor=None)
    await db.stop()

asyncio.run(main())
"""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line('markers', 'csp_blocks(*directives): reports of these CSP directives are the point')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM or os.environ.get('CI'):
        return
    for item in items:
        if 'tests/browser' in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason='Debian chromium is not installed'))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """CI installs Chromium: its absence there is an error for every browser test, never a skip or xfail."""
    if not CHROMIUM and os.environ.get('CI'):
        pytest.fail(
            "Chromium is missing in CI (CI is set): install Debian's chromium (.ci/run does) "
            'or point TAPDESK_TEST_CHROMIUM at it.',
            pytrace=False,
        )


@dataclass
class Server:
    url: str
    env: dict[str, str]
    process: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def port(self) -> int:
        return int(self.url.rsplit(':', 1)[1])

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        assert self.log is not None
        out = self.log.open('a')
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / 'main.py'), 'serve', '--port', str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        assert self.log is not None and self.process is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(('127.0.0.1', self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f'server did not start: {self.log.read_text()[-2000:]}')

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing; what was acknowledged must already be on disk."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _server_env(data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        'TAPDESK_DATA_DIR': str(data_dir),
        'TAPDESK_RECONNECT_TIMEOUT': '30',
        'TAPDESK_PUSH_ALLOW_LOOPBACK': '1',  # test subscriptions point at 127.0.0.1 (the development setting)
    }
    for key in [k for k in env if k.startswith(('PYTEST', 'NICEGUI'))]:  # else ui.run thinks it runs under pytest
        env.pop(key)
    env.pop('TAPDESK_DATABASE_URL', None)
    return env


@pytest.fixture(scope='session')
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """SEED's people and services, migrated and written once per run; each test's server gets a copy (a file
    copy for SQLite, a template database for PostgreSQL)."""
    folder = tmp_path_factory.mktemp('seeded')
    subprocess.run([sys.executable, '-c', SEED], cwd=ROOT, env=_server_env(folder), check=True)
    made = {'sqlite': str(folder)}
    if PG:
        made['postgres'] = f'tapdesk_browser_template_{uuid.uuid4().hex[:10]}'
        subprocess.run(['psql', PG, '-qc', f'CREATE DATABASE {made["postgres"]}'], check=True)
        env = {**_server_env(folder / 'pg'), 'TAPDESK_DATABASE_URL': PG.rsplit('/', 1)[0] + f'/{made["postgres"]}'}
        subprocess.run([sys.executable, '-c', SEED], cwd=ROOT, env=env, check=True)
    yield made
    if PG:
        subprocess.run(['psql', PG, '-qc', f'DROP DATABASE IF EXISTS {made["postgres"]} WITH (FORCE)'], check=False)


@pytest.fixture(params=['sqlite'] + (['postgres'] if PG else []))
def server(request: pytest.FixtureRequest, tmp_path: Path, seeded: dict[str, str]) -> Iterator[Server]:
    env = _server_env(tmp_path / 'data')
    admin_db = None
    if request.param == 'postgres':
        assert PG is not None
        name = f'tapdesk_browser_{uuid.uuid4().hex[:10]}'
        subprocess.run(['psql', PG, '-qc', f'CREATE DATABASE {name} TEMPLATE {seeded["postgres"]}'], check=True)
        env['TAPDESK_DATABASE_URL'] = PG.rsplit('/', 1)[0] + f'/{name}'
        admin_db = name
    else:
        (tmp_path / 'data').mkdir()
        for file in Path(seeded['sqlite']).glob('tapdesk.sqlite3*'):
            shutil.copy(file, tmp_path / 'data' / file.name)
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    srv = Server(url=f'http://127.0.0.1:{port}', env=env, log=tmp_path / 'server.log')
    srv.start()
    yield srv
    time.sleep(0.3)  # a report sent as the test ended is still on its way
    srv.stop()
    if admin_db:
        subprocess.run(['psql', PG, '-qc', f'DROP DATABASE IF EXISTS {admin_db} WITH (FORCE)'], check=False)
    expected = request.node.get_closest_marker('csp_blocks')
    fail_on_csp_reports(srv.log.read_text(), expected.args if expected else ())


def fail_on_csp_reports(log: str, expected: tuple[str, ...] = ()) -> None:
    """The policy must never block what Tapdesk itself does: any report the browser sent (logged by
    pages/csp_reports.py) fails the test that caused it, except the directives a test marks as its point
    (`@pytest.mark.csp_blocks('frame-ancestors')`)."""
    allowed = tuple(f'{CSP_REPORT} {directive} ' for directive in expected)
    reports = [line for line in log.splitlines() if line.startswith(CSP_REPORT) and not line.startswith(allowed)]
    if reports:
        pytest.fail('The Content-Security-Policy blocked something:\n' + '\n'.join(reports[:20]), pytrace=False)


@pytest.fixture
async def browser() -> object:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        await b.close()


async def signed_in(
    browser: object, server: Server, email: str, *, lands: str | None = None, **context: object
) -> object:
    ctx = await browser.new_context(**context)  # type: ignore[attr-defined]
    page = await ctx.new_page()
    page.set_default_timeout(15_000)
    await page.goto(server.url + '/login')
    await page.get_by_label('Email').fill(email)
    await page.get_by_label('Password').fill(PASSWORD)
    await page.get_by_role('button', name='Sign in').click()
    # Requesters start at their requests, technicians at Today.
    await page.wait_for_url(lands or ('**/requests' if email.startswith('alex') else '**/today'))
    return page
