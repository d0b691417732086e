"""After the link between instances was down (models/pg_bus.py), every open page reads everything again, once."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from nicegui.testing import User

from models import events, tickets
from models.records import Ticket

from .conftest import sign_in


async def test_an_open_ticket_page_shows_what_it_missed_when_events_may_have_been_lost(
    user: User, people: SimpleNamespace
) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Toner')
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')  # live on the ticket and on its presence: two topics, one page
    await user.should_see('Toner')
    # Changed by another instance while the link was down: no event reached this one.
    await Ticket.filter(id=ticket.id).update(title='Toner everywhere on floor 2')
    await asyncio.sleep(0.2)
    await user.should_not_see('Toner everywhere on floor 2')
    events.bus.resync()
    await user.should_see('Toner everywhere on floor 2', retries=50)  # a reload: the page is built again


async def test_a_page_has_one_re_read_subscription_and_it_goes_with_the_page(
    user: User, people: SimpleNamespace
) -> None:
    await sign_in(user, 'sam@example.com')
    before = events.bus.subscriber_count(events.RESYNC)
    await user.open('/queue')  # live on the queue three times (its lists): one re-read for the page
    client = user.client
    assert client is not None
    pages = events.bus.subscriber_count(events.RESYNC)
    assert pages == before + 1
    client.delete()
    assert events.bus.subscriber_count(events.RESYNC) == pages - 1
