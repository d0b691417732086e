"""Waiting for a part: the expected day in plain words, the fix clock paused, a reminder on that day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import followups, notifications, sla, tickets
from models.catalog import Priority, Service
from models.errors import Invalid
from models.followups import JobKind
from models.records import EventKind, Status, Ticket, TicketEvent
from models.users import User
from tests.conftest import FrozenClock
from tests.push_service import BrowserDevice

THURSDAY = date(2026, 11, 26)  # the clock starts on Tue 24 Nov 2026, 09:00 UTC


async def waiting_for_part(ticket: Ticket, technician: User, expected: date = THURSDAY) -> Ticket:
    return await tickets.set_status(ticket.id, Status.WAITING_PART, actor=technician, part_expected=expected)


async def test_the_requester_reads_which_day_the_part_is_expected(
    taken: Ticket, technician: User, requester: User
) -> None:
    ticket = await waiting_for_part(taken, technician)
    await ticket.fetch_related('assignee')
    assert tickets.status_words(ticket, viewer=requester) == 'Waiting for a part, expected Thu 26 Nov'
    line = await TicketEvent.get(ticket_id=taken.id, kind=EventKind.STATUS)
    assert line.data == {'from': 'assigned', 'to': 'waiting_part', 'part_expected': '2026-11-26'}


async def test_the_requester_is_told_on_their_phone(
    taken: Ticket, technician: User, requester: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    from models import settings

    settings.reload()
    phone = BrowserDevice('http://127.0.0.1:9/push/alex')
    await notifications.subscribe(requester, endpoint=phone.endpoint, keys=phone.keys())
    await waiting_for_part(taken, technician)
    [message] = await notifications.PushMessage.filter(user_id=requester.id)
    assert message.payload['body'] == 'Waiting for a part, expected Thu 26 Nov'


async def test_a_day_in_the_past_is_refused_with_a_sentence(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    with pytest.raises(Invalid, match='on which day the part is expected'):
        await waiting_for_part(taken, technician, clock.now.date() - timedelta(days=2))
    with pytest.raises(Invalid, match='on which day the part is expected'):
        await tickets.set_status(taken.id, Status.WAITING_PART, actor=technician)


async def test_waiting_for_a_part_pauses_the_fix_clock(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await sla.set_target(
        actor=manager, service_id=wifi.id, priority=Priority.NORMAL, first_response_minutes=None, resolution_minutes=480
    )
    clock.advance(hours=2)
    await waiting_for_part(taken, technician)
    clock.advance(hours=5)
    await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=technician)  # the part came: 5 h paused
    due = (await sla.due_times(await Ticket.get(id=taken.id), clock.now)).resolution
    assert due == taken.created_at + timedelta(hours=13)
    assert (await Ticket.get(id=taken.id)).part_expected is None


async def test_the_technician_is_reminded_on_the_morning_the_part_is_expected(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await waiting_for_part(taken, technician)
    await followups.run_due(clock.advance(days=1, hours=22, minutes=59))  # Thu 07:59
    said = await TicketEvent.filter(ticket_id=taken.id, kind=EventKind.REMINDER).values_list('body', flat=True)
    assert not [body for body in said if 'expected today' in body]  # the idle reminders go on, as they should
    await followups.run_due(clock.advance(minutes=1))  # Thu 08:00 UTC
    [reminder] = await TicketEvent.filter(ticket_id=taken.id, kind=EventKind.REMINDER)
    assert (reminder.internal, reminder.data['rule'], reminder.data['to']) == (True, 'part_due', technician.id)
    assert 'is expected today' in reminder.body


async def test_no_reminder_once_the_work_went_on(taken: Ticket, technician: User, clock: FrozenClock) -> None:
    await waiting_for_part(taken, technician)
    await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=technician)
    await followups.run_due(clock.advance(days=3))
    said = await TicketEvent.filter(ticket_id=taken.id, kind=EventKind.REMINDER).values_list('body', flat=True)
    assert not [body for body in said if 'expected today' in body]  # the idle reminders go on, as they should
    assert not await followups.Job.filter(ticket_id=taken.id, kind=JobKind.PART_DUE, state='pending').exists()
