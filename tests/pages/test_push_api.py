"""POST /push/subscription-change: the service worker tells Tapdesk the browser replaced a subscription."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from nicegui.testing import User

from models import notifications, settings
from models.notifications import PushSubscription
from pwa import push
from tests.push_service import BrowserDevice

from .conftest import sign_in

SAME_ORIGIN = {'Origin': 'http://test', 'Sec-Fetch-Site': 'same-origin'}


@pytest.fixture(autouse=True)
def loopback_push(app_environment: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    settings.reload()
    yield


def change(old: str | None, new: BrowserDevice) -> dict:
    return {'old_endpoint': old, 'subscription': {'endpoint': new.endpoint, 'expirationTime': None, 'keys': new.keys()}}


async def test_a_replaced_subscription_moves_notifications_to_the_new_one(user: User, people: SimpleNamespace) -> None:
    old, new = BrowserDevice('http://127.0.0.1:9/push/old'), BrowserDevice('http://127.0.0.1:9/push/new')
    await notifications.subscribe(people.requester, endpoint=old.endpoint, keys=old.keys(), user_agent='')
    await sign_in(user, 'alex@example.com')
    response = await user.http_client.post(
        '/push/subscription-change', json=change(old.endpoint, new), headers=SAME_ORIGIN
    )
    assert response.status_code == 200, response.text
    assert await PushSubscription.filter(user_id=people.requester.id).values_list('endpoint', flat=True) == [
        new.endpoint
    ]


async def test_someone_elses_old_device_is_not_touched(user: User, people: SimpleNamespace) -> None:
    theirs, new = BrowserDevice('http://127.0.0.1:9/push/sams'), BrowserDevice('http://127.0.0.1:9/push/new')
    await notifications.subscribe(people.technician, endpoint=theirs.endpoint, keys=theirs.keys(), user_agent='')
    await sign_in(user, 'alex@example.com')
    response = await user.http_client.post(
        '/push/subscription-change', json=change(theirs.endpoint, new), headers=SAME_ORIGIN
    )
    assert response.status_code == 200
    assert await PushSubscription.filter(user_id=people.technician.id).count() == 1
    assert await PushSubscription.filter(user_id=people.requester.id).count() == 1


async def test_without_signing_in_nothing_changes(user: User, people: SimpleNamespace) -> None:
    new = BrowserDevice('http://127.0.0.1:9/push/new')
    response = await user.http_client.post('/push/subscription-change', json=change(None, new), headers=SAME_ORIGIN)
    assert response.status_code == 401
    assert 'Sign in' in response.json()['error']
    assert not await PushSubscription.exists()


@pytest.mark.parametrize(
    'headers',
    [
        {},
        {'Origin': 'https://evil.example', 'Sec-Fetch-Site': 'cross-site'},
        {'Origin': 'https://evil.example'},
        {'Sec-Fetch-Site': 'same-site'},
    ],
)
async def test_a_post_from_elsewhere_is_refused(user: User, people: SimpleNamespace, headers: dict) -> None:
    await sign_in(user, 'alex@example.com')
    new = BrowserDevice('http://127.0.0.1:9/push/new')
    response = await user.http_client.post('/push/subscription-change', json=change(None, new), headers=headers)
    assert response.status_code == 403
    assert not await PushSubscription.exists()


@pytest.mark.parametrize(
    'body',
    [
        b'not json',
        b'[]',
        b'{"subscription": "x"}',
        b'{"subscription": {"endpoint": 5, "keys": {}}}',
        b'{"old_endpoint": 3, "subscription": {"endpoint": "http://127.0.0.1:9/p", "keys": {}}}',
        b'{"subscription": {"endpoint": "http://127.0.0.1:9/p", "keys": {"p256dh": "short", "auth": "x"}}}',
        b'{"subscription": {"endpoint": "http://10.0.0.1/p", "keys": {"p256dh": "a", "auth": "b"}}}',
        b'{"subscription": {"endpoint": "x", "keys": {"p256dh": "a"}}, "pad": "' + b'x' * 5000 + b'"}',
    ],
)
async def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    user: User, people: SimpleNamespace, body: bytes
) -> None:
    await sign_in(user, 'alex@example.com')
    response = await user.http_client.post(
        '/push/subscription-change', content=body, headers={**SAME_ORIGIN, 'Content-Type': 'application/json'}
    )
    assert response.status_code in (400, 413)
    assert response.json()['error']
    assert not await PushSubscription.exists()


async def test_the_worker_can_read_the_public_key(user: User, people: SimpleNamespace) -> None:
    response = await user.http_client.get('/push/key')
    assert response.status_code == 200
    assert response.text == push.public_key_b64()
