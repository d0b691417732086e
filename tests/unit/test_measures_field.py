"""The managers' field figures: visits, missed visits, first-visit fixes and time on site, in the database."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from models import field_measures
from models.errors import Forbidden, Invalid
from models.measures import GroupBy
from models.users import User
from tests.conftest import START, FrozenClock
from tests.field_day import a_field_day

WEEK = (START, START + timedelta(days=7))


@pytest.fixture
async def field_day(people: SimpleNamespace, clock: FrozenClock) -> SimpleNamespace:
    """Tue 24 Nov 2026: Sam's first-visit fix, Priya's fix on a second visit, a visit to Otto missed."""
    return await a_field_day(people, clock)


COLUMNS = (
    'key', 'visits', 'missed', 'fixed_on_visit', 'first_visit_fixes', 'first_visit_fix_rate', 'on_site_seconds',
    'on_site_per_fix_seconds',
)  # fmt: skip


def expect(*values: object) -> dict:
    """One row of field figures, in the order of COLUMNS."""
    return dict(zip(COLUMNS, values, strict=True))


async def grouped(manager: User, group_by: GroupBy) -> dict[object, dict]:
    rows = await field_measures.field_measures(actor=manager, since=WEEK[0], until=WEEK[1], group_by=group_by)
    return {row.pop('label'): row for row in rows}


async def test_field_figures_per_service(field_day: SimpleNamespace, manager: User) -> None:
    assert await grouped(manager, GroupBy.SERVICE) == {
        'Wi-Fi': expect(field_day.wifi.id, 1, 0, 1, 1, 1.0, 4800, 4800),
        'Printer': expect(field_day.printer.id, 2, 1, 1, 0, 0.0, 7200, 7200),
    }


async def test_field_figures_per_technician_count_who_went_or_was_expected(
    field_day: SimpleNamespace, manager: User
) -> None:
    assert await grouped(manager, GroupBy.TECHNICIAN) == {
        'Sam Rivera': expect(field_day.technician.id, 1, 1, 1, 1, 1.0, 4800, 4800),
        'Priya Shah': expect(field_day.technician2.id, 2, 0, 1, 0, 0.0, 7200, 7200),
    }


async def test_field_figures_per_requester_category(field_day: SimpleNamespace, manager: User) -> None:
    assert await grouped(manager, GroupBy.CATEGORY) == {
        'Staff': expect(field_day.staff.id, 3, 0, 2, 1, 0.5, 12000, 6000),
        'Contractors': expect(field_day.contractors.id, 0, 1, 0, 0, None, 0, None),
    }


async def test_field_figures_per_day(field_day: SimpleNamespace, manager: User) -> None:
    assert await grouped(manager, GroupBy.DAY) == {'2026-11-24': expect('2026-11-24', 3, 1, 2, 1, 0.5, 12000, 6000)}


async def test_the_whole_periods_field_figures(field_day: SimpleNamespace, manager: User) -> None:
    figures = await field_measures.field_overall(actor=manager, since=WEEK[0], until=WEEK[1])
    assert figures.pop('label') == 'All'
    assert figures == expect(None, 3, 1, 2, 1, 0.5, 12000, 6000)


async def test_the_period_bounds_the_field_figures(field_day: SimpleNamespace, manager: User) -> None:
    """Until 12:00: only Sam's visit had ended, and the missed window had not."""
    figures = await field_measures.field_overall(actor=manager, since=START, until=START + timedelta(hours=3))
    assert figures == {**expect(None, 1, 0, 1, 1, 1.0, 4800, 4800), 'label': 'All'}


async def test_a_period_without_visits_has_no_shares_rather_than_zeros(manager: User) -> None:
    figures = await field_measures.field_overall(actor=manager, since=WEEK[0], until=WEEK[1])
    assert figures == {**expect(None, 0, 0, 0, 0, None, 0, None), 'label': 'All'}
    rows = await field_measures.field_measures(actor=manager, since=WEEK[0], until=WEEK[1], group_by=GroupBy.SERVICE)
    assert rows == []


async def test_only_managers_see_the_field_figures(field_day: SimpleNamespace, technician: User) -> None:
    with pytest.raises(Forbidden):
        await field_measures.field_overall(actor=technician, since=WEEK[0], until=WEEK[1])
    with pytest.raises(Forbidden):
        await field_measures.field_measures(actor=technician, since=WEEK[0], until=WEEK[1], group_by=GroupBy.SERVICE)


async def test_a_field_period_ends_after_it_starts(manager: User) -> None:
    with pytest.raises(Invalid):
        await field_measures.field_overall(actor=manager, since=START, until=START)
