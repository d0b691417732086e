"""The notifications page and the prompt after sending a request. The browser's side of subscribing
(permission, pushManager.subscribe) is answered through the user fixture's JavaScript rules."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from nicegui.testing import User

from models import notifications, settings, tickets
from models.notifications import Kind, NotificationPreference, PushMessage, PushSubscription
from tests.push_service import BrowserDevice

from .conftest import sign_in


@pytest.fixture(autouse=True)
def loopback_push(app_environment: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    settings.reload()
    yield


_answers: dict[int, dict] = {}


def browser_answers(user: User, answer: dict) -> None:
    """What the browser's part of the tap (permission, then pushManager.subscribe) will hand back."""
    _answers[id(user)] = answer


def tap(user: User, marker: str) -> None:
    """The tap: in a browser its JavaScript asks and emits the answer; here the answer is given."""
    user.find(marker=marker).trigger('click', _answers.pop(id(user)))


async def test_a_stranger_is_sent_to_sign_in(user: User, people: SimpleNamespace) -> None:
    await user.open('/settings')
    await user.should_see(marker='sign-in')


async def test_turning_notifications_on_adds_this_device(user: User, people: SimpleNamespace) -> None:
    browser = BrowserDevice('http://127.0.0.1:9/push/alex-phone')
    browser_answers(user, {'endpoint': browser.endpoint, 'expirationTime': None, 'keys': browser.keys()})
    await sign_in(user, 'alex@example.com')
    await user.open('/settings')
    await user.should_see('No devices yet')
    tap(user, 'turn-on')
    await user.should_see('Notifications are on for this device.')
    [device] = await PushSubscription.filter(user_id=people.requester.id)
    assert device.endpoint == browser.endpoint
    await user.should_see(marker=f'remove-{device.id}')


async def test_blocked_notifications_say_how_to_allow_them(user: User, people: SimpleNamespace) -> None:
    browser_answers(user, {'error': 'denied'})
    await sign_in(user, 'alex@example.com')
    await user.open('/settings')
    tap(user, 'turn-on')
    await user.should_see('Notifications are blocked for Tapdesk in this browser')
    assert await PushSubscription.all().count() == 0


async def test_a_push_address_that_is_not_a_push_service_is_refused(user: User, people: SimpleNamespace) -> None:
    browser = BrowserDevice('https://intranet.example.com/push')
    browser_answers(user, {'endpoint': browser.endpoint, 'keys': browser.keys()})
    await sign_in(user, 'alex@example.com')
    await user.open('/settings')
    tap(user, 'turn-on')
    await user.should_see('intranet.example.com is not a push service Tapdesk sends to')
    assert await PushSubscription.all().count() == 0


async def test_removing_a_device_stops_its_notifications(user: User, people: SimpleNamespace) -> None:
    browser = BrowserDevice('http://127.0.0.1:9/push/old-phone')
    device = await notifications.subscribe(people.requester, endpoint=browser.endpoint, keys=browser.keys())
    await sign_in(user, 'alex@example.com')
    await user.open('/settings')
    user.find(marker=f'remove-{device.id}').click()
    await user.should_see('No devices yet')
    assert await PushSubscription.all().count() == 0


async def test_switching_a_kind_off_means_no_notification_of_that_kind(user: User, people: SimpleNamespace) -> None:
    browser = BrowserDevice('http://127.0.0.1:9/push/alex-phone')
    await notifications.subscribe(people.requester, endpoint=browser.endpoint, keys=browser.keys())
    await sign_in(user, 'alex@example.com')
    await user.open('/settings')
    await user.should_see('New replies')
    await user.should_not_see('New requests in the queue')  # a requester's switches only
    user.find(marker='pref-reply').click()
    async with asyncio.timeout(5):  # the switch saves in its own round trip
        while not await NotificationPreference.exists(user_id=people.requester.id, kind=Kind.REPLY, enabled=False):  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    await user.should_see(marker='prefs-saved')  # no Save button: the switch saved, and says so
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await tickets.take(ticket.id, technician=people.technician)
    await tickets.reply(ticket.id, 'On it', author=people.technician)
    assert [m.kind for m in await PushMessage.filter(user_id=people.requester.id)] == [Kind.STATUS]


async def test_a_test_notification_needs_a_device_first(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open('/settings')
    await user.should_see('New requests in the queue')
    user.find(marker='send-test').click()
    await user.should_see('Turn on notifications on this device first.')


async def test_a_test_notification_is_queued_for_every_device(user: User, people: SimpleNamespace) -> None:
    for name in ('phone', 'laptop'):
        browser = BrowserDevice(f'http://127.0.0.1:9/push/{name}')
        await notifications.subscribe(people.technician, endpoint=browser.endpoint, keys=browser.keys())
    await sign_in(user, 'sam@example.com')
    await user.open('/settings')
    user.find(marker='send-test').click()
    await user.should_see('Sent to your 2 devices.')
    assert await PushMessage.filter(kind=Kind.TEST).count() == 2


async def test_after_sending_a_request_the_requester_is_offered_notifications(
    user: User, people: SimpleNamespace
) -> None:
    browser = BrowserDevice('http://127.0.0.1:9/push/alex-phone')
    browser_answers(user, {'endpoint': browser.endpoint, 'keys': browser.keys()})
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}?sent=1')
    await user.should_see('Get notified about your requests')
    tap(user, 'push-prompt-on')
    await user.should_see('Notifications are on for this device.')
    await user.should_not_see(marker='push-prompt')
    assert await PushSubscription.filter(user_id=people.requester.id).count() == 1


async def test_someone_with_a_device_is_not_asked_again(user: User, people: SimpleNamespace) -> None:
    browser = BrowserDevice('http://127.0.0.1:9/push/alex-phone')
    await notifications.subscribe(people.requester, endpoint=browser.endpoint, keys=browser.keys())
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}?sent=1')
    await user.should_see(marker='sent')
    await user.should_not_see(marker='push-prompt')


async def test_the_account_menu_leads_to_the_notifications_page(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open('/requests')
    user.find(marker='notifications').click()
    await user.should_see('Tell me about')
