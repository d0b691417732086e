"""Bench-only launcher for Tapdesk: the real app (main.serve) plus a few /__bench routes.

Started by bench/live_latency.py as `python bench/_tapdesk_server.py PORT` with TAPDESK_DATA_DIR and
NICEGUI_STORAGE_PATH pointing at a temporary directory. The /__bench routes exist only here, never in the product.
On start-up it seeds one ticket with a realistic timeline through the domain verbs.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

# the working tree, or a snapshot of a commit (live_latency.py --source REV)
ROOT = Path(os.environ.get('BENCH_APP_ROOT') or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))

from _bench_routes import add_routes  # noqa: E402  (bench/ is sys.path[0])
from _devices import technicians_with_devices  # noqa: E402
from fastapi import HTTPException, Request  # noqa: E402
from nicegui import app  # noqa: E402

import main  # noqa: E402
from models import browsers, catalog, db, tickets, users  # noqa: E402
from models.tickets import Status  # noqa: E402

SEED: dict[str, int] = {}
SEED_ERROR: list[str] = []


async def _seed() -> None:
    try:
        if os.environ.get('BENCH_SEED_FROM_DB') == '1':  # a second instance on a database another one seeded
            await _seed_found()
        else:
            await _seed_ticket()
    except Exception as e:
        SEED_ERROR.append(f'{type(e).__name__}: {e}')
        raise


async def _seed_ticket() -> None:
    await db.ready()
    staff = await users.create_category('Office staff', actor=None)
    service = await catalog.save_service(
        actor=None,
        name='Laptop & PC',
        description='Laptops, desktops, docks and screens',
        icon='laptop',
        category_ids=[staff.id],
    )
    requester = await users.create_user(
        email='riley@example.org',
        name='Riley Brooks',
        password='bench-password',
        role=users.Role.REQUESTER,
        category_id=staff.id,
        actor=None,
    )
    technician = await users.create_user(
        email='sam@example.org', name='Sam Okafor', password='bench-password', role=users.Role.TECHNICIAN, actor=None
    )
    ticket = await tickets.create_ticket(
        requester=requester,
        service_id=service.id,
        title='Laptop will not join the office Wi-Fi',
        details='Since this morning my laptop says "Can\'t connect to this network" on CorpNet. '
        'Phone works fine on the same network.',
        location='2nd floor, desk 14',
    )
    await tickets.take(ticket.id, technician=technician)
    await tickets.set_status(ticket.id, Status.IN_PROGRESS, actor=technician)
    await tickets.reply(
        ticket.id,
        'Hi Riley, could you forget the network and sign in again with your new password?',
        author=technician,
    )
    await tickets.reply(ticket.id, 'Done, it still refuses. Same message.', author=requester)
    await tickets.reply(
        ticket.id,
        'Certificate on this laptop expired last week; re-enrol it via Intune.',
        author=technician,
        internal=True,
    )
    SEED.update(ticket_id=ticket.id, requester_id=requester.id, technician_id=technician.id)


async def _seed_found() -> None:
    await db.ready()
    for _ in range(600):  # the first instance may still be seeding
        ticket = await tickets.Ticket.filter(title='Laptop will not join the office Wi-Fi').first()
        if ticket is not None and await tickets.TicketEvent.filter(ticket_id=ticket.id, internal=True).exists():
            requester = await users.User.get(email='riley@example.org')
            technician = await users.User.get(email='sam@example.org')
            SEED.update(ticket_id=ticket.id, requester_id=requester.id, technician_id=technician.id)
            return
        await asyncio.sleep(0.1)
    raise RuntimeError('no seeded ticket in the database after 60 s')


app.on_startup(_seed)


@app.get('/__bench/ready')
def _ready() -> dict:
    if SEED_ERROR:
        raise HTTPException(500, f'seeding failed: {SEED_ERROR[0]}')
    if 'ticket_id' not in SEED:
        raise HTTPException(503, 'seeding')
    return dict(SEED)


@app.post('/__bench/session')
async def _session(role: str = 'requester') -> dict:
    """Sign this browser in as the seeded requester or technician (as the login page does)."""
    user = await users.User.get(id=SEED['technician_id' if role == 'technician' else 'requester_id'])
    await browsers.sign_in(app.storage.browser['id'], user)
    return {'user': user.name}


@app.post('/__bench/change')
async def _change(request: Request) -> dict:
    """One technician reply through the real domain verb."""
    body = await request.json()
    technician = await users.User.get(id=SEED['technician_id'])
    event = await tickets.reply(SEED['ticket_id'], body['text'], author=technician)
    return {'event_id': event.id, 'server_time': time.time()}


@app.post('/__bench/subscribers')
async def _subscribers(request: Request) -> dict:
    """N technicians, one device each (its own P-256 key pair and auth secret, as a browser makes them), whose
    endpoints are the local push service at `endpoint` (bench/push_throughput.py's live phase)."""
    body = await request.json()
    return {'devices': await technicians_with_devices(int(body['n']), str(body['endpoint']), domain='example.org')}


@app.post('/__bench/fanout')
async def _fanout() -> dict:
    """A requester reports a ticket: every technician's device is told (the push worker runs in this process)."""
    requester = await users.User.get(id=SEED['requester_id'])
    service_id = (await tickets.Ticket.get(id=SEED['ticket_id'])).service_id
    start = time.monotonic()  # CLOCK_MONOTONIC: the push service's clock too
    ticket = await tickets.create_ticket(requester=requester, service_id=service_id, title='No Wi-Fi on floor 2')
    return {'ticket_id': ticket.id, 'start': start, 'committed': time.monotonic()}


@app.get('/__bench/outbox')
async def _outbox() -> dict:
    from models.notifications import PushMessage, State

    return {
        'pending': await PushMessage.filter(state__in=[State.PENDING, State.SENDING]).count(),
        'sent': await PushMessage.filter(state=State.SENT).count(),
        'failed': await PushMessage.filter(state=State.FAILED).count(),
    }


add_routes(lambda c: c.page.path.startswith('/t/'))


if __name__ == '__main__':
    # The product's own start: same settings, setup() and ui.run options (incl. reconnect_timeout) as `tapdesk serve`.
    main.serve(host='127.0.0.1', port=int(sys.argv[1]))
