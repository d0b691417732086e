"""The new-request form on a phone (390×844): "Send request" is in sight without scrolling once a service is chosen
and a title typed, and never under the bottom navigation, wherever the form is scrolled to."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.async_api import Page, expect

from tests.images import jpeg

from .conftest import PHONE, Server, signed_in

# Wholly on screen, and what a tap at its middle lands on is the button itself (not the navigation over it).
IN_REACH = """(button) => {
  const r = button.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {inside: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
          hit: button.contains(hit)};
}"""


async def test_send_is_in_reach_and_never_under_the_navigation(browser: object, server: Server, tmp_path: Path) -> None:
    alex: Page = await signed_in(browser, server, 'alex@example.com', **PHONE)  # type: ignore[assignment]
    await alex.goto(server.url + '/new')
    await alex.get_by_role('button', name=re.compile('Wi-Fi & network')).click()
    await alex.wait_for_timeout(600)  # see test_self_help: keys right after the tap
    await alex.get_by_label('Short title').press_sequentially('Wi-Fi drops in room 3', delay=20)
    send = alex.get_by_role('button', name='Send request')
    await expect(send).to_be_visible()
    assert await send.evaluate(IN_REACH) == {'inside': True, 'hit': True}

    photo = tmp_path / 'router.jpg'
    photo.write_bytes(jpeg(color='steelblue'))
    await alex.locator('input[type=file]').first.set_input_files(str(photo))
    await expect(alex.locator('.td-thumb img[alt="Photo 1"]')).to_be_visible()
    await alex.evaluate('window.scrollTo(0, document.body.scrollHeight)')  # the end of the form
    await alex.wait_for_timeout(200)
    assert await send.evaluate(IN_REACH) == {'inside': True, 'hit': True}
    last = alex.get_by_text('Colleagues who know this may help')  # the form's last line scrolls clear of the bar
    assert (await last.bounding_box())['y'] + 24 <= (await send.bounding_box())['y']  # type: ignore[index]
    if os.environ.get('TAPDESK_SCREENSHOTS'):
        await alex.evaluate('window.scrollTo(0, 160)')  # the photo in sight, above the bar
        await alex.screenshot(path=os.environ['TAPDESK_SCREENSHOTS'] + '/after-new-request.png')
