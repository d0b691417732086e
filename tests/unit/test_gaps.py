"""Expectation gaps: counted in the database (both of them), per service, requester group and technician, with
the tickets and comments behind each gap, for managers only."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from models import gaps, ratings, sla, tickets
from models.catalog import Priority, Service
from models.errors import Forbidden, Invalid
from models.gaps import GapKind
from models.measures import GroupBy
from models.users import User
from models.visits import VisitWindow, WindowState
from tests.conftest import START, FrozenClock
from tests.field_day import a_field_day

WEEK = (START - timedelta(days=1, hours=9), START + timedelta(days=6, hours=15))  # Mon 23 – Sun 29 Nov 2026, UTC


def at(day: int, hour: float) -> datetime:
    """Tue 24 Nov 2026 is day 0; hours in UTC."""
    return START.replace(hour=0) + timedelta(days=day, hours=hour)


@pytest.fixture
async def desk(people: SimpleNamespace, clock: FrozenClock) -> SimpleNamespace:
    """Wi-Fi is to be fixed within 4 hours around the clock; Printer within 8 working hours (Mon–Fri 09–17 UTC).

    Wi-Fi:
    W1 Alex, Sam: Tue 09:00 → fixed 11:00 (2 h, on time), rated 1 "Nobody told me it was done".
    W2 Casey, Sam: Tue 10:00 → fixed 14:00 (4 h on the dot: on time), rated 2 "Had to chase twice" at 15:00,
       reopened 16:00 "It dropped again" (a callback), fixed again 17:00, not rated again.
    W3 Alex, Priya: Tue 12:00, needed tomorrow → fixed 13:00 (on time), rated 5.
    W4 Casey, Priya: Tue 13:00 → fixed Wed 13:00 (24 h, late), rated 4 "Slow, but kept me posted".
    W5 Alex, Sam: Wed 14:00, needed today (by 17:00) → fixed 17:30: on time (3.5 h), after the need. Not rated.
    Printer:
    P0 Otto, Sam: Fri 20 Nov 10:00 → fixed 11:00, rated 1: before the period.
    P1 Otto, Sam: Tue 16:00 → fixed Wed 15:00: 23 h around the clock, 7 working hours: on time. Rated 2
       "Works, but toner everywhere".
    P2 Casey, Priya: Tue 09:00 → fixed Wed 12:00: 11 working hours, late. Rated 5 "Worth the wait".
    P3 Otto, Priya: Wed 09:00 → fixed 10:00, not rated.
    P4 Otto, Sam: Wed 10:00, still open.
    """
    p = people
    await sla.set_target(
        actor=p.manager, service_id=p.wifi.id, priority=Priority.NORMAL, first_response_minutes=60,
        resolution_minutes=4 * 60,
    )  # fmt: skip
    await sla.set_target(
        actor=p.manager, service_id=p.printer.id, priority=Priority.NORMAL, first_response_minutes=60,
        resolution_minutes=8 * 60, business_hours=True,
    )  # fmt: skip

    async def fixed(
        who: User, service: Service, tech: User, reported: datetime, done: datetime, title: str, need: str = 'no_rush'
    ) -> int:
        t = await tickets.create_ticket(requester=who, service_id=service.id, title=title, need=need, now=reported)
        await tickets.take(t.id, technician=tech, now=reported)
        await tickets.resolve(t.id, 'Done', actor=tech, now=done)
        return t.id

    async def rated(ticket_id: int, who: User, score: int, when: datetime, comment: str = '') -> None:
        await ratings.rate(ticket_id, score, actor=who, now=when)
        if comment:
            await ratings.comment(ticket_id, comment, actor=who, now=when + timedelta(minutes=1))

    found = SimpleNamespace(**vars(p))
    found.w1 = await fixed(p.requester, p.wifi, p.technician, at(0, 9), at(0, 11), 'W1')
    await rated(found.w1, p.requester, 1, at(0, 12), 'Nobody told me it was done')
    found.w2 = await fixed(p.colleague, p.wifi, p.technician, at(0, 10), at(0, 14), 'W2')
    await rated(found.w2, p.colleague, 2, at(0, 15), 'Had to chase twice')
    await tickets.reopen(found.w2, 'It dropped again', actor=p.colleague, now=at(0, 16))
    await tickets.resolve(found.w2, 'Done again', actor=p.technician, now=at(0, 17))
    found.w3 = await fixed(p.requester, p.wifi, p.technician2, at(0, 12), at(0, 13), 'W3', need='tomorrow')
    await rated(found.w3, p.requester, 5, at(0, 14))
    found.w4 = await fixed(p.colleague, p.wifi, p.technician2, at(0, 13), at(1, 13), 'W4')
    await rated(found.w4, p.colleague, 4, at(1, 14), 'Slow, but kept me posted')
    found.w5 = await fixed(p.requester, p.wifi, p.technician, at(1, 14), at(1, 17.5), 'W5', need='today')
    found.p0 = await fixed(p.outsider, p.printer, p.technician, at(-4, 10), at(-4, 11), 'P0')
    await rated(found.p0, p.outsider, 1, at(-4, 12), 'Before the period')
    found.p1 = await fixed(p.outsider, p.printer, p.technician, at(0, 16), at(1, 15), 'P1')
    await rated(found.p1, p.outsider, 2, at(1, 16), 'Works, but toner everywhere')
    found.p2 = await fixed(p.colleague, p.printer, p.technician2, at(0, 9), at(1, 12), 'P2')
    await rated(found.p2, p.colleague, 5, at(1, 13), 'Worth the wait')
    found.p3 = await fixed(p.outsider, p.printer, p.technician2, at(1, 9), at(1, 10), 'P3')
    await tickets.create_ticket(requester=p.outsider, service_id=p.printer.id, title='P4', now=at(1, 10))
    clock.now = at(3, 9)
    return found


COLUMNS = (
    'label', 'on_time', 'on_time_unhappy', 'late', 'late_happy', 'with_need', 'need_missed', 'fixes', 'rated',
    'callbacks', 'missed_visits', 'visit_times',
)  # fmt: skip


def expect(*values: object) -> dict:
    return dict(zip(COLUMNS, values, strict=True))


async def counted(group_by: GroupBy) -> dict:
    rows = await gaps.figures(since=WEEK[0], until=WEEK[1], group_by=group_by)
    return {row.pop('key'): row for row in rows}


async def shown(manager: User, group_by: GroupBy) -> list[str]:
    found = await gaps.gaps(actor=manager, since=WEEK[0], until=WEEK[1], group_by=group_by)
    return [f'{g.label}: {g.words}' for g in found]


async def test_the_counts_behind_the_gaps_per_service(desk: SimpleNamespace) -> None:
    assert await counted(GroupBy.SERVICE) == {
        desk.wifi.id: expect('Wi-Fi', 3, 2, 1, 1, 2, 1, 6, 4, 1, 0, 0),
        desk.printer.id: expect('Printer', 1, 1, 1, 1, 0, 0, 3, 2, 0, 0, 0),
    }


async def test_working_hours_decide_on_time_where_the_target_counts_them(desk: SimpleNamespace) -> None:
    """P1 took 23 hours but 7 working hours: on time (unhappy); P2 took 27 hours but 11 working hours: late."""
    await sla.set_target(
        actor=desk.manager, service_id=desk.printer.id, priority=Priority.NORMAL, first_response_minutes=60,
        resolution_minutes=8 * 60, business_hours=False,
    )  # fmt: skip
    printer = (await counted(GroupBy.SERVICE))[desk.printer.id]
    assert (printer['on_time'], printer['late'], printer['on_time_unhappy'], printer['late_happy']) == (0, 2, 0, 1)


async def test_the_counts_per_technician(desk: SimpleNamespace) -> None:
    assert await counted(GroupBy.TECHNICIAN) == {
        desk.technician.id: expect('Sam Rivera', 3, 3, 0, 0, 1, 1, 5, 3, 1, 0, 0),
        desk.technician2.id: expect('Priya Shah', 1, 0, 2, 2, 1, 0, 4, 3, 0, 0, 0),
    }


async def test_the_counts_per_requester_group(desk: SimpleNamespace) -> None:
    assert await counted(GroupBy.CATEGORY) == {
        desk.staff.id: expect('Staff', 3, 2, 2, 2, 2, 1, 7, 5, 1, 0, 0),
        desk.contractors.id: expect('Contractors', 1, 1, 0, 0, 0, 0, 2, 1, 0, 0, 0),
    }


async def test_the_gaps_a_manager_reads_per_service_most_tickets_first(desk: SimpleNamespace) -> None:
    assert await shown(desk.manager, GroupBy.SERVICE) == [
        'Wi-Fi: On time but unhappy: 2 of 3 fixes',
        'Printer: Late but happy: 1 of 1 fix',
        'Printer: On time but unhappy: 1 of 1 fix',
        'Wi-Fi: Late but happy: 1 of 1 fix',
        'Wi-Fi: Needed sooner: 1 of 2 fixes',
        'Wi-Fi: Many reopened: 1 of 6 fixes',
    ]


async def test_the_gaps_per_technician_and_requester_group(desk: SimpleNamespace) -> None:
    assert await shown(desk.manager, GroupBy.TECHNICIAN) == [
        'Sam Rivera: On time but unhappy: 3 of 3 fixes',
        'Priya Shah: Late but happy: 2 of 2 fixes',
        'Sam Rivera: Needed sooner: 1 of 1 fix',
        'Sam Rivera: Many reopened: 1 of 5 fixes',
    ]
    assert await shown(desk.manager, GroupBy.CATEGORY) == [
        'Staff: Late but happy: 2 of 2 fixes',
        'Staff: On time but unhappy: 2 of 3 fixes',
        'Contractors: On time but unhappy: 1 of 1 fix',
        'Staff: Needed sooner: 1 of 2 fixes',
        'Staff: Many reopened: 1 of 7 fixes',
    ]


async def test_few_ratings_shows_once_under_half_of_the_fixes_are_rated(desk: SimpleNamespace) -> None:
    for n in range(4):  # four more Wi-Fi fixes nobody rated: 4 of 10
        await tickets.resolve(
            (await tickets.take(
                (await tickets.create_ticket(requester=desk.requester, service_id=desk.wifi.id, title=f'X{n}',
                                             now=at(2, 9))).id,
                technician=desk.technician, now=at(2, 9),
            )).id,
            'Done', actor=desk.technician, now=at(2, 10),
        )  # fmt: skip
    assert 'Wi-Fi: Few ratings: 6 of 10 fixes not rated' in await shown(desk.manager, GroupBy.SERVICE)
    behind = await gaps.tickets_behind(
        actor=desk.manager, kind=GapKind.FEW_RATINGS, group_by=GroupBy.SERVICE, key=desk.wifi.id,
        since=WEEK[0], until=WEEK[1],
    )  # fmt: skip
    assert sorted(b.title for b in behind) == ['W2', 'W5', 'X0', 'X1', 'X2', 'X3']  # W2's fix since its reopen


async def test_the_tickets_behind_a_gap_newest_first_with_what_was_said_newest_first(desk: SimpleNamespace) -> None:
    behind = await gaps.tickets_behind(
        actor=desk.manager, kind=GapKind.ON_TIME_UNHAPPY, group_by=GroupBy.SERVICE, key=desk.wifi.id,
        since=WEEK[0], until=WEEK[1],
    )  # fmt: skip
    assert [(b.ticket_id, b.at, b.score) for b in behind] == [(desk.w2, at(0, 14), 2), (desk.w1, at(0, 11), 1)]
    assert [(s.what, s.text, s.at) for s in behind[0].said] == [
        ('Reopened', 'It dropped again', at(0, 16)),
        ('Rating comment', 'Had to chase twice', at(0, 15) + timedelta(minutes=1)),
    ]
    assert [s.text for s in behind[1].said] == ['Nobody told me it was done']


async def test_each_kind_lists_the_tickets_its_figure_counts(desk: SimpleNamespace) -> None:
    async def listed(kind: GapKind, group_by: GroupBy, key: int | None) -> list[int]:
        found = await gaps.tickets_behind(
            actor=desk.manager, kind=kind, group_by=group_by, key=key, since=WEEK[0], until=WEEK[1]
        )
        return [b.ticket_id for b in found]

    assert await listed(GapKind.LATE_HAPPY, GroupBy.SERVICE, desk.wifi.id) == [desk.w4]
    assert await listed(GapKind.ON_TIME_UNHAPPY, GroupBy.SERVICE, desk.printer.id) == [desk.p1]
    assert await listed(GapKind.LATE_HAPPY, GroupBy.CATEGORY, desk.staff.id) == [desk.w4, desk.p2]
    assert await listed(GapKind.NEED_MISSED, GroupBy.TECHNICIAN, desk.technician.id) == [desk.w5]
    assert await listed(GapKind.CALLBACKS, GroupBy.SERVICE, desk.wifi.id) == [desk.w2]
    assert await listed(GapKind.ON_TIME_UNHAPPY, GroupBy.TECHNICIAN, desk.technician2.id) == []


async def test_missed_visits_per_service_and_per_the_technician_expected(
    people: SimpleNamespace, clock: FrozenClock
) -> None:
    day = await a_field_day(people, clock)
    found = await gaps.gaps(actor=people.manager, since=WEEK[0], until=WEEK[1], group_by=GroupBy.TECHNICIAN)
    assert [(g.label, g.words) for g in found if g.kind == GapKind.MISSED_VISITS] == [
        ('Sam Rivera', 'Missed visits: 1 of 2 visits')
    ]
    behind = await gaps.tickets_behind(
        actor=people.manager, kind=GapKind.MISSED_VISITS, group_by=GroupBy.SERVICE, key=day.printer.id,
        since=WEEK[0], until=WEEK[1],
    )  # fmt: skip
    missed = await VisitWindow.get(state=WindowState.MISSED)
    assert [(b.ticket_id, b.at) for b in behind] == [(missed.ticket_id, missed.end)]


@pytest.mark.parametrize('who', ['requester', 'technician'])
async def test_only_managers_see_the_gaps(desk: SimpleNamespace, who: str) -> None:
    person = getattr(desk, who)
    with pytest.raises(Forbidden):
        await gaps.gaps(actor=person, since=WEEK[0], until=WEEK[1], group_by=GroupBy.SERVICE)
    with pytest.raises(Forbidden):
        await gaps.tickets_behind(
            actor=person, kind=GapKind.ON_TIME_UNHAPPY, group_by=GroupBy.SERVICE, key=desk.wifi.id,
            since=WEEK[0], until=WEEK[1],
        )  # fmt: skip


async def test_a_period_has_to_end_after_it_starts_and_groups_are_the_three(desk: SimpleNamespace) -> None:
    with pytest.raises(Invalid):
        await gaps.gaps(actor=desk.manager, since=WEEK[1], until=WEEK[0], group_by=GroupBy.SERVICE)
    with pytest.raises(Invalid):
        await gaps.gaps(actor=desk.manager, since=WEEK[0], until=WEEK[1], group_by=GroupBy.DAY)
    with pytest.raises(Invalid):
        await gaps.tickets_behind(
            actor=desk.manager, kind='no-such-gap', group_by=GroupBy.SERVICE, key=None, since=WEEK[0], until=WEEK[1]
        )


async def test_a_need_missed_within_working_hours_counts_where_the_target_counts_them(desk: SimpleNamespace) -> None:
    """P5: Otto needs it today (by 17:00 Wed), fixed Thu 10:00: 20 hours, but 4 working hours: within the 8."""
    p5 = await tickets.create_ticket(
        requester=desk.outsider, service_id=desk.printer.id, title='P5', need='today', now=at(1, 14)
    )
    await tickets.take(p5.id, technician=desk.technician, now=at(1, 14))
    await tickets.resolve(p5.id, 'Done', actor=desk.technician, now=at(2, 10))
    printer = (await counted(GroupBy.SERVICE))[desk.printer.id]
    assert (printer['with_need'], printer['need_missed']) == (1, 1)
    assert 'Printer: Needed sooner: 1 of 1 fix' in await shown(desk.manager, GroupBy.SERVICE)
    behind = await gaps.tickets_behind(
        actor=desk.manager, kind=GapKind.NEED_MISSED, group_by=GroupBy.CATEGORY, key=desk.contractors.id,
        since=WEEK[0], until=WEEK[1],
    )  # fmt: skip
    assert [b.ticket_id for b in behind] == [p5.id]


async def test_the_demo_has_gaps_worth_reading_and_an_action(db: None) -> None:
    from models import demo
    from models.improvements import ImprovementAction

    now = datetime(2026, 11, 25, 13, 40, tzinfo=START.tzinfo)
    await demo.seed(now=now)
    manager = await User.get(email=demo.MANAGER_EMAIL)
    found = await gaps.gaps(actor=manager, since=now - timedelta(days=30), until=now, group_by=GroupBy.SERVICE)
    words = {(g.label, g.kind) for g in found}
    assert ('Email & calendar', GapKind.ON_TIME_UNHAPPY) in words
    assert ('Phone & mobile', GapKind.LATE_HAPPY) in words
    [action] = await ImprovementAction.all()
    assert (action.gap_kind, action.group_label, action.figures['count']) == (
        GapKind.ON_TIME_UNHAPPY, 'Email & calendar', 2,
    )  # fmt: skip
