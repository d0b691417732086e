"""What a phone downloads and paints first, in a real browser: the page's frame is in its HTML (painted before its
script runs, gone once the page is drawn), the icons come from Tapdesk's cut font (12 KB, not NiceGUI's 126 KB
one) and still draw as icons, and no Roboto is downloaded (the phone's own font is used)."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import nicegui
from playwright.async_api import expect

from .conftest import PHONE, Server, signed_in
from .test_pwa import in_server_database

NICEGUI_ICONS = '0c19a63c7528cc1a.woff2'  # NiceGUI's whole Material Icons font


async def test_the_frame_is_in_the_html_and_gone_once_the_page_is_drawn(browser: object, server: Server) -> None:
    async with httpx.AsyncClient() as client:
        html = (await client.get(f'{server.url}/login', follow_redirects=True)).text
    assert '<div class="td-skeleton" aria-hidden="true">' in html
    # The scripts every page runs come by address (cached, kept by the worker), not inside each page; the work
    # with no signal only on signed-in pages.
    assert '/static/js/page.js?v=' in html and 'offline-queue' not in html and 'indexedDB' not in html
    page = await signed_in(browser, server, 'alex@example.com', **PHONE)
    await page.goto(f'{server.url}/requests')  # type: ignore[attr-defined]
    await page.locator('.td-header').wait_for()  # type: ignore[attr-defined]
    # Gone from the page once it is drawn, not only hidden: nothing finds its placeholders afterwards.
    await expect(page.locator('.td-skeleton')).to_have_count(0)  # type: ignore[attr-defined]
    # The frame draws the title without being text of the page: what a test or a tool finds first is the page's.
    await expect(page.get_by_text('My requests').first).to_be_visible()  # type: ignore[attr-defined]


async def test_the_drawn_page_keeps_the_frames_bars_so_nothing_jumps(browser: object, server: Server) -> None:
    """The header and the bottom bar the page draws are as tall as the frame's (56 px each): the content does not
    move down when the page replaces its frame (NiceGUI pads a header by 1rem: 88 px, and a footer to 68 px). The
    frame is measured with scripts off (it stays), the drawn page with them on."""
    page = await signed_in(browser, server, 'alex@example.com', **PHONE)
    frame_only = await browser.new_context(java_script_enabled=False, **PHONE)  # type: ignore[attr-defined]
    await frame_only.add_cookies(await page.context.cookies())  # type: ignore[attr-defined]
    still = await frame_only.new_page()
    await still.goto(f'{server.url}/requests')
    frame = await still.evaluate(BARS % ('.td-skeleton-bar', '.td-skeleton-nav'))
    await frame_only.close()
    await page.goto(f'{server.url}/requests')  # type: ignore[attr-defined]
    await page.locator('.td-header').wait_for()  # type: ignore[attr-defined]
    drawn = await page.evaluate(BARS % ('.td-header', '.td-footer'))  # type: ignore[attr-defined]
    assert drawn == frame == [56, 56]


BARS = "() => ['%s', '%s'].map((s) => Math.round(document.querySelector(s).getBoundingClientRect().height))"


async def test_icons_come_from_the_cut_font_and_draw_as_icons(browser: object, server: Server) -> None:
    asked: list[str] = []
    page = await signed_in(browser, server, 'sam@example.com', **PHONE)
    page.on('request', lambda r: asked.append(r.url))  # type: ignore[attr-defined]
    await page.goto(f'{server.url}/queue')  # type: ignore[attr-defined]
    await page.locator('.td-nav .q-icon').first.wait_for()  # type: ignore[attr-defined]
    await page.evaluate('document.fonts.ready')  # type: ignore[attr-defined]
    # A ligature drawn: the icon "inbox" is one square glyph, not five letters side by side.
    width, height = await page.evaluate(  # type: ignore[attr-defined]
        """() => { const r = [...document.querySelectorAll('.td-nav .q-icon')]
                     .find(i => i.textContent.trim() === 'inbox').getBoundingClientRect();
                   return [r.width, r.height]; }"""
    )
    assert abs(width - height) < 2, (width, height)
    assert any('/static/fonts/material-icons.woff2' in url for url in asked)
    assert not [url for url in asked if NICEGUI_ICONS in url or '/fonts/' in url and 'material-icons' not in url]


async def test_assets_and_pages_come_brotli_compressed_and_the_rest_gzipped(server: Server) -> None:
    """What a phone downloads first is brotli-compressed (and decompresses to the same bytes); an export streams
    gzipped as before; a client that asks only for gzip gets gzip."""
    import brotli

    quasar = f'/_nicegui/{nicegui.__version__}/static/quasar.umd.prod.js'
    raw = (Path(nicegui.__file__).parent / 'static' / 'quasar.umd.prod.js').read_bytes()
    async with httpx.AsyncClient(base_url=server.url) as client:
        for _ in range(2):  # compressed once, then from memory: the same bytes
            answer = await client.send(client.build_request('GET', quasar, headers=BR), stream=True)
            packed = b''.join([part async for part in answer.aiter_raw()])
            assert answer.headers['content-encoding'] == 'br'
            assert brotli.decompress(packed) == raw
            assert len(packed) < 0.85 * len(gzip.compress(raw))
        page = await client.get('/login', headers={**BR, 'Accept': 'text/html'})
        assert page.headers['content-encoding'] == 'br' and 'td-skeleton' in page.text
        gzipped = await client.get(quasar, headers={'Accept-Encoding': 'gzip'})
        assert gzipped.headers['content-encoding'] == 'gzip' and gzipped.content == raw
        health = await client.get('/healthz', headers=BR)  # neither an asset nor a page: as before
        assert health.headers.get('content-encoding') != 'br'


BR = {'Accept-Encoding': 'br, gzip'}


REPORTED = """
import asyncio, json
from models import db, tickets
from models.catalog import Service
from models.users import User

async def main():
    await db.start()
    alex = await User.get(email='alex@example.com')
    service = await Service.get(name='Printer & scanner')
    ticket = await tickets.create_ticket(requester=alex, service_id=service.id, title=%r)
    print(json.dumps({'id': ticket.id}))
    await db.stop()

asyncio.run(main())
"""
TRICK = '<img src=x onerror="document.title=1"> & jams'


async def test_the_first_rows_are_in_the_html_readable_and_openable_before_the_script_runs(
    browser: object, server: Server
) -> None:
    """My requests' first rows come in the page's HTML (escaped), so a slow phone reads them and can open one
    before the page's script has run (here: never, scripts off); once the script draws the live list they go."""
    made = in_server_database(server, REPORTED % TRICK)
    live = await signed_in(browser, server, 'alex@example.com', **PHONE)
    context = await browser.new_context(java_script_enabled=False, **PHONE)  # type: ignore[attr-defined]
    await context.add_cookies(await live.context.cookies())  # type: ignore[attr-defined]
    page = await context.new_page()
    await page.goto(f'{server.url}/requests')
    row = page.locator('.td-preview a.td-preview-row').first
    await expect(row).to_be_visible()
    await expect(row.locator('.td-row-title')).to_have_text(f'#{made["id"]} {TRICK}')  # text, not markup
    await expect(row).to_contain_text('Received')
    assert await page.locator('.td-preview img').count() == 0
    await row.click()
    await page.wait_for_url(f'**/t/{made["id"]}')
    await context.close()

    await live.goto(f'{server.url}/requests')  # type: ignore[attr-defined]
    await expect(live.locator('.td-list .td-row').first).to_be_visible()  # type: ignore[attr-defined]
    await expect(live.locator('.td-preview')).to_have_count(0)  # type: ignore[attr-defined]
