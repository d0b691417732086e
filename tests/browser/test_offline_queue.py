"""Work with no signal, in a real Chromium: a technician's actions are kept on the phone and sent once when back."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Page, expect

from .conftest import PHONE, Server, signed_in
from .test_core_loop import report_from_phone
from .test_pwa import in_server_database

SLOW = 15_000  # ms: the network's return, socket.io's reconnect and the server's answer on a loaded 2-core machine
PROMPT = 5_000  # ms: sent on the network's return, not at the next try of the back-off (16 s after a long outage)
CHECKLIST = """
import asyncio, json
from models import checklists, db, users
from models.catalog import Service
from models.checklists import ItemIn
from models.users import Role

async def main():
    await db.start()
    maria = await users.create_user(email='maria@example.com', name='Maria Lopez', password='correct horse',
                                    role=Role.MANAGER, actor=None)
    service = await Service.get(name='Wi-Fi & network')
    items = [ItemIn('Tested the connection at the desk'), ItemIn('Labelled the cable', required=False)]
    await checklists.set_template(service.id, items, allow_override=False, actor=maria)
    print(json.dumps({'service': service.id}))
    await db.stop()

asyncio.run(main())
"""


async def taken_job(browser: object, server: Server, tmp_path: Path, title: str) -> tuple[Page, Page, int]:
    """Alex reports from a phone and keeps the ticket open; Sam takes it on his phone."""
    requester = await signed_in(browser, server, 'alex@example.com', **PHONE)
    number = await report_from_phone(requester, tmp_path, title)
    technician = await signed_in(browser, server, 'sam@example.com', **PHONE)
    await technician.goto(f'{server.url}/t/{number}')
    await technician.get_by_role('button', name='Assign to me').click()
    await expect(requester.get_by_text('Assigned to Sam', exact=True)).to_be_visible(timeout=SLOW)
    # The technician's own page has the taken ticket's next step (the panel offers what the page offers).
    await expect(technician.get_by_role('button', name='Reply to Alex')).to_be_visible(timeout=SLOW)
    return requester, technician, number  # type: ignore[return-value]


async def test_a_reply_and_a_fix_made_with_no_signal_reach_the_requester_once_when_back(
    browser: object, server: Server, tmp_path: Path
) -> None:
    requester, technician, _ = await taken_job(browser, server, tmp_path, 'No network in the basement')
    await technician.context.set_offline(True)
    panel = technician.locator('.td-offline-panel')
    await expect(panel).to_be_visible()
    await expect(technician.locator('.td-actions')).to_be_hidden()  # NiceGUI's buttons cannot work now
    await panel.get_by_label('Reply or note').fill('Port 12 on the patch panel was dead')
    await panel.get_by_role('button', name='Keep reply').click()
    await panel.get_by_label('Fix summary').fill('Moved the desk to port 14')
    await panel.get_by_role('button', name='Mark fixed').click()
    await expect(technician.get_by_text('Waiting to send (2)')).to_be_visible()
    # Fixed, as far as the phone knows: no checking in any more.
    await expect(panel.get_by_role('button', name='Check in on site')).to_be_hidden()
    await technician.wait_for_timeout(7_000)  # a while in the basement: the back-off waits longer now
    await expect(requester.get_by_text('Port 12 on the patch panel was dead')).to_have_count(0)

    await technician.context.set_offline(False)
    await expect(requester.get_by_text('Fixed — how did we do?', exact=True)).to_be_visible(timeout=PROMPT)
    timeline = requester.locator('.td-timeline')
    await expect(timeline.get_by_text('Port 12 on the patch panel was dead', exact=True)).to_have_count(1)
    await expect(timeline.get_by_text('Moved the desk to port 14', exact=True)).to_have_count(1)
    await expect(technician.locator('.td-queue')).to_be_hidden()
    await expect(technician.locator('.td-offline-panel')).to_be_hidden()


async def test_what_was_kept_is_sent_after_the_app_was_closed(browser: object, server: Server, tmp_path: Path) -> None:
    requester, technician, number = await taken_job(browser, server, tmp_path, 'Printer jams on floor 2')
    context = technician.context
    await context.set_offline(True)
    panel = technician.locator('.td-offline-panel')
    await panel.get_by_label('Reply or note').fill('Cleared the jam, ordering a roller')
    await panel.get_by_role('button', name='Keep reply').click()
    await expect(technician.get_by_text('Waiting to send (1)')).to_be_visible()
    await technician.close()  # the app is closed before the signal returns
    await context.set_offline(False)
    await expect(requester.get_by_text('Cleared the jam, ordering a roller')).to_have_count(0)

    again = await context.new_page()
    await again.goto(f'{server.url}/queue')  # the next start, on any page
    await expect(requester.get_by_text('Cleared the jam, ordering a roller', exact=True)).to_have_count(1, timeout=SLOW)
    await expect(again.locator('.td-queue')).to_be_hidden()
    await again.goto(f'{server.url}/t/{number}')
    await expect(again.locator('.td-timeline').get_by_text('Cleared the jam, ordering a roller')).to_have_count(1)


async def test_a_required_check_a_note_and_a_fix_made_with_no_signal_reach_the_requester_once_when_back(
    browser: object, server: Server, tmp_path: Path
) -> None:
    in_server_database(server, CHECKLIST)  # the service's checklist: one required check, one optional
    requester, technician, _ = await taken_job(browser, server, tmp_path, 'No network at desk 14')
    await expect(technician.get_by_text('Checklist · 0 of 2 done')).to_be_visible()
    await technician.context.set_offline(True)
    panel = technician.locator('.td-offline-panel')
    await expect(panel).to_be_visible()
    await expect(technician.locator('.td-checklist')).to_be_hidden()  # its boxes need the socket

    # Resolving before the required check is refused on the phone, with the check named; nothing is kept.
    await panel.get_by_label('Fix summary').fill('Replaced the patch cable')
    await panel.get_by_role('button', name='Mark fixed').click()
    refusal = 'Tick the required checks first: Tested the connection at the desk.'
    await expect(panel.get_by_text(refusal)).to_be_visible()
    await expect(technician.locator('.td-queue')).to_be_hidden()

    await panel.get_by_role('button', name='Tick: Tested the connection at the desk').click()
    await expect(panel.get_by_text('✓ Tested the connection at the desk')).to_be_visible()
    await panel.get_by_label('Reply or note').fill('The old cable was crushed under the desk')
    await panel.get_by_role('button', name='Keep reply').click()
    await panel.get_by_role('button', name='Mark fixed').click()
    await expect(technician.get_by_text('Waiting to send (3)')).to_be_visible()
    await technician.wait_for_timeout(3_000)  # still no signal: nothing reached the requester
    await expect(requester.get_by_text('The old cable was crushed under the desk')).to_have_count(0)

    await technician.context.set_offline(False)
    await expect(requester.get_by_text('Fixed — how did we do?', exact=True)).to_be_visible(timeout=SLOW)
    timeline = requester.locator('.td-timeline')
    await expect(timeline.get_by_text('The old cable was crushed under the desk', exact=True)).to_have_count(1)
    await expect(timeline.get_by_text('Replaced the patch cable', exact=True)).to_have_count(1)
    await expect(requester.get_by_text('We checked: Tested the connection at the desk.')).to_be_visible()
    await expect(technician.locator('.td-queue')).to_be_hidden()
    await technician.reload()  # what the server holds: the check ticked once, the note and the fix once
    staff_timeline = technician.locator('.td-timeline')
    await expect(staff_timeline.get_by_text('The old cable was crushed under the desk')).to_have_count(1)


async def test_on_my_way_arrived_and_leaving_fixed_with_no_signal_count_a_visit_when_back(
    browser: object, server: Server, tmp_path: Path
) -> None:
    requester, technician, number = await taken_job(browser, server, tmp_path, 'Dead socket in the car park booth')
    await technician.context.grant_permissions(['geolocation'], origin=server.url)  # Sam lets Tapdesk know
    await technician.context.set_geolocation({'latitude': 53.3478, 'longitude': -6.199, 'accuracy': 20})
    await technician.context.set_offline(True)
    panel = technician.locator('.td-offline-panel')
    await expect(panel.get_by_role('button', name='Fixed, leaving')).to_be_hidden()  # not on site yet
    await panel.get_by_role('button', name='On my way').click()
    await panel.get_by_role('button', name='Check in on site').click()
    await expect(panel.get_by_role('button', name='Mark fixed')).to_be_hidden()  # on site: leaving says it
    await panel.get_by_label('Fix summary').fill('Rewired the socket')
    await panel.get_by_role('button', name='Fixed, leaving').click()
    await expect(technician.get_by_text('Waiting to send (3)')).to_be_visible()
    await expect(technician.locator('.td-queue-list')).to_contain_text('Leaving, fixed')

    await technician.context.set_offline(False)
    await expect(requester.get_by_text('Fixed — how did we do?', exact=True)).to_be_visible(timeout=SLOW)
    await expect(requester.locator('.td-timeline').get_by_text('Rewired the socket', exact=True)).to_have_count(1)
    await expect(technician.locator('.td-queue')).to_be_hidden()
    await technician.goto(f'{server.url}/t/{number}')
    await expect(technician.get_by_text(re.compile(r'Time on site: .+ so far'))).to_be_visible()
    # The timeline's head lines are attributes that CSS shows (pages/ticket.py): Arrived with where, as tapped.
    await expect(technician.locator('[data-head*="checked in on site (position shared)"]')).to_have_count(1)
