"""Visits: windows offered and chosen, the way there, time on site, first-visit fixes and missed visits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models import followups, settings, tickets, visits
from models.catalog import Service
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.notifications import Kind, PushMessage, subscribe
from models.position import Position
from models.records import EventKind, Status, Ticket, TicketEvent
from models.users import User
from models.visits import Outcome, SiteVisit, VisitWindow, WindowState
from tests.conftest import FrozenClock
from tests.push_service import BrowserDevice


def at(clock: FrozenClock, hours: float) -> datetime:
    return clock.now + timedelta(hours=hours)


def window(clock: FrozenClock, start_hours: float, length: float = 2) -> tuple[datetime, datetime]:
    return at(clock, start_hours), at(clock, start_hours + length)


@pytest.fixture
async def phones(requester: User, technician: User, manager: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """Alex, Sam and Maria accepted notifications (loopback addresses: only the outbox is looked at)."""
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    settings.reload()
    for person in (requester, technician, manager):
        device = BrowserDevice(f'http://127.0.0.1:9/push/{person.id}')
        await subscribe(person, endpoint=device.endpoint, keys=device.keys())


async def told(kind: Kind, person: User) -> list[dict]:
    return [m.payload for m in await PushMessage.filter(kind=kind, user_id=person.id).order_by('id')]


@pytest.fixture
async def offer(taken: Ticket, technician: User, clock: FrozenClock) -> list[VisitWindow]:
    """Sam offers Alex two windows: tomorrow 10:00-12:00 and 14:00-16:00 (the clock is Tue 09:00 UTC)."""
    return await visits.propose(taken.id, [window(clock, 25), window(clock, 29)], actor=technician)


@pytest.fixture
async def chosen(offer: list[VisitWindow], requester: User) -> VisitWindow:
    return await visits.choose(offer[0].id, actor=requester)


# ---- offering windows --------------------------------------------------------------------------------------


async def test_the_technician_offers_up_to_three_windows(offer: list[VisitWindow], taken: Ticket) -> None:
    assert [w.state for w in offer] == [WindowState.PROPOSED, WindowState.PROPOSED]
    line = await TicketEvent.get(ticket_id=taken.id, kind=EventKind.VISIT)
    assert (line.data['what'], len(line.data['windows'])) == ('proposed', 2)


async def test_four_windows_are_too_many(taken: Ticket, technician: User, clock: FrozenClock) -> None:
    with pytest.raises(Invalid, match='one to 3 windows'):
        await visits.propose(taken.id, [window(clock, h) for h in (25, 28, 31, 34)], actor=technician)


async def test_a_window_in_the_past_is_refused_in_plain_words(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    with pytest.raises(Invalid, match=r'Tue 24 Nov, 08:00–10:00 has already begun'):
        await visits.propose(taken.id, [window(clock, -1)], actor=technician)


async def test_windows_that_overlap_each_other_are_refused(taken: Ticket, technician: User, clock: FrozenClock) -> None:
    with pytest.raises(Invalid, match='must not overlap each other'):
        await visits.propose(taken.id, [window(clock, 25), window(clock, 26)], actor=technician)


async def test_a_window_overlapping_another_confirmed_visit_of_the_same_technician_is_refused(
    chosen: VisitWindow, requester: User, technician: User, wifi: Service, clock: FrozenClock
) -> None:
    other = await tickets.create_ticket(requester=requester, service_id=wifi.id, title='Dock')
    await tickets.take(other.id, technician=technician)
    with pytest.raises(Invalid, match=rf'overlaps the visit for #{chosen.ticket_id} \(Wed 25 Nov, 10:00–12:00\)'):
        await visits.propose(other.id, [window(clock, 26)], actor=technician)
    assert await visits.propose(other.id, [window(clock, 27)], actor=technician)  # right after it: fine


async def test_a_reassigned_ticket_keeps_its_chosen_visit_with_the_new_technician(
    chosen: VisitWindow, requester: User, technician2: User, manager: User, wifi: Service, clock: FrozenClock
) -> None:
    await tickets.assign(chosen.ticket_id, assignee_id=technician2.id, actor=manager)
    moved = await VisitWindow.get(id=chosen.id)
    assert (moved.state, moved.technician_id) == (WindowState.CONFIRMED, technician2.id)
    other = await tickets.create_ticket(requester=requester, service_id=wifi.id, title='Dock')
    await tickets.take(other.id, technician=technician2)
    with pytest.raises(Invalid, match=rf'overlaps the visit for #{chosen.ticket_id}'):
        await visits.propose(other.id, [window(clock, 26)], actor=technician2)


async def test_the_refusal_speaks_the_technicians_time_zone(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    technician.timezone = 'America/New_York'
    start = datetime(2026, 11, 24, 8, tzinfo=UTC)
    with pytest.raises(Invalid, match=r'Tue 24 Nov, 03:00–05:00 has already begun'):
        await visits.propose(taken.id, [(start, start + timedelta(hours=2))], actor=technician)


async def test_a_window_across_the_spring_clock_change_reads_in_local_time(
    taken: Ticket, technician: User, requester: User, wifi: Service, clock: FrozenClock
) -> None:
    clock.now = datetime(2027, 3, 20, 9, tzinfo=UTC)
    start = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)  # 00:30 GMT; two hours later it is 03:30 BST
    [offered] = await visits.propose(taken.id, [(start, start + timedelta(hours=2))], actor=technician)
    await visits.choose(offered.id, actor=requester)
    other = await tickets.create_ticket(requester=requester, service_id=wifi.id, title='Dock')
    await tickets.take(other.id, technician=technician)
    technician.timezone = 'Europe/London'
    with pytest.raises(Invalid, match=r'\(Sun 28 Mar, 00:30–03:30\)'):
        await visits.propose(other.id, [(start + timedelta(hours=1), start + timedelta(hours=3))], actor=technician)


async def test_only_the_tickets_technician_or_a_manager_offers_windows(
    taken: Ticket, technician2: User, requester: User, manager: User, clock: FrozenClock
) -> None:
    with pytest.raises(Forbidden):
        await visits.propose(taken.id, [window(clock, 25)], actor=technician2)
    with pytest.raises(Forbidden):
        await visits.propose(taken.id, [window(clock, 25)], actor=requester)
    assert await visits.propose(taken.id, [window(clock, 25)], actor=manager)


async def test_a_new_offer_replaces_the_one_before(
    offer: list[VisitWindow], taken: Ticket, technician: User, requester: User, clock: FrozenClock
) -> None:
    await visits.propose(taken.id, [window(clock, 50)], actor=technician)
    assert [w.start for w in await visits.offered(requester, taken.id)] == [at(clock, 50)]
    with pytest.raises(Conflict, match='no longer offered'):
        await visits.choose(offer[0].id, actor=requester)


async def test_the_requester_gets_the_windows_as_buttons_on_the_notification(
    phones: None, offer: list[VisitWindow], requester: User
) -> None:
    [message] = await told(Kind.VISIT_PROPOSED, requester)
    assert message['body'] == 'Wed 25 Nov, 10:00–12:00 · Wed 25 Nov, 14:00–16:00. Tap the one that suits you.'
    assert message['actions'] == [
        {'action': f'visit-{offer[0].id}', 'title': 'Wed 10:00–12:00'},
        {'action': f'visit-{offer[1].id}', 'title': 'Wed 14:00–16:00'},
    ]
    assert message['action_url'] == '/visits/choose'


# ---- choosing ----------------------------------------------------------------------------------------------


async def test_one_tap_plans_the_visit(chosen: VisitWindow, offer: list[VisitWindow], taken: Ticket) -> None:
    ticket = await Ticket.get(id=taken.id)
    assert (ticket.status, ticket.visit_start, ticket.visit_end) == (Status.VISIT_PLANNED, chosen.start, chosen.end)
    assert [w.state for w in await VisitWindow.filter(ticket_id=taken.id).order_by('id')] == [
        WindowState.CONFIRMED,
        WindowState.REPLACED,
    ]


async def test_both_sides_read_the_visit_in_plain_words(
    chosen: VisitWindow, taken: Ticket, requester: User, technician: User
) -> None:
    ticket = await Ticket.get(id=taken.id).select_related('assignee')
    assert tickets.status_words(ticket, viewer=requester) == 'Visit planned Wed 25 Nov, 10:00–12:00'
    technician.timezone = 'Europe/Berlin'
    assert tickets.status_words(ticket, viewer=technician) == 'Visit planned Wed 25 Nov, 11:00–13:00'


async def test_the_technician_hears_which_time_was_chosen(phones: None, chosen: VisitWindow, technician: User) -> None:
    [message] = await told(Kind.VISIT_PLANNED, technician)
    assert message['body'] == 'Alex chose Wed 25 Nov, 10:00–12:00.'


async def test_a_second_tap_gives_the_same_answer(chosen: VisitWindow, requester: User) -> None:
    again = await visits.choose(chosen.id, actor=requester)
    assert again.state == WindowState.CONFIRMED
    assert await TicketEvent.filter(ticket_id=chosen.ticket_id, kind=EventKind.VISIT).count() == 2  # offer, choice


async def test_nobody_else_chooses_for_the_requester(
    offer: list[VisitWindow], colleague: User, technician: User
) -> None:
    with pytest.raises(NotFound):
        await visits.choose(offer[0].id, actor=colleague)
    with pytest.raises(Forbidden):
        await visits.choose(offer[0].id, actor=technician)


async def test_a_window_given_to_another_visit_meanwhile_cannot_be_chosen(
    offer: list[VisitWindow], requester: User, technician: User, wifi: Service, clock: FrozenClock
) -> None:
    other = await tickets.create_ticket(requester=requester, service_id=wifi.id, title='Dock')
    await tickets.take(other.id, technician=technician)
    [theirs] = await visits.propose(other.id, [window(clock, 25.5)], actor=technician)
    await visits.choose(theirs.id, actor=requester)
    with pytest.raises(Conflict, match='just given to another visit'):
        await visits.choose(offer[0].id, actor=requester)


async def test_the_requester_asks_for_other_times_with_a_note(
    phones: None, offer: list[VisitWindow], taken: Ticket, requester: User, technician: User
) -> None:
    with pytest.raises(Invalid, match='which times would suit you'):
        await visits.ask_again(taken.id, '  ', actor=requester)
    await visits.ask_again(taken.id, 'Any morning next week', actor=requester)
    assert await visits.offered(requester, taken.id) == []
    [message] = await told(Kind.REPLY, technician)
    assert message['body'] == 'Other times for the visit, please: Any morning next week'


# ---- on the day ---------------------------------------------------------------------------------------------


async def on_the_way(ticket: Ticket, technician: User, clock: FrozenClock, minutes: float = 30) -> Ticket:
    return await tickets.set_status(
        ticket.id, Status.ON_THE_WAY, actor=technician, eta=clock.now + timedelta(minutes=minutes)
    )


async def test_on_my_way_starts_a_site_visit(taken: Ticket, technician: User, clock: FrozenClock) -> None:
    await on_the_way(taken, technician, clock)
    [visit] = await SiteVisit.filter(ticket_id=taken.id)
    assert (visit.set_off_at, visit.first_eta, visit.arrived_at) == (clock.now, clock.now + timedelta(minutes=30), None)


async def test_a_later_arrival_time_tells_the_requester_they_are_running_late(
    phones: None, taken: Ticket, technician: User, requester: User, clock: FrozenClock
) -> None:
    await on_the_way(taken, technician, clock)  # ~09:30
    clock.advance(minutes=10)
    ticket = await visits.new_arrival_time(taken.id, datetime(2026, 11, 24, 9, 45, tzinfo=UTC), actor=technician)
    assert ticket.eta == datetime(2026, 11, 24, 9, 45, tzinfo=UTC)
    [message] = await told(Kind.RUNNING_LATE, requester)
    assert (message['title'], message['body']) == (
        f'Sam is running late · {taken.title}',  # the request by its title
        'Running 15 minutes late, now arriving ~09:45.',
    )


async def test_an_earlier_arrival_time_is_no_news(
    phones: None, taken: Ticket, technician: User, requester: User, clock: FrozenClock
) -> None:
    await on_the_way(taken, technician, clock)
    await visits.new_arrival_time(taken.id, clock.now + timedelta(minutes=20), actor=technician)
    assert await told(Kind.RUNNING_LATE, requester) == []


async def test_the_arrival_time_changes_only_on_the_way(taken: Ticket, technician: User, clock: FrozenClock) -> None:
    with pytest.raises(Invalid, match='On my way'):
        await visits.new_arrival_time(taken.id, clock.now + timedelta(minutes=20), actor=technician)


async def test_arrived_records_the_time_and_the_place_when_shared(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await on_the_way(taken, technician, clock)
    clock.advance(minutes=25)
    visit = await visits.check_in(taken.id, actor=technician, position=Position(51.5072, -0.1276))
    assert (visit.arrived_at, visit.latitude, visit.longitude) == (clock.now, 51.5072, -0.1276)
    assert (await Ticket.get(id=taken.id)).status == Status.IN_PROGRESS


async def test_a_place_off_the_map_is_refused() -> None:
    with pytest.raises(Invalid, match='not on the map'):
        Position(91, 0)


async def test_arrived_from_the_status_button_checks_in_too(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await on_the_way(taken, technician, clock)
    clock.advance(minutes=20)
    await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=technician)
    [visit] = await SiteVisit.filter(ticket_id=taken.id)
    assert visit.arrived_at == clock.now


async def test_leaving_fixed_resolves_and_counts_a_first_visit_fix(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await visits.check_in(taken.id, actor=technician)
    clock.advance(minutes=40)
    visit = await visits.check_out(taken.id, Outcome.FIXED, actor=technician, summary='New access point')
    assert (visit.on_site, visit.outcome, visit.first_visit_fix) == (timedelta(minutes=40), 'fixed', True)
    ticket = await Ticket.get(id=taken.id)
    assert (ticket.status, ticket.resolution) == (Status.RESOLVED, 'New access point')


async def test_a_fix_on_the_second_visit_is_not_a_first_visit_fix_and_time_on_site_adds_up(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await visits.check_in(taken.id, actor=technician)
    clock.advance(minutes=30)
    await visits.check_out(taken.id, Outcome.ANOTHER_VISIT, actor=technician)
    assert (await Ticket.get(id=taken.id)).status == Status.IN_PROGRESS
    clock.advance(days=1)
    await visits.check_in(taken.id, actor=technician)
    clock.advance(minutes=15)
    second = await visits.check_out(taken.id, Outcome.FIXED, actor=technician, summary='Replaced the cable')
    assert second.first_visit_fix is False
    assert await visits.time_on_site(technician, taken.id) == timedelta(minutes=45)


async def test_leaving_fixed_needs_the_summary_and_changes_nothing_without_it(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await visits.check_in(taken.id, actor=technician)
    with pytest.raises(Invalid, match='summary of the fix'):
        await visits.check_out(taken.id, Outcome.FIXED, actor=technician, summary='')
    [visit] = await SiteVisit.filter(ticket_id=taken.id)
    assert visit.left_at is None  # still on site: the whole change rolled back


async def test_leaving_before_arriving_is_refused(taken: Ticket, technician: User) -> None:
    with pytest.raises(Invalid, match='Arrived'):
        await visits.check_out(taken.id, Outcome.FIXED, actor=technician, summary='x')


async def test_the_requester_cannot_check_in(taken: Ticket, requester: User) -> None:
    with pytest.raises(Forbidden):
        await visits.check_in(taken.id, actor=requester)


# ---- missed visits -----------------------------------------------------------------------------------------


async def test_a_chosen_window_that_passes_with_nobody_coming_is_a_missed_visit(
    phones: None, chosen: VisitWindow, requester: User, technician: User, manager: User, clock: FrozenClock
) -> None:
    await followups.run_due(chosen.end + timedelta(minutes=14))
    assert (await VisitWindow.get(id=chosen.id)).state == WindowState.CONFIRMED
    await followups.run_due(chosen.end + timedelta(minutes=15))
    assert (await VisitWindow.get(id=chosen.id)).state == WindowState.MISSED
    ticket = await Ticket.get(id=chosen.ticket_id)
    assert (ticket.status, ticket.visit_start) == (Status.IN_PROGRESS, None)
    [to_alex] = await told(Kind.VISIT_MISSED, requester)
    assert to_alex['body'] == 'Sorry: nobody came in your window Wed 25 Nov, 10:00–12:00. We will offer new times.'
    assert [m['body'] for m in await told(Kind.VISIT_MISSED, technician)] == [
        'Nobody came to Alex Kim in Wed 25 Nov, 10:00–12:00. Offer new times.'
    ]
    assert len(await told(Kind.VISIT_MISSED, manager)) == 1
    period = (clock.now, clock.now + timedelta(days=7))
    assert await visits.missed_count(actor=manager, since=period[0], until=period[1]) == 1


async def test_setting_off_during_the_window_is_no_missed_visit(
    chosen: VisitWindow, technician: User, clock: FrozenClock
) -> None:
    clock.now = chosen.start + timedelta(minutes=30)
    await on_the_way(await Ticket.get(id=chosen.ticket_id), technician, clock)
    await followups.run_due(chosen.end + timedelta(hours=1))
    assert (await VisitWindow.get(id=chosen.id)).state == WindowState.CONFIRMED  # nobody arrived yet: not kept
    assert not await VisitWindow.filter(state=WindowState.MISSED).exists()


async def test_choosing_new_times_moves_the_missed_visit_check(
    chosen: VisitWindow, taken: Ticket, technician: User, requester: User, clock: FrozenClock
) -> None:
    [later] = await visits.propose(taken.id, [window(clock, 50)], actor=technician)
    await visits.choose(later.id, actor=requester)
    await followups.run_due(chosen.end + timedelta(hours=1))  # the old window's check finds nothing to do
    assert not await VisitWindow.filter(state=WindowState.MISSED).exists()
    await followups.run_due(later.end + timedelta(minutes=15))
    assert (await VisitWindow.get(id=later.id)).state == WindowState.MISSED


async def test_the_missed_visit_check_runs_once_when_two_instances_run_at_once(
    chosen: VisitWindow, clock: FrozenClock
) -> None:
    import asyncio

    due = chosen.end + timedelta(minutes=15)
    await asyncio.gather(followups.run_due(due), followups.run_due(due))
    assert (
        await TicketEvent.filter(ticket_id=chosen.ticket_id, kind=EventKind.VISIT).count() == 3
    )  # offer, choice, missed
