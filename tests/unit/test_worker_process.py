"""`tapdesk worker`: push delivery and follow-ups as a process of its own, beside (or instead of) the web
instances' own workers. Run as a real process against a real database and a local push service."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from tests.push_service import BrowserDevice, LocalPushService

ROOT = Path(__file__).resolve().parents[2]

QUEUE = """
import asyncio, json, sys
from models import db, notifications, tickets, users
from models.catalog import save_service
from models.users import Role

async def main():
    await db.start()
    try:
        staff = await users.create_category('Staff', actor=None)
        alex = await users.create_user(email='alex@example.com', name='Alex Kim', password='a long password',
                                       role=Role.REQUESTER, category_id=staff.id, actor=None)
        sam = await users.create_user(email='sam@example.com', name='Sam Rivera', password='a long password',
                                      role=Role.TECHNICIAN, actor=None)
        service = await save_service(actor=None, name='Printer', category_ids=[staff.id])
        await notifications.subscribe(alex, endpoint=sys.argv[1], keys=json.loads(sys.argv[2]))
        ticket = await tickets.create_ticket(requester=alex, service_id=service.id, title='Printer on floor 2 jams')
        await tickets.take(ticket.id, technician=sam)
    finally:
        await db.stop()  # also after an error: a script that leaves the database open never exits

asyncio.run(main())
"""


def environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST', 'NICEGUI'))}
    env.update(TAPDESK_DATA_DIR=str(data), TAPDESK_PUSH_ALLOW_LOOPBACK='1')
    env.pop('TAPDESK_DATABASE_URL', None)
    return env


async def test_the_worker_process_delivers_what_the_web_queued_and_stops_cleanly(tmp_path: Path) -> None:
    service = LocalPushService()
    await service.start()
    device = BrowserDevice(service.endpoint('alex'))
    env = environment(tmp_path)
    queued = await asyncio.create_subprocess_exec(
        sys.executable, '-c', QUEUE, device.endpoint, json.dumps(device.keys()), cwd=ROOT, env=env
    )
    assert await queued.wait() == 0
    worker = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / 'main.py'), 'worker', cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        [arrived] = await service.wait_for(1, within=60)
        message = device.decrypt(arrived.body)  # really encrypted for Alex's device
        assert 'Sam' in message['title'] + message['body']
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(worker.communicate(), 30)
        await service.stop()
    assert worker.returncode == 0, err.decode()
    assert 'Tapdesk worker' in out.decode()
    assert len(service.received) == 1  # once
