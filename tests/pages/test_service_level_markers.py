"""Service levels on screen: due times and On track / At risk / Overdue for staff; overdue and at risk first."""

from __future__ import annotations

import asyncio
import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from nicegui.testing import User

from models import queue, sla, tickets
from models.catalog import Priority
from models.tickets import Ticket
from tests.conftest import FrozenClock

from .conftest import sign_in


@pytest.fixture
async def targets(people: SimpleNamespace) -> None:
    """Printer, normal priority: a reply within an hour, a fix within eight (around the clock; 75 % is at risk)."""
    await sla.set_target(
        actor=people.manager,
        service_id=people.printer.id,
        priority=Priority.NORMAL,
        first_response_minutes=60,
        resolution_minutes=8 * 60,
    )


async def report(people: SimpleNamespace, title: str, priority: Priority = Priority.NORMAL) -> Ticket:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title=title)
    if priority != Priority.NORMAL:
        await Ticket.filter(id=ticket.id).update(priority=priority)
    return ticket


async def queue_order(user: User, shown: Ticket) -> list[str]:
    """The ticket markers of the queue's rows, top to bottom (found from the row of one shown ticket)."""
    item = user.find(marker=f'ticket-{shown.id}').elements.pop()
    container = item.parent_slot.parent.parent_slot.parent  # type: ignore[union-attr]  # row wrapper, then the list
    return [next(m for m in wrap.default_slot.children[0]._markers if m.startswith('ticket-')) for wrap in container]


# ---- the ticket page --------------------------------------------------------------------------------


async def test_staff_see_the_due_times_and_on_track(
    user: User, people: SimpleNamespace, targets: None, clock: FrozenClock
) -> None:
    from pages.layout import when  # pages are imported by the app the `user` fixture starts, not before

    ticket = await report(people, 'Printer jams')
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('On track')
    reply_by = when(clock.now + timedelta(hours=1), people.technician)
    fix_by = when(clock.now + timedelta(hours=8), people.technician)
    await user.should_see(f'Reply due by {reply_by} · Fix due by {fix_by}')


async def test_a_late_ticket_is_marked_overdue_and_the_reply_due_time_goes_once_answered(
    user: User, people: SimpleNamespace, targets: None, clock: FrozenClock
) -> None:
    ticket = await report(people, 'Printer jams')
    clock.advance(minutes=90)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('Overdue')
    await tickets.take(ticket.id, technician=people.technician)
    await tickets.reply(ticket.id, 'Looking at it now', author=people.technician)
    await user.should_see('Looking at it now')
    await user.should_not_see('Reply due by')
    await user.should_see('Overdue')  # the first reply came late: the miss stays on record


async def test_an_open_ticket_page_notices_time_passing(
    user: User, people: SimpleNamespace, targets: None, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlib.import_module('pages.ticket'), 'SLA_REFRESH_SECONDS', 0.1)
    ticket = await report(people, 'Printer jams')
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('On track')
    clock.advance(minutes=50)  # nothing changes on the ticket; only time passes
    await user.should_see('At risk')


async def test_the_requester_sees_no_service_level_marker(user: User, people: SimpleNamespace, targets: None) -> None:
    ticket = await report(people, 'Printer jams')
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('Printer jams')
    await user.should_not_see('On track')
    await user.should_not_see(marker='sla')


async def test_a_service_without_a_target_shows_no_marker(user: User, people: SimpleNamespace) -> None:
    ticket = await report(people, 'Printer jams')
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('Printer jams')
    await user.should_not_see(marker='sla')


# ---- the queue -------------------------------------------------------------------------------------


async def test_queue_rows_carry_their_marker(
    user: User, people: SimpleNamespace, targets: None, clock: FrozenClock
) -> None:
    late = await report(people, 'Toner everywhere')
    clock.advance(minutes=50)  # 50 of 60 minutes to the first reply: at risk
    fresh = await report(people, 'Paper jam')
    await sign_in(user, 'sam@example.com')
    await user.open('/queue')
    await user.should_see(f'#{fresh.id} Paper jam')
    assert user.find(marker=f'marker-{late.id}').elements.pop().text == 'At risk'
    assert user.find(marker=f'marker-{fresh.id}').elements.pop().text == 'On track'


async def test_queue_puts_overdue_and_at_risk_before_priority(
    user: User, people: SimpleNamespace, targets: None, clock: FrozenClock
) -> None:
    overdue = await report(people, 'Overdue one')
    clock.advance(minutes=20)
    at_risk = await report(people, 'At risk one')
    clock.advance(minutes=50)
    urgent = await report(people, 'Urgent, no target', Priority.URGENT)
    on_track = await report(people, 'On track one')
    await sign_in(user, 'sam@example.com')
    await user.open('/queue')
    await user.should_see(f'#{on_track.id} On track one')
    assert await queue_order(user, on_track) == [f'ticket-{t.id}' for t in (overdue, at_risk, urgent, on_track)]


async def test_an_overdue_ticket_shows_even_behind_a_full_queue_of_more_urgent_ones(
    user: User, people: SimpleNamespace, targets: None, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue, 'ROWS', 3)  # a full first page, without reporting fifty tickets
    await sla.set_target(
        actor=people.manager,
        service_id=people.printer.id,
        priority=Priority.LOW,
        first_response_minutes=60,
        resolution_minutes=None,
    )
    overdue = await report(people, 'Old and low', Priority.LOW)
    clock.advance(minutes=90)
    urgent = [await report(people, f'Urgent {i}', Priority.URGENT) for i in range(4)]  # no target: no marker
    await Ticket.filter(id__in=[t.id for t in urgent]).update(service_id=people.wifi.id)
    await sign_in(user, 'sam@example.com')
    await user.open('/queue')
    await user.should_see(f'#{overdue.id} Old and low')
    shown = await queue_order(user, overdue)
    assert shown[0] == f'ticket-{overdue.id}'
    assert len(shown) == 3  # the late one, then the first rows by priority and age


async def test_a_ticket_that_turns_at_risk_moves_up_when_it_changes(
    user: User, people: SimpleNamespace, targets: None, clock: FrozenClock
) -> None:
    first = await report(people, 'Printer jams')
    high = await report(people, 'Scanner is down', Priority.HIGH)
    await sign_in(user, 'sam@example.com')
    await user.open('/queue?view=open')
    await user.should_see(f'#{first.id} Printer jams')
    assert await queue_order(user, first) == [f'ticket-{high.id}', f'ticket-{first.id}']
    clock.advance(minutes=50)
    await tickets.reply(first.id, 'checking the logs', author=people.technician2, internal=True)
    await user.should_see('At risk')
    assert await queue_order(user, first) == [f'ticket-{first.id}', f'ticket-{high.id}']


async def test_an_open_queue_notices_time_passing(
    user: User, people: SimpleNamespace, targets: None, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr('pages.queue.MARKER_REFRESH_SECONDS', 0.1)
    ticket = await report(people, 'Printer jams')
    await sign_in(user, 'sam@example.com')
    await user.open('/queue')
    await user.should_see('On track')
    clock.advance(minutes=61)  # nothing changes on the ticket; only time passes
    await user.should_see('Overdue')
    assert user.find(marker=f'marker-{ticket.id}').elements.pop().text == 'Overdue'


async def test_queue_markers_come_from_one_call_for_the_whole_list(
    user: User, people: SimpleNamespace, targets: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(5):
        await report(people, f'Problem {n}')
    calls: list[int] = []
    original = sla.service_levels

    async def counting(ticket_list: list[Ticket], now: object) -> dict:
        calls.append(len(ticket_list))
        return await original(ticket_list, now)  # type: ignore[arg-type]

    await sign_in(user, 'sam@example.com')  # lands on the queue: its own calls
    monkeypatch.setattr(sla, 'service_levels', counting)
    await user.open('/queue')
    await user.should_see('Problem 4')
    assert calls == [5]


async def test_one_change_reads_the_service_level_once_for_every_open_queue(
    user: User, create_user: object, people: SimpleNamespace, targets: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = await report(people, 'Printer jams')
    other = create_user()  # type: ignore[operator]
    for tab, email in ((user, 'sam@example.com'), (other, 'priya@example.com')):
        await sign_in(tab, email)
        await tab.open('/queue')
        await tab.should_see('On track')
    calls: list[int] = []
    original = sla.service_levels

    async def counting(ticket_list: list[Ticket], now: object) -> dict:
        calls.append(len(ticket_list))
        return await original(ticket_list, now)  # type: ignore[arg-type]

    monkeypatch.setattr(sla, 'service_levels', counting)
    await tickets.reply(ticket.id, 'Looking at it', author=people.manager, internal=True)
    for _ in range(100):  # both open queues handle the change
        await asyncio.sleep(0.02)
        if calls:
            break
    await asyncio.sleep(0.3)
    assert calls == [1]


async def test_a_late_warning_reads_as_one_on_the_timeline(
    user: User, people: SimpleNamespace, targets: None, clock: FrozenClock
) -> None:
    from models import followups

    ticket = await report(people, 'Printer jams')
    clock.advance(minutes=50)  # at risk from 45 min (75 % of the hour)
    await followups.run_due()
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see(marker='event-reminder')
    [entry] = user.find(marker='event-reminder').elements
    assert entry.props['data-head'].startswith('Tapdesk · warned: a reply is due soon · ')
    assert 'only staff can see this' in entry.props['data-head']
