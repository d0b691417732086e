"""The loop that must always work, in a real browser: report from a phone, live queue, reply, resolve."""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path

import asyncpg
from PIL import Image
from playwright.async_api import expect

from .conftest import PHONE, Server, signed_in


def photo(tmp_path: Path) -> Path:
    path = tmp_path / 'router.jpg'
    buffer = io.BytesIO()
    Image.new('RGB', (1200, 900), 'teal').save(buffer, 'JPEG')
    path.write_bytes(buffer.getvalue())
    return path


async def report_from_phone(page: object, tmp_path: Path, title: str) -> int:
    await page.goto(page.url.rsplit('/', 1)[0] + '/new')  # type: ignore[attr-defined]
    await page.get_by_role('button', name=re.compile('Wi-Fi & network')).click()  # type: ignore[attr-defined]
    await page.get_by_label('Short title').fill(title)  # type: ignore[attr-defined]
    await page.get_by_label('What is happening?').fill('It drops every ten minutes.')  # type: ignore[attr-defined]
    await page.locator('input[type=file]').first.set_input_files(str(photo(tmp_path)))  # type: ignore[attr-defined]
    await expect(page.locator('.td-thumb img[alt="Photo 1"]')).to_be_visible()  # type: ignore[attr-defined]
    await page.get_by_role('button', name='Send request').click()  # type: ignore[attr-defined]
    banner = page.get_by_text(re.compile(r'Your request #\d+ is in'))  # type: ignore[attr-defined]
    await expect(banner).to_be_visible()
    return int(re.search(r'#(\d+)', await banner.inner_text()).group(1))  # type: ignore[union-attr]


async def test_a_phone_report_with_a_photo_shows_in_an_open_queue_without_reload(
    browser: object, server: Server, tmp_path: Path
) -> None:
    technician = await signed_in(browser, server, 'sam@example.com')
    await technician.goto(f'{server.url}/queue')
    await expect(technician.get_by_text('Nothing waiting here')).to_be_visible()
    requester = await signed_in(browser, server, 'alex@example.com', **PHONE)
    number = await report_from_phone(requester, tmp_path, 'Wi-Fi drops in room 3')
    await expect(technician.get_by_text(f'#{number} Wi-Fi drops in room 3')).to_be_visible(timeout=3000)
    await technician.get_by_text(f'#{number} Wi-Fi drops in room 3').click()
    await expect(technician.locator('img.q-img__image, .td-photo img').first).to_be_visible()


async def test_a_reply_and_the_fix_show_on_the_requesters_open_page_without_reload(
    browser: object, server: Server, tmp_path: Path
) -> None:
    requester = await signed_in(browser, server, 'alex@example.com', **PHONE)
    number = await report_from_phone(requester, tmp_path, 'No network at desk 12')
    technician = await signed_in(browser, server, 'sam@example.com')
    await technician.goto(f'{server.url}/t/{number}')
    await technician.get_by_role('button', name='Assign to me').click()
    await expect(requester.get_by_text('Assigned to Sam', exact=True)).to_be_visible(timeout=3000)
    await technician.get_by_placeholder('Write to Alex…').fill('Swapped the patch cable, try now?')
    await technician.get_by_role('button', name='Send').click()
    await expect(requester.get_by_text('Swapped the patch cable, try now?')).to_be_visible(timeout=3000)
    await technician.get_by_role('button', name='More').click()  # answered, not yet started: "Mark fixed" is there
    await technician.get_by_role('menuitem', name='Mark fixed').click()
    await technician.get_by_placeholder('A short summary the requester will read').fill('Replaced a faulty cable')
    await technician.get_by_role('button', name='Mark fixed').last.click()
    await expect(requester.get_by_text('Fixed — how did we do?', exact=True)).to_be_visible(timeout=3000)
    await expect(requester.get_by_role('button', name="Yes, it's fixed")).to_be_visible()


async def test_an_acknowledged_ticket_survives_kill_9_of_the_server(
    browser: object, server: Server, tmp_path: Path
) -> None:
    requester = await signed_in(browser, server, 'alex@example.com', **PHONE)
    number = await report_from_phone(requester, tmp_path, 'Laptop will not boot')
    server.kill()  # the very instant after the number was shown
    url = server.env.get('TAPDESK_DATABASE_URL')
    if url:
        conn = await asyncpg.connect(url.replace('postgres://', 'postgresql://'))
        title = await conn.fetchval('SELECT title FROM ticket WHERE id = $1', number)
        await conn.close()
    else:
        with sqlite3.connect(Path(server.env['TAPDESK_DATA_DIR']) / 'tapdesk.sqlite3') as db:
            title = db.execute('SELECT title FROM ticket WHERE id = ?', (number,)).fetchone()[0]
    assert title == 'Laptop will not boot'
    server.start()
    # A fresh tab: the old one reloads itself when its socket comes back, which would race a goto.
    fresh = await requester.context.new_page()
    await requester.close()
    await fresh.goto(f'{server.url}/t/{number}')
    # Seeing the ticket (not the sign-in page) also proves the sign-in survived the crash and restart.
    await expect(fresh.get_by_text('Laptop will not boot')).to_be_visible()
    assert '/login' not in fresh.url
