"""Bench-only launcher for Tapdesk: the real app (main.serve) plus a few /__bench routes.

Started by bench/live_latency.py as `python bench/_tapdesk_server.py PORT` with TAPDESK_DATA_DIR and
NICEGUI_STORAGE_PATH pointing at a temporary directory. The /__bench routes exist only here, never in the product.
On start-up it seeds one ticket with a realistic timeline through the domain verbs.
"""

from __future__ import annotations

import gc
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi import HTTPException, Request  # noqa: E402
from nicegui import Client, app  # noqa: E402

import main  # noqa: E402
from models import catalog, db, tickets, users  # noqa: E402
from models.tickets import Status  # noqa: E402

SEED: dict[str, int] = {}
PAGE_PREFIX = '/t/'


async def _seed() -> None:
    await db.ready()
    staff = await users.create_category('Office staff', actor=None)
    service = await catalog.save_service(
        actor=None, name='Laptop & PC', description='Laptops, desktops, docks and screens', icon='laptop',
        category_ids=[staff.id],
    )
    requester = await users.create_user(
        email='riley@example.org', name='Riley Brooks', password='bench-password', role=users.Role.REQUESTER,
        category_id=staff.id, actor=None,
    )
    technician = await users.create_user(
        email='sam@example.org', name='Sam Okafor', password='bench-password', role=users.Role.TECHNICIAN, actor=None
    )
    ticket = await tickets.create_ticket(
        requester=requester, service_id=service.id, title='Laptop will not join the office Wi-Fi',
        details='Since this morning my laptop says "Can\'t connect to this network" on CorpNet. '
        'Phone works fine on the same network.',
        location='2nd floor, desk 14',
    )
    await tickets.take(ticket.id, technician=technician)
    await tickets.set_status(ticket.id, Status.IN_PROGRESS, actor=technician)
    await tickets.reply(
        ticket.id, 'Hi Riley, could you forget the network and sign in again with your new password?',
        author=technician,
    )
    await tickets.reply(ticket.id, 'Done, it still refuses. Same message.', author=requester)
    await tickets.reply(
        ticket.id, 'Certificate on this laptop expired last week; re-enrol it via Intune.', author=technician,
        internal=True,
    )
    SEED.update(ticket_id=ticket.id, requester_id=requester.id, technician_id=technician.id)


app.on_startup(_seed)


@app.get('/__bench/ready')
def _ready() -> dict:
    if 'ticket_id' not in SEED:
        raise HTTPException(503, 'seeding')
    return dict(SEED)


@app.post('/__bench/session')
async def _session(role: str = 'requester') -> dict:
    """Sign this browser in as the seeded requester or technician (sets app.storage.user like the login page)."""
    user = await users.User.get(id=SEED['technician_id' if role == 'technician' else 'requester_id'])
    app.storage.user['session'] = await users.start_session(user)
    return {'user': user.name}


@app.post('/__bench/change')
async def _change(request: Request) -> dict:
    """One technician reply through the real domain verb."""
    body = await request.json()
    technician = await users.User.get(id=SEED['technician_id'])
    event = await tickets.reply(SEED['ticket_id'], body['text'], author=technician)
    return {'event_id': event.id, 'server_time': time.time()}


def _page_clients() -> list[Client]:
    return [c for c in Client.instances.values() if c.page.path.startswith(PAGE_PREFIX)]


@app.get('/__bench/stats')
def _stats(detail: int = 0) -> dict:
    clients = _page_clients()
    result: dict = {
        'clients': len(Client.instances),
        'page_clients': len(clients),
        'connected': sum(1 for c in clients if c.has_socket_connection),
    }
    if detail and clients:
        sample = clients[0]
        result['elements_per_client'] = len(sample.elements)
        result['element_types'] = Counter(type(e).__name__ for e in sample.elements.values()).most_common()
    return result


@app.post('/__bench/gc')
def _gc() -> dict:
    return {'collected': gc.collect()}


@app.post('/__bench/prune')
def _prune() -> dict:
    """Delete page clients that have no socket (the warm-up ones) instead of waiting out reconnect_timeout."""
    pruned = 0
    for client in _page_clients():
        if not client.has_socket_connection:
            for document_id in list(client._delete_tasks):  # noqa: SLF001
                client._cancel_delete_task(document_id)  # noqa: SLF001
            client.delete()
            pruned += 1
    return {'pruned': pruned}


if __name__ == '__main__':
    # The product's own start: same settings, setup() and ui.run options (incl. reconnect_timeout) as `tapdesk serve`.
    main.serve(host='127.0.0.1', port=int(sys.argv[1]))
