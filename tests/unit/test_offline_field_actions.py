"""Checklist ticks and "Leaving" queued on the phone with no signal: applied once, through the same verbs."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timedelta
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


def action(ticket: Ticket, type_: str, made_at: datetime | None = None, **payload: Any) -> offline.Action:
    made = {'made_at': made_at.isoformat()} if made_at else {}
    return offline.parse({'id': str(uuid.uuid4()), 'ticket_id': ticket.id, 'type': type_, 'payload': payload, **made})


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


# ---- the times on site are when they were tapped, not when the signal came back ------------------------------------


async def test_arrived_and_leaving_kept_in_a_basement_count_the_time_on_site_as_tapped(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    set_off = clock.now
    arrived = clock.advance(minutes=20)
    left = clock.advance(minutes=45)
    clock.advance(minutes=30)  # the signal returns half an hour after leaving: all three are sent now
    for queued in (
        action(taken, 'on_the_way', made_at=set_off, minutes=15),
        action(taken, 'arrived', made_at=arrived),
        action(taken, 'leaving', made_at=left, fixed=False),
    ):
        assert (await offline.apply(technician, queued)).result == Result.APPLIED
    [visit] = await SiteVisit.filter(ticket_id=taken.id)
    assert (visit.set_off_at, visit.arrived_at, visit.left_at) == (set_off, arrived, left)
    assert await visits.time_on_site(technician, taken.id) == timedelta(minutes=45)


async def test_a_phone_clock_before_setting_off_or_in_the_future_is_not_believed(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await offline.apply(technician, action(taken, 'on_the_way', minutes=15))
    set_off = clock.now
    clock.advance(minutes=10)
    await offline.apply(technician, action(taken, 'arrived', made_at=set_off - timedelta(hours=1)))
    clock.advance(minutes=10)
    await offline.apply(technician, action(taken, 'leaving', made_at=clock.now + timedelta(hours=2), fixed=False))
    [visit] = await SiteVisit.filter(ticket_id=taken.id)
    assert (visit.arrived_at, visit.left_at) == (set_off, clock.now)


async def test_arrived_kept_for_a_planned_visit_checks_in(taken: Ticket, technician: User, clock: FrozenClock) -> None:
    start = clock.now + timedelta(hours=1)
    [window] = await visits.propose(taken.id, [(start, start + timedelta(hours=2))], actor=technician)
    await visits.choose(window.id, actor=await User.get(id=taken.requester_id))
    clock.advance(hours=1, minutes=5)
    assert (await offline.apply(technician, action(taken, 'arrived'))).result == Result.APPLIED
    [visit] = await SiteVisit.filter(ticket_id=taken.id)
    assert (visit.arrived_at, visit.window_id) == (clock.now, window.id)
    assert (await Ticket.get(id=taken.id)).status == Status.IN_PROGRESS


async def test_arrived_kept_with_the_phones_position_records_where(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    here = {'latitude': 53.3478, 'longitude': -6.199, 'accuracy': 25}
    assert (await offline.apply(technician, action(taken, 'arrived', position=here))).result == Result.APPLIED
    [visit] = await SiteVisit.filter(ticket_id=taken.id)
    assert (visit.latitude, visit.longitude, visit.accuracy_m) == (53.3478, -6.199, 25)


async def test_arrived_kept_with_a_position_that_is_no_place_checks_in_without_one(
    taken: Ticket, technician: User
) -> None:
    nowhere = {'latitude': 'here', 'longitude': 500}
    assert (await offline.apply(technician, action(taken, 'arrived', position=nowhere))).result == Result.APPLIED
    [visit] = await SiteVisit.filter(ticket_id=taken.id)
    assert (visit.arrived_at is not None, visit.latitude) == (True, None)
