"""Checklist ticks and "Leaving" queued on the phone with no signal: applied once, through the same verbs."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest

from models import checklists, offline, visits
from models.catalog import Service
from models.checklists import ItemIn
from models.offline import Result
from models.records import Status, Ticket
from models.users import User
from models.visits import SiteVisit
from tests.conftest import FrozenClock
from tests.images import jpeg

CHECKS = [ItemIn('Router restarted'), ItemIn('Speed test passed', photo_required=True)]


def action(ticket: Ticket, type_: str, **payload: Any) -> offline.Action:
    return offline.parse({'id': str(uuid.uuid4()), 'ticket_id': ticket.id, 'type': type_, 'payload': payload})


@pytest.fixture
async def items(wifi: Service, manager: User) -> list[int]:
    template = await checklists.set_template(wifi.id, CHECKS, allow_override=False, actor=manager)
    return [i.id for i in template.items]


async def test_a_queued_tick_ticks_the_item_once(taken: Ticket, technician: User, items: list[int]) -> None:
    queued = action(taken, 'tick', item=items[0], note='Power cycled it')
    first = await offline.apply(technician, queued)
    again = await offline.apply(technician, queued)
    assert (first.result, again.result, again.duplicate) == (Result.APPLIED, Result.APPLIED, True)
    checklist = await checklists.checklist_for(technician, taken.id)
    assert [c.ticked for c in checklist.items] == [True, False]


async def test_a_queued_tick_with_its_photo_satisfies_a_photo_item(
    taken: Ticket, technician: User, items: list[int]
) -> None:
    photo = 'data:image/jpeg;base64,' + base64.b64encode(jpeg()).decode()
    outcome = await offline.apply(technician, action(taken, 'tick', item=items[1], photo=photo, filename='speed.jpg'))
    assert outcome.result == Result.APPLIED, outcome.sentence


async def test_a_queued_tick_of_a_photo_item_without_a_photo_is_refused_with_its_sentence(
    taken: Ticket, technician: User, items: list[int]
) -> None:
    outcome = await offline.apply(technician, action(taken, 'tick', item=items[1], note='done'))
    assert outcome.result == Result.REFUSED
    assert 'photo' in outcome.sentence and outcome.text == 'done'


async def test_ticks_then_a_queued_fix_resolve_in_order(
    taken: Ticket, technician: User, items: list[int], clock: FrozenClock
) -> None:
    photo = 'data:image/jpeg;base64,' + base64.b64encode(jpeg()).decode()
    await offline.apply(technician, action(taken, 'tick', item=items[0]))
    await offline.apply(technician, action(taken, 'tick', item=items[1], photo=photo, filename='s.jpg'))
    outcome = await offline.apply(technician, action(taken, 'resolve', summary='New router'))
    assert outcome.result == Result.APPLIED, outcome.sentence
    assert (await Ticket.get(id=taken.id)).status == Status.RESOLVED


async def test_a_queued_leaving_fixed_checks_out_and_resolves(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await visits.check_in(taken.id, actor=technician)
    clock.advance(minutes=30)
    outcome = await offline.apply(technician, action(taken, 'leaving', fixed=True, summary='Cable replaced'))
    assert outcome.result == Result.APPLIED, outcome.sentence
    [visit] = await SiteVisit.filter(ticket_id=taken.id)
    assert (visit.left_at, visit.first_visit_fix) == (clock.now, True)
    assert (await Ticket.get(id=taken.id)).status == Status.RESOLVED


async def test_a_queued_leaving_for_another_visit_keeps_the_ticket_open(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await visits.check_in(taken.id, actor=technician)
    outcome = await offline.apply(technician, action(taken, 'leaving', fixed=False))
    assert outcome.result == Result.APPLIED
    assert (await Ticket.get(id=taken.id)).status == Status.IN_PROGRESS


async def test_a_queued_leaving_fixed_without_a_summary_is_refused_and_nothing_changes(
    taken: Ticket, technician: User
) -> None:
    await visits.check_in(taken.id, actor=technician)
    outcome = await offline.apply(technician, action(taken, 'leaving', fixed=True))
    assert outcome.result == Result.REFUSED
    [visit] = await SiteVisit.filter(ticket_id=taken.id)
    assert visit.left_at is None


async def test_another_technician_cannot_tick_through_the_queue(
    taken: Ticket, technician2: User, items: list[int]
) -> None:
    outcome = await offline.apply(technician2, action(taken, 'tick', item=items[0]))
    assert outcome.result == Result.REFUSED
