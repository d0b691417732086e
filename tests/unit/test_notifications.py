"""Who gets which push notification, what it says, and whose devices they are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest

from models import notifications, ratings, settings, tickets
from models.errors import Invalid, NotFound
from models.notifications import Kind, PushMessage, PushSubscription, State
from models.tickets import Status, Ticket
from models.users import User
from tests.conftest import FrozenClock
from tests.push_service import BrowserDevice

CHROME_ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile'


@pytest.fixture(autouse=True)
def loopback_push(isolated_environment: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Devices here point at 127.0.0.1 (nothing listens: these tests look at the outbox, not the wire)."""
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    settings.reload()
    yield


async def device(person: User, name: str, user_agent: str = CHROME_ANDROID) -> PushSubscription:
    browser = BrowserDevice(f'http://127.0.0.1:9/push/{name}')
    return await notifications.subscribe(person, endpoint=browser.endpoint, keys=browser.keys(), user_agent=user_agent)


async def outbox(person: User | None = None) -> list[PushMessage]:
    query = PushMessage.all() if person is None else PushMessage.filter(user_id=person.id)
    return await query.order_by('id')


@pytest.fixture
async def devices(people: SimpleNamespace) -> SimpleNamespace:
    """One phone each for Alex (requester), Sam and Priya (technicians) and Maria (manager)."""
    return SimpleNamespace(
        alex=await device(people.requester, 'alex'),
        sam=await device(people.technician, 'sam'),
        priya=await device(people.technician2, 'priya'),
        maria=await device(people.manager, 'maria'),
    )


# ---- who gets what ------------------------------------------------------------------------------------


async def test_the_requester_gets_a_technicians_reply_with_the_ticket_number(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    await tickets.reply(taken.id, 'Try switching it off and on', author=technician)
    [*_, message] = await outbox(requester)
    assert message.kind == Kind.REPLY
    assert message.payload == {
        'title': f'Sam replied · {taken.title}',  # the request by its title
        'body': 'Try switching it off and on',
        'tag': f'ticket-{taken.id}-reply',  # the conversation: a status never replaces it
        'url': f'/t/{taken.id}',
        'ticket_id': taken.id,
        'kind': 'reply',
    }
    assert (message.subscription_id, message.state, message.topic) == (
        devices.alex.id,
        State.PENDING,
        message.payload['tag'],
    )


async def test_an_internal_note_never_reaches_the_requester(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    before = len(await outbox())
    await tickets.reply(taken.id, 'Their router is ancient', author=technician, internal=True)
    assert len(await outbox()) == before


async def test_the_assignee_gets_the_requesters_reply(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    await tickets.reply(taken.id, 'Still dropping', author=requester)
    [message] = [m for m in await outbox() if m.kind == Kind.REPLY]
    assert (message.user_id, message.payload['title'], message.payload['body']) == (
        technician.id,
        f'Alex replied · {taken.title}',
        'Still dropping',
    )


async def test_a_requesters_reply_on_an_unassigned_ticket_notifies_nobody(
    ticket: Ticket, requester: User, devices: SimpleNamespace
) -> None:
    before = len(await outbox())
    await tickets.reply(ticket.id, 'Any news?', author=requester)
    assert len(await outbox()) == before


async def test_the_requester_reads_status_changes_in_plain_words(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)
    [*_, message] = await outbox(requester)
    assert (message.kind, message.payload['title'], message.payload['body']) == (
        Kind.STATUS,
        f'#{taken.id} Wi-Fi drops in room 3',
        'Waiting for your reply',
    )


async def test_taking_a_ticket_tells_the_requester_who_has_it(
    ticket: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    await tickets.take(ticket.id, technician=technician)
    assert [(m.kind, m.payload['body']) for m in await outbox(requester)] == [(Kind.STATUS, 'Assigned to Sam')]
    assert await outbox(technician) == []  # they took it themselves


async def test_on_the_way_carries_the_arrival_time_in_the_requesters_time_zone(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace, clock: FrozenClock
) -> None:
    await User.filter(id=requester.id).update(timezone='Europe/Berlin')  # 09:00 UTC is 10:00 there
    await tickets.set_status(taken.id, Status.ON_THE_WAY, actor=technician, eta=clock.now + timedelta(minutes=20))
    [*_, message] = await outbox(requester)
    assert (message.kind, message.payload['body'], message.urgency) == (
        Kind.ON_THE_WAY,
        'Sam is on the way (arrives ~10:20)',
        'high',
    )
    assert message.ttl <= 3600


async def test_a_planned_visit_reaches_the_requester(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace, clock: FrozenClock
) -> None:
    start = clock.now + timedelta(days=1)
    await tickets.set_status(
        taken.id, Status.VISIT_PLANNED, actor=technician, visit=(start, start + timedelta(hours=2))
    )
    [*_, message] = await outbox(requester)
    assert (message.kind, message.payload['body']) == (Kind.VISIT_PLANNED, 'Visit planned Wed 25 Nov, 09:00–11:00')


async def test_a_fix_asks_how_did_we_do_with_rating_buttons(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    await tickets.resolve(taken.id, 'Replaced the access point', actor=technician)
    [*_, message] = await outbox(requester)
    assert message.kind == Kind.RESOLVED
    assert message.payload['title'] == f'Fixed: {taken.title} — how did we do?'
    assert message.payload['body'] == 'Replaced the access point'
    assert [a['action'] for a in message.payload['actions']] == ['rate-good', 'rate-poor']


async def test_the_rating_buttons_carry_a_single_use_link_for_this_ticket_and_requester(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace, clock: FrozenClock
) -> None:
    await tickets.resolve(taken.id, 'Replaced the access point', actor=technician)
    [*_, message] = await outbox(requester)
    url = message.payload['rate_url']
    assert url.startswith(notifications.RATE_PATH)
    token = url.removeprefix(notifications.RATE_PATH)
    assert ratings.check_token(token, clock.now) == (taken.id, requester.id)
    rating = await ratings.rate_with_token(token, notifications.ACTION_SCORES['rate-good'], now=clock.now)
    assert (rating.ticket_id, rating.score) == (taken.id, 5)


async def test_assignment_reaches_the_technician_it_went_to(
    ticket: Ticket, manager: User, technician2: User, requester: User, devices: SimpleNamespace
) -> None:
    await tickets.assign(ticket.id, assignee_id=technician2.id, actor=manager)
    [message] = await outbox(technician2)
    assert (message.kind, message.payload['title']) == (Kind.ASSIGNED, f'Yours now · {ticket.title}')
    assert 'from Alex Kim, given to you by Maria' in message.payload['body']
    assert [m.payload['body'] for m in await outbox(requester)] == ['Assigned to Priya']


async def test_assigning_a_ticket_to_yourself_tells_you_nothing(
    ticket: Ticket, manager: User, devices: SimpleNamespace
) -> None:
    await tickets.assign(ticket.id, assignee_id=manager.id, actor=manager)
    assert await outbox(manager) == []


async def test_technicians_hear_of_a_new_ticket_and_managers_only_if_they_ask(
    people: SimpleNamespace, devices: SimpleNamespace
) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    heard = {m.user_id: m.payload for m in await outbox() if m.kind == Kind.NEW_TICKET}
    assert set(heard) == {people.technician.id, people.technician2.id}
    assert heard[people.technician.id]['title'] == f'New request #{ticket.id} · Wi-Fi'
    assert heard[people.technician.id]['body'] == 'No Wi-Fi — Alex Kim'

    await notifications.set_preference(people.manager, Kind.NEW_TICKET, True)
    await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='Still no Wi-Fi')
    assert len([m for m in await outbox(people.manager) if m.kind == Kind.NEW_TICKET]) == 1


async def test_a_technician_who_switched_new_tickets_off_gets_no_row(
    people: SimpleNamespace, devices: SimpleNamespace
) -> None:
    await notifications.set_preference(people.technician, Kind.NEW_TICKET, False)
    await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    assert {m.user_id for m in await outbox()} == {people.technician2.id}


async def test_a_switched_off_kind_writes_no_row(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    await notifications.set_preference(requester, Kind.REPLY, False)
    await tickets.reply(taken.id, 'On it', author=technician)
    assert await outbox(requester) == []
    await notifications.set_preference(requester, Kind.REPLY, True)
    await tickets.reply(taken.id, 'Still on it', author=technician)
    assert [m.kind for m in await outbox(requester)] == [Kind.REPLY]


async def test_nobody_is_told_about_their_own_action(people: SimpleNamespace, devices: SimpleNamespace) -> None:
    """Sam reports a ticket himself, takes it, fixes it: the other technician hears of it, Sam never."""
    sam = people.technician
    own = await tickets.create_ticket(requester=sam, service_id=people.printer.id, title='My printer')
    await tickets.take(own.id, technician=sam)
    await tickets.reply(own.id, 'Note to self', author=sam)
    await tickets.resolve(own.id, 'Fixed it', actor=sam)
    assert await outbox(sam) == []
    assert [m.kind for m in await outbox(people.technician2)] == [Kind.NEW_TICKET]


async def test_a_reopen_by_the_requester_tells_the_technician_why(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    await tickets.resolve(taken.id, 'Replaced the access point', actor=technician)
    await tickets.reopen(taken.id, 'It dropped again', actor=requester)
    [message] = await outbox(technician)
    assert (message.kind, message.payload['body']) == (Kind.STATUS, 'Reopened: It dropped again')


async def test_every_device_of_a_person_gets_its_own_row(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    laptop = await device(requester, 'alex-laptop', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/133.0')
    await tickets.reply(taken.id, 'On it', author=technician)
    replies = [m for m in await outbox(requester) if m.kind == Kind.REPLY]
    assert {m.subscription_id for m in replies} == {devices.alex.id, laptop.id}


async def test_an_inactive_person_gets_nothing(people: SimpleNamespace, devices: SimpleNamespace) -> None:
    await User.filter(id=people.technician2.id).update(is_active=False)
    await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    assert {m.user_id for m in await outbox()} == {people.technician.id}


async def test_no_devices_means_no_rows(taken: Ticket, technician: User) -> None:
    await tickets.reply(taken.id, 'On it', author=technician)
    assert await outbox() == []


async def test_a_reminder_goes_to_whoever_it_names(
    taken: Ticket, requester: User, technician: User, devices: SimpleNamespace
) -> None:
    count = await notifications.queue_reminder(taken.id, 'Still waiting for your reply', to=[requester.id])
    [*_, message] = await outbox(requester)
    assert (count, message.kind, message.payload['title'], message.ttl) == (
        1,
        Kind.REMINDER,
        f'Reminder · {taken.title}',
        3 * 86400,
    )


# ---- what fits in a push message --------------------------------------------------------------------


async def test_a_huge_reply_still_fits_in_a_push_message(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    await tickets.reply(taken.id, '🛜' * tickets.MAX_TEXT, author=technician)
    [*_, message] = await outbox(requester)
    size = len(notifications.encode(message.payload))
    assert size <= notifications.MAX_PAYLOAD_BYTES
    assert size + 86 + 17 < 4096  # + aes128gcm header and tag: what push services accept
    assert message.payload['body'].endswith('…')


async def test_a_payload_never_exceeds_the_limit_even_with_huge_extras() -> None:
    message = notifications.payload('x' * 10_000, 'y' * 10_000, kind=Kind.REPLY, ticket_id=1, note='z' * 2000)
    assert len(notifications.encode(message)) <= notifications.MAX_PAYLOAD_BYTES


async def test_tag_and_topic_name_the_ticket_in_the_push_alphabet() -> None:
    for ticket_id in (1, 42, 2**63 - 1, None):
        topic = notifications.topic(ticket_id)
        assert re.fullmatch(r'[A-Za-z0-9_-]{1,32}', topic)
    assert notifications.topic(42) == 'ticket-42'


# ---- devices -----------------------------------------------------------------------------------------


async def test_a_device_gets_a_readable_name_from_the_browser(requester: User) -> None:
    phone = await device(requester, 'p')
    ipad = await device(requester, 'i', 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit Version/17.5 Safari')
    assert (phone.device, ipad.device) == ('Chrome on Android', 'Safari on iPad')
    assert [d.id for d in await notifications.devices(requester)] == [ipad.id, phone.id]


async def test_you_can_remove_only_your_own_device(requester: User, colleague: User) -> None:
    mine, theirs = await device(requester, 'mine'), await device(colleague, 'theirs')
    with pytest.raises(NotFound, match='not on your list'):
        await notifications.remove_device(requester, theirs.id)
    await notifications.remove_device(requester, mine.id)
    assert [d.id for d in await PushSubscription.all()] == [theirs.id]


async def test_removing_a_device_drops_what_was_queued_for_it(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    await tickets.reply(taken.id, 'On it', author=technician)
    await notifications.remove_device(requester, devices.alex.id)
    assert await outbox(requester) == []


async def test_subscribing_the_same_device_again_moves_it_to_the_new_person(
    taken: Ticket, technician: User, requester: User, colleague: User, devices: SimpleNamespace
) -> None:
    """A shared tablet: Casey signs in after Alex; Alex's queued news must not reach Casey."""
    await tickets.reply(taken.id, 'On it', author=technician)
    browser = BrowserDevice(devices.alex.endpoint)
    moved = await notifications.subscribe(colleague, endpoint=browser.endpoint, keys=browser.keys())
    assert (moved.id, moved.user_id, moved.p256dh) == (devices.alex.id, colleague.id, browser.keys()['p256dh'])
    assert await outbox(requester) == [] and await notifications.devices(requester) == []


async def test_a_replaced_subscription_takes_over_what_was_queued_for_the_old_one(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    await tickets.reply(taken.id, 'On it', author=technician)
    [queued] = await outbox(requester)
    fresh = BrowserDevice('http://127.0.0.1:9/push/alex-renewed')
    new = await notifications.replace_device(
        requester, old_endpoint=devices.alex.endpoint, endpoint=fresh.endpoint, keys=fresh.keys()
    )
    assert [d.endpoint for d in await notifications.devices(requester)] == [fresh.endpoint]
    [moved] = await outbox(requester)
    assert (moved.id, moved.subscription_id) == (queued.id, new.id)  # still delivered, to where it now reaches


async def test_replacing_someone_elses_device_is_not_possible(
    requester: User, technician: User, devices: SimpleNamespace
) -> None:
    fresh = BrowserDevice('http://127.0.0.1:9/push/sam-new')
    theirs = [d.endpoint for d in await notifications.devices(technician)]
    await notifications.replace_device(
        technician, old_endpoint=devices.alex.endpoint, endpoint=fresh.endpoint, keys=fresh.keys()
    )
    assert [d.endpoint for d in await notifications.devices(requester)] == [devices.alex.endpoint]
    assert sorted(d.endpoint for d in await notifications.devices(technician)) == sorted([*theirs, fresh.endpoint])


async def test_keys_that_are_not_a_browsers_are_refused(requester: User) -> None:
    good = BrowserDevice('http://127.0.0.1:9/push/x').keys()
    for keys in ({}, {**good, 'auth': 'c2hvcnQ'}, {**good, 'p256dh': 'A' * 87}, {**good, 'p256dh': 'not base64!'}):
        with pytest.raises(Invalid, match='push keys') as refused:
            await notifications.subscribe(requester, endpoint='http://127.0.0.1:9/push/x', keys=keys)
        assert refused.value.field == 'endpoint'


async def test_a_test_notification_goes_to_every_device_of_the_person_asking(requester: User, colleague: User) -> None:
    with pytest.raises(Invalid, match='Turn on notifications'):
        await notifications.send_test(requester)
    await device(requester, 'a')
    await device(requester, 'b')
    await device(colleague, 'c')
    assert await notifications.send_test(requester) == 2
    messages = await outbox(requester)
    assert [m.kind for m in messages] == [Kind.TEST, Kind.TEST]
    assert messages[0].payload['url'] == '/settings' and messages[0].urgency == 'high'
    assert await outbox(colleague) == []


async def test_preferences_show_the_switches_for_your_role(requester: User, technician: User, manager: User) -> None:
    assert await notifications.preferences(requester) == dict.fromkeys(notifications.REQUESTER_KINDS, True)
    assert (await notifications.preferences(technician))[Kind.NEW_TICKET] is True
    assert (await notifications.preferences(manager))[Kind.NEW_TICKET] is False
    await notifications.set_preference(requester, Kind.STATUS, False)
    await notifications.set_preference(requester, Kind.STATUS, False)  # twice: still one switch
    assert (await notifications.preferences(requester))[Kind.STATUS] is False
    with pytest.raises(Invalid):
        await notifications.set_preference(requester, Kind.TEST, False)


async def test_late_tickets_are_on_for_technicians_and_a_managers_choice(technician: User, manager: User) -> None:
    late = [Kind.SLA_AT_RISK, Kind.SLA_BREACHED]
    assert [(await notifications.preferences(technician))[k] for k in late] == [True, True]
    assert [(await notifications.preferences(manager))[k] for k in late] == [False, False]
    await notifications.set_preference(manager, Kind.SLA_BREACHED, True)
    assert (await notifications.preferences(manager))[Kind.SLA_BREACHED] is True


async def test_a_late_ticket_says_so_in_its_title_and_is_urgent(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await device(technician, 'sam')
    title = f'#{taken.id} is overdue: fix was due 14:05'
    await notifications.queue_for(
        taken.id, Kind.SLA_BREACHED, actor=None, now=clock.now, text=title, to=[technician.id]
    )
    [message] = await outbox(technician)
    assert (message.payload['title'], message.payload['body']) == (title, 'Wi-Fi drops in room 3 — Alex Kim')
    assert (message.urgency, message.payload['url']) == ('high', f'/t/{taken.id}')


async def test_waiting_for_your_reply_carries_the_question_and_does_not_replace_it(
    taken: Ticket, technician: User, requester: User, devices: SimpleNamespace
) -> None:
    await tickets.reply(taken.id, 'Which floor is the printer on?', author=technician)
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)
    asked, waiting = (await outbox(requester))[-2:]
    assert (asked.kind, waiting.kind) == (Kind.REPLY, Kind.STATUS)
    assert waiting.payload['body'] == 'Waiting for your reply: Which floor is the printer on?'
    assert asked.payload['tag'] != waiting.payload['tag']  # both stay on the phone
    assert asked.topic != waiting.topic  # and at the push service, while the phone is off
