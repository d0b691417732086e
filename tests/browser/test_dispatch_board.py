"""The dispatch board in a real Chromium at tablet size (1024×768): columns side by side, tap targets a thumb can hit,
and a ticket taken on a technician's phone moves to their column on the manager's open board without reload."""

from __future__ import annotations

import asyncio

from playwright.async_api import expect

from .conftest import PASSWORD, PHONE, Server, signed_in
from .test_pwa import in_server_database

TABLET = {'viewport': {'width': 1024, 'height': 768}, 'device_scale_factor': 1, 'has_touch': True}
WAITING = """
import asyncio, json
from models import db, tickets, users
from models.catalog import Service
from models.users import Role, User

async def main():
    await db.start()
    await users.create_user(email='maria@example.com', name='Maria Lopez', password='correct horse',
                            role=Role.MANAGER, actor=None)
    alex = await User.get(email='alex@example.com')
    service = await Service.get(name='Printer & scanner')
    ticket = await tickets.create_ticket(requester=alex, service_id=service.id, title='Printer on floor 2 jams',
                                         location='Floor 2, by the lifts')
    print(json.dumps({'id': ticket.id}))
    await db.stop()

asyncio.run(main())
"""


async def test_a_ticket_taken_on_a_phone_moves_to_that_technicians_column_on_the_open_board(
    browser: object, server: Server
) -> None:
    made = await asyncio.to_thread(in_server_database, server, WAITING)
    ticket = made['id']  # type: ignore[index]
    context = await browser.new_context(**TABLET)  # type: ignore[attr-defined]
    board = await context.new_page()
    board.set_default_timeout(15_000)
    await board.goto(f'{server.url}/login?next=/dispatch')
    await board.get_by_label('Email').fill('maria@example.com')
    await board.get_by_label('Password').fill(PASSWORD)
    await board.get_by_role('button', name='Sign in').click()
    await board.wait_for_url('**/dispatch')

    waiting = board.locator('.td-board-col').first
    sams = board.locator('.td-board-col', has_text='Sam Rivera')
    await expect(waiting.get_by_text(f'#{ticket} Printer on floor 2 jams')).to_be_visible()
    left, right = await waiting.bounding_box(), await sams.bounding_box()
    assert left and right and right['x'] >= left['x'] + left['width'] and right['y'] == left['y']  # side by side
    for button in await waiting.get_by_role('button').all():
        box = await button.bounding_box()
        assert box and box['height'] >= 44, await button.inner_text()

    phone = await signed_in(browser, server, 'sam@example.com', **PHONE)
    await phone.goto(f'{server.url}/t/{ticket}')  # type: ignore[attr-defined]
    await phone.get_by_role('button', name='Assign to me').click()  # type: ignore[attr-defined]

    await expect(sams.get_by_text(f'#{ticket} Printer on floor 2 jams')).to_be_visible(timeout=3000)
    await expect(waiting.get_by_text('Nothing waiting')).to_be_visible()
