"""Tickets out as CSV: managers only, one row per ticket of the period with its measures, streamed in batches,
and a title that a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest

from models import ratings, ticket_export, tickets
from models.errors import Forbidden, Invalid
from models.users import User
from tests.conftest import FrozenClock


async def read(actor: User, since, until) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    text = ''.join([chunk async for chunk in ticket_export.csv_lines(actor, since, until)])
    return list(csv.DictReader(io.StringIO(text)))


async def test_one_row_per_ticket_with_its_measures_in_batches(
    people: SimpleNamespace, manager: User, technician: User, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ticket_export, 'BATCH', 2)  # three batches for five tickets
    start = clock.now
    made = []
    for n in range(5):
        made.append(
            await tickets.create_ticket(
                requester=people.requester, service_id=people.printer.id, title=f'Jam {n}', now=start
            )
        )
    await tickets.take(made[0].id, technician=technician, now=start + timedelta(minutes=10))
    await tickets.reply(made[0].id, 'Looking now', author=technician, now=start + timedelta(minutes=30))
    await tickets.resolve(made[0].id, 'Cleared', actor=technician, now=start + timedelta(hours=3))
    await ratings.rate(made[0].id, 2, actor=people.requester, now=start + timedelta(hours=4))
    await ratings.comment(made[0].id, 'Took all morning', actor=people.requester, now=start + timedelta(hours=4))
    rows = await read(manager, start - timedelta(days=1), start + timedelta(days=1))
    assert [r['number'] for r in rows] == [t.number for t in made]
    first = rows[0]
    assert (first['hours to first answer'], first['hours to fix']) == ('0.50', '3.00')
    assert (first['technician'], first['rating'], first['rating words']) == ('Sam Rivera', '2', 'Poor')
    assert first['rating comment'] == 'Took all morning' and first['requester group'] == 'Staff'
    assert rows[1]['fixed (UTC)'] == '' and rows[1]['rating'] == ''
    assert await read(manager, start + timedelta(hours=1), start + timedelta(days=1)) == []  # reported before


async def test_a_title_a_spreadsheet_would_run_is_written_as_text(
    people: SimpleNamespace, manager: User, clock: FrozenClock
) -> None:
    await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title='=HYPERLINK("http://evil","click")'
    )
    await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='-5 degrees in here')
    rows = await read(manager, clock.now - timedelta(days=1), clock.now + timedelta(days=1))
    assert [r['title'] for r in rows] == ['\'=HYPERLINK("http://evil","click")', "'-5 degrees in here"]


async def test_only_managers_export_and_the_period_is_checked(
    people: SimpleNamespace, manager: User, technician: User, clock: FrozenClock
) -> None:
    with pytest.raises(Forbidden):
        await read(technician, clock.now - timedelta(days=1), clock.now)
    with pytest.raises(Invalid):
        await read(manager, clock.now, clock.now)
