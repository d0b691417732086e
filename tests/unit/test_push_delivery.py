"""Push delivery end to end: a ticket change -> the outbox -> the worker -> a real HTTP push service on
127.0.0.1, decrypted and checked as a browser and a push service would. Also: which endpoints are refused."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from models import db, notifications, push_addresses, settings, tickets
from models.errors import Invalid
from models.notifications import PushMessage, PushSubscription, State
from models.tickets import Ticket
from models.users import User
from pwa import push
from tests.conftest import FrozenClock, postgres_admin
from tests.personas import make_personas
from tests.push_service import BrowserDevice, LocalPushService, b64, unb64, verify_vapid


@pytest.fixture(autouse=True)
def loopback_push(isolated_environment: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The development setting that lets endpoints point at 127.0.0.1, where the test's push service listens."""
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    monkeypatch.setenv('TAPDESK_VAPID_SUBJECT', 'mailto:desk@example.com')
    settings.reload()
    yield


@pytest.fixture
async def push_service() -> AsyncIterator[LocalPushService]:
    service = LocalPushService()
    await service.start()
    yield service
    await service.stop()


@pytest.fixture
async def worker(people: SimpleNamespace) -> AsyncIterator[push.Worker]:
    """The delivery worker, polling only once a minute: anything faster comes from the wake-up after a commit."""
    started = push.start_worker(poll=60.0)
    assert started is not None
    yield started
    await push.stop_worker()


async def phone_of(person: User, service: LocalPushService, name: str = 'phone') -> BrowserDevice:
    phone = BrowserDevice(service.endpoint(f'{name}-{person.id}'))
    await notifications.subscribe(person, endpoint=phone.endpoint, keys=phone.keys(), user_agent='Chrome Android')
    return phone


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    """Until `check()` holds: it reads the database, which has no event to wait on."""
    async with asyncio.timeout(within):
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def settled(row_id: int, *states: State, attempts: int = 1) -> PushMessage:
    """The row once the worker has recorded the answer to attempt number `attempts`."""
    states = states or (State.SENT, State.FAILED)

    async def done() -> bool:
        row = await PushMessage.get_or_none(id=row_id)
        return row is not None and row.state in states and row.claim is None and row.attempts >= attempts

    await eventually(done)
    return await PushMessage.get(id=row_id)


# ---- end to end -------------------------------------------------------------------------------------


async def test_a_technicians_reply_reaches_the_requesters_phone_encrypted_and_signed(
    taken: Ticket, technician: User, requester: User, push_service: LocalPushService, worker: push.Worker
) -> None:
    phone = await phone_of(requester, push_service)
    started = time.monotonic()
    await tickets.reply(taken.id, 'Try the socket by the window', author=technician)
    [request] = await push_service.wait_for(1, within=2.0)
    assert time.monotonic() - started < 2.0  # woken by the commit, not by the once-a-minute poll

    assert phone.decrypt(request.body) == {
        'title': f'Sam replied · {taken.title}',
        'body': 'Try the socket by the window',
        'tag': f'ticket-{taken.id}-reply',
        'url': f'/t/{taken.id}',
        'ticket_id': taken.id,
        'kind': 'reply',
    }
    assert request.path == f'/push/phone-{requester.id}'
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert (headers['content-encoding'], headers['ttl'], headers['urgency'], headers['topic']) == (
        'aes128gcm',
        '86400',
        'normal',
        f'ticket-{taken.id}-reply',  # the Topic header: a later status does not replace it
    )
    claims = verify_vapid(headers['authorization'], push.public_key_b64())
    assert claims['aud'] == push_service.origin  # the endpoint's origin, port included
    assert claims['sub'] == 'mailto:desk@example.com'
    assert time.time() < claims['exp'] <= time.time() + 24 * 3600

    [row] = await PushMessage.filter(user_id=requester.id)
    row = await settled(row.id)
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 1, '')
    assert (await PushSubscription.get(endpoint=phone.endpoint)).last_used_at is not None


async def test_a_new_ticket_reaches_every_technicians_phone(
    people: SimpleNamespace, push_service: LocalPushService, worker: push.Worker
) -> None:
    phones = {p.id: await phone_of(p, push_service) for p in (people.technician, people.technician2)}
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    received = await push_service.wait_for(2, within=2.0)
    by_path = {r.path: r for r in received}
    for user_id, phone in phones.items():
        message = phone.decrypt(by_path[f'/push/phone-{user_id}'].body)
        assert (message['kind'], message['ticket_id'], message['title']) == (
            'new_ticket',
            ticket.id,
            f'New request #{ticket.id} · Wi-Fi',
        )
        assert by_path[f'/push/phone-{user_id}'].headers['Urgency'] == 'high'


async def test_a_device_the_push_service_no_longer_knows_is_forgotten(
    taken: Ticket, technician: User, requester: User, push_service: LocalPushService, worker: push.Worker
) -> None:
    phone = await phone_of(requester, push_service)
    push_service.answer(410)
    await tickets.reply(taken.id, 'On it', author=technician)
    await push_service.wait_for(1)
    await eventually(lambda: _gone(phone.endpoint))
    assert await PushMessage.filter(user_id=requester.id).count() == 0
    await tickets.reply(taken.id, 'Still on it', author=technician)  # nothing left to send to
    await asyncio.sleep(0.2)
    assert len(push_service.received) == 1


async def _gone(endpoint: str) -> bool:
    return not await PushSubscription.exists(endpoint=endpoint)


async def test_a_busy_push_service_is_retried_after_its_retry_after_then_delivered(
    taken: Ticket,
    technician: User,
    requester: User,
    push_service: LocalPushService,
    worker: push.Worker,
    clock: FrozenClock,
) -> None:
    phone = await phone_of(requester, push_service)
    push_service.answer(503, {'Retry-After': '120'})
    await tickets.reply(taken.id, 'On it', author=technician)
    [row] = await PushMessage.filter(user_id=requester.id)
    row = await settled(row.id, State.PENDING)
    assert row.attempts == 1 and row.last_error.startswith('503')
    assert clock.now + timedelta(seconds=120) <= row.next_attempt_at <= clock.now + timedelta(seconds=132)

    clock.advance(seconds=119)
    notifications.wake()
    await asyncio.sleep(0.3)
    assert len(push_service.received) == 1  # not before the push service said

    clock.advance(seconds=14)
    notifications.wake()
    first, again = await push_service.wait_for(2)
    assert phone.decrypt(again.body) == phone.decrypt(first.body)
    row = await settled(row.id, attempts=2)
    assert (row.state, row.attempts) == (State.SENT, 2)


async def test_a_push_service_that_keeps_failing_is_given_up_after_eight_attempts(
    taken: Ticket,
    technician: User,
    requester: User,
    push_service: LocalPushService,
    worker: push.Worker,
    clock: FrozenClock,
) -> None:
    await phone_of(requester, push_service)
    for _ in range(push.MAX_ATTEMPTS + 1):
        push_service.answer(500)
    await tickets.reply(taken.id, 'On it', author=technician)
    [row] = await PushMessage.filter(user_id=requester.id)
    waits = []
    for attempt in range(1, push.MAX_ATTEMPTS + 1):
        await push_service.wait_for(attempt)
        row = await settled(row.id, State.PENDING, State.FAILED, attempts=attempt)
        waits.append((row.next_attempt_at - clock.now).total_seconds())
        clock.advance(seconds=push.BACKOFF_CAP + 1)
        notifications.wake()
    assert (row.state, row.attempts) == (State.FAILED, push.MAX_ATTEMPTS)
    assert row.last_error.startswith('500')
    assert all(1 <= w <= 2 * 2**i for i, w in enumerate(waits[:5]))  # 2, 4, 8 ... s, with jitter below each
    assert waits[5] > waits[0]
    await asyncio.sleep(0.2)
    assert len(push_service.received) == push.MAX_ATTEMPTS


async def test_a_refusal_fails_at_once_and_a_redirect_is_not_followed(
    taken: Ticket, technician: User, requester: User, push_service: LocalPushService, worker: push.Worker
) -> None:
    await phone_of(requester, push_service)
    push_service.answer(400)
    push_service.answer(301, {'Location': push_service.endpoint('elsewhere')})
    await tickets.reply(taken.id, 'One', author=technician)
    await push_service.wait_for(1)
    await tickets.reply(taken.id, 'Two', author=technician)
    await push_service.wait_for(2)
    rows = [await settled(r.id) for r in await PushMessage.filter(user_id=requester.id).order_by('id')]
    assert [(r.state, r.attempts, r.last_error[:3]) for r in rows] == [
        (State.FAILED, 1, '400'),
        (State.FAILED, 1, '301'),
    ]
    await asyncio.sleep(0.2)
    assert [r.path for r in push_service.received] == [f'/push/phone-{requester.id}'] * 2


async def test_a_message_past_its_time_to_live_is_not_sent(
    taken: Ticket, technician: User, requester: User, push_service: LocalPushService, clock: FrozenClock
) -> None:
    await phone_of(requester, push_service)
    await tickets.set_status(taken.id, tickets.Status.ON_THE_WAY, actor=technician, eta=clock.now)
    clock.advance(hours=2)  # "on the way" lives an hour
    push.start_worker(poll=60.0)
    try:
        [row] = await PushMessage.filter(user_id=requester.id)
        row = await settled(row.id)
    finally:
        await push.stop_worker()
    assert (row.state, row.last_error) == (State.FAILED, 'expired before it could be delivered')
    assert push_service.received == []


async def test_a_test_notification_arrives_on_the_device(
    requester: User, push_service: LocalPushService, worker: push.Worker
) -> None:
    phone = await phone_of(requester, push_service)
    await notifications.send_test(requester)
    [request] = await push_service.wait_for(1, within=2.0)
    assert phone.decrypt(request.body)['title'] == 'Tapdesk test'
    assert 'Topic' in request.headers and request.headers['TTL'] == '300'


async def test_endpoints_are_checked_again_when_sending(
    taken: Ticket,
    technician: User,
    requester: User,
    push_service: LocalPushService,
    worker: push.Worker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Subscribed while development endpoints were allowed; the setting is off now, so nothing goes out."""
    await phone_of(requester, push_service)
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '0')
    settings.reload()
    await tickets.reply(taken.id, 'On it', author=technician)
    [row] = await PushMessage.filter(user_id=requester.id)
    row = await settled(row.id)
    assert (row.state, row.last_error) == (State.FAILED, 'refused: Push addresses must be secure (https).')
    assert push_service.received == []


async def test_the_client_will_not_connect_to_a_host_that_resolves_to_a_local_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The last guard, at connect time: the name passed the allow-list, the address it resolves to now does not."""
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '0')
    monkeypatch.setenv('TAPDESK_PUSH_HOSTS', 'localhost, ::ffff:127.0.0.1')
    settings.reload()
    async with push.client() as client:
        with pytest.raises(push.Refused, match='localhost points to a private or local address'):
            await client.post('https://localhost/push/x', data=b'x')
    with pytest.raises(Invalid, match='private or local address'):  # a literal address: checked before connecting
        push.check_before_sending('https://[::ffff:127.0.0.1]/push/x')


# ---- a restart in between loses nothing, sends nothing twice ----------------------------------------------


@pytest.fixture
async def database_on_disk(db_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """A database that outlives a connection: a SQLite file, or a new PostgreSQL database."""
    if db_url.startswith('sqlite'):
        yield f'sqlite://{tmp_path}/restart.sqlite3'
    else:
        await postgres_admin(f'CREATE DATABASE "{db_url.rsplit("/", 1)[1]}"')
        yield db_url
    await push.stop_worker()
    await db.stop()


async def test_a_restart_loses_nothing_and_sends_nothing_twice(
    database_on_disk: str, push_service: LocalPushService, clock: FrozenClock
) -> None:
    await db.start(database_on_disk)
    people = await make_personas(clock.now)
    phone = await phone_of(people.requester, push_service)
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await tickets.take(ticket.id, technician=people.technician)
    push.start_worker(poll=60.0)
    for i in range(3):
        await tickets.reply(ticket.id, f'Before the restart {i}', author=people.technician)
    await push_service.wait_for(4)
    await push.stop_worker()
    for i in range(3):  # queued while no worker runs
        await tickets.reply(ticket.id, f'While stopped {i}', author=people.technician)
    await db.stop()

    await db.start(database_on_disk)  # a new process, as far as the outbox can tell
    push.start_worker(poll=60.0)
    await push_service.wait_for(7)
    await eventually(lambda: _all_sent(7))
    await asyncio.sleep(0.3)
    bodies = sorted(phone.decrypt(r.body)['body'] for r in push_service.received)
    expected = (
        ['Assigned to Sam'] + [f'Before the restart {i}' for i in range(3)] + [f'While stopped {i}' for i in range(3)]
    )
    assert bodies == sorted(expected)


async def _all_sent(count: int) -> bool:
    return await PushMessage.filter(state=State.SENT).count() == count


async def test_rows_a_crashed_worker_held_are_delivered_once_its_lease_runs_out(
    taken: Ticket, technician: User, requester: User, push_service: LocalPushService, clock: FrozenClock
) -> None:
    phone = await phone_of(requester, push_service)
    await tickets.reply(taken.id, 'On it', author=technician)
    crashed = push.Worker()
    _, held = await crashed.claim(clock.now)  # claimed, then the process died before sending
    assert [r['state'] for r in await PushMessage.all().values('state')] == [State.SENDING]

    push.start_worker(poll=60.0)
    try:
        await asyncio.sleep(0.2)
        assert push_service.received == []  # someone else's, while the lease lasts
        clock.advance(seconds=push.LEASE.total_seconds() + 1)
        notifications.wake()
        [request] = await push_service.wait_for(1)
        row = await settled(held[0]['id'], attempts=2)
    finally:
        await push.stop_worker()
    assert phone.decrypt(request.body)['body'] == 'On it'
    assert (row.state, row.attempts) == (State.SENT, 2)
    await asyncio.sleep(0.1)
    assert len(push_service.received) == 1


async def test_two_workers_never_claim_the_same_row(
    people: SimpleNamespace, push_service: LocalPushService, clock: FrozenClock
) -> None:
    for p in (people.technician, people.technician2, people.manager):
        await phone_of(p, push_service)
    await notifications.set_preference(people.manager, notifications.Kind.NEW_TICKET, True)
    for i in range(10):
        await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title=f'No Wi-Fi {i}')
    a, b = push.Worker(batch=7), push.Worker(batch=7)
    ids = []
    for _ in range(4):  # both at once, each time: one wins the rows both read, the other reads on
        for _, rows in await asyncio.gather(a.claim(clock.now), b.claim(clock.now)):
            ids += [row['id'] for row in rows]
    assert len(ids) == len(set(ids)) == 30 == await PushMessage.filter(state=State.SENDING).count()


# ---- keys ----------------------------------------------------------------------------------------------------


def test_the_signing_key_is_generated_once_and_readable_only_by_the_server() -> None:
    first = push.public_key_b64()
    key_file = settings.settings.data_dir / 'vapid.pem'
    assert key_file.stat().st_mode & 0o777 == 0o600
    push._keys.clear()  # as after a restart
    assert push.public_key_b64() == first and len(unb64(first)) == 65


def test_a_configured_signing_key_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    monkeypatch.setenv('TAPDESK_VAPID_PRIVATE_KEY', b64(key.private_numbers().private_value.to_bytes(32, 'big')))
    settings.reload()
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert push.public_key_b64() == b64(public)
    assert not (settings.settings.data_dir / 'vapid.pem').exists()


# ---- retries ------------------------------------------------------------------------------------------------


def test_retry_after_is_read_in_seconds_or_as_a_date() -> None:
    assert push.parse_retry_after('120') == 120.0
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(minutes=1), usegmt=True)
    assert 55 <= (push.parse_retry_after(in_a_minute) or 0) <= 60
    assert push.parse_retry_after('soon') is None and push.parse_retry_after(None) is None


def test_backoff_doubles_with_jitter_and_honours_retry_after() -> None:
    for attempts in range(1, 9):
        delay = push.retry_delay(attempts, None)
        cap = min(push.BACKOFF_CAP, push.BACKOFF_BASE * 2 ** (attempts - 1))
        assert max(1.0, cap / 2) <= delay <= cap
    assert 300 <= push.retry_delay(1, 300) <= 305
    assert push.retry_delay(1, 10**9) <= push.RETRY_AFTER_CAP + 5


# ---- endpoint safety ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ('endpoint', 'hosts', 'message'),
    [
        ('http://fcm.googleapis.com/fcm/send/abc', None, 'must be secure (https)'),
        ('ftp://fcm.googleapis.com/fcm/send/abc', None, 'must be secure (https)'),
        ('https://push.example.com/abc', None, 'push.example.com is not a push service Tapdesk sends to'),
        ('https://fcm.googleapis.com.evil.example/abc', None, 'is not a push service Tapdesk sends to'),
        ('https://fcm.googleapis.com:8443/abc', None, 'standard https port'),
        ('https://me:pw@fcm.googleapis.com/abc', None, 'not a web address'),
        ('', None, 'no usable push address'),
        ('https://10.1.2.3/push', '10.1.2.3', 'private or local address (10.1.2.3)'),
        ('https://192.168.1.20/push', '192.168.1.20', 'private or local address (192.168.1.20)'),
        ('https://169.254.169.254/latest/meta-data', '169.254.169.254', 'private or local address (169.254.169.254)'),
        ('https://127.0.0.1/push', None, '127.0.0.1 is not a push service'),
        ('https://127.0.0.1/push', '127.0.0.1', 'private or local address (127.0.0.1)'),
        ('http://127.0.0.1:8080/push', None, 'must be secure (https)'),
        ('https://localhost/push', 'localhost', 'localhost points to a private or local address'),
    ],
)
async def test_an_endpoint_that_is_not_a_public_push_service_is_refused(
    requester: User, monkeypatch: pytest.MonkeyPatch, endpoint: str, hosts: str | None, message: str
) -> None:
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '0')  # production
    if hosts:
        monkeypatch.setenv('TAPDESK_PUSH_HOSTS', hosts)
    settings.reload()
    keys = BrowserDevice(endpoint).keys()
    with pytest.raises(Invalid, match=re.escape(message)) as refused:
        await notifications.subscribe(requester, endpoint=endpoint, keys=keys)
    assert refused.value.field == 'endpoint'
    assert await PushSubscription.all().count() == 0


async def test_loopback_endpoints_need_the_development_setting(requester: User, push_service: LocalPushService) -> None:
    phone = BrowserDevice(push_service.endpoint('dev'))
    assert (await notifications.subscribe(requester, endpoint=phone.endpoint, keys=phone.keys())).id


def test_known_push_services_pass_the_allow_list_and_look_alikes_do_not() -> None:
    for url in (
        'https://fcm.googleapis.com/fcm/send/abc',
        'https://updates.push.services.mozilla.com/wpush/v2/abc',
        'https://wns2-par02p.notify.windows.com/w/?token=abc',
        'https://web.push.apple.com/QGu1',
    ):
        assert push_addresses.endpoint_host(url)[1] == 443
    for url in ('https://evilnotify.windows.com/x', 'https://notify.windows.com.evil.example/x', 'https://apple.com/x'):
        with pytest.raises(Invalid):
            push_addresses.endpoint_host(url)


def test_every_address_a_name_resolves_to_must_be_public() -> None:
    push_addresses.check_addresses('fcm.googleapis.com', ['142.250.185.106', '2a00:1450:4001:82b::200a'])
    for addresses in (['142.250.185.106', '10.0.0.1'], ['::ffff:10.0.0.1'], ['100.64.0.1'], ['fd00::1'], ['::1'], []):
        with pytest.raises(Invalid):
            push_addresses.check_addresses('fcm.googleapis.com', addresses)


async def test_a_push_service_that_cannot_be_found_is_refused_with_a_clear_message(
    requester: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('TAPDESK_PUSH_HOSTS', 'push.tapdesk.invalid')
    settings.reload()
    keys = BrowserDevice('x').keys()
    with pytest.raises(Invalid, match='push.tapdesk.invalid could not be found'):
        await notifications.subscribe(requester, endpoint='https://push.tapdesk.invalid/x', keys=keys)
