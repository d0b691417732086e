"""Take docs/screenshots/dispatch-board.png: the demo's dispatch board in Chromium at tablet size (1024×768).

    .venv/bin/python docs/dispatch_screenshot.py

Starts `tapdesk serve --demo` on a free port with a fresh data directory, signs in as the demo manager and saves the
screenshot. What the board holds depends on the time of day (the demo follows the clock).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.demo import DEMO_PASSWORD, MANAGER_EMAIL  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

TABLET = {'viewport': {'width': 1024, 'height': 768}, 'device_scale_factor': 1, 'has_touch': True}
TARGET = ROOT / 'docs' / 'screenshots' / 'dispatch-board.png'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def serve(data: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST', 'NICEGUI', 'TAPDESK_DATABASE'))}
    env['TAPDESK_DATA_DIR'] = str(data)
    command = [sys.executable, str(ROOT / 'main.py'), 'serve', '--demo', '--port', str(port)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError('the server did not start')


async def shoot(url: str) -> None:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await (await browser.new_context(**TABLET)).new_page()
        await page.goto(f'{url}/login?next=/dispatch')
        await page.get_by_label('Email').fill(MANAGER_EMAIL)
        await page.get_by_label('Password').fill(DEMO_PASSWORD)
        await page.get_by_role('button', name='Sign in').click()
        await page.wait_for_url('**/dispatch')
        await page.locator('.td-board-col').first.wait_for()
        await page.wait_for_timeout(500)  # fonts and icons
        await page.screenshot(path=str(TARGET))
        await browser.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        server = serve(Path(data), port)
        try:
            asyncio.run(shoot(f'http://127.0.0.1:{port}'))
        finally:
            server.terminate()
            server.wait(10)
    print(TARGET)


if __name__ == '__main__':
    main()
