"""A colleague who knows the tool helps, in real browsers at phone size: the superuser's answer appears on the
requester's open page without a reload, a push goes to the requester's phone (decrypted here), and the
requester's "This fixed it" fixes the request, which the superuser's page then shows."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import expect

from tests.push_service import BrowserDevice, LocalPushService

from .conftest import PHONE, ROOT, Server, signed_in

SETUP = """
import asyncio, json, sys
from models import db, notifications, superusers, tickets, users
from models.catalog import Service
from models.users import Category, Role, User

async def main():
    await db.start()
    staff = await Category.get(name='Staff')
    printer = await Service.get(name='Printer & scanner')
    casey = await users.create_user(email='casey@example.com', name='Casey Lee', password='correct horse',
                                    role=Role.REQUESTER, category_id=staff.id, actor=None)
    maria = await users.create_user(email='maria@example.com', name='Maria Lopez', password='correct horse',
                                    role=Role.MANAGER, actor=None)
    await superusers.grant(maria, casey.id, [printer.id])
    alex = await User.get(email='alex@example.com')
    device = json.loads(sys.argv[1])
    await notifications.subscribe(alex, endpoint=device['endpoint'], keys=device['keys'])
    ticket = await tickets.create_ticket(requester=alex, service_id=printer.id, title='Scanner saves blank pages',
                                         details='Since this morning, every scan is white.', peers_may_help=True)
    await db.stop()
    print(json.dumps({'ticket': ticket.id}))

asyncio.run(main())
"""


@pytest.fixture
async def push_service() -> AsyncIterator[LocalPushService]:
    service = LocalPushService()
    await service.start()
    yield service
    await service.stop()


async def test_a_superusers_answer_shows_on_the_requesters_open_page_and_reaches_their_phone(
    browser: object, server: Server, push_service: LocalPushService
) -> None:
    device = BrowserDevice(push_service.endpoint('alex-phone'))
    arg = json.dumps({'endpoint': device.endpoint, 'keys': device.keys()})
    script = await asyncio.create_subprocess_exec(
        sys.executable, '-c', SETUP, arg, cwd=ROOT, env=server.env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await script.communicate()
    assert script.returncode == 0
    ticket = json.loads(out.decode().strip().splitlines()[-1])['ticket']

    alex = await signed_in(browser, server, 'alex@example.com', **PHONE)
    await alex.goto(f'{server.url}/t/{ticket}')  # type: ignore[attr-defined]
    await alex.evaluate('window.__stillTheSamePage = true')  # type: ignore[attr-defined]

    casey = await signed_in(browser, server, 'casey@example.com', lands='**/requests', **PHONE)
    await casey.goto(f'{server.url}/helping')  # type: ignore[attr-defined]
    await casey.get_by_text('Scanner saves blank pages').click()  # type: ignore[attr-defined]
    await expect(casey.get_by_text('Since this morning, every scan is white.')).to_be_visible()  # type: ignore[attr-defined]
    await casey.get_by_label('Your answer').fill(  # type: ignore[attr-defined]
        'Clean the glass strip on the left: a white smear there makes every page blank.'
    )
    if os.environ.get('TAPDESK_SCREENSHOTS'):
        await casey.screenshot(path=os.environ['TAPDESK_SCREENSHOTS'] + '/superuser-answering.png')  # type: ignore[attr-defined]
    await casey.get_by_role('button', name='Send answer').click()  # type: ignore[attr-defined]

    answer = alex.get_by_text('Clean the glass strip on the left', exact=False)  # type: ignore[attr-defined]
    await expect(answer).to_be_visible(timeout=5000)
    assert await alex.evaluate('window.__stillTheSamePage === true')  # type: ignore[attr-defined]  # no reload
    [delivered] = await push_service.wait_for(1, within=15)
    message = device.decrypt(delivered.body)
    assert message['title'] == 'Casey replied · Scanner saves blank pages' and message['ticket_id'] == ticket
    assert message['body'].startswith('Clean the glass strip')
    if os.environ.get('TAPDESK_SCREENSHOTS'):
        await alex.screenshot(path=os.environ['TAPDESK_SCREENSHOTS'] + '/colleague-answer.png')  # type: ignore[attr-defined]

    await alex.get_by_role('button', name='This fixed it').click()  # type: ignore[attr-defined]
    await expect(alex.get_by_text('✓ This fixed it')).to_be_visible()  # type: ignore[attr-defined]
    await expect(alex.get_by_text('How did we do?', exact=True)).to_be_visible()  # type: ignore[attr-defined]
    await expect(casey.get_by_text('no longer open', exact=False)).to_be_visible()  # type: ignore[attr-defined]
