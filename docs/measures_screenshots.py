"""Take docs/screenshots/measures-charts-phone.png and measures-charts-dark.png: the demo's measures, scrolled to
the trend charts, in Chromium at phone size (390×844), in light and dark mode.

    .venv/bin/python docs/measures_screenshots.py

Starts `tapdesk serve --demo` on a free port with a fresh data directory and signs in as the demo manager (the page
follows the system's dark mode: Playwright's colour scheme chooses it). Reuses docs/dispatch_screenshot.py's server.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docs.dispatch_screenshot import free_port, serve  # noqa: E402
from models.demo import DEMO_PASSWORD, MANAGER_EMAIL  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402

SHOTS = ROOT / 'docs' / 'screenshots'
TARGETS = {'light': SHOTS / 'measures-charts-phone.png', 'dark': SHOTS / 'measures-charts-dark.png'}


async def shoot(url: str, scheme: str, period: str = '7', section: str = 'Day by day', to: Path | None = None) -> None:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await (await browser.new_context(**PHONE, color_scheme=scheme)).new_page()  # type: ignore[arg-type]
        await page.goto(f'{url}/login?next=/measures?period={period}')
        await page.get_by_label('Email').fill(MANAGER_EMAIL)
        await page.get_by_label('Password').fill(DEMO_PASSWORD)
        await page.get_by_role('button', name='Sign in').click()
        await page.wait_for_url('**/measures**')
        await page.locator('.td-m-chart-volume canvas').wait_for()
        await page.get_by_text(section, exact=True).first.evaluate(
            'e => window.scrollBy(0, e.getBoundingClientRect().top - 110)'
        )
        await page.wait_for_timeout(1200)  # the charts' first animation, fonts and icons
        await page.screenshot(path=str(to or TARGETS[scheme]))
        await browser.close()


def main() -> None:
    extra = sys.argv[1:]  # for a look elsewhere: PERIOD SECTION FILE (e.g. 30 Satisfaction /tmp/s.png)
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        server = serve(Path(data), port)
        try:
            url = f'http://127.0.0.1:{port}'
            if extra:
                for scheme in TARGETS:
                    asyncio.run(shoot(url, scheme, extra[0], extra[1], Path(f'{extra[2]}-{scheme}.png')))
            else:
                for scheme in TARGETS:
                    asyncio.run(shoot(url, scheme))
        finally:
            server.terminate()
            server.wait(10)
    print(*TARGETS.values())


if __name__ == '__main__':
    main()
