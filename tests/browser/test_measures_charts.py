"""The measures' charts in a real browser at phone size: they draw, a tap on a point opens the tickets behind it,
and the charts' script (ECharts, ~520 KB gzipped) is fetched on the managers' screen only, never by a requester's
pages."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import expect

from .conftest import PHONE, ROOT, Server, signed_in

HISTORY = """
import asyncio
from models import clock, db, ratings, tickets, users
from models.catalog import Service
from models.users import Role, User

async def main():
    await db.start()
    await users.create_user(email='maria@example.com', name='Maria Lopez', password='correct horse',
                            role=Role.MANAGER, actor=None)
    alex, sam = await User.get(email='alex@example.com'), await User.get(email='sam@example.com')
    wifi = await Service.get(name='Wi-Fi & network')
    ticket = await tickets.create_ticket(requester=alex, service_id=wifi.id, title='No Wi-Fi', now=clock.now())
    await tickets.take(ticket.id, technician=sam, now=clock.now())
    await tickets.resolve(ticket.id, 'Router restarted', actor=sam, now=clock.now())
    await ratings.rate(ticket.id, 4, actor=alex, now=clock.now())
    await tickets.create_ticket(requester=alex, service_id=wifi.id, title='Printer jams', now=clock.now())
    await db.stop()

asyncio.run(main())
"""

# A chart point's place on the page: ECharts converts a value to pixels inside its chart, the box adds the offset.
WHERE = """([name, value]) => {
    const box = document.querySelector('.td-m-chart-' + name);
    box.scrollIntoView({block: 'center'});
    const [x, y] = getElement(box).chart.convertToPixel({seriesIndex: 0}, value);
    const edge = box.getBoundingClientRect();
    return [edge.left + x, edge.top + y];
}"""


async def test_a_tap_on_a_point_of_the_trend_opens_the_tickets_of_that_day(browser: object, server: Server) -> None:
    await history(server)
    maria = await signed_in(browser, server, 'maria@example.com', lands='**/queue', **PHONE)
    await maria.goto(f'{server.url}/measures?period=7')  # type: ignore[attr-defined]
    await expect(maria.locator('.td-m-chart-volume canvas')).to_have_count(1)  # type: ignore[attr-defined]
    await maria.wait_for_timeout(600)  # type: ignore[attr-defined]  # the lines' first animation
    x, y = await maria.evaluate(WHERE, ['volume', [6, 2]])  # type: ignore[attr-defined]  # today: 2 received
    await maria.touchscreen.tap(x, y)  # type: ignore[attr-defined]
    await maria.wait_for_url('**/measures/tickets?**')  # type: ignore[attr-defined]
    query = parse_qs(urlsplit(maria.url).query)  # type: ignore[attr-defined]
    since, until = (datetime.fromisoformat(query[k][0]) for k in ('since', 'until'))
    assert query['what'] == ['received']
    assert until - since == timedelta(days=1) and since <= datetime.now(since.tzinfo) < until
    await expect(maria.get_by_text('Printer jams')).to_be_visible()  # type: ignore[attr-defined]


async def test_a_tap_on_a_score_opens_the_tickets_rated_so(browser: object, server: Server) -> None:
    await history(server)
    maria = await signed_in(browser, server, 'maria@example.com', lands='**/queue', **PHONE)
    await maria.goto(f'{server.url}/measures?period=7')  # type: ignore[attr-defined]
    await expect(maria.locator('.td-m-chart-scores canvas')).to_have_count(1)  # type: ignore[attr-defined]
    await maria.wait_for_timeout(600)  # type: ignore[attr-defined]
    x, y = await maria.evaluate(WHERE, ['scores', [1, 3]])  # type: ignore[attr-defined]  # score 4: one rating
    await maria.touchscreen.tap(x - 4, y)  # type: ignore[attr-defined]  # inside the bar's end
    await maria.wait_for_url('**/measures/tickets?**')  # type: ignore[attr-defined]
    query = parse_qs(urlsplit(maria.url).query)  # type: ignore[attr-defined]
    assert (query['what'], query['score']) == (['rated'], ['4'])
    await expect(maria.get_by_text('No Wi-Fi')).to_be_visible()  # type: ignore[attr-defined]
    await expect(maria.get_by_text('Printer jams')).to_have_count(0)  # type: ignore[attr-defined]


async def test_only_the_managers_screen_fetches_the_charts_script(browser: object, server: Server) -> None:
    """NiceGUI loads a component's script with the first page that shows one: ECharts is the echart component
    and an ES module bundle under /_nicegui/<version>/esm/<key>/ (whose address does not say "echart")."""
    await history(server)
    maria = await signed_in(browser, server, 'maria@example.com', lands='**/queue', **PHONE)
    charts = [url for url in await addresses(maria, server, '/measures') if 'echart' in url or '/esm/' in url]
    assert [url for url in charts if url.endswith('/echart.js')] and [url for url in charts if '/esm/' in url]
    alex = await signed_in(browser, server, 'alex@example.com', **PHONE)
    fetched = await addresses(alex, server, '/requests', '/new', '/help')
    assert fetched and not [url for url in fetched if 'echart' in url or '/esm/' in url]


async def history(server: Server) -> None:
    script = await asyncio.create_subprocess_exec(sys.executable, '-c', HISTORY, cwd=ROOT, env=server.env)
    assert await script.wait() == 0


async def addresses(page: object, server: Server, *paths: str) -> list[str]:
    """Every address the browser requested while loading these pages (from the network, not its memory cache)."""
    fetched: list[str] = []
    page.on('request', lambda request: fetched.append(request.url))  # type: ignore[attr-defined]
    for path in paths:
        await page.goto(server.url + path, wait_until='networkidle')  # type: ignore[attr-defined]
    return fetched


ANIMATED = "name => getElement(document.querySelector('.td-m-chart-' + name)).chart.getOption().animation"


async def test_the_charts_are_drawn_at_once_when_the_phone_asks_for_less_motion(
    browser: object, server: Server
) -> None:
    await history(server)
    for motion, animated in (('reduce', False), ('no-preference', True)):
        maria = await signed_in(browser, server, 'maria@example.com', lands='**/queue', reduced_motion=motion, **PHONE)
        await maria.goto(f'{server.url}/measures?period=7')  # type: ignore[attr-defined]
        await expect(maria.locator('.td-m-chart-volume canvas')).to_have_count(1)  # type: ignore[attr-defined]
        for name in ('volume', 'scores'):
            assert await maria.evaluate(ANIMATED, name) is animated, (motion, name)  # type: ignore[attr-defined]
