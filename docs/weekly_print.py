"""Print the demo's weekly summary (/measures/weekly) to A4 as Chromium prints it, and check it is one page.

    .venv/bin/python docs/weekly_print.py [week]   # week: any day of the week wanted (YYYY-MM-DD)

Starts `tapdesk serve --demo` on a free port with a fresh data directory (docs/dispatch_screenshot.py), signs in
as the demo manager, prints the page to PDF (A4) and, with poppler's pdftoppm and pdfinfo, renders its first page
to docs/screenshots/weekly-summary-print.png. Exits non-zero when the print takes more than one page.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docs.dispatch_screenshot import free_port, serve  # noqa: E402
from models.demo import DEMO_PASSWORD, MANAGER_EMAIL  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PNG = ROOT / 'docs' / 'screenshots' / 'weekly-summary-print.png'


async def print_week(url: str, week: str, pdf: Path) -> None:
    address = '/measures/weekly' + (f'?week={week}' if week else '')
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await (await browser.new_context(viewport={'width': 1024, 'height': 768})).new_page()
        await page.goto(f'{url}/login?next={address}')
        await page.get_by_label('Email').fill(MANAGER_EMAIL)
        await page.get_by_label('Password').fill(DEMO_PASSWORD)
        await page.get_by_role('button', name='Sign in').click()
        await page.wait_for_url('**/measures/weekly**')
        await page.locator('.td-w-title').wait_for()
        await page.wait_for_timeout(800)  # fonts and icons
        await page.pdf(path=str(pdf), format='A4', prefer_css_page_size=True, print_background=False)
        await browser.close()


def pages(pdf: Path) -> int:
    info = subprocess.run(['pdfinfo', str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith('Pages:')))


def main() -> None:
    week = sys.argv[1] if len(sys.argv) > 1 else ''
    with tempfile.TemporaryDirectory() as data:
        pdf = Path(data) / 'weekly.pdf'
        port = free_port()
        server = serve(Path(data) / 'app', port)
        try:
            asyncio.run(print_week(f'http://127.0.0.1:{port}', week, pdf))
        finally:
            server.terminate()
            server.wait(10)
        png = ['pdftoppm', '-png', '-r', '100', '-f', '1', '-l', '1', '-singlefile', str(pdf), str(PNG.with_suffix(''))]
        subprocess.run(png, check=True)
        count = pages(pdf)
    print(f'{PNG} ({count} page{"" if count == 1 else "s"})')
    if count != 1:
        sys.exit('The weekly summary takes more than one A4 page.')


if __name__ == '__main__':
    main()
