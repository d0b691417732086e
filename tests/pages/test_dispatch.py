"""The dispatch board: the team's day for managers, handing jobs over and offering times by tap, live."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace

from nicegui.testing import User

from models import tickets, visits
from models.records import Status, Ticket
from models.visits import VisitWindow
from tests.conftest import FrozenClock

from .conftest import sign_in

MANAGER = 'maria@example.com'


async def report(people: SimpleNamespace, title: str, location: str = '') -> Ticket:
    return await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title=title, location=location
    )


def in_column(user: User, column: str, ticket: Ticket) -> bool:
    """Whether the card of `ticket` is in the column marked `column` right now."""
    columns = user.find(marker=f'column-{column}').elements
    return any(f'card-{ticket.id}' in e._markers for col in columns for e in col.descendants())


async def shows_in_column(user: User, column: str, ticket: Ticket) -> None:
    """Wait (up to 5 s) for the board to redraw with the card in that column."""
    for _ in range(50):
        if in_column(user, column, ticket):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f'#{ticket.id} is not in column {column}')


async def test_the_board_shows_waiting_work_and_each_technicians_day(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    waiting = await report(people, 'Toner low', 'Floor 3')
    on_the_way = await report(people, 'Jam on floor 2')
    await tickets.take(on_the_way.id, technician=people.technician)
    await tickets.set_status(
        on_the_way.id, Status.ON_THE_WAY, actor=people.technician, eta=clock.now + timedelta(minutes=25)
    )
    await sign_in(user, MANAGER)
    await user.open('/dispatch')
    await user.should_see('Dispatch board')
    await user.should_see(f'#{waiting.id} Toner low')
    await user.should_see('Printer · Floor 3 · Alex Kim')
    assert in_column(user, 'unassigned', waiting)
    assert in_column(user, f'tech-{people.technician.id}', on_the_way)
    await user.should_see(f'On the way to #{on_the_way.id}, arrives ~09:25')
    await user.should_see(marker=f'column-tech-{people.technician2.id}')  # Priya, with nothing today
    await user.should_see('Nothing booked today.')


async def test_a_missed_visit_is_highlighted(user: User, people: SimpleNamespace, clock: FrozenClock) -> None:
    ticket = await report(people, 'Scanner dead')
    await tickets.take(ticket.id, technician=people.technician)
    start = clock.now + timedelta(hours=1)
    [w] = await visits.propose(ticket.id, [(start, start + timedelta(hours=2))], actor=people.technician)
    await visits.choose(w.id, actor=people.requester)
    clock.advance(hours=4)
    await sign_in(user, MANAGER)
    await user.open('/dispatch')
    await user.should_see('Missed: nobody came in the window')
    card = user.find(marker=f'card-{ticket.id}').elements.pop()
    assert 'td-flag-missed' in card.classes


async def test_a_manager_gives_a_job_to_another_technician_with_two_taps(user: User, people: SimpleNamespace) -> None:
    ticket = await report(people, 'Jam on floor 2')
    await tickets.take(ticket.id, technician=people.technician)
    await sign_in(user, MANAGER)
    await user.open('/dispatch')
    user.find(marker=f'give-{ticket.id}').click()
    user.find(marker=f'give-to-{people.technician2.id}').click()
    await user.should_see(f'#{ticket.id} is now with Priya.')
    assert (await Ticket.get(id=ticket.id)).assignee_id == people.technician2.id
    await shows_in_column(user, f'tech-{people.technician2.id}', ticket)  # the board redraws from the change


async def test_waiting_work_is_given_out_from_the_board(user: User, people: SimpleNamespace) -> None:
    ticket = await report(people, 'Toner low')
    await sign_in(user, MANAGER)
    await user.open('/dispatch')
    user.find(marker=f'give-{ticket.id}').click()
    user.find(marker=f'give-to-{people.technician.id}').click()
    await user.should_see(f'#{ticket.id} is now with Sam.')
    taken = await Ticket.get(id=ticket.id)
    assert (taken.assignee_id, taken.status) == (people.technician.id, Status.ASSIGNED)


async def test_a_manager_offers_visit_times_from_the_board(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    ticket = await report(people, 'Jam on floor 2')
    await tickets.take(ticket.id, technician=people.technician)
    await sign_in(user, MANAGER)
    await user.open('/dispatch')
    user.find(marker=f'offer-{ticket.id}').click()
    await user.should_see('Offer times for the visit')
    user.find(marker='offer-windows').click()  # tomorrow 09:00–11:00, as the dialog suggests
    for _ in range(50):
        if await VisitWindow.filter(ticket_id=ticket.id).exists():
            break
        await asyncio.sleep(0.1)
    [offered] = await VisitWindow.filter(ticket_id=ticket.id)
    assert (offered.technician_id, offered.proposed_by_id) == (people.technician.id, people.manager.id)  # type: ignore[attr-defined]


async def test_a_job_taken_on_another_screen_moves_on_the_open_board_without_reload(
    user: User, people: SimpleNamespace
) -> None:
    ticket = await report(people, 'Toner low')
    await sign_in(user, MANAGER)
    await user.open('/dispatch')
    await user.should_see(f'#{ticket.id} Toner low')
    await tickets.take(ticket.id, technician=people.technician)
    await shows_in_column(user, f'tech-{people.technician.id}', ticket)
    await user.should_see('Nothing waiting')


async def test_arrived_on_another_screen_shows_on_the_open_board(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    ticket = await report(people, 'Jam on floor 2')
    await tickets.take(ticket.id, technician=people.technician)
    await sign_in(user, MANAGER)
    await user.open('/dispatch')
    await user.should_see(marker=f'card-{ticket.id}')
    await visits.check_in(ticket.id, actor=people.technician)
    await user.should_see(f'On site at #{ticket.id} since 09:00')


async def test_a_technician_is_told_the_board_is_for_managers(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open('/dispatch')
    await user.should_see('Only managers can see the dispatch board.')
    await user.should_not_see(marker='board')


async def test_the_board_is_in_the_managers_navigation_only(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, MANAGER)
    await user.open('/queue')
    user.find('Dispatch').click()
    await user.should_see(marker='board')


async def test_technicians_have_no_board_in_their_navigation(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open('/queue')
    await user.should_not_see('Dispatch')


async def test_a_title_with_markup_is_shown_as_text(user: User, people: SimpleNamespace) -> None:
    ticket = await report(people, '<b>bold</b> <img src=x onerror=alert(1)>')
    await sign_in(user, MANAGER)
    await user.open('/dispatch')
    await user.should_see(f'#{ticket.id} <b>bold</b> <img src=x onerror=alert(1)>')
