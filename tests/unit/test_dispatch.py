"""The dispatch board: unassigned work and each technician's today, what they do now, missed and late visits."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from models import dispatch, followups, sla, tickets, users, visits
from models.catalog import Priority
from models.dispatch import Board, Column, Doing, Flag
from models.errors import Forbidden
from models.records import Status, Ticket
from models.users import Role, User
from tests.conftest import FrozenClock


async def job(people: SimpleNamespace, title: str, technician: User | None = None) -> Ticket:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title=title)
    if technician is not None:
        await tickets.take(ticket.id, technician=technician)
    return ticket


async def booked(people: SimpleNamespace, ticket: Ticket, in_hours: float, clock: FrozenClock) -> visits.VisitWindow:
    """The ticket's technician offers one two-hour window starting `in_hours` from now; Alex chooses it."""
    start = clock.now + timedelta(hours=in_hours)
    technician = await User.get(id=(await Ticket.get(id=ticket.id)).assignee_id)
    [offered] = await visits.propose(ticket.id, [(start, start + timedelta(hours=2))], actor=technician)
    return await visits.choose(offered.id, actor=people.requester)


async def read(people: SimpleNamespace, clock: FrozenClock) -> Board:
    return await dispatch.board(people.manager, now=clock.now)


def column(board: Board, person: User) -> Column:
    [found] = [c for c in board.columns if c.technician.id == person.id]
    return found


def titles(cards: list[dispatch.Card]) -> list[str]:
    return [c.ticket.title for c in cards]


# ---- who may see it ------------------------------------------------------------------------------------------


async def test_a_technician_cannot_see_the_dispatch_board(people: SimpleNamespace, clock: FrozenClock) -> None:
    with pytest.raises(Forbidden, match='Only managers'):
        await dispatch.board(people.technician, now=clock.now)


async def test_a_requester_cannot_see_the_dispatch_board(people: SimpleNamespace, clock: FrozenClock) -> None:
    with pytest.raises(Forbidden):
        await dispatch.board(people.requester, now=clock.now)


# ---- unassigned work -----------------------------------------------------------------------------------------


async def test_unassigned_work_is_late_first_then_priority_then_oldest(
    people: SimpleNamespace, clock: FrozenClock
) -> None:
    await sla.set_target(
        actor=people.manager,
        service_id=people.printer.id,
        priority=Priority.LOW,
        first_response_minutes=60,
        resolution_minutes=None,
    )
    late = await job(people, 'Low but late')
    await Ticket.filter(id=late.id).update(priority=Priority.LOW)
    clock.advance(minutes=1)
    older = await job(people, 'Normal, older')
    clock.advance(minutes=1)
    newer = await job(people, 'Normal, newer')
    clock.advance(minutes=1)
    urgent = await job(people, 'Urgent')
    await Ticket.filter(id=urgent.id).update(priority=Priority.URGENT)
    await job(people, 'Taken', people.technician)
    clock.advance(hours=2)

    board = await read(people, clock)

    assert [c.ticket.id for c in board.unassigned] == [late.id, urgent.id, older.id, newer.id]
    assert board.unassigned[0].job.due is not None and board.unassigned[0].job.due.state == sla.SlaState.BREACHED


# ---- a column per technician ---------------------------------------------------------------------------------


async def test_every_active_technician_has_a_column_even_with_nothing_today(
    people: SimpleNamespace, clock: FrozenClock
) -> None:
    gone = await users.create_user(
        email='gone@example.com', name='Gary Gone', password='long enough', role=Role.TECHNICIAN, actor=people.manager
    )
    await users.update_user(gone.id, actor=people.manager, is_active=False)

    board = await read(people, clock)

    assert [c.technician.name for c in board.columns] == ['Priya Shah', 'Sam Rivera']
    assert [(c.doing, c.now_words, c.cards, c.undated) for c in board.columns] == [(Doing.FREE, 'Free', [], [])] * 2


async def test_a_manager_with_work_of_their_own_gets_a_column_too(people: SimpleNamespace, clock: FrozenClock) -> None:
    await job(people, 'Boardroom screen', people.manager)
    board = await read(people, clock)
    assert [c.technician.name for c in board.columns] == ['Maria Lopez', 'Priya Shah', 'Sam Rivera']


async def test_a_technicians_today_is_in_visit_order_then_work_with_no_date_and_later_visits_are_counted(
    people: SimpleNamespace, clock: FrozenClock
) -> None:
    afternoon = await job(people, 'Afternoon visit', people.technician)
    morning = await job(people, 'Morning visit', people.technician)
    tomorrow = await job(people, 'Tomorrow visit', people.technician)
    await job(people, 'No date yet', people.technician)
    await booked(people, afternoon, 5, clock)
    await booked(people, morning, 1, clock)
    await booked(people, tomorrow, 24, clock)
    await job(people, 'Priya job', people.technician2)

    sams = column(await read(people, clock), people.technician)

    assert titles(sams.cards) == ['Morning visit', 'Afternoon visit']
    assert (titles(sams.undated), sams.booked_later) == (['No date yet'], 1)
    assert [c.flag for c in sams.cards] == [None, None]


# ---- right now -----------------------------------------------------------------------------------------------


async def test_on_the_way_says_where_to_and_when_in_the_viewers_time_zone(
    people: SimpleNamespace, clock: FrozenClock
) -> None:
    await users.set_timezone(people.manager, 'Europe/Berlin')  # UTC+1 in November
    ticket = await job(people, 'Jam', people.technician)
    await tickets.set_status(
        ticket.id, Status.ON_THE_WAY, actor=people.technician, eta=clock.now + timedelta(minutes=25)
    )

    sams = column(await read(people, clock), people.technician)

    assert (sams.doing, sams.now_words) == (Doing.ON_THE_WAY, f'On the way to #{ticket.id}, arrives ~10:25')


async def test_on_site_says_where_and_since_when(people: SimpleNamespace, clock: FrozenClock) -> None:
    ticket = await job(people, 'Jam', people.technician)
    clock.advance(minutes=40)
    await visits.check_in(ticket.id, actor=people.technician)
    clock.advance(minutes=30)

    sams = column(await read(people, clock), people.technician)

    assert (sams.doing, sams.now_words) == (Doing.ON_SITE, f'On site at #{ticket.id} since 09:40')
    assert titles(sams.cards) == ['Jam']


# ---- missed and late visits ----------------------------------------------------------------------------------


async def test_an_arrival_time_that_passed_is_late(people: SimpleNamespace, clock: FrozenClock) -> None:
    ticket = await job(people, 'Jam', people.technician)
    await tickets.set_status(
        ticket.id, Status.ON_THE_WAY, actor=people.technician, eta=clock.now + timedelta(minutes=25)
    )
    clock.advance(minutes=40)

    [card] = column(await read(people, clock), people.technician).cards

    assert (card.flag, card.flag_words) == (Flag.LATE, 'Late: was due ~09:25')


async def test_a_window_begun_with_nobody_on_the_way_is_late(people: SimpleNamespace, clock: FrozenClock) -> None:
    ticket = await job(people, 'Jam', people.technician)
    await booked(people, ticket, 1, clock)
    clock.advance(hours=1, minutes=5)

    [card] = column(await read(people, clock), people.technician).cards

    assert card.flag == Flag.LATE


async def test_on_the_way_in_time_is_not_late(people: SimpleNamespace, clock: FrozenClock) -> None:
    ticket = await job(people, 'Jam', people.technician)
    await booked(people, ticket, 1, clock)
    clock.advance(hours=1, minutes=5)
    await tickets.set_status(
        ticket.id, Status.ON_THE_WAY, actor=people.technician, eta=clock.now + timedelta(minutes=20)
    )

    [card] = column(await read(people, clock), people.technician).cards

    assert card.flag is None


async def test_a_window_over_with_nobody_coming_is_missed_at_once(people: SimpleNamespace, clock: FrozenClock) -> None:
    ticket = await job(people, 'Jam', people.technician)
    await booked(people, ticket, 1, clock)
    clock.advance(hours=3, minutes=14)
    [card] = column(await read(people, clock), people.technician).cards
    assert card.flag == Flag.LATE  # within the grace the visits module gives

    clock.advance(minutes=1)
    [card] = column(await read(people, clock), people.technician).cards
    assert (card.flag, card.flag_words) == (Flag.MISSED, 'Missed: nobody came in the window')


async def test_a_missed_visit_stays_on_today_with_its_window_after_the_follow_up_marked_it(
    people: SimpleNamespace, clock: FrozenClock
) -> None:
    ticket = await job(people, 'Jam', people.technician)
    chosen = await booked(people, ticket, 1, clock)
    clock.advance(hours=4)
    await followups.run_due(clock.now)
    assert (await Ticket.get(id=ticket.id)).status == Status.IN_PROGRESS  # no longer a planned visit

    [card] = column(await read(people, clock), people.technician).cards

    assert (card.ticket.id, card.flag) == (ticket.id, Flag.MISSED)
    assert column(await read(people, clock), people.technician).undated == []  # not twice
    assert card.job.window is not None and card.job.window.id == chosen.id


async def test_a_missed_visit_rebooked_for_tomorrow_leaves_today(people: SimpleNamespace, clock: FrozenClock) -> None:
    ticket = await job(people, 'Jam', people.technician)
    await booked(people, ticket, 1, clock)
    clock.advance(hours=4)
    await followups.run_due(clock.now)
    await booked(people, ticket, 24, clock)

    sams = column(await read(people, clock), people.technician)

    assert (sams.cards, sams.undated, sams.booked_later) == ([], [], 1)


async def test_technicians_with_missed_then_late_visits_come_first(people: SimpleNamespace, clock: FrozenClock) -> None:
    names = lambda board: [c.technician.name for c in board.columns]  # noqa: E731
    assert names(await read(people, clock)) == ['Priya Shah', 'Sam Rivera']  # by name when all is well
    await booked(people, await job(people, 'Jam', people.technician), 1, clock)  # Sam: 1 h to 3 h from now
    await booked(people, await job(people, 'Toner', people.technician2), 3.5, clock)  # Priya: 3.5 h to 5.5 h
    clock.advance(hours=1, minutes=30)
    assert names(await read(people, clock)) == ['Sam Rivera', 'Priya Shah']  # Sam's window began: late
    clock.advance(hours=2, minutes=1)
    board = await read(people, clock)
    assert [[c.flag for c in col.cards] for col in board.columns] == [[Flag.MISSED], [Flag.LATE]]
    assert names(board) == ['Sam Rivera', 'Priya Shah']  # a missed visit before a late one
