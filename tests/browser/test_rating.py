"""Rating a fix in a real browser: one tap on the requester's phone, the technician's open page shows it."""

from __future__ import annotations

import subprocess
import sys

from playwright.async_api import expect

from .conftest import PHONE, ROOT, Server, signed_in

FIXED = """
import asyncio
from models import db, tickets
from models.users import User

async def main():
    await db.start()
    alex, sam = await User.get(email='alex@example.com'), await User.get(email='sam@example.com')
    ticket = await tickets.create_ticket(requester=alex, service_id=1, title='Printer eats paper')
    await tickets.take(ticket.id, technician=sam)
    await tickets.resolve(ticket.id, 'Removed a stuck label from the roller', actor=sam)
    print(ticket.id)
    await db.stop()

asyncio.run(main())
"""


def fixed_ticket(server: Server) -> int:
    """A ticket Sam fixed for Alex, written by the domain in a process of its own (faster than clicking)."""
    done = subprocess.run(
        [sys.executable, '-c', FIXED], cwd=ROOT, env=server.env, check=True, capture_output=True, text=True
    )
    return int(done.stdout.split()[-1])


async def test_one_tap_on_the_phone_shows_on_the_technicians_open_page_without_reload(
    browser: object, server: Server
) -> None:
    number = fixed_ticket(server)
    technician = await signed_in(browser, server, 'sam@example.com')
    await technician.goto(f'{server.url}/t/{number}')
    await expect(technician.get_by_text('Not rated yet')).to_be_visible()
    requester = await signed_in(browser, server, 'alex@example.com', **PHONE)
    await requester.goto(f'{server.url}/t/{number}')
    great = requester.get_by_role('button', name='Great (5 of 5)')
    box = await great.bounding_box()
    assert box is not None and box['width'] >= 48 and box['height'] >= 48  # a thumb-sized target on a phone
    await great.click()
    await expect(requester.get_by_text('Thanks for rating!')).to_be_visible()
    await expect(great).to_have_attribute('aria-pressed', 'true')
    await expect(technician.get_by_text('Alex rated the fix')).to_be_visible(timeout=3000)
    await expect(technician.locator('.td-rating').get_by_text('Great', exact=True)).to_be_visible()
