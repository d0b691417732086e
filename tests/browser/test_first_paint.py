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

NICEGUI_ICONS = '0c19a63c7528cc1a.woff2'  # NiceGUI's whole Material Icons font


async def test_the_frame_is_in_the_html_and_gone_once_the_page_is_drawn(browser: object, server: Server) -> None:
    async with httpx.AsyncClient() as client:
        html = (await client.get(f'{server.url}/login', follow_redirects=True)).text
    assert '<div class="td-skeleton" aria-hidden="true">' in html
    page = await signed_in(browser, server, 'alex@example.com', **PHONE)
    await page.goto(f'{server.url}/requests')  # type: ignore[attr-defined]
    await page.locator('.td-header').wait_for()  # type: ignore[attr-defined]
    assert await page.locator('.td-skeleton').count() == 1  # type: ignore[attr-defined]
    assert not await page.locator('.td-skeleton').is_visible()  # type: ignore[attr-defined]
    # The frame draws the title without being text of the page: what a test or a tool finds first is the page's.
    await expect(page.get_by_text('My requests').first).to_be_visible()  # type: ignore[attr-defined]


async def test_the_drawn_page_keeps_the_frames_bars_so_nothing_jumps(browser: object, server: Server) -> None:
    """The header and the bottom bar the page draws are as tall as the frame's (56 px each): the content does not
    move down when the page replaces its frame (NiceGUI pads a header by 1rem: 88 px, and a footer to 68 px)."""
    page = await signed_in(browser, server, 'alex@example.com', **PHONE)
    await page.goto(f'{server.url}/requests')  # type: ignore[attr-defined]
    await page.locator('.td-header').wait_for()  # type: ignore[attr-defined]
    frame = await page.evaluate(BARS.replace('HEADER', '.td-skeleton-bar').replace('FOOTER', '.td-skeleton-nav'))  # type: ignore[attr-defined]
    drawn = await page.evaluate(BARS.replace('HEADER', '.td-header').replace('FOOTER', '.td-footer'))  # type: ignore[attr-defined]
    assert drawn == frame == [56, 56]


# Heights of a header and a bottom bar (the frame's are hidden once the page is drawn: shown here to be measured).
BARS = """() => {
  document.querySelector('.td-skeleton').style.setProperty('display', 'flex', 'important');
  const heights = ['HEADER', 'FOOTER'].map((s) => Math.round(document.querySelector(s).getBoundingClientRect().height));
  document.querySelector('.td-skeleton').style.removeProperty('display');
  return heights;
}"""


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
