"""Follow-ups: reminders, the auto-resolve, and jobs that run once however many instances ask."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from models import events, followups, notifications, ratings, settings, sla, tickets, users
from models.catalog import Priority, Service
from models.errors import Forbidden, Invalid
from models.followups import Job, JobKind, JobState
from models.notifications import Kind, PushMessage
from models.tickets import EventKind, Status, Ticket, TicketEvent
from models.users import User
from tests.conftest import FrozenClock
from tests.push_service import BrowserDevice


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, str]]:
    """The reminder notifications handed to the push outbox: (ticket id, recipient id, text)."""
    sent: list[tuple[int, int, str]] = []

    async def capture(ticket: Ticket, recipient: User, text: str, *, now: datetime) -> None:
        sent.append((ticket.id, recipient.id, text))

    monkeypatch.setattr(followups, 'notify_reminder', capture)
    return sent


@pytest.fixture
async def alex_phone(requester: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """Alex accepted notifications on a phone (pointing at 127.0.0.1: only the outbox is looked at)."""
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    settings.reload()
    phone = BrowserDevice('http://127.0.0.1:9/push/alex')
    await notifications.subscribe(requester, endpoint=phone.endpoint, keys=phone.keys())


@pytest.fixture
async def waiting(taken: Ticket, technician: User) -> Ticket:
    """Sam asked Alex a question: "Waiting for your reply"."""
    return await tickets.set_status(taken.id, Status.WAITING, actor=technician)


@pytest.fixture
async def fixed(taken: Ticket, technician: User) -> Ticket:
    return await tickets.resolve(taken.id, 'Replaced the access point', actor=technician)


async def reminders(ticket: Ticket, *rules: JobKind) -> list[TicketEvent]:
    """The reminder lines on the ticket's timeline (of these rules, if given)."""
    found = await TicketEvent.filter(ticket_id=ticket.id, kind=EventKind.REMINDER).order_by('id')
    return [r for r in found if not rules or r.data['rule'] in rules]


async def run_at(clock: FrozenClock, **delta: float) -> int:
    """Move the clock on from the start of the test and run what is due then."""
    return await followups.run_due(clock.advance(**delta))


# ---- waiting for the requester's reply ------------------------------------------------------------


async def test_a_ticket_waiting_for_a_reply_reminds_the_requester_after_a_day(
    waiting: Ticket, requester: User, clock: FrozenClock, told: list
) -> None:
    await run_at(clock, hours=23, minutes=59)
    assert await reminders(waiting) == []
    await run_at(clock, minutes=1)
    [reminder] = await reminders(waiting)
    assert (reminder.internal, reminder.actor_id, reminder.data['to']) == (False, None, requester.id)
    assert 'waiting for your reply' in reminder.body
    assert told == [(waiting.id, requester.id, reminder.body)]


async def test_the_requester_is_reminded_again_after_three_days(waiting: Ticket, clock: FrozenClock) -> None:
    await run_at(clock, days=1)
    await run_at(clock, days=2)
    first, second = await reminders(waiting)
    assert second.created_at - first.created_at == timedelta(days=2)
    assert 'we will mark it fixed in 4 days' in second.body


async def test_after_seven_days_without_a_reply_the_ticket_resolves_itself_with_a_note(
    waiting: Ticket, clock: FrozenClock
) -> None:
    await run_at(clock, days=7)
    ticket = await Ticket.get(id=waiting.id)
    note = "Resolved automatically after 7 days without a reply — reopen if it's still a problem."
    assert (ticket.status, ticket.resolution, ticket.resolved_at) == (Status.RESOLVED, note, clock.now)
    resolved = await TicketEvent.get(ticket_id=waiting.id, kind=EventKind.RESOLVED)
    assert (resolved.actor_id, resolved.body, resolved.data['auto']) == (None, note, True)


async def test_a_reminder_reaches_the_requesters_phone(waiting: Ticket, alex_phone: None, clock: FrozenClock) -> None:
    await run_at(clock, days=1)
    [message] = await PushMessage.filter(kind=Kind.REMINDER)
    assert (message.payload['title'], message.payload['url']) == (f'Reminder · {waiting.title}', f'/t/{waiting.id}')


async def test_the_auto_resolve_notification_has_the_rating_buttons(
    waiting: Ticket, alex_phone: None, clock: FrozenClock
) -> None:
    await run_at(clock, days=7)
    [message] = await PushMessage.filter(kind=Kind.RESOLVED)
    assert message.payload['title'] == f'Fixed: {waiting.title} — how did we do?'
    assert message.payload['actions'] == notifications.RATING_ACTIONS


async def test_the_auto_resolve_asks_the_requester_for_a_rating(
    waiting: Ticket, requester: User, clock: FrozenClock
) -> None:
    await run_at(clock, days=7)
    ticket = await tickets.get_for(requester, waiting.id)
    assert tickets.status_words(ticket, viewer=requester) == 'Fixed — how did we do?'
    assert [j.kind for j in await followups.pending_for(waiting.id)] == [JobKind.UNRATED]


async def test_a_reply_from_the_requester_cancels_the_waiting_reminders(
    waiting: Ticket, requester: User, clock: FrozenClock
) -> None:
    clock.advance(hours=12)
    await tickets.reply(waiting.id, 'It happens on the 2nd floor too', author=requester)
    await run_at(clock, days=8)
    assert await reminders(waiting, *followups.WAITING_CHAIN) == []
    assert (await Ticket.get(id=waiting.id)).status == Status.IN_PROGRESS
    cancelled = await Job.filter(ticket_id=waiting.id, kind__in=followups.WAITING_CHAIN).values_list('state', flat=True)
    assert cancelled == [JobState.CANCELLED] * 3


async def test_waiting_again_starts_the_reminders_from_then(
    waiting: Ticket, requester: User, technician: User, clock: FrozenClock
) -> None:
    clock.advance(hours=12)
    await tickets.reply(waiting.id, 'Room 3 only', author=requester)
    asked_again = clock.advance(hours=1)
    await tickets.set_status(waiting.id, Status.WAITING, actor=technician)
    await run_at(clock, hours=23, minutes=59)
    assert await reminders(waiting) == []
    await run_at(clock, minutes=1)
    assert [r.created_at for r in await reminders(waiting)] == [asked_again + timedelta(days=1)]


async def test_a_staff_reply_while_waiting_keeps_the_reminders_on_time(
    waiting: Ticket, technician: User, clock: FrozenClock
) -> None:
    clock.advance(hours=20)
    await tickets.reply(waiting.id, 'Any news?', author=technician)
    await run_at(clock, hours=4)
    assert len(await reminders(waiting)) == 1


# ---- an unrated fix ----------------------------------------------------------------------------------


async def test_an_unrated_fix_gets_one_reminder_after_a_day(
    fixed: Ticket, requester: User, clock: FrozenClock, told: list
) -> None:
    await run_at(clock, hours=23)
    assert await reminders(fixed) == []
    await run_at(clock, hours=1)
    await tickets.reply(fixed.id, 'Thanks!', author=requester)  # a later change to the same fix
    await run_at(clock, days=5)
    [reminder] = await reminders(fixed)
    assert 'How did we do' in reminder.body
    assert [(t, to) for t, to, _ in told] == [(fixed.id, requester.id)]


async def test_rating_the_fix_cancels_its_reminder(fixed: Ticket, requester: User, clock: FrozenClock) -> None:
    clock.advance(hours=2)
    await ratings.rate(fixed.id, 5, actor=requester)
    await run_at(clock, days=2)
    assert await reminders(fixed) == []


async def test_closing_the_fixed_ticket_cancels_its_reminder(
    fixed: Ticket, requester: User, clock: FrozenClock
) -> None:
    await tickets.close(fixed.id, actor=requester)
    await run_at(clock, days=2)
    assert await reminders(fixed) == []
    assert await followups.pending_for(fixed.id) == []


async def test_reopening_the_fix_cancels_its_reminder(fixed: Ticket, requester: User, clock: FrozenClock) -> None:
    await tickets.reopen(fixed.id, 'Dropped again', actor=requester)
    await run_at(clock, days=2)
    assert await reminders(fixed, JobKind.UNRATED) == []


# ---- the technician's idle ticket -------------------------------------------------------------------


async def test_a_technician_is_reminded_of_a_ticket_without_activity(
    taken: Ticket, technician: User, requester: User, clock: FrozenClock, told: list
) -> None:
    await run_at(clock, hours=24)
    [reminder] = await reminders(taken)
    assert (reminder.internal, reminder.data['to']) == (True, technician.id)
    assert 'no activity for 24 hours' in reminder.body
    assert told == [(taken.id, technician.id, reminder.body)]
    assert reminder.id not in [e.id for e in await tickets.timeline_for(requester, taken.id)]


async def test_activity_postpones_the_inactivity_reminder(taken: Ticket, technician: User, clock: FrozenClock) -> None:
    clock.advance(hours=20)
    await tickets.reply(taken.id, 'probably the access point', author=technician, internal=True)
    await run_at(clock, hours=4)
    assert await reminders(taken) == []
    await run_at(clock, hours=20)
    assert len(await reminders(taken)) == 1


async def test_an_idle_ticket_is_reminded_again_each_interval(taken: Ticket, clock: FrozenClock) -> None:
    await run_at(clock, hours=24)
    await run_at(clock, hours=24)
    assert [r.body.split('for ')[-1] for r in await reminders(taken)] == ['24 hours.', '48 hours.']


async def test_the_inactivity_interval_is_the_managers_to_choose(
    taken: Ticket, manager: User, clock: FrozenClock
) -> None:
    await followups.set_rules(actor=manager, idle_hours=4)
    await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=manager)
    await run_at(clock, hours=4)
    assert len(await reminders(taken)) == 1


async def test_a_waiting_ticket_gets_no_inactivity_reminder(waiting: Ticket, clock: FrozenClock) -> None:
    await run_at(clock, hours=30)
    assert [r.data['rule'] for r in await reminders(waiting)] == [JobKind.WAITING_FIRST]


# ---- a planned visit --------------------------------------------------------------------------------


async def test_a_planned_visit_reminds_the_requester_an_hour_before_naming_who_comes_today(
    taken: Ticket, technician: User, requester: User, clock: FrozenClock
) -> None:
    start = clock.now + timedelta(days=1, hours=5)  # Wed 25 Nov, 14:00 UTC
    await tickets.set_status(
        taken.id, Status.VISIT_PLANNED, actor=technician, visit=(start, start + timedelta(hours=1))
    )
    await followups.run_due(start - timedelta(hours=1, seconds=1))
    assert await reminders(taken) == []
    await followups.run_due(start - timedelta(hours=1))
    assert [(r.data['to'], r.body) for r in await reminders(taken)] == [
        (requester.id, f'{technician.first_name} visits today between 14:00 and 15:00 for “Wi-Fi drops in room 3”.')
    ]


async def test_the_visit_reminder_says_tomorrow_by_the_organisations_clock(
    taken: Ticket, technician: User, manager: User, clock: FrozenClock, told: list
) -> None:
    await sla.set_calendar(actor=manager, days=range(1, 6), start=time(9), end=time(17), timezone='Asia/Tokyo')
    start = clock.now + timedelta(days=1, hours=6, minutes=30)  # Wed 25 Nov 15:30 UTC: Thu 00:30 in Tokyo
    await tickets.set_status(
        taken.id, Status.VISIT_PLANNED, actor=technician, visit=(start, start + timedelta(hours=1))
    )
    await followups.run_due(start - timedelta(hours=1))  # Wed 23:30 in Tokyo
    assert [text for _, _, text in told] == [
        f'{technician.first_name} visits tomorrow between 00:30 and 01:30 for “Wi-Fi drops in room 3”.'
    ]


@pytest.mark.parametrize(
    ('starts', 'ends', 'words'),
    [
        ((3, 9), (3, 11), 'on Thu 3 Dec between 09:00 and 11:00'),
        ((1, 22), (2, 1), 'today between 22:00 and Wed 2 Dec, 01:00'),
        ((2, 10), (2, 12), 'tomorrow between 10:00 and 12:00'),
    ],
    ids=['later-this-week', 'past-midnight', 'tomorrow'],
)
def test_a_visit_is_said_as_today_tomorrow_or_its_day(
    starts: tuple[int, int], ends: tuple[int, int], words: str
) -> None:
    """(day of December, hour) in London, which is on UTC in winter; it is Tuesday 1 December, 08:00."""
    start, end = (datetime(2026, 12, day, hour, tzinfo=UTC) for day, hour in (starts, ends))
    now = datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert followups.visit_when(start, end, now, 'Europe/London') == words


async def test_moving_the_visit_moves_its_reminder(taken: Ticket, technician: User, clock: FrozenClock) -> None:
    start = clock.now + timedelta(days=1)
    await tickets.set_status(
        taken.id, Status.VISIT_PLANNED, actor=technician, visit=(start, start + timedelta(hours=1))
    )
    await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=technician)
    later = start + timedelta(days=1)
    await tickets.set_status(
        taken.id, Status.VISIT_PLANNED, actor=technician, visit=(later, later + timedelta(hours=1))
    )
    [job] = [j for j in await followups.pending_for(taken.id) if j.kind == JobKind.VISIT]
    assert job.due_at == later - timedelta(hours=1)


# ---- durable, exactly once ------------------------------------------------------------------------------


async def test_a_job_runs_once_when_two_instances_run_due_at_the_same_time(waiting: Ticket, clock: FrozenClock) -> None:
    now = clock.advance(days=1)
    ran = await asyncio.gather(followups.run_due(now), followups.run_due(now))
    assert sorted(ran) == [0, 1]
    assert len(await reminders(waiting)) == 1
    job = await Job.get(ticket_id=waiting.id, kind=JobKind.WAITING_FIRST)
    assert (job.state, job.attempts) == (JobState.DONE, 1)


async def test_a_job_left_running_by_a_crashed_instance_runs_once_after_its_claim_expires(
    waiting: Ticket, clock: FrozenClock
) -> None:
    job = await Job.get(ticket_id=waiting.id, kind=JobKind.WAITING_FIRST)
    now = clock.advance(days=1)
    assert await followups.JOBS.claim(job.id, now) is not None  # ... and then that instance died
    assert await followups.run_due(now + followups.LEASE - timedelta(seconds=1)) == 0  # its claim still holds
    assert await followups.run_due(now + followups.LEASE + timedelta(seconds=1)) == 1
    assert await followups.run_due(now + followups.LEASE + timedelta(minutes=1)) == 0
    assert len(await reminders(waiting)) == 1
    assert (await Job.get(id=job.id)).attempts == 2


async def test_an_instance_whose_claim_was_taken_over_changes_nothing(waiting: Ticket, clock: FrozenClock) -> None:
    job = await Job.get(ticket_id=waiting.id, kind=JobKind.WAITING_FIRST)
    now = clock.advance(days=1)
    slow = await followups.JOBS.claim(job.id, now)
    assert await followups.run_due(now + followups.LEASE + timedelta(seconds=1)) == 1  # taken over
    assert slow is not None and not await followups.JOBS.run(job.id, slow, now + followups.LEASE)
    assert len(await reminders(waiting)) == 1


async def test_a_failing_rule_leaves_nothing_half_done_and_is_tried_again(
    waiting: Ticket, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(ticket: Ticket, recipient: User, text: str, *, now: datetime) -> None:
        raise RuntimeError('push outbox unavailable')

    now = clock.advance(days=1)
    with monkeypatch.context() as patched:
        patched.setattr(followups, 'notify_reminder', broken)
        assert await followups.run_due(now) == 0
    assert await reminders(waiting) == []  # the timeline line written before the failure is rolled back
    job = await Job.get(ticket_id=waiting.id, kind=JobKind.WAITING_FIRST)
    assert (job.state, job.due_at, job.last_error) == (
        JobState.PENDING,
        now + followups.RETRY_AFTER,
        'push outbox unavailable',
    )
    assert await followups.run_due(now + followups.RETRY_AFTER) == 1
    assert len(await reminders(waiting)) == 1


async def test_a_job_that_keeps_failing_is_parked(
    waiting: Ticket, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(ticket: Ticket, recipient: User, text: str, *, now: datetime) -> None:
        raise RuntimeError('bug')

    monkeypatch.setattr(followups, 'notify_reminder', broken)
    now = clock.advance(days=1)
    for _ in range(followups.MAX_ATTEMPTS):
        await followups.run_due(now)
        now += followups.RETRY_AFTER
    job = await Job.get(ticket_id=waiting.id, kind=JobKind.WAITING_FIRST)
    assert (job.state, job.attempts) == (JobState.FAILED, followups.MAX_ATTEMPTS)


async def test_a_reminder_that_no_longer_applies_is_cancelled_when_due(waiting: Ticket, clock: FrozenClock) -> None:
    await Ticket.filter(id=waiting.id).update(status=Status.IN_PROGRESS)  # changed behind the verbs' back
    assert await run_at(clock, days=1) == 0
    assert (await Job.get(ticket_id=waiting.id, kind=JobKind.WAITING_FIRST)).state == JobState.CANCELLED
    assert await reminders(waiting) == []


async def test_a_reminder_is_published_after_the_commit(waiting: Ticket, clock: FrozenClock) -> None:
    seen: list[events.TicketChanged] = []
    events.bus.subscribe(events.ticket(waiting.id), seen.append)
    await run_at(clock, days=1)
    assert [e.kind for e in seen] == ['reminder']


# ---- the rules ---------------------------------------------------------------------------------------


async def test_only_managers_change_the_follow_up_rules(technician: User) -> None:
    with pytest.raises(Forbidden):
        await followups.set_rules(actor=technician, idle_hours=1)


async def test_the_waiting_reminders_come_in_order(manager: User) -> None:
    with pytest.raises(Invalid) as error:
        await followups.set_rules(actor=manager, waiting_second_hours=200)
    assert error.value.field == 'waiting_second_hours'
    assert (await followups.rules()).waiting_second_hours == 72


async def test_an_interval_must_be_a_sensible_number(manager: User) -> None:
    with pytest.raises(Invalid) as error:
        await followups.set_rules(actor=manager, unrated_hours=0)
    assert error.value.field == 'unrated_hours'


async def test_changed_intervals_apply_to_tickets_that_start_waiting_afterwards(
    taken: Ticket, manager: User, technician: User, clock: FrozenClock
) -> None:
    await followups.set_rules(actor=manager, waiting_first_hours=2, waiting_second_hours=4, waiting_resolve_hours=6)
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)
    await run_at(clock, hours=6)
    assert (await Ticket.get(id=taken.id)).resolution.startswith('Resolved automatically after 6 hours')
    assert len(await reminders(taken)) == 2


async def test_run_due_with_nothing_due_does_nothing(people: SimpleNamespace, clock: FrozenClock) -> None:
    assert await followups.run_due(clock.now) == 0


# ---- service levels: about to be late, and late ------------------------------------------------------


async def give_phone(person: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """`person` accepted notifications on a phone (only the outbox is looked at)."""
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    settings.reload()
    phone = BrowserDevice(f'http://127.0.0.1:9/push/{person.id}')
    await notifications.subscribe(person, endpoint=phone.endpoint, keys=phone.keys())


@pytest.fixture
async def phones(people: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sam, Priya and Maria (the manager) have a phone each."""
    for person in (people.technician, people.technician2, people.manager):
        await give_phone(person, monkeypatch)


async def wifi_target(manager: User, wifi: Service, *, first: int | None = None, resolve: int | None = None) -> None:
    await sla.set_target(
        actor=manager,
        service_id=wifi.id,
        priority=Priority.NORMAL,
        first_response_minutes=first,
        resolution_minutes=resolve,
    )


async def warnings(ticket: Ticket) -> list[TicketEvent]:
    return await reminders(ticket, *followups.SLA_KINDS)


async def pushed(kind: Kind) -> list[tuple[int, str]]:
    """(recipient, title) of the outbox rows of this kind."""
    rows = await PushMessage.filter(kind=kind).order_by('id')
    return [(r.user_id, r.payload['title']) for r in rows]


async def test_the_assignee_is_told_once_when_a_reply_is_about_to_be_late(
    manager: User, wifi: Service, taken: Ticket, technician: User, requester: User, clock: FrozenClock, phones: None
) -> None:
    await wifi_target(manager, wifi, first=30)  # at risk from 75 %: 09:22:30, due 09:30
    await followups.run_due(taken.created_at + timedelta(minutes=22))
    assert await warnings(taken) == []
    await followups.run_due(taken.created_at + timedelta(minutes=22, seconds=30))
    await followups.run_due(taken.created_at + timedelta(minutes=25))
    [line] = await warnings(taken)
    assert (line.internal, line.data['rule'], line.body) == (
        True,
        JobKind.REPLY_AT_RISK,
        'About to be late: needs a reply within 8 min (target: 30 min).',
    )
    assert await pushed(Kind.SLA_AT_RISK) == [(technician.id, f'#{taken.id} needs a reply within 8 min')]
    assert line.id not in [e.id for e in await tickets.timeline_for(requester, taken.id)]


async def test_a_reply_in_time_means_no_warning(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock, phones: None
) -> None:
    await wifi_target(manager, wifi, first=30)
    clock.advance(minutes=10)
    await tickets.reply(taken.id, 'Looking into it', author=technician)
    await run_at(clock, hours=2)
    assert await warnings(taken) == []
    assert await PushMessage.filter(kind__in=[Kind.SLA_AT_RISK, Kind.SLA_BREACHED]).count() == 0


async def test_a_reply_after_the_warning_was_scheduled_cancels_it_when_due(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await wifi_target(manager, wifi, first=30)
    assert {j.kind for j in await followups.pending_for(taken.id)} >= {JobKind.REPLY_AT_RISK, JobKind.REPLY_OVERDUE}
    # A reply the verbs did not tell the follow-ups about: the job checks the ticket itself when it runs.
    await Ticket.filter(id=taken.id).update(first_response_at=clock.advance(minutes=5))
    assert await run_at(clock, hours=1) == 0
    assert await warnings(taken) == []


async def test_managers_hear_about_a_late_ticket_only_once_they_choose_to(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock, phones: None
) -> None:
    await wifi_target(manager, wifi, first=30)
    await run_at(clock, minutes=30)
    title = f'#{taken.id} is overdue: reply was due 09:30'
    assert await pushed(Kind.SLA_BREACHED) == [(technician.id, title)]  # Maria has not switched it on
    [line] = [w for w in await warnings(taken) if w.data['rule'] == JobKind.REPLY_OVERDUE]
    assert line.body == 'Overdue: no reply within the target of 30 min.'


async def test_a_manager_who_switched_it_on_hears_about_late_tickets(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock, phones: None
) -> None:
    await notifications.set_preference(manager, Kind.SLA_BREACHED, True)
    await wifi_target(manager, wifi, resolve=8 * 60)
    await run_at(clock, hours=6)
    await run_at(clock, hours=2)
    title = f'#{taken.id} is overdue: fix was due 17:00'
    assert await pushed(Kind.SLA_BREACHED) == [(technician.id, title), (manager.id, title)]
    assert await pushed(Kind.SLA_AT_RISK) == [(technician.id, f'#{taken.id} needs a fix within 2 h')]


async def test_the_overdue_time_is_in_the_readers_time_zone(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock, phones: None
) -> None:
    await users.set_timezone(technician, 'Europe/Berlin')
    await wifi_target(manager, wifi, resolve=8 * 60)
    await run_at(clock, hours=8)
    assert await pushed(Kind.SLA_BREACHED) == [(technician.id, f'#{taken.id} is overdue: fix was due 18:00')]


async def test_no_fix_warning_while_the_ticket_waits_for_the_requester(
    manager: User, wifi: Service, taken: Ticket, technician: User, requester: User, clock: FrozenClock
) -> None:
    await wifi_target(manager, wifi, resolve=8 * 60)  # at risk 15:00, due 17:00 without a pause
    clock.advance(hours=2)
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)
    await run_at(clock, hours=10)  # 21:00: would be long overdue, but the clock stood still
    assert await warnings(taken) == []
    await tickets.reply(taken.id, 'Here is the photo', author=requester)  # 6 h used of 8: at risk 4 h on, due 6 h on
    await run_at(clock, hours=3, minutes=59)
    assert await warnings(taken) == []
    await run_at(clock, minutes=1)
    await run_at(clock, hours=2)
    assert [w.data['rule'] for w in await warnings(taken)] == [JobKind.FIX_AT_RISK, JobKind.FIX_OVERDUE]


async def test_a_warning_that_became_early_is_moved_when_it_runs(
    manager: User, wifi: Service, taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    await wifi_target(manager, wifi, first=30)
    # The target grew behind the follow-ups' back: the old job finds the moment later and waits for it.
    await sla.SlaTarget.filter(service_id=wifi.id).update(first_response_minutes=60)
    assert await run_at(clock, minutes=23) == 0
    assert await warnings(taken) == []
    await run_at(clock, minutes=22)  # 45 min: 75 % of the hour
    assert [w.data['rule'] for w in await warnings(taken)] == [JobKind.REPLY_AT_RISK]


async def test_changing_a_target_moves_the_warnings_of_open_tickets(
    manager: User, wifi: Service, taken: Ticket, clock: FrozenClock
) -> None:
    await wifi_target(manager, wifi, first=30)
    await wifi_target(manager, wifi, first=120)
    due = {j.kind: j.due_at for j in await followups.pending_for(taken.id)}
    assert due[JobKind.REPLY_AT_RISK] == taken.created_at + timedelta(minutes=90)
    assert due[JobKind.REPLY_OVERDUE] == taken.created_at + timedelta(minutes=120)


async def test_removing_a_target_removes_the_warnings(
    manager: User, wifi: Service, taken: Ticket, clock: FrozenClock
) -> None:
    await wifi_target(manager, wifi, first=30)
    await wifi_target(manager, wifi)
    assert [j.kind for j in await followups.pending_for(taken.id) if j.kind in followups.SLA_KINDS] == []


async def test_a_new_target_warns_only_about_what_lies_ahead(
    manager: User, wifi: Service, taken: Ticket, clock: FrozenClock
) -> None:
    clock.advance(hours=1)
    await wifi_target(manager, wifi, first=30, resolve=8 * 60)  # the reply is late already: no warning after the fact
    assert sorted(j.kind for j in await followups.pending_for(taken.id) if j.kind in followups.SLA_KINDS) == sorted(
        [JobKind.FIX_AT_RISK, JobKind.FIX_OVERDUE]
    )


async def test_a_ticket_without_a_target_gets_no_warnings(taken: Ticket, clock: FrozenClock) -> None:
    await run_at(clock, days=3)
    assert await Job.filter(ticket_id=taken.id, kind__in=followups.SLA_KINDS).count() == 0


async def test_a_new_unassigned_ticket_warns_every_technician(
    manager: User, wifi: Service, requester: User, technician: User, technician2: User, clock: FrozenClock, phones: None
) -> None:
    await wifi_target(manager, wifi, first=30)
    new = await tickets.create_ticket(requester=requester, service_id=wifi.id, title='No Wi-Fi')
    await run_at(clock, minutes=23)  # reporting the ticket scheduled its warnings (at risk from 22.5 min)
    assert sorted(await pushed(Kind.SLA_AT_RISK)) == [
        (technician.id, f'#{new.id} needs a reply within 7 min'),
        (technician2.id, f'#{new.id} needs a reply within 7 min'),
    ]


async def test_taking_a_ticket_after_its_warning_does_not_warn_again(
    manager: User, wifi: Service, ticket: Ticket, technician: User, clock: FrozenClock
) -> None:
    await wifi_target(manager, wifi, first=30)
    await run_at(clock, minutes=23)
    await tickets.take(ticket.id, technician=technician)
    await run_at(clock, minutes=3)
    assert [w.data['rule'] for w in await warnings(ticket)] == [JobKind.REPLY_AT_RISK]


async def test_a_warning_is_given_once_when_two_instances_run_at_the_same_time(
    manager: User, wifi: Service, taken: Ticket, clock: FrozenClock
) -> None:
    await wifi_target(manager, wifi, first=30)
    now = clock.advance(minutes=23)
    ran = await asyncio.gather(followups.run_due(now), followups.run_due(now))
    assert sorted(ran) == [0, 1]
    assert len(await warnings(taken)) == 1


async def test_a_warning_scheduled_twice_is_given_once(
    manager: User, wifi: Service, taken: Ticket, clock: FrozenClock
) -> None:
    await wifi_target(manager, wifi, first=30)
    [job] = await Job.filter(ticket_id=taken.id, kind=JobKind.REPLY_AT_RISK)
    await followups.schedule(taken.id, JobKind.REPLY_AT_RISK, job.due_at, now=clock.now)  # e.g. a sweep and a verb
    await run_at(clock, minutes=23)
    assert len(await warnings(taken)) == 1


async def test_a_warning_survives_a_restart_and_is_given_once(
    manager: User, wifi: Service, taken: Ticket, clock: FrozenClock
) -> None:
    await wifi_target(manager, wifi, first=30)
    [job] = await Job.filter(ticket_id=taken.id, kind=JobKind.REPLY_AT_RISK)
    now = clock.advance(minutes=23)
    assert await followups.JOBS.claim(job.id, now) is not None  # ... and then the instance died
    later = now + followups.LEASE + timedelta(seconds=1)
    assert await followups.run_due(later) == 1  # the overdue warning is not due yet (09:30)
    assert await followups.run_due(later + timedelta(seconds=1)) == 0
    assert [w.data['rule'] for w in await warnings(taken)] == [JobKind.REPLY_AT_RISK]


async def test_a_reopened_ticket_can_be_warned_about_its_fix_again(
    manager: User, wifi: Service, taken: Ticket, technician: User, requester: User, clock: FrozenClock
) -> None:
    await wifi_target(manager, wifi, resolve=60)
    await run_at(clock, minutes=50)  # at risk at 45 min
    await tickets.resolve(taken.id, 'Rebooted', actor=technician)
    clock.advance(days=1)
    await tickets.reopen(taken.id, 'Dropped again', actor=requester)  # 50 of the 60 minutes used already
    await run_at(clock, minutes=1)
    lines = await warnings(taken)
    assert [w.data['rule'] for w in lines] == [JobKind.FIX_AT_RISK, JobKind.FIX_AT_RISK]
    assert lines[-1].body == 'About to be late: needs a fix within 9 min (target: 1 h).'
