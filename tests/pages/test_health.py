"""GET /healthz: the database, the bus and the workers, for the proxy's checks and for people."""

from __future__ import annotations

import asyncio
import importlib
from datetime import timedelta
from types import ModuleType, SimpleNamespace

import pytest
from nicegui.testing import User

from models import clock, notifications, settings, tickets
from models.outbox import PushMessage

pytestmark = pytest.mark.usefixtures('people')


def health() -> ModuleType:
    """pages.health, imported once NiceGUI's test app runs (importing `pages` earlier registers the screens
    outside it, and every page test after that answers 404)."""
    return importlib.import_module('pages.health')


async def test_a_healthy_instance_answers_ok_with_what_it_checked(user: User) -> None:
    for _ in range(100):  # on PostgreSQL the bus link connects just after start-up
        response = await user.http_client.get('/healthz')
        if response.json()['status'] == 'ok':
            break
        await asyncio.sleep(0.05)
    assert response.status_code == 200
    assert response.headers['cache-control'] == 'no-store'
    body = response.json()
    assert body['status'] == 'ok'
    assert body['database']['ok'] is True
    if body['database']['kind'] == 'postgresql':  # the link to the other instances starts with the server
        assert (body['bus']['kind'], body['bus']['connected'], body['bus']['reconnects']) == ('postgresql', True, 0)
    else:
        assert (body['database']['kind'], body['bus']) == ('sqlite', {'kind': 'in-process'})
    here = 'on' if settings.settings.followups else 'off'  # the test app leaves follow-ups to the tests
    assert body['workers']['followups'] == {'here': here, 'due': 0, 'oldest_due_s': 0.0}
    assert body['workers']['push']['due'] == 0


async def test_push_messages_waiting_too_long_make_it_degraded_and_say_how_many(
    user: User, people: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health(), '_push_here', lambda: 'off')  # no worker here: the rows stay due
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')  # a device whose push service is this machine
    settings.reload()
    await notifications.subscribe(people.requester, endpoint='http://127.0.0.1:9/push/health', keys=_keys())
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Jam')
    await tickets.take(ticket.id, technician=people.technician)
    due = await PushMessage.filter(state='pending').count()
    assert due >= 1
    old = clock.now() - timedelta(seconds=health().LATE + 60)
    await PushMessage.filter(state='pending').update(next_attempt_at=old)
    body = (await user.http_client.get('/healthz')).json()
    assert body['status'] == 'degraded'
    assert body['workers']['push']['due'] == due
    assert body['workers']['push']['oldest_due_s'] >= health().LATE + 60


async def test_a_database_that_does_not_answer_is_down_with_503(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken() -> None:
        raise ConnectionRefusedError('no database')

    monkeypatch.setattr(health().db, 'ready', broken)
    response = await user.http_client.get('/healthz')
    assert response.status_code == 503
    assert response.json()['status'] == 'down'
    assert response.json()['database'] == {
        'ok': False,
        'kind': response.json()['database']['kind'],
        'error': 'ConnectionRefusedError',
    }


def _keys() -> dict[str, str]:
    from tests.push_service import BrowserDevice

    return BrowserDevice('http://127.0.0.1:9/push/health').keys()
