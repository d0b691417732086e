"""Article review reminders: a durable job per published article, due when it has gone unreviewed for the
managers' chosen time; its owner is reminded (and again after the same time, until someone looks).

Scheduling: every publish, edit, retire and "still right" (models/articles.py) calls `article_changed` inside
its own transaction (registered with `articles.when_changed`: this module stands above articles), which puts
the article's one pending job at reviewed_at + review_days, or cancels it once the article is not published.

Running: `run_due` (each instance, every minute, beside the follow-ups) claims due jobs exactly as
models/followups.py does: a committed claim with a lease, then one transaction that marks the job done only if
the claim is still ours and queues the push. A crash in between leaves an expired claim: the job runs again.

The review time is the managers' to change at any moment (models/help_settings.py, a floor below, which
cannot reach up here), so a job's due time is only a hint, decided again when it runs: the reminder is due at
max(reviewed_at, when the job was made) + review_days *as it is now*. A job that finds it early (the time was
made longer, or someone looked) is scheduled again at its new time; jobs that became due because the time was made
shorter are brought forward by `run_due` before it claims.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from . import articles, claims, clock, help_settings, notifications, queries
from .articles import Article
from .notifications import Kind, NotificationPreference, PushSubscription
from .outbox import enqueue
from .users import User

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # an instance that has not finished a job by then is presumed dead
MAX_ATTEMPTS = 5  # a job that fails this often (a bug, not a crash) is parked as 'failed'
RETRY_AFTER = timedelta(minutes=10)
ARTICLE_PATH = '/articles/'  # + id: the article's editor, where "Still right" is one tap


class ReviewState(StrEnum):
    PENDING = 'pending'
    RUNNING = 'running'
    DONE = 'done'
    CANCELLED = 'cancelled'
    FAILED = 'failed'


class ReviewJob(Model):
    """One reminder to review an article, claimed like every follow-up (models/claims.py)."""

    id = fields.IntField(primary_key=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        'models.Article', related_name='review_jobs', on_delete=fields.CASCADE
    )
    article_id: int
    due_at = fields.DatetimeField()
    state = fields.CharEnumField(ReviewState, max_length=12, default=ReviewState.PENDING)
    claimed_by = fields.CharField(max_length=32, null=True)
    claimed_until = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=300, default='')
    created_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'article_review_job'
        indexes = (('state', 'due_at'), ('article_id', 'state'))


# ---- fitting the job to the article (inside the article verb's transaction) ---------------------------------


async def article_changed(article: Article, now: datetime) -> None:
    """Published: its one pending reminder is due review_days after it was last looked at. Not published: none."""
    pending = ReviewJob.filter(article_id=article.id, state=ReviewState.PENDING)
    if article.state != articles.State.PUBLISHED:
        await pending.update(state=ReviewState.CANCELLED, finished_at=now)
        return
    due = article.reviewed_at + await _review_time()
    # Asked, not counted: on SQLite the row count of an UPDATE that follows the search index's writes in the same
    # transaction is stale (it reports the index's rows), so "0 rows moved" cannot be read from it here.
    if await pending.exists():
        await pending.update(due_at=due)
    else:
        await ReviewJob.create(article_id=article.id, due_at=due, created_at=now)


articles.when_changed(article_changed)


async def pending_for(article_id: int) -> list[ReviewJob]:
    return await ReviewJob.filter(article_id=article_id, state=ReviewState.PENDING).order_by('due_at', 'id')


# ---- running due reminders ------------------------------------------------------------------------------------


async def backlog(now: datetime) -> claims.Backlog:
    return await JOBS.backlog(now)


async def run_due(now: datetime | None = None, *, limit: int = 50) -> int:
    """Remind the owners of articles due for a review; returns how many were reminded. Safe to call from
    several instances at once: each job is claimed by one of them."""
    now = now or clock.now()
    await _bring_forward(now, await _review_time(), limit)
    return await JOBS.run_due(now, limit=limit)


async def _bring_forward(now: datetime, review: timedelta, limit: int) -> None:
    """Managers shortened the review time: pending jobs whose article is due by the new time are due now."""
    cutoff = now - review
    early = ReviewJob.filter(
        state=ReviewState.PENDING, due_at__gt=now, created_at__lte=cutoff, article__reviewed_at__lte=cutoff
    )
    found = await queries.ids(early.order_by('due_at', 'id').limit(limit))
    if found:
        await ReviewJob.filter(id__in=found, state=ReviewState.PENDING).update(due_at=now)


async def _act(job: ReviewJob, now: datetime, after: list[claims.After]) -> bool:
    reminded = await _remind_if_due(job, now)
    if reminded:
        after.append(notifications.wake)  # the outbox rows just committed
    return reminded


async def _remind_if_due(job: ReviewJob, now: datetime) -> bool:
    """The rule, checked when it runs: still published, still not looked at for the review time as it is now.
    False: nothing was said (the job ends 'cancelled'; a later one is scheduled where one is still needed)."""
    article = await Article.get_or_none(id=job.article_id)
    if article is None or article.state != articles.State.PUBLISHED:
        return False
    if await ReviewJob.exists(article_id=article.id, state=ReviewState.PENDING):
        return False  # the article was changed while this ran: its verb scheduled the reminder that counts
    review = await _review_time()
    due = max(article.reviewed_at, job.created_at) + review
    if due > now:  # someone looked, or the review time was made longer: due later, from the same start
        await ReviewJob.create(article_id=article.id, due_at=due, created_at=job.created_at)
        return False
    await _tell_owner(article, now)
    await ReviewJob.create(article_id=article.id, due_at=now + review, created_at=now)  # and again, until someone looks
    return True


JOBS = claims.Jobs(
    ReviewJob, 'article review reminder', _act, lease=LEASE, retry_after=RETRY_AFTER, max_attempts=MAX_ATTEMPTS
)


# ---- the push to the owner -----------------------------------------------------------------------------------


async def _tell_owner(article: Article, now: datetime) -> int:
    """Queue "Time to check an article" for every device of the owner who wants reminders (in the caller's
    transaction); returns how many rows."""
    owner = await User.get(id=article.owner_id)
    targets = [(sid, owner.id) for sid in await _devices(owner)]
    if not targets:
        return 0
    message = notifications.payload(
        'Time to check an article',
        f'"{article.title}" was last checked {_ago(now - article.reviewed_at)} ago. Is it still right?',
        kind=Kind.REMINDER,
        ticket_id=None,
        url=f'{ARTICLE_PATH}{article.id}',
        tag=f'article-{article.id}',  # one per article at the push service, not one for all of Tapdesk
        article_id=article.id,
    )
    await enqueue(targets, {owner.id: message}, kind=Kind.REMINDER, ticket_id=None, now=now)
    return len(targets)


async def _devices(owner: User) -> list[int]:
    if not owner.is_active:
        return []
    switched = await queries.first_value(NotificationPreference.filter(user_id=owner.id, kind=Kind.REMINDER), 'enabled')
    wanted = notifications.default_on(Kind.REMINDER, owner.role) if switched is None else bool(switched)
    return await queries.ids(PushSubscription.filter(user_id=owner.id)) if wanted else []


async def _review_time() -> timedelta:
    return timedelta(days=(await help_settings.current()).review_days)


def _ago(span: timedelta) -> str:
    """ "6 months", "1 month", "45 days": how long an article has gone unchecked, as its owner reads it."""
    days = span.days
    if days >= 60:
        return f'{round(days / 30.44)} months'
    if days >= 30 and days < 45:
        return '1 month'
    return '1 day' if days == 1 else f'{days} days'
