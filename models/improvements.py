"""Improvement actions (continual service improvement): from an expectation gap, a manager records what will be
done, who owns it and when to look again; on that day its owner is reminded, and the action shows the gap's
figures when it was opened next to today's, so everyone sees whether it worked.

The reminder is a durable job of its own (`improvement_review_job`), claimed exactly like the article review
reminders (models/article_reviews.py): a committed claim with a lease, then one transaction that marks the job
done only if the claim is still ours and queues the push. A crash in between leaves an expired claim: the job
runs again. It runs once: on the review date, at the start of the working day in the calendar's time zone.

Who may see an action: managers, and its owner (who may be a technician: the reminder sends them to it).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from . import claims, clock, gaps, notifications, queries, sla
from .errors import Conflict, Invalid, NotFound, require
from .gaps import GapKind  # also named through this module by the demo (nothing else imports gaps)
from .measures import GroupBy
from .notifications import Kind, NotificationPreference, PushSubscription
from .outbox import enqueue
from .text import normalise
from .users import User

log = logging.getLogger(__name__)

MAX_WHAT = 300
LATEST_REVIEW = timedelta(days=366)
LEASE = timedelta(minutes=5)  # an instance that has not finished a job by then is presumed dead
MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=10)
ACTION_PATH = '/actions/'  # + id: the action's page
NOT_ALLOWED = 'Only managers can record improvement actions.'


class ActionState(StrEnum):
    OPEN = 'open'
    DONE = 'done'


class JobState(StrEnum):
    PENDING = 'pending'
    RUNNING = 'running'
    DONE = 'done'
    CANCELLED = 'cancelled'
    FAILED = 'failed'


class ImprovementAction(Model):
    """What a manager decided to do about an expectation gap, and the gap's figures when they decided."""

    id = fields.IntField(primary_key=True)
    gap_kind = fields.CharEnumField(GapKind, max_length=20)
    group_by = fields.CharField(max_length=12)  # service, category or technician
    group_key = fields.IntField(null=True)  # that service's, category's or technician's id
    group_label = fields.CharField(max_length=120)  # its name when the action was opened
    what = fields.CharField(max_length=MAX_WHAT)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='improvement_actions', on_delete=fields.RESTRICT
    )
    owner_id: int
    review_on = fields.DateField()
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='improvement_actions_recorded', null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()
    period_days = fields.IntField()  # the length of the period the figures were read over
    figures: dict = fields.JSONField(default=dict)  # the gap when opened: count, base, share, since, until
    state = fields.CharEnumField(ActionState, max_length=8, default=ActionState.OPEN)
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'improvement_action'
        indexes = (('state', 'review_on'), ('owner_id', 'state'))


class ActionReviewJob(Model):
    """The reminder to review one action, claimed like every follow-up (models/claims.py)."""

    id = fields.IntField(primary_key=True)
    action: fields.ForeignKeyRelation[ImprovementAction] = fields.ForeignKeyField(
        'models.ImprovementAction', related_name='review_jobs', on_delete=fields.CASCADE
    )
    action_id: int
    due_at = fields.DatetimeField()
    state = fields.CharEnumField(JobState, max_length=12, default=JobState.PENDING)
    claimed_by = fields.CharField(max_length=32, null=True)
    claimed_until = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=300, default='')
    created_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'improvement_review_job'
        indexes = (('state', 'due_at'),)


# ---- recording, reading, finishing --------------------------------------------------------------------------


async def record(
    *,
    actor: User,
    kind: GapKind | str,
    group_by: GroupBy | str,
    key: int | None,
    what: str,
    owner_id: int,
    review_on: date,
    since: datetime,
    until: datetime,
    now: datetime | None = None,
) -> ImprovementAction:
    """A manager records an action from the gap of `kind` of one group, read over [since, until)."""
    now = now or clock.now()
    require(actor.is_manager, NOT_ALLOWED)
    gap = await gaps.gap_of(actor=actor, kind=kind, group_by=group_by, key=key, since=since, until=until)
    what = normalise(what or '', one_line=True)
    if not what:
        raise Invalid('Say what will be done.', field='what')
    if len(what) > MAX_WHAT:
        raise Invalid(f'Please keep this under {MAX_WHAT} characters (it has {len(what)}).', field='what')
    owner = await User.get_or_none(id=owner_id, is_active=True)
    if owner is None or not owner.can_work_tickets:
        raise Invalid('Choose someone from the desk to own this.', field='owner')
    due = await _review_moment(review_on)
    if review_on <= (await _today(now)) or due - now > LATEST_REVIEW:
        raise Invalid('Pick a review day after today and within a year.', field='review_on')
    figures = {**gap.as_figures(), 'since': since.isoformat(), 'until': until.isoformat()}
    async with in_transaction():
        action = await ImprovementAction.create(
            gap_kind=gap.kind, group_by=GroupBy(group_by).value, group_key=key, group_label=gap.label[:120],
            what=what, owner_id=owner.id, review_on=review_on, created_by_id=actor.id, created_at=now,
            period_days=max(1, round((until - since) / timedelta(days=1))), figures=figures,
        )  # fmt: skip
        await ActionReviewJob.create(action_id=action.id, due_at=due, created_at=now)
    return action


async def actions_for(viewer: User, *, state: ActionState | None = None) -> list[ImprovementAction]:
    """Managers see every action, others the ones they own; open first, then by review day."""
    query = ImprovementAction.all() if viewer.is_manager else ImprovementAction.filter(owner_id=viewer.id)
    if state is not None:
        query = query.filter(state=state)
    return await query.prefetch_related('owner').order_by('-state', 'review_on', 'id')


async def get_for(viewer: User, action_id: int | str) -> ImprovementAction:
    """One action, for a manager or its owner; NotFound for anyone else (and for no such action)."""
    found = await ImprovementAction.get_or_none(id=int(action_id)) if str(action_id).isdigit() else None
    if found is None or not (viewer.is_manager or found.owner_id == viewer.id):
        raise NotFound('There is no such improvement action.')
    await found.fetch_related('owner', 'created_by')
    return found


async def figures_now(viewer: User, action: ImprovementAction, *, now: datetime | None = None) -> gaps.Gap:
    """The action's gap today: the same group and kind, over a period of the same length that ends today."""
    action = await get_for(viewer, action.id)
    until = await _end_of_today(now or clock.now())
    since = until - timedelta(days=action.period_days)
    return await gaps.figure_of(GapKind(action.gap_kind), GroupBy(action.group_by), action.group_key, since, until)


async def mark_done(viewer: User, action_id: int, *, now: datetime | None = None) -> ImprovementAction:
    """Its owner or a manager marks the action done: the reminder, if still to come, is dropped."""
    now = now or clock.now()
    action = await get_for(viewer, action_id)
    async with in_transaction():
        done = await ImprovementAction.filter(id=action.id, state=ActionState.OPEN).update(
            state=ActionState.DONE, done_at=now
        )
        if not done:
            raise Conflict('This action was already marked done.')
        await ActionReviewJob.filter(action_id=action.id, state=JobState.PENDING).update(
            state=JobState.CANCELLED, finished_at=now
        )
    return await get_for(viewer, action.id)


async def pending_for(action_id: int) -> list[ActionReviewJob]:
    return await ActionReviewJob.filter(action_id=action_id, state=JobState.PENDING).order_by('due_at', 'id')


async def staff(actor: User) -> list[User]:
    """Who may own an action: the desk's active technicians and managers, by name."""
    require(actor.is_manager, NOT_ALLOWED)
    return await User.filter(is_active=True, role__in=['technician', 'manager']).order_by('name')


async def suggested_review_day(now: datetime, after: timedelta = timedelta(days=14)) -> date:
    """The first working day (in the working calendar) at least `after` from now: what a new action proposes."""
    cal = await sla.working_calendar()
    day = (now + after).astimezone(ZoneInfo(cal.timezone)).date()
    working = {int(d) for d in cal.days} or {1, 2, 3, 4, 5}
    while day.isoweekday() not in working:
        day += timedelta(days=1)
    return day


async def _review_moment(day: date) -> datetime:
    """The start of the working day on `day`, in the calendar's time zone."""
    cal = await sla.working_calendar()
    local = datetime.combine(day, time(0), tzinfo=ZoneInfo(cal.timezone)) + timedelta(minutes=cal.start_minute)
    return local.astimezone(ZoneInfo('UTC'))


async def _today(now: datetime) -> date:
    return now.astimezone(ZoneInfo((await sla.working_calendar()).timezone)).date()


async def _end_of_today(now: datetime) -> datetime:
    """The midnight after today where the desk is (the working calendar's time zone): periods are whole days."""
    zone = ZoneInfo((await sla.working_calendar()).timezone)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=zone).astimezone(ZoneInfo('UTC'))


# ---- the review reminder ----------------------------------------------------------------------------------------


async def backlog(now: datetime) -> claims.Backlog:
    return await JOBS.backlog(now)


async def run_due(now: datetime | None = None, *, limit: int = 50) -> int:
    """Remind the owners of actions due for review; returns how many were reminded. Safe from several instances
    at once: each job is claimed by one of them."""
    now = now or clock.now()
    return await JOBS.run_due(now, limit=limit)


async def _act(job: ActionReviewJob, now: datetime, after: list[claims.After]) -> bool:
    action = await ImprovementAction.get_or_none(id=job.action_id, state=ActionState.OPEN)
    if action is None:  # marked done meanwhile: nothing to review (the job ends 'cancelled')
        return False
    await _tell_owner(action, now)
    after.append(notifications.wake)  # the outbox rows just committed
    return True


JOBS = claims.Jobs(
    ActionReviewJob, 'improvement review reminder', _act, lease=LEASE, retry_after=RETRY_AFTER,
    max_attempts=MAX_ATTEMPTS,
)  # fmt: skip


async def _tell_owner(action: ImprovementAction, now: datetime) -> int:
    """Queue "Time to review: <what>" for every device of the owner who wants reminders (in the caller's
    transaction); returns how many rows."""
    owner = await User.get(id=action.owner_id)
    targets = [(sid, owner.id) for sid in await _devices(owner)]
    if not targets:
        return 0
    message = notifications.payload(
        f'Time to review: {action.what}',
        f'{gaps.TITLES[GapKind(action.gap_kind)]} for {action.group_label}: see whether it worked.',
        kind=Kind.REMINDER,
        ticket_id=None,
        url=f'{ACTION_PATH}{action.id}',
        tag=f'action-{action.id}',
        action_id=action.id,
    )
    await enqueue(targets, {owner.id: message}, kind=Kind.REMINDER, ticket_id=None, now=now)
    return len(targets)


async def _devices(owner: User) -> list[int]:
    if not owner.is_active:
        return []
    switched = await queries.first_value(NotificationPreference.filter(user_id=owner.id, kind=Kind.REMINDER), 'enabled')
    wanted = notifications.default_on(Kind.REMINDER, owner.role) if switched is None else bool(switched)
    return await queries.ids(PushSubscription.filter(user_id=owner.id)) if wanted else []


def figures_words(figures: dict[str, Any], kind: GapKind) -> str:
    """ "4 of 12 fixes (33%)": a gap's figures as read on the action's page."""
    share = figures.get('share')
    percent = f' ({round(share * 100)}%)' if share is not None else ''
    return gaps.of_words(kind, figures.get('count', 0), figures.get('base', 0)) + percent
