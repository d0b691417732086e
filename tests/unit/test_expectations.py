"""Expectations set at the start: the sentence a requester reads for a service (its targets in working time,
and the typical fix of the last 90 days once there are enough), when they need it, and the flag staff see when
that need comes before the target. The typical time is a median computed in the database, on both."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from models import expectations, sla, tickets
from models.catalog import Priority, Service
from models.errors import Invalid
from models.records import Ticket
from models.users import User

WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 10:00 in London (UTC in winter)


@pytest.fixture
async def london(manager: User) -> None:
    await sla.set_calendar(actor=manager, days=[1, 2, 3, 4, 5], start=time(9), end=time(17), timezone='Europe/London')


async def three_working_days(manager: User, service: Service) -> None:
    await sla.set_target(
        actor=manager, service_id=service.id, priority=Priority.NORMAL,
        first_response_minutes=120, resolution_minutes=3 * 8 * 60, business_hours=True,
    )  # fmt: skip


async def test_the_sentence_says_the_targets_in_working_time(
    people: SimpleNamespace, manager: User, london: None
) -> None:
    nothing = await expectations.promise(people.printer, WEDNESDAY)
    assert (nothing.sentence, nothing.fix_by) == ('', None)  # no target, no history: nothing is promised
    await three_working_days(manager, people.printer)
    said = await expectations.promise(people.printer, WEDNESDAY)
    assert said.sentence == 'Usually answered within 2 working hours, fixed within 3 working days.'
    assert said.reply_by == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert said.fix_by == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # Wed 10:00 + 24 working hours: Mon 10:00
    await sla.set_target(
        actor=manager, service_id=people.wifi.id, priority=Priority.NORMAL,
        first_response_minutes=30, resolution_minutes=2 * 24 * 60,
    )  # fmt: skip
    around = await expectations.promise(people.wifi, WEDNESDAY)
    assert around.sentence == 'Usually answered within 30 minutes, fixed within 2 days.'


async def fixed_after(people: SimpleNamespace, hours: list[float], *, before: datetime) -> None:
    for n, h in enumerate(hours):
        created = before - timedelta(days=10 + n)
        await Ticket.create(
            title=f'Fixed {n}', service=people.printer, requester=people.requester, status='resolved',
            created_at=created, updated_at=created, resolved_at=created + timedelta(hours=h),
        )  # fmt: skip


async def test_the_typical_fix_is_the_median_of_the_last_90_days_once_there_are_enough(
    people: SimpleNamespace,
) -> None:
    await fixed_after(people, [1, 2, 3, 4, 5, 6, 7, 8, 30], before=WEDNESDAY)  # nine: not enough to say
    assert await expectations.median_fix_seconds(people.printer.id, WEDNESDAY) is None
    assert (await expectations.promise(people.printer, WEDNESDAY)).sentence == ''
    await fixed_after(people, [40], before=WEDNESDAY - timedelta(days=9))  # ten fixes: median of 5 and 6 hours
    assert await expectations.median_fix_seconds(people.printer.id, WEDNESDAY) == pytest.approx(5.5 * 3600)
    said = await expectations.promise(people.printer, WEDNESDAY)
    assert said.sentence == 'Most requests like this are fixed within 6 hours.'
    await fixed_after(people, [50], before=WEDNESDAY - timedelta(days=85))  # fixed 93 days ago: left out
    assert await expectations.median_fix_seconds(people.printer.id, WEDNESDAY) == pytest.approx(5.5 * 3600)
    await fixed_after(people, [26], before=WEDNESDAY - timedelta(days=20))  # eleven: the middle one
    assert await expectations.median_fix_seconds(people.printer.id, WEDNESDAY) == pytest.approx(6 * 3600)


@pytest.mark.parametrize(
    ('need', 'expected'),
    [
        ('today', datetime(2026, 11, 25, 17, 0, tzinfo=UTC)),
        ('tomorrow', datetime(2026, 11, 26, 17, 0, tzinfo=UTC)),
        ('this_week', datetime(2026, 11, 27, 17, 0, tzinfo=UTC)),  # Friday, end of the working day
        ('no_rush', None),
    ],
)
async def test_when_it_is_needed_is_the_end_of_that_working_day(
    people: SimpleNamespace, london: None, need: str, expected: datetime | None
) -> None:
    assert await expectations.needed_by(need, WEDNESDAY) == expected


async def test_a_day_is_checked(people: SimpleNamespace, london: None) -> None:
    assert await expectations.needed_by('date', WEDNESDAY, day=date(2026, 12, 4)) == datetime(
        2026, 12, 4, 17, 0, tzinfo=UTC
    )
    evening = datetime(2026, 11, 25, 19, 30, tzinfo=UTC)  # after work, "today" means by midnight
    assert await expectations.needed_by('today', evening) == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    with pytest.raises(Invalid, match='from today on'):
        await expectations.needed_by('date', WEDNESDAY, day=date(2026, 11, 24))
    with pytest.raises(Invalid, match='within the next year'):
        await expectations.needed_by('date', WEDNESDAY, day=date(2028, 1, 1))
    with pytest.raises(Invalid, match='Pick the day'):
        await expectations.needed_by('date', WEDNESDAY)
    with pytest.raises(Invalid, match='Choose when'):
        await expectations.needed_by('yesterday', WEDNESDAY)


async def test_a_need_sooner_than_the_target_is_flagged_with_what_the_requester_read(
    people: SimpleNamespace, manager: User, london: None
) -> None:
    await three_working_days(manager, people.printer)
    today = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title='Jammed', need='today', now=WEDNESDAY
    )
    assert today.needs_sooner and today.needed_by == datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    assert today.expected == 'Usually answered within 2 working hours, fixed within 3 working days.'
    calm = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title='Toner', need='no_rush', now=WEDNESDAY
    )
    assert not calm.needs_sooner and calm.needed_by is None
    later = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title='New tray', need='date',
        need_day=date(2026, 12, 4), now=WEDNESDAY,
    )  # fmt: skip
    assert not later.needs_sooner  # after the fix target: nothing to flag
