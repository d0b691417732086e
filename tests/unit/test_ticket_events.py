"""A change is committed before anyone is told; a failed change tells nobody."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from models import events, tickets
from models.errors import Conflict, Invalid
from models.events import TicketChanged, bus
from models.tickets import Ticket, TicketEvent
from models.users import User


class Listener:
    """Subscribes like a page does (the bus runs an async handler as a task) and notes what it could read."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[TicketChanged, int]] = {}
        self.tasks: list[asyncio.Task[None]] = []

    def listen(self, topic: str) -> None:
        async def read(event: TicketChanged) -> None:
            # A subscriber re-reads the database: the change must already be committed.
            self.seen[topic] = event, await TicketEvent.filter(ticket_id=event.ticket_id).count()

        def handler(event: TicketChanged) -> asyncio.Task[None]:
            self.tasks.append(asyncio.ensure_future(read(event)))
            return self.tasks[-1]

        bus.subscribe(topic, handler)

    async def settle(self) -> dict[str, tuple[TicketChanged, int]]:
        """Let the loop run the handlers to the end."""
        await asyncio.sleep(0)
        async with asyncio.timeout(2):
            await asyncio.gather(*self.tasks)
        return self.seen


@pytest.fixture
def listener() -> Listener:
    return Listener()


async def test_reporting_tells_the_requesters_list_and_the_queue(
    requester: User, people: SimpleNamespace, listener: Listener
) -> None:
    listener.listen(events.user_list(requester.id))
    listener.listen(events.QUEUE)
    ticket = await tickets.create_ticket(requester=requester, service_id=people.wifi.id, title='No Wi-Fi')
    changed = TicketChanged(ticket_id=ticket.id, kind='created', requester_id=requester.id, actor_id=requester.id)
    assert await listener.settle() == {events.user_list(requester.id): (changed, 1), events.QUEUE: (changed, 1)}


async def test_a_reply_tells_the_ticket_page_the_list_and_the_queue(
    requester: User, technician: User, ticket: Ticket, listener: Listener
) -> None:
    for topic in (events.ticket(ticket.id), events.user_list(requester.id), events.QUEUE):
        listener.listen(topic)
    await tickets.reply(ticket.id, 'On it', author=technician)
    changed = TicketChanged(ticket_id=ticket.id, kind='reply', requester_id=requester.id, actor_id=technician.id)
    assert await listener.settle() == {
        events.ticket(ticket.id): (changed, 2),
        events.user_list(requester.id): (changed, 2),
        events.QUEUE: (changed, 2),
    }


async def test_other_tickets_pages_hear_nothing(technician: User, ticket: Ticket, listener: Listener) -> None:
    listener.listen(events.ticket(ticket.id + 1))
    await tickets.reply(ticket.id, 'On it', author=technician)
    assert await listener.settle() == {}


async def test_a_refused_report_publishes_nothing(requester: User, people: SimpleNamespace, listener: Listener) -> None:
    listener.listen(events.user_list(requester.id))
    listener.listen(events.QUEUE)
    with pytest.raises(Invalid):
        await tickets.create_ticket(requester=requester, service_id=people.wifi.id, title='')
    assert await listener.settle() == {}


async def test_a_refused_reply_publishes_nothing(requester: User, ticket: Ticket, listener: Listener) -> None:
    listener.listen(events.ticket(ticket.id))
    with pytest.raises(Invalid):
        await tickets.reply(ticket.id, '   ', author=requester)
    assert await listener.settle() == {}


async def test_a_lost_race_to_take_publishes_nothing(technician2: User, taken: Ticket, listener: Listener) -> None:
    listener.listen(events.QUEUE)
    with pytest.raises(Conflict):
        await tickets.take(taken.id, technician=technician2)
    assert await listener.settle() == {}


async def test_a_failing_subscriber_does_not_fail_the_write(
    requester: User, ticket: Ticket, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: TicketChanged) -> None:
        raise RuntimeError('page went away')

    bus.subscribe(events.ticket(ticket.id), broken)
    await tickets.reply(ticket.id, 'Still broken', author=requester)
    assert await TicketEvent.filter(ticket_id=ticket.id).count() == 2
    assert 'event handler failed' in caplog.text
