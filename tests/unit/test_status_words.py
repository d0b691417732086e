"""The status as each viewer reads it (DESIGN.md "Words on screen")."""

from __future__ import annotations

from datetime import timedelta

from models import tickets, users
from models.tickets import Status, Ticket
from models.users import User
from tests.conftest import FrozenClock


async def words(ticket: Ticket, viewer: User) -> str:
    return tickets.status_words(await tickets.get_for(viewer, ticket.id), viewer=viewer)


async def test_a_new_ticket_reads_received(requester: User, technician: User, ticket: Ticket) -> None:
    assert await words(ticket, requester) == 'Received'
    assert await words(ticket, technician) == 'Received'


async def test_a_taken_ticket_names_the_technicians_first_name(requester: User, taken: Ticket) -> None:
    assert await words(taken, requester) == 'Assigned to Sam'


async def test_waiting_asks_the_requester_and_tells_staff(requester: User, technician: User, taken: Ticket) -> None:
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)
    assert await words(taken, requester) == 'Waiting for your reply'
    assert await words(taken, technician) == 'Waiting for requester'


async def test_being_worked_on(requester: User, technician: User, taken: Ticket) -> None:
    await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=technician)
    assert await words(taken, requester) == 'Being worked on'


async def test_on_the_way_gives_the_arrival_in_the_viewers_time_zone(
    requester: User, technician: User, taken: Ticket, clock: FrozenClock
) -> None:
    await users.set_timezone(requester, 'Europe/Berlin')
    await tickets.set_status(taken.id, Status.ON_THE_WAY, actor=technician, eta=clock.now + timedelta(minutes=30))
    assert await words(taken, requester) == 'Sam is on the way (arrives ~10:30)'  # 09:30 UTC is 10:30 in Berlin
    assert await words(taken, technician) == 'Sam is on the way (arrives ~09:30)'


async def test_a_planned_visit_gives_day_and_window_in_the_viewers_time_zone(
    requester: User, technician: User, taken: Ticket, clock: FrozenClock
) -> None:
    await users.set_timezone(requester, 'Europe/Berlin')
    start = clock.now + timedelta(days=1, hours=5)  # Wed 25 Nov, 14:00 UTC
    await tickets.set_status(
        taken.id, Status.VISIT_PLANNED, actor=technician, visit=(start, start + timedelta(hours=2))
    )
    assert await words(taken, requester) == 'Visit planned Wed 25 Nov, 15:00–17:00'


async def test_fixed_asks_the_requester_how_we_did(requester: User, technician: User, taken: Ticket) -> None:
    await tickets.resolve(taken.id, 'New access point', actor=technician)
    assert await words(taken, requester) == 'Fixed — how did we do?'
    assert await words(taken, technician) == 'Fixed'


async def test_closed_and_reopened_read_as_such(requester: User, technician: User, taken: Ticket) -> None:
    await tickets.resolve(taken.id, 'New access point', actor=technician)
    await tickets.close(taken.id, actor=requester)
    assert await words(taken, requester) == 'Closed'
    await tickets.reopen(taken.id, 'Broken again', actor=requester)
    assert await words(taken, requester) == 'Reopened'
