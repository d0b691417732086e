"""Follow-ups: reminders and the auto-resolve, as durable jobs in the database.

The database is the job queue. A ticket verb calls `ticket_changed` inside its own transaction, which
fits the ticket's pending jobs to its new state (schedules the "waiting for your reply" chain, the
unrated-fix reminder, the visit reminder and the technician's inactivity reminder; cancels what no
longer applies). `run_due` (called every minute or so by each app instance) claims due jobs with a
conditional UPDATE, so with several instances only one acts on each job:

1. claim, committed on its own: `pending -> running`, `claimed_by` = a fresh token, `claimed_until` =
   now + LEASE. A job still 'running' after `claimed_until` belonged to an instance that died: it is
   claimable again.
2. one transaction: mark the job done *if it is still ours* (state running, same token), then apply the
   rule's effect (timeline event, notification outbox row, status change). A crash before the commit
   leaves nothing but the expired claim, so the job runs again later; after the commit it is done.
   An instance whose claim was taken over finds 0 rows to mark and applies nothing.

Each rule checks at run time that it still applies (the ticket may have changed without a verb that
knew about the job) and otherwise ends as 'cancelled'.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import partial
from zoneinfo import ZoneInfo

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from . import changes, claims, clock, events, notifications, queries, ratings, sla, tickets, when
from .actors import SYSTEM
from .changes import Change
from .errors import Conflict, Invalid
from .followup_rules import RULE_LIMITS, FollowUpRules, rules, set_rules
from .records import EventKind, Status, Ticket, TicketEvent, record
from .users import Role, User

__all__ = ['RULE_LIMITS', 'FollowUpRules', 'rules', 'set_rules']

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # an instance that has not finished a job by then is presumed dead
MAX_ATTEMPTS = 5  # a job that fails this often (a bug, not a crash) is parked as 'failed'
RETRY_AFTER = timedelta(minutes=10)


class JobKind(StrEnum):
    WAITING_FIRST = 'waiting_first'  # "still waiting for your reply", after 1 day
    WAITING_SECOND = 'waiting_second'  # the same again, after 3 days
    WAITING_RESOLVE = 'waiting_resolve'  # after 7 days: resolve with a note and ask for a rating
    UNRATED = 'unrated'  # a fix nobody rated: one reminder after 1 day
    IDLE = 'idle'  # the assignee's ticket without activity for N hours
    VISIT = 'visit'  # "visit planned": the requester, 1 hour before the window
    # Service levels (models/sla.py): the assignee when a ticket is about to be late, and when it is late.
    REPLY_AT_RISK = 'reply_at_risk'
    REPLY_OVERDUE = 'reply_overdue'
    FIX_AT_RISK = 'fix_at_risk'
    FIX_OVERDUE = 'fix_overdue'
    VISIT_MISSED = 'visit_missed'  # issue 10: a confirmed window ended with no "on my way" and no arrival
    PART_DUE = 'part_due'  # issue 10: the day a part is expected: remind the technician


class JobState(StrEnum):
    PENDING = 'pending'
    RUNNING = 'running'
    DONE = 'done'
    CANCELLED = 'cancelled'
    FAILED = 'failed'


WAITING_CHAIN = (JobKind.WAITING_FIRST, JobKind.WAITING_SECOND, JobKind.WAITING_RESOLVE)
SLA_KINDS = (JobKind.REPLY_AT_RISK, JobKind.REPLY_OVERDUE, JobKind.FIX_AT_RISK, JobKind.FIX_OVERDUE)
# Jobs that a floor above schedules and runs itself (models/visits.py): `ticket_changed` leaves them alone.
OWN_KINDS = (JobKind.VISIT_MISSED,)
PART_MORNING = time(8, 0)  # the technician hears of an expected part at the start of that day (UTC)
OVERDUE_FOR = {JobKind.REPLY_AT_RISK: JobKind.REPLY_OVERDUE, JobKind.FIX_AT_RISK: JobKind.FIX_OVERDUE}
SLACK = timedelta(seconds=1)  # business-hours arithmetic is in float seconds: "due now" within this
IDLE_STATUSES = (
    'assigned',
    'in_progress',
    'reopened',
)  # the technician's move; waiting and visits have rules of their own


class Job(Model):
    """One follow-up to run at `due_at` (the module docstring says how it is claimed).

    No semicolons in model docstrings: they become table comments, and the SQLite migration runner
    splits statements at every semicolon.
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(JobKind, max_length=16)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='followups', on_delete=fields.CASCADE
    )
    ticket_id: int
    due_at = fields.DatetimeField()
    state = fields.CharEnumField(JobState, max_length=12, default=JobState.PENDING)
    claimed_by = fields.CharField(max_length=32, null=True)
    claimed_until = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=300, default='')
    created_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'followup_job'
        indexes = (('state', 'due_at'), ('ticket_id', 'state'))


# ---- fitting the jobs to a ticket (inside the ticket verb's transaction) ---------------------------


async def after_change(change: Change) -> None:
    await ticket_changed(change.ticket_id, now=change.now)


changes.add_step(after_change, order=30)  # last: it reads what the steps before wrote (a rating, a callback)


async def ticket_changed(ticket_id: int, *, now: datetime) -> None:
    """Call inside a ticket verb's transaction, after its change: schedule, move or cancel the ticket's
    pending follow-ups so that they fit its new state. Every such change counts as activity."""
    ticket = await Ticket.get(id=ticket_id)
    jobs = await Job.filter(
        Q(state=JobState.PENDING) | Q(kind__in=[JobKind.UNRATED, JobKind.VISIT, JobKind.PART_DUE]), ticket_id=ticket_id
    ).exclude(kind__in=SLA_KINDS + OWN_KINDS)
    rated = ticket.status == Status.RESOLVED and await ratings.rated_this_fix(ticket)
    wanted = _wanted(ticket, await rules(), jobs, rated=rated, now=now)
    pending = {j.kind: j for j in jobs if j.state == JobState.PENDING}
    for kind, job in pending.items():
        if kind not in wanted:
            await Job.filter(id=job.id, state=JobState.PENDING).update(state=JobState.CANCELLED, finished_at=now)
        elif wanted[kind] != job.due_at:
            await Job.filter(id=job.id, state=JobState.PENDING).update(due_at=wanted[kind])
    for kind, due in wanted.items():
        if kind not in pending:
            await schedule(ticket_id, kind, due, now=now)
    await fit_service_levels(ticket, now=now)


def _wanted(
    ticket: Ticket, r: FollowUpRules, jobs: list[Job], *, rated: bool, now: datetime
) -> dict[JobKind, datetime]:
    """The pending jobs this ticket should have now, with their due times."""
    pending = {j.kind: j.due_at for j in jobs if j.state == JobState.PENDING}
    wanted: dict[JobKind, datetime] = {}
    status = ticket.status
    if status == Status.WAITING:
        chain = {k: pending[k] for k in WAITING_CHAIN if k in pending}
        wanted |= chain or {
            JobKind.WAITING_FIRST: now + timedelta(hours=r.waiting_first_hours),
            JobKind.WAITING_SECOND: now + timedelta(hours=r.waiting_second_hours),
            JobKind.WAITING_RESOLVE: now + timedelta(hours=r.waiting_resolve_hours),
        }
    if status == Status.RESOLVED and ticket.resolved_at and not rated:
        # One reminder per fix: not again once it ran (a later verb on the same fix must not re-arm it).
        asked = any(j.kind == JobKind.UNRATED and j.created_at >= ticket.resolved_at for j in jobs)
        if JobKind.UNRATED in pending or not asked:
            wanted[JobKind.UNRATED] = pending.get(JobKind.UNRATED) or ticket.resolved_at + timedelta(
                hours=r.unrated_hours
            )
    if status == Status.VISIT_PLANNED and ticket.visit_start:
        due = ticket.visit_start - timedelta(minutes=r.visit_before_minutes)
        reminded = any(j.kind == JobKind.VISIT and j.due_at == due and j.state == JobState.DONE for j in jobs)
        if due > now and not reminded:
            wanted[JobKind.VISIT] = due
    if status == Status.WAITING_PART and ticket.part_expected:
        due = _morning_of(ticket.part_expected)
        reminded = any(j.kind == JobKind.PART_DUE and j.due_at == due and j.state == JobState.DONE for j in jobs)
        if not reminded:
            wanted[JobKind.PART_DUE] = max(due, now)
    if ticket.assignee_id and status in IDLE_STATUSES:
        wanted[JobKind.IDLE] = now + timedelta(hours=r.idle_hours)
    return wanted


async def schedule(ticket_id: int, kind: JobKind, due_at: datetime, *, now: datetime) -> Job:
    """Add one job (inside the caller's transaction, if any)."""
    return await Job.create(ticket_id=ticket_id, kind=JobKind(kind), due_at=due_at, created_at=now)


async def cancel(ticket_id: int, kinds: list[JobKind], *, now: datetime) -> int:
    """Cancel the ticket's pending jobs of these kinds (e.g. the unrated-fix reminder once it is rated)."""
    return await Job.filter(ticket_id=ticket_id, kind__in=kinds, state=JobState.PENDING).update(
        state=JobState.CANCELLED, finished_at=now
    )


async def pending_for(ticket_id: int) -> list[Job]:
    return await Job.filter(ticket_id=ticket_id, state=JobState.PENDING).order_by('due_at', 'id')


def _morning_of(day: date) -> datetime:
    return datetime.combine(day, PART_MORNING, tzinfo=UTC)


# ---- service levels: warn before and when a ticket is late -----------------------------------------
#
# Each clock (first reply, fix) warns twice at most per ticket: when it is about to be late (the assignee;
# while nobody has it, every technician) and when it is late (the assignee, and managers who chose to be
# told). The jobs sit at the moments models/sla.py computes; when one runs it computes them again, because
# a reply, a pause while waiting, or a changed target may have moved or ended them since.


async def fit_service_levels(ticket: Ticket, *, now: datetime, catch_up: bool = True) -> None:
    """Schedule, move or cancel the ticket's service-level warnings. Without `catch_up` (a manager changed a
    target or the calendar) moments already past get no new warning: only what lies ahead is scheduled."""
    moments = _moments(await sla.alarms(ticket))
    jobs = await Job.filter(ticket_id=ticket.id, kind__in=SLA_KINDS, state=JobState.PENDING).order_by('id')
    warned = await _warned(ticket)
    for kind in SLA_KINDS:
        due = moments.get(kind) if kind not in warned else None
        mine = [j for j in jobs if j.kind == kind]
        keep = mine[0] if mine and due is not None else None
        for job in mine:
            if job is not keep:
                await Job.filter(id=job.id, state=JobState.PENDING).update(state=JobState.CANCELLED, finished_at=now)
        if keep is not None and keep.due_at != due:
            await Job.filter(id=keep.id, state=JobState.PENDING).update(due_at=due)
        elif keep is None and due is not None and (catch_up or due > now):
            await schedule(ticket.id, kind, due, now=now)


async def service_levels_changed(ticket_ids: list[int], *, now: datetime) -> None:
    """A target or the working calendar changed: refit these open tickets' warnings (one ticket at a time,
    so no long transaction blocks the app)."""
    for ticket_id in ticket_ids:
        ticket = await Ticket.get_or_none(id=ticket_id)
        if ticket is not None:
            await fit_service_levels(ticket, now=now, catch_up=False)


async def _refit_after_targets_moved(ticket_ids: list[int]) -> None:
    await service_levels_changed(ticket_ids, now=clock.now())


sla.when_targets_move(_refit_after_targets_moved)


def _moments(a: sla.Alarms) -> dict[JobKind, datetime]:
    found = {
        JobKind.REPLY_AT_RISK: a.reply_at_risk,
        JobKind.REPLY_OVERDUE: a.reply_due,
        JobKind.FIX_AT_RISK: a.fix_at_risk,
        JobKind.FIX_OVERDUE: a.fix_due,
    }
    return {k: v for k, v in found.items() if v is not None}


async def _warned(ticket: Ticket, *, besides: int | None = None) -> set[JobKind]:
    """The warnings this ticket has had: the reply ones ever, the fix ones since its last reopen."""
    done = await Job.filter(ticket_id=ticket.id, kind__in=SLA_KINDS, state=JobState.DONE).exclude(id=besides or 0)
    if not done:
        return set()
    reopens = TicketEvent.filter(ticket_id=ticket.id, kind=EventKind.REOPENED).order_by('-id')
    reopened: datetime | None = await queries.first_value(reopens, 'created_at')
    fix = (JobKind.FIX_AT_RISK, JobKind.FIX_OVERDUE)
    return {
        j.kind
        for j in done
        if j.kind not in fix or reopened is None or (j.finished_at is not None and j.finished_at >= reopened)
    }


# ---- running due jobs ---------------------------------------------------------------------------------


async def backlog(now: datetime) -> claims.Backlog:
    """Follow-ups due now and not yet run (or whose instance's lease ran out)."""
    return await JOBS.backlog(now)


async def run_due(now: datetime | None = None, *, limit: int = 50, ticket_id: int | None = None) -> int:
    """Run the follow-ups that are due (of one ticket, if given); returns how many took effect. Safe to call
    from several instances (or tasks) at once: each job is claimed by one of them."""
    where = {'ticket_id': ticket_id} if ticket_id is not None else {}
    return await JOBS.run_due(now or clock.now(), limit=limit, **where)


@dataclass
class _Told:
    """What to publish after the commit."""

    ticket: Ticket
    kind: str
    requester_sees: bool = True


async def _act(job: Job, now: datetime, after: list[claims.After]) -> bool:
    """The job's rule, inside its transaction; what it tells is published after the commit."""
    told: list[_Told] = []
    acted = await RULES[job.kind](job, now, told)
    after.extend(partial(_publish, t) for t in told)
    return acted


@asynccontextmanager
async def _transaction() -> AsyncIterator[None]:
    """A verb run inside a follow-up publishes after this commit."""
    async with events.after_commit(), in_transaction():
        yield


JOBS = claims.Jobs(
    Job, 'follow-up', _act, lease=LEASE, retry_after=RETRY_AFTER, max_attempts=MAX_ATTEMPTS, transaction=_transaction
)


# ---- the rules: each returns False when it no longer applies (the job ends 'cancelled') -----------


async def _waiting_reminder(job: Job, now: datetime, told: list[_Told]) -> bool:
    ticket = await Ticket.get(id=job.ticket_id)
    if ticket.status != Status.WAITING:
        return False
    r = await rules()
    if job.kind == JobKind.WAITING_FIRST:
        text = f'We are waiting for your reply on {ticket.number} "{ticket.title}". Reply to keep it moving.'
    else:
        left = _days(r.waiting_resolve_hours - r.waiting_second_hours)
        text = (
            f'Still waiting for your reply on {ticket.number} "{ticket.title}". '
            f'Without an answer we will mark it fixed in {left}.'
        )
    await _remind(ticket, ticket.requester_id, text, job, now, told)
    return True


async def _auto_resolve(job: Job, now: datetime, told: list[_Told]) -> bool:
    """Resolved by Tapdesk itself, through the same verb as a technician: every rule of resolving holds."""
    ticket = await Ticket.get(id=job.ticket_id)
    if ticket.status != Status.WAITING:
        return False
    r = await rules()
    note = (
        f'Resolved automatically after {_days(r.waiting_resolve_hours)} without a reply — '
        "reopen if it's still a problem."
    )
    try:
        await tickets.resolve(ticket.id, note, actor=SYSTEM, now=now)  # "Fixed — how did we do?" goes out
    except Conflict:  # it moved on a moment ago
        return False
    except Invalid as refused:  # a rule of resolving says no (e.g. required checks unticked): the assignee decides
        if ticket.assignee_id is not None:
            text = f'{ticket.number} "{ticket.title}" was not resolved automatically: {refused}'
            await _remind(ticket, ticket.assignee_id, text, job, now, told, internal=True)
        return False
    return True


async def _unrated_reminder(job: Job, now: datetime, told: list[_Told]) -> bool:
    ticket = await Ticket.get(id=job.ticket_id)
    if ticket.status != Status.RESOLVED or await ratings.rated_this_fix(ticket):
        return False
    text = f'How did we do on {ticket.number} "{ticket.title}"? One tap rates the fix.'
    await _remind(ticket, ticket.requester_id, text, job, now, told)
    return True


async def _idle_reminder(job: Job, now: datetime, told: list[_Told]) -> bool:
    ticket = await Ticket.get(id=job.ticket_id)
    if ticket.assignee_id is None or ticket.status not in IDLE_STATUSES:
        return False
    idle = timedelta(hours=(await rules()).idle_hours)
    last = await _last_activity(ticket)
    if last + idle > now:  # something happened that no verb told us about (a note, a photo)
        await schedule(ticket.id, JobKind.IDLE, last + idle, now=now)
        return True
    hours = int((now - last).total_seconds() // 3600)
    text = f'{ticket.number} "{ticket.title}" has had no activity for {hours} hours.'
    await _remind(ticket, ticket.assignee_id, text, job, now, told, internal=True)
    await schedule(ticket.id, JobKind.IDLE, now + idle, now=now)  # and again while nothing happens
    return True


async def _part_reminder(job: Job, now: datetime, told: list[_Told]) -> bool:
    ticket = await Ticket.get(id=job.ticket_id)
    if ticket.status != Status.WAITING_PART or ticket.assignee_id is None:
        return False
    text = f'The part for {ticket.number} "{ticket.title}" is expected today. Has it come?'
    await _remind(ticket, ticket.assignee_id, text, job, now, told, internal=True)
    return True


async def _visit_reminder(job: Job, now: datetime, told: list[_Told]) -> bool:
    ticket = await Ticket.get(id=job.ticket_id).select_related('requester', 'assignee')
    r = await rules()
    if (
        ticket.status != Status.VISIT_PLANNED
        or ticket.visit_start is None
        or ticket.visit_end is None
        or ticket.visit_start - timedelta(minutes=r.visit_before_minutes) != job.due_at
    ):
        return False
    who = ticket.assignee.first_name if ticket.assignee else 'A technician'
    zone = (await sla.working_calendar()).timezone  # the visit happens on site: the organisation's day and clock
    text = f'{who} visits {visit_when(ticket.visit_start, ticket.visit_end, now, zone)} for “{ticket.title}”.'
    await _remind(ticket, ticket.requester_id, text, job, now, told)
    return True


def visit_when(start: datetime, end: datetime, now: datetime, tz: str) -> str:
    """ "today between 10:00 and 12:00", "tomorrow between ...", "on Thu 3 Dec between ..." where the visit is."""
    z = when.zone(tz)
    day, today = start.astimezone(z).date(), now.astimezone(z).date()
    words = {today: 'today', today + timedelta(days=1): 'tomorrow'}.get(day, f'on {when.date_words(day)}')
    if end.astimezone(z).date() != day:  # past midnight: the end names its day too
        return f'{words} between {when.time_of_day(start, z)} and {when.day(end, z)}, {when.time_of_day(end, z)}'
    return f'{words} between {when.time_of_day(start, z)} and {when.time_of_day(end, z)}'


async def _service_level_warning(job: Job, now: datetime, told: list[_Told]) -> bool:
    # The ticket row is the lock (PostgreSQL, where two instances run at once; SQLite runs one transaction
    # at a time anyway): a second copy of this warning waits here, then sees it given.
    ticket = await Ticket.select_for_update().get(id=job.ticket_id)
    if job.kind in await _warned(ticket, besides=job.id):
        return False
    a = await sla.alarms(ticket)
    moments = _moments(a)
    due = moments.get(job.kind)
    if due is None:  # answered, fixed, waiting for the requester, or no target any more
        return False
    if due > now + SLACK:  # paused meanwhile, or the target changed: warn at the new moment instead
        await schedule(ticket.id, job.kind, due, now=now)
        return False
    overdue = OVERDUE_FOR.get(job.kind)
    if overdue is not None and moments.get(overdue, now + SLACK) <= now + SLACK:
        return False  # late already (this ran late): the overdue warning says so
    await _warn(ticket, job.kind, a, moments, now, told)
    return True


RULES = {
    JobKind.WAITING_FIRST: _waiting_reminder,
    JobKind.WAITING_SECOND: _waiting_reminder,
    JobKind.WAITING_RESOLVE: _auto_resolve,
    JobKind.UNRATED: _unrated_reminder,
    JobKind.IDLE: _idle_reminder,
    JobKind.VISIT: _visit_reminder,
    JobKind.PART_DUE: _part_reminder,
    **dict.fromkeys(SLA_KINDS, _service_level_warning),
}


# ---- helpers ---------------------------------------------------------------------------------------


async def _remind(
    ticket: Ticket,
    recipient_id: int,
    text: str,
    job: Job,
    now: datetime,
    told: list[_Told],
    *,
    internal: bool = False,
) -> None:
    """The reminder shows on the ticket's timeline (staff-only when it is for staff) and goes out."""
    await record(
        ticket.id,
        EventKind.REMINDER,
        actor=None,
        now=now,
        body=text,
        internal=internal,
        data={'rule': job.kind.value, 'to': recipient_id},
    )
    recipient = await User.get(id=recipient_id)
    await notify_reminder(ticket, recipient, text, now=now)
    told.append(_Told(ticket, EventKind.REMINDER.value, requester_sees=not internal))


async def notify_reminder(ticket: Ticket, recipient: User, text: str, *, now: datetime) -> None:
    """Queue a reminder notification for `recipient` in the push outbox, inside the caller's transaction."""
    await notifications.queue_for(
        ticket.id, notifications.Kind.REMINDER, actor=None, now=now, text=text, to=[recipient.id]
    )


async def _last_activity(ticket: Ticket) -> datetime:
    """The newest timeline line that is not one of our reminders (an internal note is activity too)."""
    lines = TicketEvent.filter(ticket_id=ticket.id).exclude(kind=EventKind.REMINDER).order_by('-id')
    last: datetime | None = await queries.first_value(lines, 'created_at')
    return last or ticket.updated_at


def _publish(told: _Told) -> None:
    events.wake_outbox()  # the outbox rows just committed
    events.publish_ticket_change(
        events.TicketChanged(ticket_id=told.ticket.id, kind=told.kind, requester_id=told.ticket.requester_id),
        requester_sees=told.requester_sees,
    )


async def _warn(
    ticket: Ticket,
    kind: JobKind,
    a: sla.Alarms,
    moments: dict[JobKind, datetime],
    now: datetime,
    told: list[_Told],
) -> None:
    """A staff-only line on the timeline, and a push to the people who should act (in their own time zones)."""
    at_risk = kind in OVERDUE_FOR
    people = await _warn_whom(ticket, at_risk=at_risk)
    await record(
        ticket.id,
        EventKind.REMINDER,
        actor=None,
        now=now,
        body=_warning_line(kind, a, moments, now),
        internal=True,
        data={'rule': kind.value, 'to': [p.id for p in people]},
    )
    notification = notifications.Kind.SLA_AT_RISK if at_risk else notifications.Kind.SLA_BREACHED
    zones: dict[str, list[int | None]] = {}
    for person in people:
        zones.setdefault(person.timezone or 'UTC', []).append(person.id)
    for zone, ids in zones.items():
        headline = _warning_headline(ticket, kind, moments, now, ZoneInfo(zone))
        await notifications.queue_for(ticket.id, notification, actor=None, now=now, text=headline, to=ids)
    told.append(_Told(ticket, EventKind.REMINDER.value, requester_sees=False))


async def _warn_whom(ticket: Ticket, *, at_risk: bool) -> list[User]:
    """About to be late: the assignee (nobody has it: all staff). Late: the assignee and the managers.
    Each person's switches decide whether a push is written (managers' are off until they turn them on)."""
    staff = User.filter(is_active=True, role__in=[Role.TECHNICIAN, Role.MANAGER]).order_by('id')
    if at_risk:
        return await (staff if ticket.assignee_id is None else staff.filter(id=ticket.assignee_id))
    return await staff.filter(Q(id=ticket.assignee_id or 0) | Q(role=Role.MANAGER))


def _warning_headline(
    ticket: Ticket, kind: JobKind, moments: dict[JobKind, datetime], now: datetime, zone: ZoneInfo
) -> str:
    """ "#12 needs a reply within 15 min", "#12 is overdue: fix was due 14:05" (in the reader's zone)."""
    what = 'reply' if kind in (JobKind.REPLY_AT_RISK, JobKind.REPLY_OVERDUE) else 'fix'
    if kind in OVERDUE_FOR:
        due = moments[OVERDUE_FOR[kind]]
        if due - now <= timedelta(hours=12):
            return f'{ticket.number} needs a {what} within {_span((due - now).total_seconds())}'
        return f'{ticket.number} needs a {what} by {_clock_time(due, now, zone)}'
    return f'{ticket.number} is overdue: {what} was due {_clock_time(moments[kind], now, zone)}'


def _warning_line(kind: JobKind, a: sla.Alarms, moments: dict[JobKind, datetime], now: datetime) -> str:
    """The timeline's words: no clock times (the line shows its own, in each reader's zone)."""
    assert a.target is not None
    reply = kind in (JobKind.REPLY_AT_RISK, JobKind.REPLY_OVERDUE)
    minutes = a.target.first_response_minutes if reply else a.target.resolution_minutes
    target = _span((minutes or 0) * 60) + (' of working hours' if a.target.business_hours else '')
    if kind in OVERDUE_FOR:
        left = _span((moments[OVERDUE_FOR[kind]] - now).total_seconds())
        return f'About to be late: needs a {"reply" if reply else "fix"} within {left} (target: {target}).'
    return f'Overdue: {"no reply" if reply else "not fixed"} within the target of {target}.'


def _span(seconds: float) -> str:
    return when.span(max(seconds, 60))  # a warning never says "within under 1 min"


def _clock_time(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    return when.moment(moment, now, zone)


def _days(hours: int) -> str:
    """A manager's interval as a requester reads it: '6 hours', '1 day', '7 days'."""
    if hours % 24:
        return f'{hours} hours'
    days = hours // 24
    return '1 day' if days == 1 else f'{days} days'
