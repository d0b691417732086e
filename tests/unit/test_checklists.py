"""Checklists that gate the fix: templates, ticks, and the gate on every path that resolves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import changes, checklists, followups, photos, tickets
from models.actors import SYSTEM
from models.catalog import Service
from models.checklists import ItemIn
from models.errors import Conflict, Forbidden, Invalid
from models.followups import Job, JobKind, JobState
from models.tickets import Attachment, EventKind, Status, Ticket, TicketEvent
from models.users import User
from tests.conftest import FrozenClock
from tests.images import jpeg

WIFI_CHECKS = [
    ItemIn('Access point lights checked'),
    ItemIn('Speed test passed', photo_required=True),
    ItemIn('Spare cable left on site', required=False),
]


@pytest.fixture
async def wifi_checklist(wifi: Service, manager: User) -> list[int]:
    """The Wi-Fi service's checklist; returns its item ids in order."""
    template = await checklists.set_template(wifi.id, WIFI_CHECKS, allow_override=False, actor=manager)
    return [i.id for i in template.items]


async def allow_override(wifi: Service, manager: User) -> None:
    await checklists.set_template(wifi.id, WIFI_CHECKS, allow_override=True, actor=manager)


def a_photo() -> photos.PhotoIn:
    return photos.PhotoIn(jpeg(), 'speed.jpg')


async def tick_required(ticket: Ticket, items: list[int], actor: User) -> None:
    await checklists.tick(ticket.id, items[0], actor=actor)
    await checklists.tick(ticket.id, items[1], actor=actor, photo=a_photo())


# ---- templates ----------------------------------------------------------------------------------


async def test_a_manager_sets_a_services_checklist_in_order(wifi: Service, manager: User) -> None:
    template = await checklists.set_template(
        wifi.id,
        [ItemIn('  Lights   checked '), ItemIn('Photo of the rack', photo_required=True)],
        allow_override=True,
        actor=manager,
    )
    assert [(i.text, i.required, i.photo_required) for i in template.items] == [
        ('Lights checked', True, False),
        ('Photo of the rack', True, True),
    ]
    assert template.allow_override


async def test_only_managers_change_checklists(wifi: Service, technician: User, requester: User) -> None:
    for person in (technician, requester):
        with pytest.raises(Forbidden):
            await checklists.set_template(wifi.id, WIFI_CHECKS, allow_override=False, actor=person)


@pytest.mark.parametrize(
    ('items', 'words'),
    [
        ([ItemIn('x' * 121)], 'under 120 characters'),
        ([ItemIn('\u200b  ')], 'needs some words'),
        ([ItemIn('Cables'), ItemIn('cables ')], 'twice'),
        ([ItemIn(f'Check {n}') for n in range(31)], 'Up to 30'),
    ],
)
async def test_a_checklist_is_validated(wifi: Service, manager: User, items: list[ItemIn], words: str) -> None:
    with pytest.raises(Invalid, match=words):
        await checklists.set_template(wifi.id, items, allow_override=False, actor=manager)


async def test_an_empty_list_removes_the_checklist(wifi: Service, manager: User, wifi_checklist: list[int]) -> None:
    await checklists.set_template(wifi.id, [], allow_override=False, actor=manager)
    assert (await checklists.template_of(wifi.id)).items == []


# ---- ticking ----------------------------------------------------------------------------------


async def test_the_assignee_ticks_an_item_with_a_note_on_a_staff_only_line(
    taken: Ticket, technician: User, wifi_checklist: list[int], clock: FrozenClock
) -> None:
    check = await checklists.tick(taken.id, wifi_checklist[0], actor=technician, note='All green')
    assert (check.ticked_at, check.ticked_by, check.note) == (clock.now, 'Sam Rivera', 'All green')
    line = await TicketEvent.get(ticket_id=taken.id, kind=EventKind.CHECKLIST)
    assert (line.internal, line.body, line.data) == (
        True,
        'All green',
        {'action': 'tick', 'item': 'Access point lights checked'},
    )


async def test_unticking_takes_the_tick_back(taken: Ticket, technician: User, wifi_checklist: list[int]) -> None:
    await checklists.tick(taken.id, wifi_checklist[0], actor=technician)
    check = await checklists.untick(taken.id, wifi_checklist[0], actor=technician)
    assert not check.ticked
    assert not (await checklists.checklist_for(technician, taken.id)).items[0].ticked


async def test_the_requester_and_another_technician_cannot_tick(
    taken: Ticket, requester: User, technician2: User, wifi_checklist: list[int]
) -> None:
    for person in (requester, technician2):
        with pytest.raises(Forbidden):
            await checklists.tick(taken.id, wifi_checklist[0], actor=person)


async def test_a_manager_may_tick_someone_elses_job(taken: Ticket, manager: User, wifi_checklist: list[int]) -> None:
    assert (await checklists.tick(taken.id, wifi_checklist[0], actor=manager)).ticked


async def test_a_finished_ticket_cannot_be_ticked(
    taken: Ticket, technician: User, manager: User, wifi: Service, wifi_checklist: list[int]
) -> None:
    await checklists.set_template(wifi.id, [ItemIn('Optional', required=False)], allow_override=False, actor=manager)
    item = (await checklists.template_of(wifi.id)).items[0].id
    await tickets.resolve(taken.id, 'Done', actor=technician)
    with pytest.raises(Invalid, match='finished'):
        await checklists.tick(taken.id, item, actor=technician)


async def test_a_photo_required_item_needs_a_photo_which_lands_on_the_timeline(
    taken: Ticket, technician: User, wifi_checklist: list[int]
) -> None:
    with pytest.raises(Invalid, match='needs a photo'):
        await checklists.tick(taken.id, wifi_checklist[1], actor=technician)
    check = await checklists.tick(taken.id, wifi_checklist[1], actor=technician, photo=a_photo())
    photo = await Attachment.get(id=check.photo_id)
    line = await TicketEvent.get(id=photo.event_id)
    assert (line.kind, photo.internal, photo.ticket_id) == (EventKind.CHECKLIST, True, taken.id)


async def test_ticking_twice_says_someone_was_first(taken: Ticket, technician: User, wifi_checklist: list[int]) -> None:
    await checklists.tick(taken.id, wifi_checklist[0], actor=technician)
    with pytest.raises(Conflict, match='ticked a moment ago'):
        await checklists.tick(taken.id, wifi_checklist[0], actor=technician)


async def test_a_started_job_keeps_its_checklist_when_the_template_changes(
    taken: Ticket, technician: User, manager: User, wifi: Service, wifi_checklist: list[int], people: object
) -> None:
    await checklists.tick(taken.id, wifi_checklist[0], actor=technician)
    await checklists.set_template(wifi.id, [ItemIn('Something new')], allow_override=False, actor=manager)
    started = await checklists.checklist_for(technician, taken.id)
    assert [c.text for c in started.items] == [i.text for i in WIFI_CHECKS]
    fresh = await tickets.create_ticket(requester=people.requester, service_id=wifi.id, title='Slow Wi-Fi')  # type: ignore[attr-defined]
    assert [c.text for c in (await checklists.checklist_for(technician, fresh.id)).items] == ['Something new']


# ---- the gate -------------------------------------------------------------------------------------


async def test_the_gate_is_registered_before_every_other_step() -> None:
    """Without it no fix would be refused; it must run before notifications and ratings see the fix."""
    assert changes.step_names()[0] == 'models.checklists.gate'


async def test_a_technician_cannot_resolve_with_a_required_item_unticked(
    taken: Ticket, technician: User, wifi_checklist: list[int]
) -> None:
    await checklists.tick(taken.id, wifi_checklist[0], actor=technician)
    with pytest.raises(Invalid, match='Tick these checks before resolving: "Speed test passed"') as refused:
        await tickets.resolve(taken.id, 'New access point', actor=technician)
    assert refused.value.field == 'checklist'
    ticket = await Ticket.get(id=taken.id)
    assert ticket.status == Status.ASSIGNED and not await TicketEvent.exists(
        ticket_id=taken.id, kind=EventKind.RESOLVED
    )


async def test_a_ticket_nobody_ticked_is_held_by_the_current_template(
    taken: Ticket, technician: User, wifi_checklist: list[int]
) -> None:
    with pytest.raises(Invalid, match='"Access point lights checked", "Speed test passed"'):
        await tickets.resolve(taken.id, 'New access point', actor=technician)


async def test_a_manager_cannot_resolve_past_the_checklist_either(
    taken: Ticket, manager: User, wifi_checklist: list[int]
) -> None:
    with pytest.raises(Invalid, match='Tick these checks'):
        await tickets.resolve(taken.id, 'Fixed it myself', actor=manager)


async def test_resolving_works_once_every_required_item_is_ticked(
    taken: Ticket, technician: User, wifi_checklist: list[int]
) -> None:
    await tick_required(taken, wifi_checklist, technician)
    ticket = await tickets.resolve(taken.id, 'New access point', actor=technician)
    assert ticket.status == Status.RESOLVED


async def test_the_auto_resolve_is_refused_and_tells_the_assignee(
    taken: Ticket, technician: User, wifi_checklist: list[int], clock: FrozenClock
) -> None:
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)
    await followups.run_due(clock.advance(days=7))
    assert (await Ticket.get(id=taken.id)).status == Status.WAITING
    job = await Job.get(ticket_id=taken.id, kind=JobKind.WAITING_RESOLVE)
    assert job.state == JobState.CANCELLED
    told = await TicketEvent.filter(ticket_id=taken.id, kind=EventKind.REMINDER).order_by('-id').first()
    assert told is not None and told.internal and told.data['to'] == technician.id
    assert 'was not resolved automatically' in told.body and '"Speed test passed"' in told.body


async def test_tapdesk_itself_has_no_reason_to_give_even_where_overrides_are_allowed(
    taken: Ticket, manager: User, wifi: Service, wifi_checklist: list[int]
) -> None:
    await allow_override(wifi, manager)
    with pytest.raises(Invalid, match='resolve anyway with a reason'):
        await tickets.resolve(taken.id, 'Nobody answered', actor=SYSTEM)


async def test_an_override_needs_a_service_that_allows_it(
    taken: Ticket, technician: User, wifi_checklist: list[int]
) -> None:
    with pytest.raises(Invalid, match='Tick these checks'):
        await tickets.resolve(taken.id, 'Fixed', actor=technician, override_reason='Speed test site was down')


async def test_an_override_needs_a_reason(
    taken: Ticket, technician: User, manager: User, wifi: Service, wifi_checklist: list[int]
) -> None:
    await allow_override(wifi, manager)
    with pytest.raises(Invalid, match='resolve anyway with a reason') as refused:
        await tickets.resolve(taken.id, 'Fixed', actor=technician, override_reason=' \u200b ')
    assert refused.value.field == 'override_reason'


async def test_an_override_with_a_reason_resolves_and_is_recorded_for_staff_and_managers(
    taken: Ticket, technician: User, manager: User, wifi: Service, wifi_checklist: list[int], clock: FrozenClock
) -> None:
    await allow_override(wifi, manager)
    await checklists.tick(taken.id, wifi_checklist[0], actor=technician)
    ticket = await tickets.resolve(taken.id, 'Fixed', actor=technician, override_reason='Speed test site was down')
    assert ticket.status == Status.RESOLVED
    line = await TicketEvent.get(
        ticket_id=taken.id, kind=EventKind.CHECKLIST, data__not={}, body='Speed test site was down'
    )
    assert line.internal and line.data == {'action': 'override', 'unticked': ['Speed test passed']}
    [seen] = await checklists.overrides(
        manager, since=clock.now - timedelta(days=1), until=clock.now + timedelta(days=1)
    )
    assert (seen.ticket_id, seen.actor_id, seen.reason, seen.unticked) == (
        taken.id,
        technician.id,
        'Speed test site was down',
        ['Speed test passed'],
    )


async def test_only_managers_read_overrides(technician: User, clock: FrozenClock) -> None:
    with pytest.raises(Forbidden):
        await checklists.overrides(technician, since=clock.now, until=clock.now)


async def test_the_requester_reads_what_was_checked_in_plain_words(
    taken: Ticket, technician: User, requester: User, wifi_checklist: list[int]
) -> None:
    await tick_required(taken, wifi_checklist, technician)
    await tickets.resolve(taken.id, 'New access point', actor=technician)
    assert await checklists.summary_for(requester, taken.id) == ['Access point lights checked', 'Speed test passed']
    assert not [e for e in await tickets.timeline_for(requester, taken.id) if e.kind == EventKind.CHECKLIST]


async def test_the_requester_does_not_see_the_staff_checklist(
    taken: Ticket, requester: User, wifi_checklist: list[int]
) -> None:
    with pytest.raises(Forbidden):
        await checklists.checklist_for(requester, taken.id)


async def test_moving_or_switching_an_item_keeps_it_rewording_makes_a_new_one(
    wifi: Service, manager: User, wifi_checklist: list[int]
) -> None:
    moved = [ItemIn('Speed test passed'), ItemIn('Access point lights checked', required=False), ItemIn('Cable left')]
    template = await checklists.set_template(wifi.id, moved, allow_override=True, actor=manager)
    assert [i.id for i in template.items][:2] == [wifi_checklist[1], wifi_checklist[0]]
    assert template.items[2].id not in wifi_checklist and not template.items[1].required
