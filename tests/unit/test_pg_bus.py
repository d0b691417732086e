"""The bus between instances on PostgreSQL: an event published in one reaches the others' subscribers once,
and a link whose connection is cut comes back and tells its pages to re-read."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest

from models import events, pg_bus
from models.events import Bus, PresenceChanged, PushQueued, Resync, TicketChanged
from tests.conftest import POSTGRES_URL


@pytest.fixture
def url() -> str:
    if POSTGRES_URL is None:
        if os.environ.get('CI'):
            pytest.fail('CI sets TAPDESK_TEST_POSTGRES_URL: the bus between instances is tested on PostgreSQL')
        pytest.skip('needs TAPDESK_TEST_POSTGRES_URL (the bus between instances is PostgreSQL only)')
    return POSTGRES_URL


@pytest.fixture
async def instances(url: str) -> AsyncIterator[Callable[[], tuple[Bus, pg_bus.Link]]]:
    """Make linked buses as separate instances would have, on a channel of this test's own."""
    channel = f'tapdesk_test_{uuid.uuid4().hex[:8]}'
    made: list[pg_bus.Link] = []

    def instance() -> tuple[Bus, pg_bus.Link]:
        bus = Bus()
        link = pg_bus.Link(url, bus, channel=channel)
        bus.link = link.send
        link.start()
        made.append(link)
        return bus, link

    yield instance
    for link in made:
        await link.stop()


async def until(condition: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds * 50)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError('not within the time allowed')


def recorder(bus: Bus, topic: str) -> list[events.Event]:
    seen: list[events.Event] = []
    bus.subscribe(topic, seen.append)
    return seen


async def test_an_event_published_on_one_instance_reaches_the_others_once(instances: Callable) -> None:
    (a, link_a), (b, link_b), (c, link_c) = instances(), instances(), instances()
    await until(lambda: link_a.connected and link_b.connected and link_c.connected)
    on_a, on_b, on_c = (recorder(bus, events.ticket(7)) for bus in (a, b, c))
    change = TicketChanged(ticket_id=7, kind='reply', requester_id=3, actor_id=4)
    a.publish(events.ticket(7), change)
    await until(lambda: bool(on_b) and bool(on_c))
    await asyncio.sleep(0.3)  # time for a duplicate to arrive, if one were sent
    assert on_a == on_b == on_c == [change]  # on A at once, not a second time through PostgreSQL


async def test_events_arrive_in_the_order_they_were_published(instances: Callable) -> None:
    (a, link_a), (b, link_b) = instances(), instances()
    await until(lambda: link_a.connected and link_b.connected)
    seen = recorder(b, events.QUEUE)
    sent = [TicketChanged(ticket_id=n, kind='status', requester_id=1) for n in range(1, 201)]
    for event in sent:
        a.publish(events.QUEUE, event)
    await until(lambda: len(seen) == len(sent))
    assert seen == sent


async def test_every_kind_that_travels_survives_the_trip(instances: Callable) -> None:
    (a, link_a), (b, link_b) = instances(), instances()
    await until(lambda: link_a.connected and link_b.connected)
    seen = recorder(b, 'any')
    for event in (TicketChanged(1, 'created', 2), PresenceChanged(5), PushQueued()):
        a.publish('any', event)
    await until(lambda: len(seen) == 3)
    assert seen == [TicketChanged(1, 'created', 2), PresenceChanged(5), PushQueued()]


async def test_a_cut_connection_comes_back_and_its_pages_re_read(
    instances: Callable, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_bus, 'FIRST_DELAY', 0.05)
    (a, link_a), (b, link_b) = instances(), instances()
    await until(lambda: link_a.connected and link_b.connected)
    told_to_reread = recorder(b, events.RESYNC)
    seen = recorder(b, events.ticket(9))
    killer = await asyncpg.connect(pg_bus.dsn(url))
    try:
        await killer.execute('SELECT pg_terminate_backend($1)', link_b._connection.get_server_pid())
    finally:
        await killer.close()
    await until(lambda: link_b.connects == 2 and link_b.connected)
    assert told_to_reread == [Resync()]
    assert 'terminat' in link_b.last_error.lower() or 'closed' in link_b.last_error.lower()
    a.publish(events.ticket(9), TicketChanged(9, 'reply', 1))
    await until(lambda: bool(seen))  # live updates resume
    assert link_b.state()['reconnects'] == 1


async def test_the_first_connection_does_not_ask_pages_to_re_read(instances: Callable) -> None:
    bus, link = instances()
    seen = recorder(bus, events.RESYNC)
    await until(lambda: link.connected)
    await asyncio.sleep(0.1)
    assert seen == []


async def test_a_link_that_cannot_reach_the_database_keeps_trying_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pg_bus, 'FIRST_DELAY', 0.05)
    bus = Bus()
    link = pg_bus.Link('postgres://postgres@127.0.0.1:9/nowhere', bus, channel='tapdesk_test_nowhere')
    bus.link = link.send
    link.start()
    try:
        bus.publish('t', PushQueued())  # kept for when the link is back; publishing never fails
        await until(lambda: bool(link.last_error))
        assert not link.connected and link.state()['waiting'] == 1
    finally:
        await link.stop()


# ---- payloads ---------------------------------------------------------------------------------------------


def test_payloads_are_small_and_carry_ids_only() -> None:
    payload = pg_bus.encode('abc', events.ticket(12), TicketChanged(12, 'reply', 3, 4))
    assert payload == (
        '{"o":"abc","t":"ticket:12","e":"TicketChanged",'
        '"f":{"ticket_id":12,"kind":"reply","requester_id":3,"actor_id":4}}'
    )
    assert pg_bus.decode(payload) == ('abc', 'ticket:12', TicketChanged(12, 'reply', 3, 4))


def test_a_resync_never_leaves_its_instance() -> None:
    assert pg_bus.encode('abc', events.RESYNC, Resync()) is None


@pytest.mark.parametrize(
    'payload',
    [
        '',
        'not json',
        '[]',
        '{"o":"x","t":"q","e":"Nope","f":{}}',
        '{"o":"x","t":"q","e":"PushQueued","f":{"a":1}}',
        '{"o":"x","t":3,"e":"PushQueued","f":{}}',
    ],
)
def test_anything_else_on_the_channel_is_refused(payload: str) -> None:
    with pytest.raises(ValueError):
        pg_bus.decode(payload)


def test_only_postgres_urls_get_a_link() -> None:
    assert pg_bus.start('sqlite://:memory:') is None
    assert (
        pg_bus.dsn('postgres://postgres@127.0.0.1:5432/test?minsize=2') == 'postgresql://postgres@127.0.0.1:5432/test'
    )


async def test_who_is_viewing_shows_across_instances_through_postgresql(instances: Callable) -> None:
    from models.presence import Presence

    (a, link_a), (b, link_b) = instances(), instances()
    await until(lambda: link_a.connected and link_b.connected)
    here, there = Presence(a, 'instance-a'), Presence(b, 'instance-b')
    here.share()
    there.share()
    try:
        pages_on_b = recorder(b, events.presence(7))
        here.enter(7, 'tab-1', 11, 'Sam')
        await until(lambda: there.others(7, 12) == ['Sam'])
        assert pages_on_b == [PresenceChanged(7)]
        here.leave(7, 'tab-1')
        await until(lambda: there.others(7, 12) == [])
    finally:
        await here.stop()
        await there.stop()
