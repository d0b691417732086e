"""Figures that compare, checked against a hand-built week whose figures are written out below: across the
Europe/London change from summer time (Sun 25 Oct 2026, 02:00 BST → 01:00 GMT), working hours Mon–Fri
09:00–17:00 London time, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, time
from types import SimpleNamespace

import pytest

from models import help_settings, measure_figures, measure_tickets, measure_times, measures, ratings, sla, tickets
from models.catalog import Priority
from models.errors import Forbidden
from models.measures import GroupBy
from models.records import Ticket
from models.users import User

# The period: the London days Thu 22 – Wed 28 Oct, from local midnight to local midnight (7 days and 1 hour).
SINCE = datetime(2026, 10, 21, 23, 0, tzinfo=UTC)  # 00:00 BST
UNTIL = datetime(2026, 10, 29, 0, 0, tzinfo=UTC)  # 00:00 GMT
BEFORE = datetime(2026, 10, 14, 23, 0, tzinfo=UTC)  # the previous period: the 7 London days before (00:00 BST)
NOW = datetime(2026, 10, 29, 9, 0, tzinfo=UTC)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=UTC)


@pytest.fixture
async def week(people: SimpleNamespace) -> SimpleNamespace:
    """Targets: Wi-Fi answered within 1 working hour and fixed within 8 working hours (one working day);
    Printer answered within 4 hours around the clock, no fix target. Times below are UTC (BST = UTC+1 until
    Sun 25 Oct 01:00 UTC). Sam works the Wi-Fi, Priya the printer.

    In the period:
    A Wi-Fi Fri 23 15:30 (16:30 BST); answered Mon 26 09:20: 30 + 20 working min = 3000 s, met;
      fixed Mon 26 14:00: 30 min + 5 h = 19800 s, met; rated 5.
    B Wi-Fi Sat 24 10:00; answered Sun 25 12:00: 0 working s, met; fixed Tue 27 11:00: Mon 8 h + 2 h = 36000 s,
      missed; rated 2.
    C Wi-Fi Mon 26 08:00; answered 09:30: 1800 s, met; fixed Wed 28 16:00: 8 h + 8 h + 7 h = 82800 s, missed.
    D Wi-Fi Tue 27 09:00; answered 09:10: 600 s, met; fixed 10:00, rated 1, reopened 12:00 (a callback; open).
    E Printer Sat 24 23:30 UTC = Sun 25 00:30 BST (a Sunday in London); answered 02:30 UTC: 10800 s, met;
      fixed Sun 25 23:30: 86400 s (no target); rated 4.
    F Printer Wed 28 23:30 GMT: nobody took it yet.
    G Printer Thu 22 05:00; answered 10:00: 18000 s, missed; fixed 20:00: 54000 s; rated 3.
    H Printer Wed 21 23:30 UTC = Thu 22 00:30 BST (inside the period, though not on a UTC Thursday);
      answered Thu 22 00:30: 3600 s, met; not fixed.
    In the previous period:
    I Printer Wed 21 21:30; answered 21:45: 900 s, met; fixed 22:15: 2700 s; rated 5.
    J Wi-Fi Mon 19 09:00 (10:00 BST); answered 11:00: 7200 working s, missed; fixed Tue 20 09:00: 7 h + 1 h =
      28800 s, just met; rated 4.
    """
    p = people
    await sla.set_calendar(actor=p.manager, days=[1, 2, 3, 4, 5], start=time(9), end=time(17), timezone='Europe/London')
    await sla.set_target(
        actor=p.manager, service_id=p.wifi.id, priority=Priority.NORMAL, first_response_minutes=60,
        resolution_minutes=480, business_hours=True,
    )  # fmt: skip
    await sla.set_target(
        actor=p.manager, service_id=p.printer.id, priority=Priority.NORMAL, first_response_minutes=240,
        resolution_minutes=None,
    )  # fmt: skip

    async def ticket(
        service_id: int, reported: datetime, tech: User | None = None, answered: datetime | None = None,
        fixed: datetime | None = None, score: int | None = None,
    ) -> Ticket:  # fmt: skip
        who = p.requester if service_id == p.wifi.id else p.outsider
        t = await tickets.create_ticket(requester=who, service_id=service_id, title='Help', now=reported)
        if tech is not None:
            await tickets.take(t.id, technician=tech, now=reported)
        if answered is not None:
            await tickets.reply(t.id, 'On it', author=tech, now=answered)
        if fixed is not None:
            await tickets.resolve(t.id, 'Done', actor=tech, now=fixed)
        if score is not None:
            await ratings.rate(t.id, score, actor=who, now=fixed)
        return t

    sam, priya, wifi, printer = p.technician, p.technician2, p.wifi.id, p.printer.id
    await ticket(wifi, utc(19, 9), sam, utc(19, 11), utc(20, 9), 4)  # J
    await ticket(printer, utc(21, 21, 30), priya, utc(21, 21, 45), utc(21, 22, 15), 5)  # I
    await ticket(printer, utc(21, 23, 30), priya, utc(22, 0, 30))  # H
    await ticket(printer, utc(22, 5), priya, utc(22, 10), utc(22, 20), 3)  # G
    await ticket(wifi, utc(23, 15, 30), sam, utc(26, 9, 20), utc(26, 14), 5)  # A
    await ticket(wifi, utc(24, 10), sam, utc(25, 12), utc(27, 11), 2)  # B
    await ticket(printer, utc(24, 23, 30), priya, utc(25, 2, 30), utc(25, 23, 30), 4)  # E
    await ticket(wifi, utc(26, 8), sam, utc(26, 9, 30), utc(28, 16))  # C
    d = await ticket(wifi, utc(27, 9), sam, utc(27, 9, 10), utc(27, 10), 1)  # D
    await tickets.reopen(d.id, 'Still drops', actor=p.requester, now=utc(27, 12))
    await ticket(printer, utc(28, 23, 30))  # F
    return people


def times(count: int, median: float | None, p90: float | None, with_target: int, within: int) -> dict:
    compliance = round(within / with_target, 4) if with_target else None
    return {
        'count': count, 'median_seconds': median, 'p90_seconds': p90, 'with_target': with_target,
        'within_target': within, 'compliance': compliance,
    }  # fmt: skip


THIS_WEEK = {
    'received': 8,  # A–H
    'fixed': 6,  # A, B, C, E, G standing, and D's fix that came back
    'backlog': 3,  # D (reopened), F, H
    'rated': 5,
    'satisfaction': 3.0,
    'satisfied': 0.4,  # A 5, E 4
    'response_rate': 0.8333,  # 5 of 6
    'scores': {1: 1, 2: 1, 3: 1, 4: 1, 5: 1},
    'callbacks': 1,
    'callback_rate': 0.1667,
    # 0 B, 600 D, 1800 C, 3000 A, 3600 H, 10800 E, 18000 G: the 4th of 7, and the 7th (⌈6.3⌉)
    'first_answer': times(7, 3000.0, 18000.0, 7, 6),  # G late
    # 19800 A, 36000 B, 54000 G, 82800 C, 86400 E: the 3rd of 5 and the 5th (⌈4.5⌉); targets: Wi-Fi's only
    'fix': times(5, 54000.0, 86400.0, 3, 1),
    'deflections_confirmed': 0,
    'deflections_potential': 0,
    'first_visit_fixes': 0,
    'fixed_on_visit': 0,
    'first_visit_fix_rate': None,
}
LAST_WEEK = {
    'received': 2,
    'fixed': 2,
    'backlog': 0,
    'rated': 2,
    'satisfaction': 4.5,
    'satisfied': 1.0,
    'response_rate': 1.0,
    'scores': {1: 0, 2: 0, 3: 0, 4: 1, 5: 1},
    'callbacks': 0,
    'callback_rate': 0.0,
    'first_answer': times(2, 4050.0, 7200.0, 2, 1),  # 900 I and 7200 J: their mean, and the 2nd (⌈1.8⌉)
    'fix': times(2, 15750.0, 28800.0, 1, 1),  # 2700 I, 28800 J (exactly on target)
    'deflections_confirmed': 0,
    'deflections_potential': 0,
    'first_visit_fixes': 0,
    'fixed_on_visit': 0,
    'first_visit_fix_rate': None,
}


async def test_the_weeks_figures_are_those_written_out(week: SimpleNamespace, manager: User) -> None:
    found = await measure_figures.figures(actor=manager, since=SINCE, until=UNTIL, now=NOW)
    assert found['current'] == THIS_WEEK
    assert found['timezone'] == 'Europe/London'


async def test_the_previous_period_is_as_long_and_just_before(week: SimpleNamespace, manager: User) -> None:
    found = await measure_figures.figures(actor=manager, since=SINCE, until=UNTIL, now=NOW)
    assert found['previous'] == LAST_WEEK


async def test_the_previous_period_is_as_many_whole_days_across_the_clock_change(
    week: SimpleNamespace, manager: User
) -> None:
    """The week is 7 days and 1 hour long (the clock went back); the week before starts at London midnight
    (Thu 15 Oct 00:00 BST = Wed 14 23:00 UTC), not an hour earlier: a request at 23:30 BST on Wed 14 Oct is
    not in it."""
    await tickets.create_ticket(requester=week.requester, service_id=week.wifi.id, title='Late', now=utc(14, 22, 30))
    found = await measure_figures.figures(actor=manager, since=SINCE, until=UNTIL, now=NOW)
    assert found['previous']['received'] == 2  # I and J
    await tickets.create_ticket(requester=week.requester, service_id=week.wifi.id, title='In', now=BEFORE)
    found = await measure_figures.figures(actor=manager, since=SINCE, until=UNTIL, now=NOW)
    assert found['previous']['received'] == 3


async def test_the_targets_are_given_beside_the_figures(week: SimpleNamespace, manager: User) -> None:
    found = await measure_figures.figures(actor=manager, since=SINCE, until=UNTIL, now=NOW)
    assert found['targets'] == {
        'answer': {'shortest_minutes': 60, 'longest_minutes': 240, 'working': None},  # working hours for Wi-Fi only
        'fix': {'shortest_minutes': 480, 'longest_minutes': 480, 'working': True},
    }


async def test_working_hours_in_the_database_match_the_service_level_clock(week: SimpleNamespace) -> None:
    """A's answer and fix, and B's fix, across the weekend of the clock change, as sla.BusinessHours counts."""
    clock = sla.business_hours(await sla.working_calendar())
    assert clock.seconds(utc(23, 15, 30), utc(26, 9, 20)) == 3000
    assert clock.seconds(utc(23, 15, 30), utc(26, 14)) == 19800
    assert clock.seconds(utc(24, 10), utc(27, 11)) == 36000
    assert clock.seconds(utc(26, 8), utc(28, 16)) == 82800


async def test_compliance_per_service(week: SimpleNamespace, manager: User) -> None:
    found = await measure_figures.compliance_by_service(actor=manager, since=SINCE, until=UNTIL)
    assert found == {
        week.wifi.id: {'answer': times(4, 1200.0, 3000.0, 4, 4), 'fix': times(3, 36000.0, 82800.0, 3, 1)},
        week.printer.id: {'answer': times(3, 10800.0, 18000.0, 3, 2), 'fix': times(2, 70200.0, 86400.0, 0, 0)},
    }


# ---- the counted times are stored once read, and counted again when what they depend on changes -------------


async def test_a_fix_made_again_is_counted_from_the_new_fix(week: SimpleNamespace, manager: User) -> None:
    """A (Wi-Fi, Fri 23 16:30 BST) is counted (19800 s, stored), then reopened and fixed again Wed 28 10:00:
    Fri 30 min + Mon 8 h + Tue 8 h + Wed 1 h = 63000 s. Fixes: 36000 B, 54000 G, 63000 A, 82800 C, 86400 E."""
    await measure_figures.figures(actor=manager, since=SINCE, until=UNTIL, now=NOW)
    a = await Ticket.get(created_at=utc(23, 15, 30))
    assert a.fix_seconds == 19800
    await tickets.reopen(a.id, 'It is back', actor=week.requester, now=utc(27, 12))
    await tickets.resolve(a.id, 'Done again', actor=week.technician, now=utc(28, 10))
    found = await measure_figures.figures(actor=manager, since=SINCE, until=UNTIL, now=NOW)
    assert found['current']['fix'] == times(5, 63000.0, 86400.0, 3, 0)


async def test_the_backfill_stores_every_counted_time_the_measures_would(week: SimpleNamespace) -> None:
    """After an upgrade nothing is stored yet: the backfill (run at start) stores, week by week, the same seconds
    the measures count (the week's answers and fixes written out in `week`), and a second run finds nothing."""
    assert await Ticket.filter(fix_seconds__isnull=False).count() == 0
    weeks = await measure_times.backfill(NOW, pause=0)
    assert weeks >= 2  # the answers and the fixes, over two weeks
    stored = {t.created_at: (t.answer_seconds, t.fix_seconds) for t in await Ticket.all()}
    assert stored[utc(23, 15, 30)] == (3000, 19800)  # A, Wi-Fi in working hours, across the clock change
    assert stored[utc(24, 10)] == (0, 36000)  # B
    assert stored[utc(26, 8)] == (1800, 82800)  # C
    assert stored[utc(24, 23, 30)] == (10800, 86400)  # E, the printer around the clock
    assert stored[utc(22, 5)] == (18000, 54000)  # G
    assert stored[utc(28, 23, 30)] == (None, None)  # F: nobody took it yet
    assert await Ticket.filter(first_response_at__isnull=False, answer_seconds__isnull=True).count() == 0
    assert await Ticket.filter(resolved_at__isnull=False, fix_seconds__isnull=True).count() == 0
    assert await measure_times.backfill(NOW, pause=0) == 0


async def test_a_target_no_longer_in_working_hours_counts_around_the_clock(
    week: SimpleNamespace, manager: User
) -> None:
    """Wi-Fi's first answers around the clock: D 600, C 5400, B 93600 (Sat 10:00 – Sun 12:00), A 237000."""
    await measure_figures.compliance_by_service(actor=manager, since=SINCE, until=UNTIL)
    await sla.set_target(
        actor=manager, service_id=week.wifi.id, priority=Priority.NORMAL, first_response_minutes=60,
        resolution_minutes=480, business_hours=False,
    )  # fmt: skip
    found = await measure_figures.compliance_by_service(actor=manager, since=SINCE, until=UNTIL)
    assert found[week.wifi.id]['answer'] == times(4, 49500.0, 237000.0, 4, 1)


async def test_a_new_working_day_counts_the_times_again(week: SimpleNamespace, manager: User) -> None:
    """Working 08:00–17:00: Wi-Fi's first answers B 0, D 600, C 5400 (from 08:00), A 30 + 80 min = 6600."""
    await measure_figures.compliance_by_service(actor=manager, since=SINCE, until=UNTIL)
    await sla.set_calendar(actor=manager, days=[1, 2, 3, 4, 5], start=time(8), end=time(17), timezone='Europe/London')
    found = await measure_figures.compliance_by_service(actor=manager, since=SINCE, until=UNTIL)
    assert found[week.wifi.id]['answer'] == times(4, 3000.0, 6600.0, 4, 2)


async def test_the_late_ones_behind_the_compliance_figures(week: SimpleNamespace, manager: User) -> None:
    """Answered late: G (18000 s against 4 h). Fixed late: B (36000 s) and C (82800 s) against 8 working hours;
    A (19800 s) was in time and E's service has no fix target."""
    late_answers = await measure_tickets.behind(manager, 'answered_late', since=SINCE, until=UNTIL)
    late_fixes = await measure_tickets.behind(manager, 'fixed_late', since=SINCE, until=UNTIL)
    assert [t.created_at for t in late_answers.tickets] == [utc(22, 5)]
    assert [t.created_at for t in late_fixes.tickets] == [utc(26, 8), utc(24, 10)]  # newest first
    found = await measure_figures.figures(actor=manager, since=SINCE, until=UNTIL, now=NOW)
    for kind, behind in (('first_answer', late_answers), ('fix', late_fixes)):
        assert behind.total == found['current'][kind]['with_target'] - found['current'][kind]['within_target']


async def test_days_are_londons_across_the_clock_change(week: SimpleNamespace, manager: User) -> None:
    """H (00:30 BST) is a Thursday, E (00:30 BST) a Sunday: not the UTC Wednesday and Saturday."""
    rows = await measures.measures(actor=manager, since=SINCE, until=UNTIL, group_by=GroupBy.DAY)
    assert {r['key']: r['volume'] for r in rows if r['volume']} == {
        '2026-10-22': 2, '2026-10-23': 1, '2026-10-24': 1, '2026-10-25': 1, '2026-10-26': 1, '2026-10-27': 1,
        '2026-10-28': 1,
    }  # fmt: skip


async def test_weeks_are_londons_and_start_on_monday(week: SimpleNamespace, manager: User) -> None:
    rows = await measures.measures(actor=manager, since=SINCE, until=UNTIL, group_by=GroupBy.WEEK)
    assert {r['key']: (r['volume'], r['rated']) for r in rows} == {'2026-10-19': (5, 2), '2026-10-26': (3, 3)}


# ---- a technician's own figures ------------------------------------------------------------------------------

SAMS_WEEK = {
    'received': 4,  # A, B, C, D
    'fixed': 4,
    'backlog': 1,  # D
    'rated': 3,
    'satisfaction': 2.67,  # (5 + 2 + 1) / 3
    'satisfied': 0.3333,
    'response_rate': 0.75,
    'scores': {1: 1, 2: 1, 3: 0, 4: 0, 5: 1},
    'callbacks': 1,
    'callback_rate': 0.25,
    'first_answer': times(4, 1200.0, 3000.0, 4, 4),  # 0, 600, 1800, 3000
    'fix': times(3, 36000.0, 82800.0, 3, 1),
}


async def test_a_technician_sees_their_own_figures(week: SimpleNamespace, technician: User) -> None:
    found = await measure_figures.my_figures(technician, since=SINCE, until=UNTIL)
    assert (found['technician_id'], found['current']) == (technician.id, SAMS_WEEK)
    assert found['previous']['received'] == 1  # J


async def test_a_technician_cannot_see_a_colleagues_figures(
    week: SimpleNamespace, technician: User, technician2: User
) -> None:
    with pytest.raises(Forbidden):
        await measure_figures.my_figures(technician, since=SINCE, until=UNTIL, technician_id=technician2.id)


async def test_a_colleagues_figures_once_a_manager_turned_on_ranking_staff(
    week: SimpleNamespace, technician: User, technician2: User, manager: User
) -> None:
    await help_settings.choose(manager, rank_staff=True)
    found = await measure_figures.my_figures(technician, since=SINCE, until=UNTIL, technician_id=technician2.id)
    assert found['current']['received'] == 3  # E, G, H (F is nobody's)


async def test_a_manager_sees_any_technicians_figures(week: SimpleNamespace, manager: User, technician: User) -> None:
    found = await measure_figures.my_figures(manager, since=SINCE, until=UNTIL, technician_id=technician.id)
    assert found['current'] == SAMS_WEEK


async def test_requesters_have_no_figures(week: SimpleNamespace, requester: User) -> None:
    with pytest.raises(Forbidden):
        await measure_figures.my_figures(requester, since=SINCE, until=UNTIL)


async def test_only_managers_see_the_headline_figures(week: SimpleNamespace, technician: User) -> None:
    with pytest.raises(Forbidden):
        await measure_figures.figures(actor=technician, since=SINCE, until=UNTIL, now=NOW)
    with pytest.raises(Forbidden):
        await measure_figures.compliance_by_service(actor=technician, since=SINCE, until=UNTIL)
