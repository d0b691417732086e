"""The technicians' queue: views, filters and search."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from models import catalog, queue, sla, tickets
from models.catalog import Priority
from models.errors import Forbidden
from models.tickets import QueueView, Ticket
from models.users import User
from tests.conftest import FrozenClock


@pytest.fixture
async def board(people: SimpleNamespace, clock: FrozenClock) -> SimpleNamespace:
    """Four tickets: one unassigned, one Sam's, one Priya's, one fixed."""

    async def report(title: str, service: catalog.Service, details: str = '') -> Ticket:
        clock.advance(minutes=1)
        return await tickets.create_ticket(
            requester=people.requester, service_id=service.id, title=title, details=details
        )

    board = SimpleNamespace(
        loose=await report('Wi-Fi drops in room 3', people.wifi, 'Every ten minutes'),
        sams=await report('Printer jams on floor 2', people.printer, 'Paper tray B'),
        priyas=await report('Printer out of toner', people.printer),
        fixed=await report('Wi-Fi password forgotten', people.wifi),
    )
    await tickets.take(board.sams.id, technician=people.technician)
    await tickets.take(board.priyas.id, technician=people.technician2)
    await tickets.take(board.fixed.id, technician=people.technician)
    await tickets.resolve(board.fixed.id, 'Told them the password', actor=people.technician)
    return board


async def titles(viewer: User, **filters: object) -> list[str]:
    return [t.title for t in await tickets.queue(viewer, **filters)]  # type: ignore[arg-type]


async def test_unassigned_shows_only_tickets_nobody_took(technician: User, board: SimpleNamespace) -> None:
    assert await titles(technician, view=QueueView.UNASSIGNED) == ['Wi-Fi drops in room 3']


async def test_mine_shows_my_open_tickets(technician: User, technician2: User, board: SimpleNamespace) -> None:
    assert await titles(technician, view=QueueView.MINE) == ['Printer jams on floor 2']
    assert await titles(technician2, view=QueueView.MINE) == ['Printer out of toner']


async def test_open_shows_every_open_ticket_oldest_first(technician: User, board: SimpleNamespace) -> None:
    assert await titles(technician, view=QueueView.OPEN) == [
        'Wi-Fi drops in room 3',
        'Printer jams on floor 2',
        'Printer out of toner',
    ]


async def test_urgent_tickets_come_first(
    manager: User, technician: User, people: SimpleNamespace, board: SimpleNamespace
) -> None:
    await catalog.save_service(
        actor=manager,
        service_id=people.printer.id,
        name='Printer',
        icon='print',
        default_priority=Priority.URGENT,
        category_ids=[people.staff.id],
    )
    await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Printer smokes')
    assert (await titles(technician, view=QueueView.OPEN))[0] == 'Printer smokes'


async def test_the_queue_filters_by_service(technician: User, people: SimpleNamespace, board: SimpleNamespace) -> None:
    assert await titles(technician, view=QueueView.OPEN, service_id=people.wifi.id) == ['Wi-Fi drops in room 3']


async def test_the_queue_filters_by_priority(
    manager: User, technician: User, people: SimpleNamespace, board: SimpleNamespace
) -> None:
    await catalog.save_service(
        actor=manager,
        service_id=people.wifi.id,
        name='Wi-Fi',
        icon='wifi',
        default_priority=Priority.HIGH,
        category_ids=[people.staff.id],
    )
    await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='Whole floor offline')
    assert await titles(technician, view=QueueView.OPEN, priority=Priority.HIGH) == ['Whole floor offline']


@pytest.mark.parametrize('search', ['#{id}', '{id}', ' #{id} '])
async def test_the_queue_finds_a_ticket_by_its_number(technician: User, board: SimpleNamespace, search: str) -> None:
    found = await tickets.queue(technician, view=QueueView.OPEN, search=search.format(id=board.priyas.id))
    assert [t.id for t in found] == [board.priyas.id]


async def test_the_queue_finds_tickets_by_all_the_words(technician: User, board: SimpleNamespace) -> None:
    assert await titles(technician, view=QueueView.OPEN, search='printer') == [
        'Printer jams on floor 2',
        'Printer out of toner',
    ]
    assert await titles(technician, view=QueueView.OPEN, search='PRINTER tray') == ['Printer jams on floor 2']
    assert await titles(technician, view=QueueView.OPEN, search='printer wifi') == []


async def test_a_finished_ticket_is_not_in_the_queue(technician: User, board: SimpleNamespace) -> None:
    assert await titles(technician, view=QueueView.OPEN, search='password') == []


async def test_queue_item_says_whether_one_ticket_belongs_in_a_view(technician: User, board: SimpleNamespace) -> None:
    assert await tickets.queue_item(technician, board.loose.id, view=QueueView.UNASSIGNED) is not None
    assert await tickets.queue_item(technician, board.sams.id, view=QueueView.UNASSIGNED) is None


async def test_requesters_have_no_queue(requester: User, board: SimpleNamespace) -> None:
    with pytest.raises(Forbidden):
        await tickets.queue(requester)


# ---- the queue as it opens: late first (models/queue.py) -------------------------------------------


async def test_an_overdue_low_priority_ticket_opens_the_queue_behind_a_full_page_of_urgent_ones(
    people: SimpleNamespace, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue, 'ROWS', 3)
    await sla.set_target(
        actor=people.manager,
        service_id=people.printer.id,
        priority=Priority.LOW,
        first_response_minutes=60,
        resolution_minutes=None,
    )
    late = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Old one')
    await Ticket.filter(id=late.id).update(priority=Priority.LOW)
    urgent = []
    for n in range(4):
        clock.advance(minutes=1)
        t = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title=f'Urgent {n}')
        await Ticket.filter(id=t.id).update(priority=Priority.HIGH)
        urgent.append(t.id)
    clock.advance(hours=2)  # the low-priority one is an hour past its reply target

    shown, levels = await queue.first_rows(people.technician, now=clock.now)

    assert [t.id for t in shown] == [late.id, *urgent[:2]]
    assert levels[late.id].state == sla.SlaState.BREACHED


async def test_a_requester_gets_no_service_levels_from_the_domain(people: SimpleNamespace, clock: FrozenClock) -> None:
    t = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='Slow')
    assert await sla.levels_for(people.requester, [t], clock.now) == {}
    assert await sla.due_for(people.requester, t, clock.now) is None
    assert await sla.due_for(people.technician, t, clock.now) is not None


async def test_only_the_assignee_or_a_manager_may_move_a_ticket_along(
    board: SimpleNamespace, people: SimpleNamespace
) -> None:
    sams = await Ticket.get(id=board.sams.id)
    assert tickets.next_moves(people.technician, sams)
    assert tickets.next_moves(people.manager, sams)
    assert tickets.next_moves(people.technician2, sams) == set()
    assert tickets.next_moves(people.requester, sams) == set()
    loose = await Ticket.get(id=board.loose.id)
    assert tickets.may_take(people.technician2, loose) and not tickets.may_take(people.requester, loose)
    assert not tickets.may_take(people.technician2, sams)


async def test_internal_notes_stay_with_staff_whoever_asks_for_the_timeline(
    board: SimpleNamespace, people: SimpleNamespace
) -> None:
    await tickets.reply(board.sams.id, 'Tray B hinge is cracked', author=people.technician, internal=True)
    staff = await tickets.timeline_of(board.sams.id, tickets.audience(people.manager))
    theirs = await tickets.timeline_of(board.sams.id, tickets.audience(people.requester))
    assert any(e.internal for e in staff) and not any(e.internal for e in theirs)
