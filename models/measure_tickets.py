"""The tickets behind a figure: every number on the managers' screens opens the list it counts.

Each figure names what it counts (received, answered, fixed, rated, a score, callbacks, needed sooner than the
target, the backlog, answered or fixed after the target) over [since, until), optionally for one service,
requester group or technician. The list is read with the same conditions as the figure, newest first, with how
many there are in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from . import measure_times
from .errors import Invalid, require
from .ratings import Callback, Rating
from .records import Ticket
from .sla import SlaTarget
from .users import User

LIMIT = 200


class Figure(StrEnum):
    RECEIVED = 'received'
    ANSWERED = 'answered'  # first answered in the period
    FIXED = 'fixed'
    RATED = 'rated'  # a fix of the period rated (with `score`: only that score)
    GOOD = 'good'  # rated 4-5
    POOR = 'poor'  # rated 1-2
    CALLBACKS = 'callbacks'  # a fix of the period that was reopened
    NEEDED_SOONER = 'needed_sooner'  # reported in the period, needed before the fix target
    BACKLOG = 'backlog'  # still open at the end of the period
    ANSWERED_LATE = 'answered_late'  # first answered in the period, after its target
    FIXED_LATE = 'fixed_late'  # fixed in the period (the fix standing), after its target


WORDS = {
    Figure.RECEIVED: 'Received',
    Figure.ANSWERED: 'First answered',
    Figure.FIXED: 'Fixed',
    Figure.RATED: 'Rated',
    Figure.GOOD: 'Rated good or great',
    Figure.POOR: 'Rated poor or very poor',
    Figure.CALLBACKS: 'Fixed, then reopened',
    Figure.NEEDED_SOONER: 'Needed sooner than the target',
    Figure.BACKLOG: 'Still open at the end',
    Figure.ANSWERED_LATE: 'First answered after the target',
    Figure.FIXED_LATE: 'Fixed after the target',
}
# The late ones: the measures' counted seconds (models/measure_times.py) against the target's minutes.
_LATE = {
    Figure.ANSWERED_LATE: ('answer', 'first_response_at', 'answer_seconds', 'first_response_minutes'),
    Figure.FIXED_LATE: ('fix', 'resolved_at', 'fix_seconds', 'resolution_minutes'),
}


@dataclass(frozen=True)
class Behind:
    figure: Figure
    total: int
    tickets: list[Ticket]  # newest first, at most LIMIT
    ratings: dict[int, Rating]  # ticket id -> its rating, where it has one


async def behind(
    actor: User,
    figure: Figure | str,
    *,
    since: datetime,
    until: datetime,
    service_id: int | None = None,
    category_id: int | None = None,
    technician_id: int | None = None,
    score: int | None = None,
) -> Behind:
    require(actor.is_manager, 'Only managers can see the measures.')
    try:
        figure = Figure(figure)
    except ValueError:
        raise Invalid('There is no such figure.', field='what') from None
    if since >= until:
        raise Invalid('The period has to end after it starts.', field='until')
    if score is not None and score not in range(1, 6):
        raise Invalid('A score is from 1 to 5.', field='score')
    query = _counted(figure, since, until, score) if figure not in _LATE else await _late(figure, since, until)
    if service_id is not None:
        query = query.filter(service_id=service_id)
    if category_id is not None:
        query = query.filter(requester__category_id=category_id)
    if technician_id is not None:
        query = query.filter(assignee_id=technician_id)
    total = await query.count()
    found = await query.order_by('-created_at', '-id').limit(LIMIT).select_related('service', 'requester', 'assignee')
    rated = {r.ticket_id: r for r in await Rating.filter(ticket_id__in=[t.id for t in found])}
    return Behind(figure, total, found, rated)


async def _late(figure: Figure, since: datetime, until: datetime) -> QuerySet[Ticket]:
    """Answered (fixed) in the period after the target of the ticket's service and priority: counted as the
    compliance figures count them (the same stored seconds, written first where missing)."""
    kind, ended, seconds, minutes = _LATE[figure]
    await measure_times.stamp(await measure_times.zone(since, until), kind, since, until)
    late = [
        Q(service_id=t.service_id, priority=t.priority, **{f'{seconds}__gt': getattr(t, minutes) * 60})
        for t in await SlaTarget.filter(**{f'{minutes}__not_isnull': True})
    ]
    if not late:
        return Ticket.filter(id__in=[])
    return Ticket.filter(Q(*late, join_type='OR'), **{f'{ended}__gte': since, f'{ended}__lt': until})


def _counted(figure: Figure, since: datetime, until: datetime, score: int | None) -> QuerySet[Ticket]:
    def within(field: str) -> dict[str, datetime]:
        return {f'{field}__gte': since, f'{field}__lt': until}

    if figure == Figure.RECEIVED:
        return Ticket.filter(**within('created_at'))
    if figure == Figure.ANSWERED:
        return Ticket.filter(**within('first_response_at'))
    if figure == Figure.FIXED:
        return Ticket.filter(**within('resolved_at'))
    if figure == Figure.NEEDED_SOONER:
        return Ticket.filter(needs_sooner=True, **within('created_at'))
    if figure == Figure.BACKLOG:  # reported before the end and not fixed by then
        return Ticket.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=until), created_at__lt=until)
    if figure == Figure.CALLBACKS:
        return Ticket.filter(id__in=Subquery(Callback.filter(**within('fix_at')).values('ticket_id')))
    ratings = Rating.filter(**within('fix_at'))
    if figure == Figure.GOOD:
        ratings = ratings.filter(score__gte=4)
    elif figure == Figure.POOR:
        ratings = ratings.filter(score__lte=2)
    elif score is not None:
        ratings = ratings.filter(score=score)
    return Ticket.filter(id__in=Subquery(ratings.values('ticket_id')))
