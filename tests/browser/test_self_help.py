"""Self-help at phone size, in a real browser: typing a problem shows a matching article under the form; it
opens in place, and "This solved it" records a confirmed deflection with no request made."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import sys
from pathlib import Path

import asyncpg
from playwright.async_api import expect

from .conftest import PHONE, ROOT, Server, signed_in

PUBLISH = """
import asyncio
from models import articles, db
from models.catalog import Service
from models.users import User

async def main():
    await db.start()
    try:
        sam = await User.get(email='sam@example.com')
        printer = await Service.get(name='Printer & scanner')
        article = await articles.write(sam, title='Clear a paper jam in the office printer', service_ids=[printer.id],
                                       body='1. Open **tray 2**.\\n2. Pull the jammed paper out slowly.\\n3. Close it.')
        await articles.publish(sam, article.id)
    finally:
        await db.stop()

asyncio.run(main())
"""


async def count(server: Server, table: str) -> int:
    url = server.env.get('TAPDESK_DATABASE_URL')
    if url:
        conn = await asyncpg.connect(url.replace('postgres://', 'postgresql://'))
        try:
            return int(await conn.fetchval(f'SELECT count(*) FROM {table}'))
        finally:
            await conn.close()
    with sqlite3.connect(Path(server.env['TAPDESK_DATA_DIR']) / 'tapdesk.sqlite3') as conn:
        return int(conn.execute(f'SELECT count(*) FROM {table}').fetchone()[0])


async def test_a_matching_article_appears_while_typing_and_this_solved_it_makes_no_request(
    browser: object, server: Server
) -> None:
    script = await asyncio.create_subprocess_exec(sys.executable, '-c', PUBLISH, cwd=ROOT, env=server.env)
    assert await script.wait() == 0
    phone = await signed_in(browser, server, 'alex@example.com', **PHONE)
    await phone.goto(server.url + '/new')  # type: ignore[attr-defined]
    await phone.get_by_role('button', name=re.compile('Printer & scanner')).click()  # type: ignore[attr-defined]
    # A person looks at the form before typing. Keys pressed within ~0.1 s of the tap can be lost (about one run
    # in four: the field is drawn again and loses focus; it happens without suggestions too; noted for issue 13).
    await phone.wait_for_timeout(600)  # type: ignore[attr-defined]
    await phone.get_by_label('Short title').press_sequentially('printer jam', delay=40)  # type: ignore[attr-defined]
    suggestion = phone.get_by_role('button', name='Clear a paper jam in the office printer')  # type: ignore[attr-defined]
    await expect(suggestion).to_be_visible(timeout=5000)
    if os.environ.get('TAPDESK_SCREENSHOTS'):
        await phone.screenshot(path=os.environ['TAPDESK_SCREENSHOTS'] + '/suggestions-while-typing.png')  # type: ignore[attr-defined]
    await suggestion.click()
    await expect(phone.get_by_text('Pull the jammed paper out slowly.')).to_be_visible()  # type: ignore[attr-defined]
    await expect(phone.locator('.td-article-body strong')).to_have_text('tray 2')  # type: ignore[attr-defined]
    if os.environ.get('TAPDESK_SCREENSHOTS'):
        await phone.screenshot(path=os.environ['TAPDESK_SCREENSHOTS'] + '/article-in-place.png')  # type: ignore[attr-defined]
    await phone.get_by_role('button', name='This solved it').click()  # type: ignore[attr-defined]
    await expect(phone.get_by_text('Glad that fixed it. No request was sent.')).to_be_visible()  # type: ignore[attr-defined]
    assert await count(server, 'deflection') == 1
    assert await count(server, 'ticket') == 0


async def test_a_help_article_read_once_can_be_read_again_with_no_signal(browser: object, server: Server) -> None:
    script = await asyncio.create_subprocess_exec(sys.executable, '-c', PUBLISH, cwd=ROOT, env=server.env)
    assert await script.wait() == 0
    phone = await signed_in(browser, server, 'alex@example.com', **PHONE)
    await phone.wait_for_function("navigator.serviceWorker.controller?.state === 'activated'")  # type: ignore[attr-defined]
    await phone.goto(server.url + '/help')  # type: ignore[attr-defined]
    await phone.get_by_text('Clear a paper jam in the office printer').click()  # type: ignore[attr-defined]
    await expect(phone.get_by_text('Pull the jammed paper out slowly.')).to_be_visible()  # type: ignore[attr-defined]
    address = phone.url  # type: ignore[attr-defined]
    await phone.goto(server.url + '/requests')  # type: ignore[attr-defined]
    await phone.context.set_offline(True)  # type: ignore[attr-defined]
    await phone.goto(address)  # type: ignore[attr-defined]
    await expect(phone.get_by_text('Pull the jammed paper out slowly.')).to_be_visible()  # type: ignore[attr-defined]
    await expect(phone.get_by_role('heading', name='Clear a paper jam in the office printer')).to_be_visible()  # type: ignore[attr-defined]
    await phone.goto(server.url + '/help/a/999')  # type: ignore[attr-defined]  # never read: the offline page
    await expect(phone.get_by_text('Clear a paper jam in the office printer')).to_have_count(0)  # type: ignore[attr-defined]
    await phone.context.set_offline(False)  # type: ignore[attr-defined]
