"""Claiming work with a lease: the database is the queue, a conditional UPDATE is the lock.

Follow-up jobs, review reminders and push outbox rows are claimed the same way: only rows still due when the
UPDATE runs get the claimant's token ("if 0 rows changed, someone else got it"); a claim whose lease ran out
(its instance died) is due again, so nothing is lost and nothing runs twice at once.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from . import queries

log = logging.getLogger(__name__)

# The states of a durable job (`Jobs` below); each job table's own StrEnum spells the same values.
PENDING, RUNNING, DONE, CANCELLED, FAILED = 'pending', 'running', 'done', 'cancelled', 'failed'


def due(now: datetime, *, pending: str, running: str, due_field: str) -> Q:
    """Pending rows whose time has come, and running rows whose lease ran out."""
    waiting: dict[str, Any] = {'state': pending, f'{due_field}__lte': now}
    return Q(**waiting) | Q(state=running, claimed_until__lt=now)


async def claim(query: QuerySet[Any], *, running: str, holder: str, now: datetime, lease: timedelta) -> str | None:
    """Claim every row of `query` that is still due (the query must say so): returns the token written to
    the `holder` field, or None when another claimant got there first."""
    token = secrets.token_hex(16)
    claimed = await query.update(
        state=running, claimed_until=now + lease, attempts=F('attempts') + 1, **{holder: token}
    )
    return token if claimed else None


async def release(query: QuerySet[Any], *, pending: str, holder: str) -> int:
    """Give claimed rows back: due again at once."""
    return await query.update(state=pending, claimed_until=None, **{holder: None})


@dataclass(frozen=True)
class Backlog:
    """Work that is due and not yet done: how much, and since when the oldest has waited."""

    due: int
    oldest: datetime | None

    def waited(self, now: datetime) -> float:
        """Seconds the oldest due row has waited (0 with none)."""
        return max((now - self.oldest).total_seconds(), 0.0) if self.oldest else 0.0


async def backlog(model: type[Model], now: datetime, *, pending: str, running: str, due_field: str) -> Backlog:
    """What is due now and not handled: pending rows past their time, and claims whose lease ran out."""
    query = model.filter(due(now, pending=pending, running=running, due_field=due_field))
    count = await query.count()
    oldest = await query.order_by(due_field).first().values_list(due_field, flat=True) if count else None
    return Backlog(count, oldest if isinstance(oldest, datetime) else None)


# ---- durable jobs: a table of due rows, each run once, in its own transaction ------------------------------

After = Callable[[], None]
Work = Callable[[Any, datetime, list[After]], Awaitable[bool]]


@dataclass(frozen=True)
class Jobs:
    """One kind of durable job (follow-ups, article review reminders, improvement review reminders): a table
    whose rows have `state` (pending, running, done, cancelled, failed), `due_at`, `claimed_by`,
    `claimed_until`, `attempts`, `finished_at` and `last_error`, and the work each row stands for.

    `work(job, now, after)` runs inside the job's transaction once the claim is confirmed still ours; it returns
    whether it acted (False: the job no longer applies and ends 'cancelled'), and may add to `after` what to do
    once the transaction committed (publish a change, wake the push sender). An exception rolls the work back
    and the job is due again after `retry_after`, up to `max_attempts` attempts ('failed' then: a bug, not a
    crash)."""

    model: type[Model]
    name: str  # for the log
    work: Work
    lease: timedelta = timedelta(minutes=5)  # an instance that has not finished a job by then is presumed dead
    retry_after: timedelta = timedelta(minutes=10)
    max_attempts: int = 5
    transaction: Callable[[], AbstractAsyncContextManager[Any]] = in_transaction

    def claimable(self, now: datetime) -> Q:
        return due(now, pending=PENDING, running=RUNNING, due_field='due_at')

    async def backlog(self, now: datetime) -> Backlog:
        return await backlog(self.model, now, pending=PENDING, running=RUNNING, due_field='due_at')

    async def run_due(self, now: datetime, *, limit: int, **where: Any) -> int:
        """Claim and run the due jobs (those matching `where`), oldest due first; returns how many acted. Safe
        from several instances (or tasks) at once: each job is claimed by one of them."""
        ran = 0
        found = self.model.filter(self.claimable(now), **where).order_by('due_at', 'id').limit(limit)
        for job_id in await queries.ids(found):
            token = await self.claim(job_id, now)
            if token is not None and await self.run(job_id, token, now):
                ran += 1
        return ran

    async def claim(self, job_id: int, now: datetime) -> str | None:
        """The claim's token; None if another instance claimed this job first."""
        query = self.model.filter(self.claimable(now), id=job_id)
        return await claim(query, running=RUNNING, holder='claimed_by', now=now, lease=self.lease)

    async def run(self, job_id: int, token: str, now: datetime) -> bool:
        job = await self.model.get(id=job_id)
        after: list[After] = []
        try:
            async with self.transaction():
                # Done first, and only if the claim is still ours: a slower instance whose lease ran out (and
                # whose job was taken over) finds 0 rows here and changes nothing.
                mine = await self.model.filter(id=job_id, state=RUNNING, claimed_by=token).update(
                    state=DONE, finished_at=now, claimed_until=None
                )
                if not mine:
                    return False
                acted = await self.work(job, now, after)
                if not acted:
                    await self.model.filter(id=job_id).update(state=CANCELLED)
        except Exception as error:
            log.exception('%s %s failed', self.name, job_id)
            await self._retry_later(job, token, now, error)
            return False
        for step in after:
            step()
        return acted

    async def _retry_later(self, job: Any, token: str, now: datetime, error: Exception) -> None:
        state = FAILED if job.attempts >= self.max_attempts else PENDING  # attempts counts this one
        await self.model.filter(id=job.id, state=RUNNING, claimed_by=token).update(
            state=state, due_at=now + self.retry_after, claimed_by=None, claimed_until=None,
            last_error=str(error)[:300],
        )  # fmt: skip
