"""Claiming work with a lease: the database is the queue, a conditional UPDATE is the lock.

Follow-up jobs and push outbox rows are claimed the same way: only rows still due when the UPDATE runs get
the claimant's token ("if 0 rows changed, someone else got it"); a claim whose lease ran out (its instance
died) is due again, so nothing is lost and nothing runs twice at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q
from tortoise.models import Model
from tortoise.queryset import QuerySet


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
