"""A photo over the size limit is refused by the browser itself (Quasar never sends it): the person must still
read why, in the new request form and in the reply box, and keep what they typed."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import expect

from .conftest import PHONE, Server, signed_in
from .test_core_loop import photo

TOO_BIG = 'This photo is 20 MB; the limit is 15 MB. Try a smaller one.'


async def test_a_photo_too_big_for_the_browser_is_explained_in_the_form_and_the_reply_box(
    browser: object, server: Server, tmp_path: Path
) -> None:
    huge = tmp_path / 'huge.jpg'
    huge.write_bytes(b'\xff' * (20 * 1024 * 1024))
    page = await signed_in(browser, server, 'alex@example.com', **PHONE)
    await page.goto(f'{server.url}/new')
    await page.get_by_role('button', name=re.compile('Wi-Fi & network')).click()
    await page.get_by_label('Short title').fill('Router blinks red')
    await page.locator('input[type=file]').first.set_input_files(str(huge))
    await expect(page.get_by_text(TOO_BIG)).to_be_visible()
    await expect(page.get_by_label('Short title')).to_have_value('Router blinks red')

    await page.locator('input[type=file]').first.set_input_files(str(photo(tmp_path)))
    await expect(page.locator('.td-thumb img[alt="Photo 1"]')).to_be_visible()
    await page.get_by_role('button', name='Send request').click()
    await expect(page.get_by_text(re.compile(r'Your request #\d+ is in'))).to_be_visible()

    await page.get_by_placeholder('Write a reply…').fill('The light is red again')
    await page.locator('.td-reply input[type=file]').set_input_files(str(huge))
    await expect(page.locator('.td-reply').get_by_text(TOO_BIG)).to_be_visible()
    await expect(page.get_by_placeholder('Write a reply…')).to_have_value('The light is red again')
