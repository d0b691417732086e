"""Places in a real Chromium at phone size: "Use my location" sends the phone's position with the request; Today's
map gives way to a sentence when no tile can load (no network here) and the list still has the job."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.async_api import Page, Route, expect

from .conftest import PHONE, Server, signed_in
from .test_pwa import in_server_database

STORED = """
import asyncio, json
from models import db
from models.records import Ticket

async def main():
    await db.start()
    t = await Ticket.get(title='No Wi-Fi in the shed')
    print(json.dumps([t.latitude, t.longitude, t.accuracy_m]))
    await db.stop()

asyncio.run(main())
"""
ON_THE_WAY = """
import asyncio, json
from datetime import timedelta
from models import clock, db, tickets
from models.catalog import Service
from models.position import Position
from models.records import Status
from models.users import User

async def main():
    await db.start()
    alex = await User.get(email='alex@example.com')
    sam = await User.get(email='sam@example.com')
    service = await Service.get(name='Printer & scanner')
    found = []
    for title, place in [('Printer on floor 2 jams', Position(51.5079, -0.0877, 15)),
                         ('Scanner <b>dead</b> in the post room', Position(51.5033, -0.1196, 30))]:
        ticket = await tickets.create_ticket(requester=alex, service_id=service.id, title=title, position=place)
        await tickets.take(ticket.id, technician=sam)
        found.append(ticket.id)
    eta = clock.now() + timedelta(minutes=30)
    await tickets.set_status(found[0], Status.ON_THE_WAY, actor=sam, eta=eta)
    await tickets.set_status(found[1], Status.ON_THE_WAY, actor=sam, eta=eta)
    print(json.dumps(found))
    await db.stop()

asyncio.run(main())
"""
SHED = {'latitude': 51.4934, 'longitude': 0.0098, 'accuracy': 20}


async def test_use_my_location_sends_the_phones_position_with_the_request(browser: object, server: Server) -> None:
    page: Page = await signed_in(  # type: ignore[assignment]
        browser, server, 'alex@example.com', permissions=['geolocation'], geolocation=SHED, **PHONE
    )
    await page.goto(f'{server.url}/new')
    await page.get_by_role('button', name='Wi-Fi & network').click()
    await page.get_by_label('Short title').fill('No Wi-Fi in the shed')
    await page.get_by_role('button', name='Use my location').click()
    await expect(page.get_by_text('Location added (±20 m)')).to_be_visible()
    await page.get_by_role('button', name='Send request').click()
    await page.wait_for_url('**/t/*')
    assert await asyncio.to_thread(in_server_database, server, STORED) == [51.4934, 0.0098, 20]


async def test_today_says_the_map_is_unavailable_with_no_network_and_still_lists_the_jobs(
    browser: object, server: Server, tmp_path: Path
) -> None:
    first, second = await asyncio.to_thread(in_server_database, server, ON_THE_WAY)  # type: ignore[misc]
    page: Page = await signed_in(browser, server, 'sam@example.com', **PHONE)  # type: ignore[assignment]
    first_html = await (await page.request.get(f'{server.url}/today')).text()
    # The list comes first: the page as sent does not import Leaflet's component (it loads once the page is up).
    assert 'leaflet.js' not in first_html
    await expect(page.get_by_text(f'#{first} Printer on floor 2 jams')).to_be_visible()
    await expect(page.get_by_text('Map unavailable here — every job is in the list.')).to_be_visible(timeout=15_000)
    await expect(page.locator('.leaflet-container')).to_have_count(0)
    await page.screenshot(path=str(tmp_path / 'today-map-unavailable.png'), full_page=True)
    await expect(page.get_by_text(f'#{second} Scanner <b>dead</b> in the post room')).to_be_visible()
    await page.get_by_text(f'#{first} Printer on floor 2 jams').click()
    await page.wait_for_url(f'**/t/{first}')


async def test_today_keeps_the_map_when_tiles_load(browser: object, server: Server, tmp_path: Path) -> None:
    """Tiles served by the test (a plain drawn tile): the map stays, a marker's popup names the job as text."""
    first, second = await asyncio.to_thread(in_server_database, server, ON_THE_WAY)  # type: ignore[misc]
    page: Page = await signed_in(browser, server, 'sam@example.com', **PHONE)  # type: ignore[assignment]
    tile = plain_tile()

    async def serve(route: Route) -> None:
        await route.fulfill(status=200, content_type='image/png', body=tile)

    await page.context.route('https://tile.openstreetmap.org/**', serve)
    await page.reload()
    await expect(page.locator('.leaflet-container')).to_be_visible()
    await expect(page.locator('.leaflet-tile-loaded').first).to_be_attached()
    markers = page.locator('path.leaflet-interactive')
    await expect(markers).to_have_count(2)
    await page.wait_for_timeout(500)
    await page.screenshot(path=str(tmp_path / 'today-map.png'), full_page=True)
    await markers.nth(1).click(force=True)
    popup = page.locator('.leaflet-popup-content a')
    await expect(popup).to_have_count(1)
    text, href = await popup.inner_text(), await popup.get_attribute('href')
    assert (text, href) in [
        (f'#{second} Scanner <b>dead</b> in the post room', f'/t/{second}'),
        (f'#{first} Printer on floor 2 jams', f'/t/{first}'),
    ]
    await page.wait_for_timeout(11_000)  # past the tiles' verdict: the map stayed
    await expect(page.get_by_text('Map unavailable')).to_have_count(0)
    print(json.dumps({'screenshot': str(tmp_path / 'today-map.png')}))


def plain_tile() -> bytes:
    """A light tile with a faint street grid: enough to see where markers sit without any tile server."""
    image = Image.new('RGB', (256, 256), '#eef0ea')
    draw = ImageDraw.Draw(image)
    for x in (40, 140, 220):
        draw.line([(x, 0), (x + 30, 256)], fill='#ffffff', width=7)
    for y in (70, 190):
        draw.line([(0, y), (256, y - 20)], fill='#ffffff', width=9)
    buffer = io.BytesIO()
    image.save(buffer, 'PNG')
    return buffer.getvalue()
