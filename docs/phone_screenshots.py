"""Take the phone screenshots of issue 13 at 390×844: before and after pairs of the same demo screens.

    .venv/bin/python docs/phone_screenshots.py after                       # this checkout
    git worktree add /tmp/before 8074fd8                                   # the commit before issue 13's polish
    .venv/bin/python docs/phone_screenshots.py before --checkout /tmp/before

Starts `main.py serve --demo` of the checkout on a free port with a fresh data directory and saves, in this
checkout's docs/screenshots/, `<label>-<screen>.png` for: a requester's latest fixed request (to confirm or rate)
and one waiting for their reply, a technician's ticket, the new-request form with a photo, My requests and the
queue, and the same in dark mode. The waiting ticket is found by its demo title, which both checkouts share. What
the demo holds follows the clock (the demo is set around the moment it is loaded).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402
from tests.images import jpeg  # noqa: E402

TARGET = ROOT / 'docs' / 'screenshots'
WAITING = 'Printer on the 3rd floor jams on every page'  # Alex's, waiting for Alex's answer; Sam's, with a photo


# The photo in sight: its thumbnail (after issue 13) or the uploader's list (before).
PHOTO_IN_SIGHT = """() => {
  document.activeElement.blur();  // the keyboard down
  const photo = document.querySelector('.td-thumb img') || document.querySelector('.q-uploader');
  window.scrollTo(0, photo.getBoundingClientRect().top + window.scrollY - innerHeight / 2);
  return window.scrollY;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def serve(checkout: Path, data: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST', 'NICEGUI', 'TAPDESK_'))}
    env['TAPDESK_DATA_DIR'] = str(data)
    command = [sys.executable, str(checkout / 'main.py'), 'serve', '--demo', '--port', str(port)]
    log = open(data / 'server.log', 'w')  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(command, cwd=checkout, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if 'Demo sign-ins' in (data / 'server.log').read_text():
            return server
        time.sleep(0.3)
    server.kill()
    raise RuntimeError('the demo did not start: ' + (data / 'server.log').read_text()[-2000:])


def ticket_id(data: Path, where: str, *args: str) -> int:
    query = f'SELECT t.id FROM ticket t JOIN user u ON u.id = t.requester_id WHERE {where} ORDER BY t.id DESC'
    with sqlite3.connect(data / 'tapdesk.sqlite3') as db:
        row = db.execute(query, args).fetchone()
    assert row, f'no demo ticket where {where} {args}'
    return row[0]


async def signed_in(browser: Browser, url: str, email: str, mode: str) -> Page:
    page = await (await browser.new_context(color_scheme=mode, **PHONE)).new_page()  # type: ignore[arg-type]
    await page.goto(url + '/login')
    await page.get_by_label('Email').fill(email)
    await page.get_by_label('Password').fill('demo')
    await page.get_by_role('button', name='Sign in').click()
    await page.wait_for_url(lambda u: '/login' not in u)
    return page


async def shot(page: Page, url: str, name: str) -> None:
    await page.goto(url, wait_until='networkidle')
    await page.wait_for_function('window.did_handshake === true')
    await page.evaluate('document.fonts.ready.then(() => true)')
    await page.wait_for_timeout(700)  # what the page draws once live
    await page.screenshot(path=str(TARGET / f'{name}.png'))


async def new_request(page: Page, url: str, name: str, photo: Path) -> None:
    await page.goto(url + '/new', wait_until='networkidle')
    await page.get_by_role('button', name=re.compile('Printer')).first.click()
    await page.wait_for_timeout(600)
    await page.get_by_label('Short title').press_sequentially('Printer jams on every page', delay=20)
    await page.locator('input[type=file]').first.set_input_files(str(photo))
    await page.wait_for_selector('.td-thumb img, .q-uploader__file', timeout=15_000)  # a thumbnail (or a chip)
    await page.wait_for_timeout(500)
    await page.evaluate(PHOTO_IN_SIGHT)
    await page.wait_for_timeout(300)
    await page.screenshot(path=str(TARGET / f'{name}.png'))


async def take(url: str, data: Path, label: str) -> None:
    fixed = ticket_id(data, "u.email = 'alex@demo.tapdesk' AND t.status = 'resolved'")  # the latest
    waiting = ticket_id(data, 't.title = ?', WAITING)
    photo = data / 'printer.jpg'
    photo.write_bytes(jpeg(color='steelblue'))
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for mode in ['light', 'dark']:
            dark = '-dark' if mode == 'dark' else ''
            alex = await signed_in(browser, url, 'alex@demo.tapdesk', mode)
            sam = await signed_in(browser, url, 'sam@demo.tapdesk', mode)
            await shot(alex, f'{url}/requests', f'{label}{dark}-my-requests')
            await shot(alex, f'{url}/t/{fixed}', f'{label}{dark}-requester-ticket')
            await shot(sam, f'{url}/queue', f'{label}{dark}-queue')
            await shot(sam, f'{url}/t/{waiting}', f'{label}{dark}-technician-ticket')
            if mode == 'light':
                await shot(alex, f'{url}/t/{waiting}', f'{label}-requester-question')
                await new_request(alex, url, f'{label}-new-request', photo)
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('label', choices=['before', 'after'])
    parser.add_argument('--checkout', type=Path, default=ROOT, help='the checkout to serve (default: this one)')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data, port = Path(folder), free_port()
        server = serve(args.checkout.resolve(), data, port)
        try:
            asyncio.run(take(f'http://127.0.0.1:{port}', data, args.label))
        finally:
            server.terminate()
            server.wait(10)
    print(f'{args.label}-*.png in {TARGET}')


if __name__ == '__main__':
    main()
