"""POST /api/actions: what a phone kept while offline, sent when it is back."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from nicegui.testing import User

from models import tickets
from models.offline import AppliedAction
from models.tickets import EventKind, Status, Ticket, TicketEvent

from .conftest import sign_in

SAME_ORIGIN = {'Origin': 'http://test', 'Sec-Fetch-Site': 'same-origin'}


@pytest.fixture
async def job(people: SimpleNamespace) -> Ticket:
    """Alex's Wi-Fi ticket, taken by Sam."""
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    return await tickets.take(ticket.id, technician=people.technician)


def note(job: Ticket, text: str = 'Swapped the cable', **extra: Any) -> dict[str, Any]:
    return {'id': str(uuid.uuid4()), 'ticket_id': job.id, 'type': 'note', 'payload': {'text': text}, **extra}


async def replies(job: Ticket) -> list[str]:
    return [e.body for e in await TicketEvent.filter(ticket_id=job.id, kind=EventKind.REPLY)]


async def test_a_kept_reply_is_applied(user: User, people: SimpleNamespace, job: Ticket) -> None:
    await sign_in(user, 'sam@example.com')
    action = note(job, user=people.technician.id, made_at='2026-11-24T09:00:00Z')
    response = await user.http_client.post('/api/actions', json=action, headers=SAME_ORIGIN)
    assert response.status_code == 200, response.text
    sentence = f'Your reply for #{job.id} was sent.'
    assert response.json() == {'id': action['id'], 'result': 'applied', 'sentence': sentence}
    assert await replies(job) == ['Swapped the cable']


async def test_the_same_action_sent_again_is_a_duplicate_and_applies_nothing(user: User, job: Ticket) -> None:
    await sign_in(user, 'sam@example.com')
    action = note(job)
    first = await user.http_client.post('/api/actions', json=action, headers=SAME_ORIGIN)
    again = await user.http_client.post('/api/actions', json=action, headers=SAME_ORIGIN)
    assert (first.json()['result'], again.json()['result']) == ('applied', 'duplicate')
    assert await replies(job) == ['Swapped the cable']


async def test_a_batch_is_applied_in_order(user: User, job: Ticket) -> None:
    await sign_in(user, 'sam@example.com')
    on_the_way = {'id': str(uuid.uuid4()), 'ticket_id': job.id, 'type': 'on_the_way', 'payload': {'minutes': 15}}
    arrived = {'id': str(uuid.uuid4()), 'ticket_id': job.id, 'type': 'arrived', 'payload': {}}
    response = await user.http_client.post('/api/actions', json={'actions': [on_the_way, arrived]}, headers=SAME_ORIGIN)
    assert [r['result'] for r in response.json()['results']] == ['applied', 'applied']
    assert (await Ticket.get(id=job.id)).status == Status.IN_PROGRESS


async def test_a_refusal_says_why_and_gives_the_text_back(user: User, people: SimpleNamespace, job: Ticket) -> None:
    await tickets.resolve(job.id, 'Fixed remotely', actor=people.manager)
    await sign_in(user, 'sam@example.com')
    action = {'id': str(uuid.uuid4()), 'ticket_id': job.id, 'type': 'resolve', 'payload': {'summary': 'New router'}}
    response = await user.http_client.post('/api/actions', json=action, headers=SAME_ORIGIN)
    assert response.status_code == 200
    assert response.json() == {
        'id': action['id'],
        'result': 'refused',
        'sentence': f'Your fix summary for #{job.id} was not sent: the request was resolved by Maria meanwhile.',
        'text': 'New router',
    }


async def test_without_signing_in_nothing_is_applied(user: User, people: SimpleNamespace, job: Ticket) -> None:
    response = await user.http_client.post('/api/actions', json=note(job), headers=SAME_ORIGIN)
    assert response.status_code == 401
    assert 'Sign in' in response.json()['error']
    assert await replies(job) == []


async def test_actions_kept_for_someone_else_are_not_applied(user: User, people: SimpleNamespace, job: Ticket) -> None:
    await sign_in(user, 'sam@example.com')
    response = await user.http_client.post(
        '/api/actions', json=note(job, user=people.technician2.id), headers=SAME_ORIGIN
    )
    assert response.status_code == 409
    assert 'someone else' in response.json()['error']
    assert not await AppliedAction.exists()


@pytest.mark.parametrize(
    'headers',
    [
        {},
        {'Origin': 'https://evil.example', 'Sec-Fetch-Site': 'cross-site'},
        {'Origin': 'https://evil.example'},
        {'Sec-Fetch-Site': 'same-site'},
    ],
)
async def test_a_post_from_elsewhere_is_refused(user: User, job: Ticket, headers: dict) -> None:
    await sign_in(user, 'sam@example.com')
    response = await user.http_client.post('/api/actions', json=note(job), headers=headers)
    assert response.status_code == 403
    assert await replies(job) == []


@pytest.mark.parametrize(
    ('body', 'words'),
    [
        (b'not json', 'Send JSON'),
        (b'[]', 'Send JSON'),
        (b'{"actions": []}', 'Send JSON'),
        (b'{"actions": [1]}', 'Send JSON'),
        (b'{"id": "x", "ticket_id": 1, "type": "note", "payload": {}}', 'its own id'),
        (b'{"id": "6f1c2a9e-1b7e-4a52-9d27-3f0c6c1d2e11", "ticket_id": 1, "type": "dance"}', 'Unknown action type'),
    ],
)
async def test_bad_json_gets_a_clear_sentence(user: User, job: Ticket, body: bytes, words: str) -> None:
    await sign_in(user, 'sam@example.com')
    response = await user.http_client.post(
        '/api/actions', content=body, headers={**SAME_ORIGIN, 'Content-Type': 'application/json'}
    )
    assert response.status_code == 400
    assert words in response.json()['error']
    assert not await AppliedAction.exists()


async def test_a_body_over_the_limit_is_refused_unread(
    user: User, job: Ticket, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models import settings

    await sign_in(user, 'sam@example.com')
    monkeypatch.setenv('TAPDESK_MAX_UPLOAD_MB', '0.01')
    settings.reload()
    response = await user.http_client.post('/api/actions', json=note(job, text='x' * 100_000), headers=SAME_ORIGIN)
    assert response.status_code == 413
    assert 'too large' in response.json()['error']
    assert await replies(job) == []


async def test_the_ticket_page_offers_the_offline_panel_to_staff_only(user: User, job: Ticket) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{job.id}')
    await user.should_see(marker='offline-panel')


async def test_a_requester_gets_no_offline_panel(user: User, job: Ticket) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{job.id}')
    await user.should_see(marker='title')
    await user.should_not_see(marker='offline-panel')
