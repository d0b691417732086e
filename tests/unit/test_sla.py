"""Service levels: business hours, due times, the clock that stops while waiting, and the markers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from models import sla, tickets
from models.catalog import Priority, Service
from models.errors import Forbidden, Invalid, NotFound
from models.sla import BusinessHours, SlaState
from models.tickets import Status, Ticket
from models.users import User
from tests.conftest import FrozenClock

BERLIN = ZoneInfo('Europe/Berlin')
OFFICE = BusinessHours(ZoneInfo('UTC'), frozenset({1, 2, 3, 4, 5}), 9 * 60, 17 * 60)
BERLIN_OFFICE = BusinessHours(BERLIN, frozenset({1, 2, 3, 4, 5}), 9 * 60, 17 * 60)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


async def target(
    manager: User,
    service: Service,
    *,
    first: int | None = None,
    resolve: int | None = None,
    business_hours: bool = False,
) -> None:
    """The service's target for normal priority (the priority of the test tickets)."""
    await sla.set_target(
        actor=manager,
        service_id=service.id,
        priority=Priority.NORMAL,
        first_response_minutes=first,
        resolution_minutes=resolve,
        business_hours=business_hours,
    )


async def state_at(ticket: Ticket, when: datetime) -> SlaState | None:
    return await sla.sla_state(await Ticket.get(id=ticket.id), when)


# ---- business hours ------------------------------------------------------------------------------------


def test_business_hours_continue_the_next_morning() -> None:
    assert OFFICE.add(utc(2026, 11, 24, 16), 4 * 3600) == utc(2026, 11, 25, 12)  # Tue 16:00 + 4 h


def test_business_hours_start_in_the_morning_for_a_ticket_reported_at_night() -> None:
    assert OFFICE.add(utc(2026, 11, 24, 22), 2 * 3600) == utc(2026, 11, 25, 11)


def test_business_hours_skip_the_weekend() -> None:
    assert OFFICE.add(utc(2026, 11, 27, 15), 8 * 3600) == utc(2026, 11, 30, 15)  # Fri 15:00 + 8 h = Mon 15:00


def test_business_hours_count_nothing_over_the_weekend() -> None:
    assert OFFICE.seconds(utc(2026, 11, 27, 17), utc(2026, 11, 30, 9)) == 0
    assert OFFICE.seconds(utc(2026, 11, 27, 16), utc(2026, 11, 30, 10)) == 2 * 3600


def test_business_hours_follow_the_clocks_going_forward_in_march() -> None:
    # Fri 27 March 2026, 16:00 CET + 4 h: 1 h on Friday, 3 h on Monday 30 March, which is CEST (UTC+2).
    due = BERLIN_OFFICE.add(berlin(2026, 3, 27, 16), 4 * 3600)
    assert due == berlin(2026, 3, 30, 12) == utc(2026, 3, 30, 10)


def test_business_hours_follow_the_clocks_going_back_in_october() -> None:
    # Fri 23 October 2026, 16:00 CEST + 4 h: Monday 26 October is CET (UTC+1) again.
    due = BERLIN_OFFICE.add(berlin(2026, 10, 23, 16), 4 * 3600)
    assert due == berlin(2026, 10, 26, 12) == utc(2026, 10, 26, 11)


def test_the_sunday_the_clocks_go_forward_has_23_hours() -> None:
    sundays = BusinessHours(BERLIN, frozenset({7}), 0, 24 * 60)
    assert sundays.seconds(berlin(2026, 3, 28), berlin(2026, 3, 30)) == 23 * 3600


def test_working_days_around_a_clock_change_keep_their_hours() -> None:
    assert BERLIN_OFFICE.seconds(berlin(2026, 3, 27, 9), berlin(2026, 3, 30, 17)) == 16 * 3600


# ---- targets and the calendar (managers) ---------------------------------------------------------------


async def test_only_managers_set_service_levels(technician: User, wifi: Service) -> None:
    with pytest.raises(Forbidden):
        await sla.set_target(
            actor=technician,
            service_id=wifi.id,
            priority=Priority.NORMAL,
            first_response_minutes=30,
            resolution_minutes=None,
        )


async def test_a_target_is_a_sensible_time(manager: User, wifi: Service) -> None:
    with pytest.raises(Invalid) as error:
        await sla.set_target(
            actor=manager, service_id=wifi.id, priority=Priority.NORMAL, first_response_minutes=0, resolution_minutes=60
        )
    assert error.value.field == 'first_response_minutes'


async def test_a_target_is_for_an_existing_service(manager: User, people: SimpleNamespace) -> None:
    with pytest.raises(NotFound):
        await sla.set_target(
            actor=manager, service_id=404, priority=Priority.NORMAL, first_response_minutes=30, resolution_minutes=None
        )


async def test_setting_a_target_again_changes_it(manager: User, wifi: Service) -> None:
    for minutes in (60, 90):
        await sla.set_target(
            actor=manager,
            service_id=wifi.id,
            priority=Priority.HIGH,
            first_response_minutes=minutes,
            resolution_minutes=None,
        )
    [target] = await sla.targets(actor=manager)
    assert (target.priority, target.first_response_minutes) == (Priority.HIGH, 90)


async def test_a_target_without_times_is_removed(manager: User, wifi: Service) -> None:
    await target(manager, wifi, first=30)
    await sla.set_target(
        actor=manager,
        service_id=wifi.id,
        priority=Priority.NORMAL,
        first_response_minutes=None,
        resolution_minutes=None,
    )
    assert await sla.targets(actor=manager) == []


async def test_only_managers_change_the_working_calendar(technician: User) -> None:
    with pytest.raises(Forbidden):
        await sla.set_calendar(actor=technician, days=[1], start=time(9), end=time(17), timezone='UTC')


@pytest.mark.parametrize(
    ('change', 'field'),
    [
        ({'days': []}, 'days'),
        ({'days': [0, 8]}, 'days'),
        ({'start': time(17), 'end': time(9)}, 'end'),
        ({'timezone': 'Mars/Olympus'}, 'timezone'),
        ({'at_risk_percent': 100}, 'at_risk_percent'),
    ],
)
async def test_the_working_calendar_is_checked(manager: User, change: dict, field: str) -> None:
    values = {'days': [1, 2, 3, 4, 5], 'start': time(8), 'end': time(16), 'timezone': 'Europe/Berlin', **change}
    with pytest.raises(Invalid) as error:
        await sla.set_calendar(actor=manager, **values)
    assert error.value.field == field
    assert (await sla.working_calendar()).timezone == 'UTC'


async def test_the_working_calendar_is_kept(manager: User) -> None:
    await sla.set_calendar(actor=manager, days=[6, 1, 2], start=time(8), end=time(0), timezone='Europe/Berlin')
    cal = await sla.working_calendar()
    assert (cal.days, cal.start_minute, cal.end_minute, cal.timezone) == ('126', 480, 1440, 'Europe/Berlin')


async def test_two_managers_saving_the_first_calendar_at_once_both_succeed(manager: User) -> None:
    """Before any calendar is saved, two saves at the same moment both find no row: neither may fail on the
    other's insert, and one of the two calendars is kept whole."""
    berlin = sla.set_calendar(actor=manager, days=[1, 2, 3], start=time(8), end=time(16), timezone='Europe/Berlin')
    tokyo = sla.set_calendar(actor=manager, days=[4, 5], start=time(9), end=time(17), timezone='Asia/Tokyo')
    await asyncio.gather(berlin, tokyo)
    cal = await sla.working_calendar()
    assert (cal.days, cal.start_minute, cal.end_minute, cal.timezone) in [
        ('123', 480, 960, 'Europe/Berlin'),
        ('45', 540, 1020, 'Asia/Tokyo'),
    ]
    assert await sla.WorkingCalendar.all().count() == 1


# ---- due times and markers --------------------------------------------------------------------------------


async def test_a_ticket_without_a_target_has_no_marker(ticket: Ticket, clock: FrozenClock) -> None:
    assert await sla.due_times(ticket, clock.now) == sla.Due(None, None, None)


async def test_a_ticket_of_another_priority_has_no_marker(manager: User, wifi: Service, ticket: Ticket) -> None:
    await sla.set_target(
        actor=manager, service_id=wifi.id, priority=Priority.URGENT, first_response_minutes=5, resolution_minutes=None
    )
    assert await state_at(ticket, ticket.created_at + timedelta(days=1)) is None


async def test_the_first_response_is_due_after_the_target_time(manager: User, wifi: Service, ticket: Ticket) -> None:
    await target(manager, wifi, first=30)
    assert (await sla.due_times(ticket, ticket.created_at)).first_response == ticket.created_at + timedelta(minutes=30)


@pytest.mark.parametrize(
    ('minutes', 'state'), [(22, SlaState.ON_TRACK), (23, SlaState.AT_RISK), (30, SlaState.BREACHED)]
)
async def test_an_unanswered_ticket_is_at_risk_then_breached(
    manager: User, wifi: Service, ticket: Ticket, minutes: int, state: SlaState
) -> None:
    await target(manager, wifi, first=30)  # at risk from 75 %: 22.5 minutes
    assert await state_at(ticket, ticket.created_at + timedelta(minutes=minutes)) == state


async def test_a_ticket_answered_in_time_is_on_track(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await target(manager, wifi, first=30)
    clock.advance(minutes=20)
    await tickets.reply(taken.id, 'Looking into it', author=technician)
    assert await state_at(taken, clock.now + timedelta(days=3)) == SlaState.ON_TRACK


async def test_a_ticket_answered_late_stays_breached(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await target(manager, wifi, first=30)
    clock.advance(minutes=31)
    await tickets.reply(taken.id, 'Sorry, looking into it', author=technician)
    assert await state_at(taken, clock.now) == SlaState.BREACHED


async def test_the_at_risk_share_is_the_managers_to_choose(manager: User, wifi: Service, ticket: Ticket) -> None:
    await target(manager, wifi, first=100)
    await sla.set_calendar(
        actor=manager, days=[1, 2, 3, 4, 5], start=time(9), end=time(17), timezone='UTC', at_risk_percent=50
    )
    assert await state_at(ticket, ticket.created_at + timedelta(minutes=50)) == SlaState.AT_RISK


async def test_waiting_for_the_requester_pauses_the_resolution_clock(
    manager: User, wifi: Service, taken: Ticket, technician: User, requester: User, clock: FrozenClock
) -> None:
    await target(manager, wifi, resolve=8 * 60)  # created Tue 09:00: due 17:00 without a pause
    clock.advance(hours=2)
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)  # 11:00
    clock.advance(hours=4)
    await tickets.reply(taken.id, 'Here is the photo', author=requester)  # 15:00: 4 h paused
    assert (await sla.due_times(await Ticket.get(id=taken.id), clock.now)).resolution == taken.created_at + timedelta(
        hours=12
    )


async def test_the_due_time_moves_on_while_the_ticket_waits(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await target(manager, wifi, resolve=8 * 60)
    clock.advance(hours=2)
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)
    clock.advance(hours=3)
    due = (await sla.due_times(await Ticket.get(id=taken.id), clock.now)).resolution
    assert due == clock.now + timedelta(hours=6)  # 6 of the 8 hours are left


@pytest.mark.parametrize(
    ('hours_after_reply', 'state'),
    [(0, SlaState.ON_TRACK), (4, SlaState.AT_RISK), (6, SlaState.BREACHED)],
)
async def test_the_marker_counts_only_the_time_not_spent_waiting(
    manager: User,
    wifi: Service,
    taken: Ticket,
    technician: User,
    requester: User,
    clock: FrozenClock,
    hours_after_reply: int,
    state: SlaState,
) -> None:
    await target(manager, wifi, resolve=8 * 60)
    clock.advance(hours=2)
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)
    clock.advance(hours=4)
    await tickets.reply(taken.id, 'Here is the photo', author=requester)  # 2 h used so far
    assert await state_at(taken, clock.now + timedelta(hours=hours_after_reply)) == state


async def test_a_ticket_fixed_in_time_is_on_track_for_good(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await target(manager, wifi, resolve=8 * 60)
    clock.advance(hours=7)
    await tickets.resolve(taken.id, 'Replaced the access point', actor=technician)
    assert await state_at(taken, clock.now + timedelta(days=10)) == SlaState.ON_TRACK


async def test_a_ticket_fixed_late_is_breached_for_good(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await target(manager, wifi, resolve=8 * 60)
    clock.advance(hours=9)
    await tickets.resolve(taken.id, 'Replaced the access point', actor=technician)
    assert await state_at(taken, clock.now + timedelta(days=10)) == SlaState.BREACHED


async def test_after_a_reopen_the_clock_runs_on_without_the_time_it_was_fixed(
    manager: User, wifi: Service, taken: Ticket, technician: User, requester: User, clock: FrozenClock
) -> None:
    await target(manager, wifi, resolve=8 * 60)
    clock.advance(hours=2)
    await tickets.resolve(taken.id, 'Rebooted', actor=technician)
    clock.advance(days=2)
    await tickets.reopen(taken.id, 'Dropped again', actor=requester)
    assert (await sla.due_times(await Ticket.get(id=taken.id), clock.now)).resolution == clock.now + timedelta(hours=6)


async def test_business_hours_targets_skip_the_weekend(
    manager: User, wifi: Service, requester: User, clock: FrozenClock
) -> None:
    await sla.set_calendar(actor=manager, days=[1, 2, 3, 4, 5], start=time(9), end=time(17), timezone='Europe/Berlin')
    await target(manager, wifi, first=120, resolve=8 * 60, business_hours=True)
    friday = berlin(2026, 11, 27, 16)
    t = await tickets.create_ticket(requester=requester, service_id=wifi.id, title='No Wi-Fi', now=friday)
    due = await sla.due_times(t, friday)
    assert (due.first_response, due.resolution) == (berlin(2026, 11, 30, 10), berlin(2026, 11, 30, 16))
    assert await state_at(t, berlin(2026, 11, 29, 12)) == SlaState.ON_TRACK  # Sunday: half the 2 h, not 20 h


async def test_the_markers_of_a_whole_queue_come_at_once(
    manager: User, wifi: Service, printer: Service, requester: User, clock: FrozenClock
) -> None:
    await target(manager, wifi, first=60)
    a = await tickets.create_ticket(requester=requester, service_id=wifi.id, title='Wi-Fi')
    b = await tickets.create_ticket(requester=requester, service_id=printer.id, title='Printer')
    levels = await sla.service_levels([a, b], clock.now + timedelta(minutes=50))
    assert {k: v.state for k, v in levels.items()} == {a.id: SlaState.AT_RISK, b.id: None}
