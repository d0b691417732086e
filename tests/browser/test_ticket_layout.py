"""The ticket page on a 390x844 phone (issue 13): the technician reads what the requester wrote without scrolling
and sees one next step; the reply box never covers the actions; a sent reply is scrolled into view."""

from __future__ import annotations

import asyncio

from playwright.async_api import Locator, Page, expect

from .conftest import PHONE, Server, signed_in
from .test_pwa import in_server_database

DETAILS = 'Every page comes out blank since this morning. I changed the toner and it still does it.'
TICKETS = f"""
import asyncio, io, json
from PIL import Image
from models import db, photos, tickets
from models.catalog import Service
from models.tickets import Status
from models.users import User

async def main():
    await db.start()
    alex = await User.get(email='alex@example.com')
    sam = await User.get(email='sam@example.com')
    printer = await Service.get(name='Printer & scanner')
    buffer = io.BytesIO()
    Image.new('RGB', (1200, 900), 'teal').save(buffer, 'JPEG')
    working = await tickets.create_ticket(
        requester=alex, service_id=printer.id, title='Printer on the 2nd floor prints blank pages',
        details={DETAILS!r}, location='Head office, 2nd floor print corner',
        photos_in=[photos.PhotoIn(buffer.getvalue(), 'tray.jpg')])
    await tickets.take(working.id, technician=sam)
    for n in range(4):  # a timeline longer than the screen
        await tickets.reply(working.id, f'Question {{n}}: does a test page from the printer menu come out blank?',
                            author=sam)
        await tickets.reply(working.id, f'Answer {{n}}: yes, blank as well.', author=alex)
    await tickets.set_status(working.id, Status.IN_PROGRESS, actor=sam)
    fixed = await tickets.create_ticket(requester=alex, service_id=printer.id, title='Scanner sends empty emails',
                                        details='The email arrives but the PDF is missing.')
    await tickets.take(fixed.id, technician=sam)
    await tickets.reply(fixed.id, 'Can you scan one page for me now?', author=sam)
    await tickets.resolve(fixed.id, 'Reset the scan-to-email settings.', actor=sam)
    print(json.dumps({{'working': working.id, 'fixed': fixed.id}}))
    await db.stop()

asyncio.run(main())
"""
RECT = 'e => { const {top, bottom, left, right} = e.getBoundingClientRect(); return {top, bottom, left, right} }'


async def test_the_technician_reads_the_request_and_sees_one_next_step_without_scrolling(
    browser: object, server: Server
) -> None:
    made = await asyncio.to_thread(in_server_database, server, TICKETS)
    sam: Page = await signed_in(browser, server, 'sam@example.com', **PHONE)  # type: ignore[assignment]
    await sam.goto(f'{server.url}/t/{made["working"]}')  # type: ignore[index]
    next_step = sam.locator('.td-next-step')
    await expect(next_step).to_have_count(1)
    await expect(next_step).to_contain_text('Mark fixed')
    footer = await rect(sam.locator('.q-footer'))
    for part in (sam.get_by_text(DETAILS), sam.locator('.td-report-photos .q-img').first, next_step):
        box = await rect(part)
        assert 0 <= box['top'] and box['bottom'] <= footer['top'] <= 844, box  # above the fold, not under the bar

    actions = sam.locator('.td-actions .q-btn')
    labels = [(await b.inner_text()).splitlines()[-1] for b in await actions.all()]  # after the icon's ligature
    assert labels == ['Mark fixed', 'More']
    await expect(sam.get_by_role('button', name='On my way')).to_have_count(0)  # under "More", not beside
    await sam.get_by_role('button', name='More').click()
    menu = sam.locator('.q-menu .q-btn')
    await expect(menu.first).to_be_visible()
    for item in await menu.all():
        box = await rect(item)
        assert box['bottom'] - box['top'] >= 48, await item.inner_text()
    await sam.keyboard.press('Escape')

    await never_covered(sam, [next_step])
    await a_sent_reply_comes_into_view(sam, 'Write to Alex…', 'Printing a test page from the tray now.')


async def test_the_requester_sees_the_reply_box_apart_from_the_fix_buttons_and_their_reply_come_into_view(
    browser: object, server: Server
) -> None:
    made = await asyncio.to_thread(in_server_database, server, TICKETS)
    alex: Page = await signed_in(browser, server, 'alex@example.com', **PHONE)  # type: ignore[assignment]
    await alex.goto(f'{server.url}/t/{made["fixed"]}')  # type: ignore[index]
    confirm = alex.get_by_role('button', name="Yes, it's fixed")
    reopen = alex.get_by_role('button', name='Still a problem? Reopen')
    await expect(confirm).to_be_visible()
    await expect(alex.locator('.td-next-step')).to_have_count(0)  # the technician's moves are not theirs
    await never_covered(alex, [confirm, reopen])
    await a_sent_reply_comes_into_view(alex, 'Write a reply…', 'Thanks, it works again.')


async def never_covered(page: Page, buttons: list[Locator]) -> None:
    """Wherever the page is scrolled, the reply box and these buttons do not overlap."""
    height = await page.evaluate('document.documentElement.scrollHeight')
    for y in range(0, height, 200):
        await page.evaluate(f'window.scrollTo(0, {y})')
        box = await rect(page.locator('.td-reply'))
        for button in buttons:
            assert not overlap(box, await rect(button)), (y, await button.inner_text())


async def a_sent_reply_comes_into_view(page: Page, placeholder: str, text: str) -> None:
    """Send from wherever the page happens to be (here: its top, as if a phone's keyboard had pushed it); the new
    entry is then in view, above the bottom bar."""
    await page.get_by_placeholder(placeholder).fill(text)
    await page.evaluate('window.scrollTo(0, 0)')
    await page.locator('.td-reply').get_by_role('button', name='Send').dispatch_event('click')  # no scrolling to it
    entry = page.locator('.td-entry', has_text=text)
    await expect(entry).to_be_visible()
    footer = await rect(page.locator('.q-footer'))
    for _ in range(50):  # scrolled a moment after it lands
        box = await rect(entry)
        if box['top'] >= 0 and box['bottom'] <= footer['top']:
            break
        await asyncio.sleep(0.1)
    assert box['top'] >= 0 and box['bottom'] <= footer['top'], box


async def rect(locator: Locator) -> dict[str, float]:
    return await locator.evaluate(RECT)


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a['left'] < b['right'] and b['left'] < a['right'] and a['top'] < b['bottom'] and b['top'] < a['bottom']
