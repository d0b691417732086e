"""Every figure opens the tickets behind it: the same conditions as the figure, newest first, with the total."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from models import measure_tickets, ratings, tickets
from models.errors import Forbidden, Invalid
from models.users import User
from tests.conftest import FrozenClock


async def test_the_tickets_behind_each_figure(
    people: SimpleNamespace, manager: User, technician: User, clock: FrozenClock
) -> None:
    start = clock.now
    made = [
        await tickets.create_ticket(
            requester=people.requester, service_id=s.id, title=f'T{n}', now=start + timedelta(minutes=n)
        )
        for n, s in enumerate([people.printer, people.printer, people.wifi, people.printer])
    ]
    for n, score in ((0, 5), (1, 2), (2, 1)):
        await tickets.take(made[n].id, technician=technician, now=start + timedelta(hours=1))
        await tickets.resolve(made[n].id, 'Done', actor=technician, now=start + timedelta(hours=2))
        await ratings.rate(made[n].id, score, actor=people.requester, now=start + timedelta(hours=3))
    await tickets.reopen(made[1].id, 'Jams again', actor=people.requester, now=start + timedelta(hours=4))
    since, until = start - timedelta(days=1), start + timedelta(days=1)

    async def numbers(what: str, **only: int) -> list[str]:
        found = await measure_tickets.behind(manager, what, since=since, until=until, **only)
        assert found.total == len(found.tickets)
        return [t.title for t in found.tickets]

    assert await numbers('received') == ['T3', 'T2', 'T1', 'T0']  # newest first
    assert await numbers('received', service_id=people.printer.id) == ['T3', 'T1', 'T0']
    assert await numbers('fixed') == ['T2', 'T0']  # T1's fix did not hold: reopened, it counts as a callback
    assert await numbers('poor') == ['T2', 'T1'] and await numbers('good') == ['T0']
    assert await numbers('rated', score=1) == ['T2']
    assert await numbers('callbacks') == ['T1']
    assert await numbers('backlog') == ['T3', 'T1']  # T1 was reopened: not fixed any more
    assert await numbers('received', technician_id=technician.id) == ['T2', 'T1', 'T0']
    poor = await measure_tickets.behind(manager, 'poor', since=since, until=until)
    assert {t.title: poor.ratings[t.id].score for t in poor.tickets} == {'T2': 1, 'T1': 2}


async def test_only_managers_and_only_real_figures(people: SimpleNamespace, manager: User, technician: User) -> None:
    now = people.requester.created_at
    with pytest.raises(Forbidden):
        await measure_tickets.behind(technician, 'received', since=now, until=now + timedelta(days=1))
    with pytest.raises(Invalid):
        await measure_tickets.behind(manager, 'everything', since=now, until=now + timedelta(days=1))
    with pytest.raises(Invalid):
        await measure_tickets.behind(manager, 'rated', since=now, until=now + timedelta(days=1), score=9)
