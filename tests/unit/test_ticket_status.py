"""Taking, moving, resolving, reopening and closing a ticket: the status rules."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from models import tickets
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.tickets import EventKind, Status, Ticket, TicketEvent
from models.users import User
from tests.conftest import FrozenClock


async def status_of(ticket: Ticket) -> Status:
    return (await Ticket.get(id=ticket.id)).status


async def resolved(ticket: Ticket, technician: User) -> Ticket:
    return await tickets.resolve(ticket.id, 'Replaced the access point', actor=technician)


# ---- taking ------------------------------------------------------------------------------------------


async def test_taking_a_ticket_assigns_it_to_me(technician: User, ticket: Ticket) -> None:
    taken = await tickets.take(ticket.id, technician=technician)
    assert (taken.status, taken.assignee_id) == (Status.ASSIGNED, technician.id)
    last = (await tickets.timeline_for(technician, ticket.id))[-1]
    assert (last.kind, last.data) == (EventKind.ASSIGNED, {'assignee_id': technician.id, 'assignee': 'Sam Rivera'})


async def test_a_second_technician_taking_the_same_ticket_gets_a_conflict(technician2: User, taken: Ticket) -> None:
    with pytest.raises(Conflict, match='Someone else took this ticket'):
        await tickets.take(taken.id, technician=technician2)
    stored = await Ticket.get(id=taken.id)
    assert stored.assignee_id != technician2.id
    assert await TicketEvent.filter(ticket_id=taken.id, kind=EventKind.ASSIGNED).count() == 1


async def test_a_requester_cannot_take_a_ticket(requester: User, ticket: Ticket) -> None:
    with pytest.raises(Forbidden):
        await tickets.take(ticket.id, technician=requester)
    assert await status_of(ticket) == Status.NEW


async def test_taking_a_ticket_that_does_not_exist_is_not_found(technician: User, people: SimpleNamespace) -> None:
    with pytest.raises(NotFound):
        await tickets.take(404, technician=technician)


async def test_a_manager_hands_a_ticket_over_to_another_technician(
    manager: User, technician2: User, taken: Ticket
) -> None:
    handed = await tickets.assign(taken.id, assignee_id=technician2.id, actor=manager)
    assert (handed.assignee_id, handed.status) == (technician2.id, Status.ASSIGNED)


async def test_a_ticket_can_only_be_assigned_to_a_technician(manager: User, requester: User, ticket: Ticket) -> None:
    with pytest.raises(Invalid) as error:
        await tickets.assign(ticket.id, assignee_id=requester.id, actor=manager)
    assert error.value.field == 'assignee'


# ---- status rules ------------------------------------------------------------------------------------


async def test_technician_cannot_skip_a_status_rule(technician: User, ticket: Ticket) -> None:
    with pytest.raises(Invalid) as error:
        await tickets.set_status(ticket.id, Status.IN_PROGRESS, actor=technician)  # NEW: take it first
    assert error.value.field == 'status'
    assert await status_of(ticket) == Status.NEW


async def test_an_assigned_ticket_moves_to_being_worked_on(technician: User, taken: Ticket) -> None:
    moved = await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=technician)
    assert moved.status == Status.IN_PROGRESS
    last = (await tickets.timeline_for(technician, taken.id))[-1]
    assert (last.kind, last.data) == (EventKind.STATUS, {'from': 'assigned', 'to': 'in_progress'})


async def test_a_ticket_cannot_go_back_to_assigned_or_new(technician: User, taken: Ticket) -> None:
    await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=technician)
    for to in (Status.ASSIGNED, Status.NEW, Status.REOPENED):
        with pytest.raises(Invalid, match='cannot go to'):
            await tickets.set_status(taken.id, to, actor=technician)


async def test_set_status_cannot_resolve_without_a_summary(technician: User, taken: Ticket) -> None:
    with pytest.raises(Invalid) as error:
        await tickets.set_status(taken.id, Status.RESOLVED, actor=technician)
    assert error.value.field == 'resolution'
    assert await status_of(taken) == Status.ASSIGNED


async def test_a_closed_ticket_goes_nowhere(requester: User, technician: User, taken: Ticket) -> None:
    await resolved(taken, technician)
    await tickets.close(taken.id, actor=requester)
    for to in (Status.IN_PROGRESS, Status.WAITING, Status.ASSIGNED):
        with pytest.raises(Invalid):
            await tickets.set_status(taken.id, to, actor=technician)
    assert await status_of(taken) == Status.CLOSED


async def test_only_the_assignee_may_change_the_status(technician2: User, taken: Ticket) -> None:
    with pytest.raises(Forbidden, match='assigned to someone else'):
        await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=technician2)
    with pytest.raises(Forbidden):
        await tickets.resolve(taken.id, 'Fixed it for Sam', actor=technician2)
    assert await status_of(taken) == Status.ASSIGNED


async def test_a_manager_may_change_the_status_of_anyones_ticket(manager: User, taken: Ticket) -> None:
    assert (await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=manager)).status == Status.IN_PROGRESS


async def test_a_requester_cannot_change_the_status(requester: User, taken: Ticket) -> None:
    with pytest.raises(Forbidden):
        await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=requester)


async def test_waiting_counts_as_the_first_response(technician: User, taken: Ticket, clock: FrozenClock) -> None:
    clock.advance(minutes=3)
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)
    assert (await Ticket.get(id=taken.id)).first_response_at == clock.now


async def test_on_the_way_needs_an_arrival_time(technician: User, taken: Ticket) -> None:
    with pytest.raises(Invalid) as error:
        await tickets.set_status(taken.id, Status.ON_THE_WAY, actor=technician)
    assert error.value.field == 'eta'


async def test_on_the_way_refuses_an_arrival_time_in_the_past(
    technician: User, taken: Ticket, clock: FrozenClock
) -> None:
    with pytest.raises(Invalid) as error:
        await tickets.set_status(taken.id, Status.ON_THE_WAY, actor=technician, eta=clock.now - timedelta(hours=1))
    assert error.value.field == 'eta'


async def test_on_the_way_stores_the_arrival_time(technician: User, taken: Ticket, clock: FrozenClock) -> None:
    eta = clock.now + timedelta(minutes=20)
    moved = await tickets.set_status(taken.id, Status.ON_THE_WAY, actor=technician, eta=eta)
    assert (moved.status, moved.eta) == (Status.ON_THE_WAY, eta)


@pytest.mark.parametrize(
    ('start', 'end'),
    [(2, 1), (2, 2), (-3, -2)],
    ids=['ends-before-it-starts', 'empty', 'in-the-past'],
)
async def test_a_planned_visit_needs_a_sensible_window(
    technician: User, taken: Ticket, clock: FrozenClock, start: int, end: int
) -> None:
    window = (clock.now + timedelta(hours=start), clock.now + timedelta(hours=end))
    with pytest.raises(Invalid) as error:
        await tickets.set_status(taken.id, Status.VISIT_PLANNED, actor=technician, visit=window)
    assert error.value.field == 'visit'


async def test_a_planned_visit_needs_a_window_at_all(technician: User, taken: Ticket) -> None:
    with pytest.raises(Invalid, match='visit window'):
        await tickets.set_status(taken.id, Status.VISIT_PLANNED, actor=technician)


async def test_a_planned_visit_stores_its_window(technician: User, taken: Ticket, clock: FrozenClock) -> None:
    window = (clock.now + timedelta(days=1), clock.now + timedelta(days=1, hours=2))
    moved = await tickets.set_status(taken.id, Status.VISIT_PLANNED, actor=technician, visit=window)
    assert (moved.status, moved.visit_start, moved.visit_end) == (Status.VISIT_PLANNED, *window)


# ---- resolve, reopen, close ----------------------------------------------------------------------------


async def test_resolving_needs_a_summary(technician: User, taken: Ticket) -> None:
    with pytest.raises(Invalid) as error:
        await tickets.resolve(taken.id, '  ', actor=technician)
    assert error.value.field == 'resolution'
    assert await status_of(taken) == Status.ASSIGNED


async def test_resolving_records_the_fix_and_when(technician: User, taken: Ticket, clock: FrozenClock) -> None:
    clock.advance(hours=1)
    fixed = await tickets.resolve(taken.id, ' Replaced the access point ', actor=technician)
    assert (fixed.status, fixed.resolution, fixed.resolved_at, fixed.first_response_at) == (
        Status.RESOLVED,
        'Replaced the access point',
        clock.now,
        clock.now,
    )
    last = (await tickets.timeline_for(technician, taken.id))[-1]
    assert (last.kind, last.body) == (EventKind.RESOLVED, 'Replaced the access point')


async def test_an_unassigned_ticket_cannot_be_resolved(technician: User, ticket: Ticket) -> None:
    with pytest.raises(Invalid, match='Take this ticket first'):
        await tickets.resolve(ticket.id, 'Fixed', actor=technician)


async def test_the_requester_reopens_a_fixed_ticket(requester: User, technician: User, taken: Ticket) -> None:
    await resolved(taken, technician)
    reopened = await tickets.reopen(taken.id, 'Dropped again at noon', actor=requester)
    assert (reopened.status, reopened.reopen_count, reopened.resolved_at, reopened.assignee_id) == (
        Status.REOPENED,
        1,
        None,
        technician.id,
    )
    last = (await tickets.timeline_for(requester, taken.id))[-1]
    assert (last.kind, last.body) == (EventKind.REOPENED, 'Dropped again at noon')


async def test_reopening_needs_a_reason(requester: User, technician: User, taken: Ticket) -> None:
    await resolved(taken, technician)
    with pytest.raises(Invalid) as error:
        await tickets.reopen(taken.id, ' ', actor=requester)
    assert error.value.field == 'reason'


async def test_an_open_ticket_cannot_be_reopened(requester: User, taken: Ticket) -> None:
    with pytest.raises(Invalid, match='Only a fixed or closed request'):
        await tickets.reopen(taken.id, 'Still broken', actor=requester)


async def test_every_reopen_counts(requester: User, technician: User, taken: Ticket) -> None:
    for _ in range(2):
        await resolved(taken, technician)
        await tickets.reopen(taken.id, 'Broken again', actor=requester)
    assert (await Ticket.get(id=taken.id)).reopen_count == 2


async def test_the_requester_closes_a_fixed_ticket(
    requester: User, technician: User, taken: Ticket, clock: FrozenClock
) -> None:
    await resolved(taken, technician)
    clock.advance(minutes=10)
    closed = await tickets.close(taken.id, actor=requester)
    assert (closed.status, closed.closed_at) == (Status.CLOSED, clock.now)


async def test_an_open_ticket_cannot_be_closed(requester: User, taken: Ticket) -> None:
    with pytest.raises(Invalid):
        await tickets.close(taken.id, actor=requester)
    assert await status_of(taken) == Status.ASSIGNED


async def test_a_closed_ticket_can_be_reopened(requester: User, technician: User, taken: Ticket) -> None:
    await resolved(taken, technician)
    await tickets.close(taken.id, actor=requester)
    reopened = await tickets.reopen(taken.id, 'It came back', actor=requester)
    assert (reopened.status, reopened.closed_at) == (Status.REOPENED, None)


async def test_a_reopened_ticket_can_be_worked_on_again(requester: User, technician: User, taken: Ticket) -> None:
    await resolved(taken, technician)
    await tickets.reopen(taken.id, 'Broken again', actor=requester)
    assert (await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=technician)).status == Status.IN_PROGRESS


async def test_a_manager_gives_a_new_ticket_to_a_technician(manager: User, technician2: User, ticket: Ticket) -> None:
    given = await tickets.assign(ticket.id, assignee_id=technician2.id, actor=manager)
    assert (given.assignee_id, given.status) == (technician2.id, Status.ASSIGNED)
