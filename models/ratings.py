"""Ratings: "Fixed — how did we do?", one tap on a 5-point scale, and callbacks (reopened fixes).

One rating per ticket, by its requester, once the ticket is fixed (resolved or closed). It can be
changed for a while after the first tap (`FollowUpRules.rating_change_hours`, 24 h by default); a later
fix of the same ticket (after a reopen) may be rated afresh. Scores of 1–2 offer "Reopen this request".

Rating links and notification actions carry a signed, single-use, expiring token (`issue_token`), so
one tap records a rating without signing in. A token is bound to a ticket and its requester; forged,
altered, expired and reused tokens are refused, and its nonce is stored in the same transaction as the
rating (unique), so nothing is recorded twice.

**A GET never records a rating.** Mail and link scanners open links by themselves: the page a rating
link opens may call `check_token` / `peek_token` to show the scale (and pre-select the score), but only
the tap on that page — or the service worker's POST for a notification action — calls `rate_with_token`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pypika_tortoise import SqlContext
from pypika_tortoise import functions as pypika_functions
from pypika_tortoise.terms import Function as PypikaFunction
from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Aggregate, F, Function, Q, ResolveContext, ResolveResult
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.transactions import in_transaction

from . import clock, events, followups, settings, tickets
from .catalog import Service
from .errors import Conflict, Invalid, NotFound, require
from .text import normalise
from .users import Category, User

SCALE = {1: 'Very poor', 2: 'Poor', 3: 'OK', 4: 'Good', 5: 'Great'}
OFFER_REOPEN_UP_TO = 2  # "Reopen this request" for these scores and below
MAX_COMMENT = 200
TOKEN_TTL = timedelta(days=7)
_FINISHED = ('resolved', 'closed')

NOT_VALID = 'This rating link is not valid. Open the request in Tapdesk to rate it.'
EXPIRED = 'This rating link has expired. Open the request in Tapdesk to rate it.'
USED = 'This rating link was already used.'


class Rating(Model):
    """The requester's verdict on a ticket's (latest rated) fix."""

    id = fields.IntField(primary_key=True)
    ticket: fields.OneToOneRelation[tickets.Ticket] = fields.OneToOneField(
        'models.Ticket', related_name='rating', on_delete=fields.CASCADE
    )
    ticket_id: int
    requester: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='ratings', on_delete=fields.CASCADE
    )
    requester_id: int
    score = fields.SmallIntField()
    comment = fields.CharField(max_length=MAX_COMMENT, default='')
    fix_at = fields.DatetimeField()  # the ticket's resolved_at when rated: which fix this is about
    first_rated_at = fields.DatetimeField()  # the change window starts here
    rated_at = fields.DatetimeField()

    class Meta:
        table = 'rating'
        indexes = (('fix_at',),)

    @property
    def offers_reopen(self) -> bool:
        return self.score <= OFFER_REOPEN_UP_TO

    @property
    def words(self) -> str:
        return SCALE[self.score]


class RatingTokenUse(Model):
    """A rating token that has been used: its nonce may never record again."""

    id = fields.IntField(primary_key=True)
    nonce = fields.CharField(max_length=32, unique=True)
    ticket: fields.ForeignKeyRelation[tickets.Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='rating_token_uses', on_delete=fields.CASCADE
    )
    ticket_id: int
    used_at = fields.DatetimeField()

    class Meta:
        table = 'rating_token_use'


class Callback(Model):
    """A fix that did not hold: the ticket was reopened. `fix_at` is when that fix was made."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[tickets.Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='callbacks', on_delete=fields.CASCADE
    )
    ticket_id: int
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='callbacks', null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    fix_at = fields.DatetimeField()
    created_at = fields.DatetimeField()

    class Meta:
        table = 'callback'
        indexes = (('fix_at',),)


# ---- rating ---------------------------------------------------------------------------------------


async def rate(ticket_id: int, score: int, *, actor: User, now: datetime | None = None) -> Rating:
    """The requester rates the fix (or changes the rating within the window)."""
    now = now or clock.now()
    ticket = await tickets.get_for(actor, ticket_id)
    require(actor.id == ticket.requester_id, 'Only the person who asked for this can rate it.')
    async with in_transaction():
        rating, changed = await _rate(ticket, actor, score, now)
    if changed:
        _publish(ticket, actor)
    return rating


async def comment(ticket_id: int, text: str, *, actor: User, now: datetime | None = None) -> Rating:
    """The optional "What could we do better?" line, after the tap (never required)."""
    now = now or clock.now()
    ticket = await tickets.get_for(actor, ticket_id)
    require(actor.id == ticket.requester_id, 'Only the person who asked for this can rate it.')
    text = normalise(text, one_line=True)
    if len(text) > MAX_COMMENT:
        raise Invalid(f'Please keep this under {MAX_COMMENT} characters (it has {len(text)}).', field='comment')
    rating = await Rating.get_or_none(ticket_id=ticket.id)
    if rating is None or ticket.status not in _FINISHED or rating.fix_at != ticket.resolved_at:
        raise Invalid('Tap a rating first.', field='comment')
    await _check_window(rating, now)
    async with in_transaction():
        await Rating.filter(id=rating.id).update(comment=text, rated_at=now)
        await _record(ticket, actor, now, body=text, data={'score': rating.score, 'comment': True})
    _publish(ticket, actor)
    return await Rating.get(id=rating.id)


async def rating_for(viewer: User, ticket_id: int) -> Rating | None:
    """The ticket's rating, for anyone who may see the ticket."""
    await tickets.get_for(viewer, ticket_id)
    return await Rating.get_or_none(ticket_id=ticket_id)


async def rated_this_fix(ticket: tickets.Ticket) -> bool:
    """Whether the ticket's current fix has a rating (a rating of an earlier fix does not count)."""
    return ticket.resolved_at is not None and await Rating.exists(ticket_id=ticket.id, fix_at=ticket.resolved_at)


async def _rate(ticket: tickets.Ticket, requester: User, score: int, now: datetime) -> tuple[Rating, bool]:
    """Inside a transaction: record the score; returns the rating and whether anything changed."""
    if ticket.status not in _FINISHED or ticket.resolved_at is None:
        raise Invalid('You can rate this request once it is fixed.', field='score')
    if not isinstance(score, int) or score not in SCALE:
        raise Invalid('Choose one of the five faces (1 to 5).', field='score')
    rating = await Rating.get_or_none(ticket_id=ticket.id)
    previous = None
    if rating is None:
        try:
            rating = await Rating.create(
                ticket_id=ticket.id,
                requester_id=requester.id,
                score=score,
                fix_at=ticket.resolved_at,
                first_rated_at=now,
                rated_at=now,
            )
        except IntegrityError:
            raise Conflict('You rated this a moment ago, on another screen.', field='score') from None
    elif rating.fix_at == ticket.resolved_at:  # the same fix: a change, within the window
        await _check_window(rating, now)
        if rating.score == score:
            return rating, False
        previous = rating.score
        await Rating.filter(id=rating.id).update(score=score, rated_at=now)
    else:  # fixed again after a reopen: a new verdict, a new window
        await Rating.filter(id=rating.id).update(
            score=score, comment='', fix_at=ticket.resolved_at, first_rated_at=now, rated_at=now
        )
    await _record(ticket, requester, now, data={'score': score, 'previous': previous})
    await followups.cancel(ticket.id, [followups.JobKind.UNRATED], now=now)
    return await Rating.get(id=rating.id), True


async def _check_window(rating: Rating, now: datetime) -> None:
    hours = (await followups.rules()).rating_change_hours
    if now >= rating.first_rated_at + timedelta(hours=hours):
        raise Invalid('This rating is final now; it could be changed for a while after the first tap.', field='score')


# ---- callbacks --------------------------------------------------------------------------------------


async def reopened(ticket: tickets.Ticket, *, actor: User, now: datetime) -> None:
    """Call inside `tickets.reopen`'s transaction with the ticket as it was before: the fix did not hold,
    which counts as a callback (whoever reopened it), and the follow-ups of that fix stop."""
    if ticket.resolved_at is not None:
        await Callback.create(ticket_id=ticket.id, actor=actor, fix_at=ticket.resolved_at, created_at=now)
    await followups.ticket_changed(ticket.id, now=now)


async def callbacks_of(ticket_id: int) -> int:
    return await Callback.filter(ticket_id=ticket_id).count()


# ---- rating tokens ------------------------------------------------------------------------------------


def issue_token(ticket: tickets.Ticket, requester: User, now: datetime, ttl: timedelta = TOKEN_TTL) -> str:
    """A link token: `<ticket>.<requester>.<expiry>.<nonce>.<signature>` (URL-safe)."""
    if requester.id != ticket.requester_id:
        raise Invalid('Only the person who asked for a request can rate it.', field='requester')
    body = f'{ticket.id}.{requester.id}.{int((now + ttl).timestamp())}.{secrets.token_urlsafe(12)}'
    return f'{body}.{_sign(body)}'


def check_token(token: str, now: datetime) -> tuple[int, int]:
    """(ticket id, requester id) of a genuine, unexpired token. Does not look at whether it was used."""
    parts = (token or '').strip().split('.')
    if len(parts) != 5 or not all(p.isdigit() for p in parts[:3]):
        raise Invalid(NOT_VALID, field='token')
    body, signature = '.'.join(parts[:4]), parts[4]
    if not hmac.compare_digest(signature.encode(), _sign(body).encode()):
        raise Invalid(NOT_VALID, field='token')
    if now.timestamp() >= int(parts[2]):
        raise Invalid(EXPIRED, field='token')
    return int(parts[0]), int(parts[1])


async def peek_token(token: str, *, now: datetime | None = None) -> tuple[tickets.Ticket, User]:
    """For the page a rating link opens (a GET): check everything, record nothing."""
    ticket, requester, nonce = await _token_target(token, now or clock.now())
    if await RatingTokenUse.exists(nonce=nonce):
        raise Conflict(USED, field='token')
    return ticket, requester


async def rate_with_token(token: str, score: int, *, now: datetime | None = None) -> Rating:
    """One tap from a link or a notification action (a POST): records once, never twice."""
    now = now or clock.now()
    ticket, requester, nonce = await _token_target(token, now)
    async with in_transaction():
        try:
            await RatingTokenUse.create(nonce=nonce, ticket_id=ticket.id, used_at=now)
        except IntegrityError:
            raise Conflict(USED, field='token') from None
        rating, changed = await _rate(ticket, requester, score, now)
    if changed:
        _publish(ticket, requester)
    return rating


async def _token_target(token: str, now: datetime) -> tuple[tickets.Ticket, User, str]:
    ticket_id, requester_id = check_token(token, now)
    ticket = await tickets.Ticket.get_or_none(id=ticket_id, requester_id=requester_id)
    requester = await User.get_or_none(id=requester_id, is_active=True)
    if ticket is None or requester is None:
        raise NotFound(NOT_VALID, field='token')
    return ticket, requester, token.strip().split('.')[3]


def _sign(body: str) -> str:
    key = settings.secret('rating').encode()
    digest = hmac.new(key, f'rating-v1|{body}'.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b'=').decode()


# ---- helpers ------------------------------------------------------------------------------------------


async def _record(ticket: tickets.Ticket, actor: User, now: datetime, *, body: str = '', data: dict) -> None:
    await tickets.TicketEvent.create(
        ticket_id=ticket.id, kind=tickets.EventKind.RATED, actor=actor, body=body, data=data, created_at=now
    )


def _publish(ticket: tickets.Ticket, actor: User) -> None:
    """After the commit: the ticket page (technician, manager) and the requester's list show it live."""
    events.publish_ticket_change(
        events.TicketChanged(
            ticket_id=ticket.id, kind=tickets.EventKind.RATED.value, requester_id=ticket.requester_id, actor_id=actor.id
        )
    )


# ---- measures (managers) ----------------------------------------------------------------------------


class GroupBy(StrEnum):
    SERVICE = 'service'
    TECHNICIAN = 'technician'  # the ticket's assignee
    CATEGORY = 'category'  # the requester's category
    DAY = 'day'  # UTC days
    WEEK = 'week'  # UTC weeks, keyed by their Monday


_KEY_FIELD = {
    GroupBy.SERVICE: 'service_id',
    GroupBy.TECHNICIAN: 'assignee_id',
    GroupBy.CATEGORY: 'requester__category_id',
}


async def measures(*, actor: User, since: datetime, until: datetime, group_by: GroupBy) -> list[dict[str, Any]]:
    """What a manager measures, per group, for [since, until); every number is aggregated in the database.

    - volume: tickets reported in the period
    - resolved: fixes made in the period (a ticket fixed, reopened and fixed again counts twice)
    - rated, satisfaction (average score), satisfied (share of 4–5), response_rate (rated / resolved):
      ratings of the fixes made in the period
    - callbacks, callback_rate (callbacks / resolved): fixes made in the period that were reopened
    - first_response_seconds: average, over tickets first answered in the period
    - resolution_seconds: average time from report to fix, over tickets fixed in the period
    Times are around the clock (not business hours); averages only (SQLite has no median).
    """
    require(actor.is_manager, 'Only managers can see the measures.')
    group_by = GroupBy(group_by)
    if since >= until:
        raise Invalid('The period has to end after it starts.', field='until')
    window = (since, until)
    volume = await _grouped(tickets.Ticket, 'created_at', '', group_by, window, volume=Count('id'))
    answered = await _grouped(
        tickets.Ticket,
        'first_response_at',
        '',
        group_by,
        window,
        first=Mean(Seconds('first_response_at', 'created_at')),
    )
    standing = await _grouped(
        tickets.Ticket,
        'resolved_at',
        '',
        group_by,
        window,
        fixed=Count('id'),
        took=Mean(Seconds('resolved_at', 'created_at')),
    )
    rated = await _grouped(
        Rating,
        'fix_at',
        'ticket__',
        group_by,
        window,
        rated=Count('id'),
        average=Mean('score'),  # not named 'score': it would shadow the field in the filter below
        good=Count('id', _filter=Q(score__gte=4)),
    )
    called = await _grouped(Callback, 'fix_at', 'ticket__', group_by, window, callbacks=Count('id'))
    keys = sorted({*volume, *answered, *standing, *rated, *called}, key=lambda k: (k is None, k))
    labels = await _labels(group_by, keys)
    return [
        _measure(
            k,
            labels.get(k, str(k)),
            volume.get(k, {}),
            answered.get(k, {}),
            standing.get(k, {}),
            rated.get(k, {}),
            called.get(k, {}),
        )
        for k in keys
    ]


def _measure(
    key: Any, label: str, volume: dict, answered: dict, standing: dict, rated: dict, called: dict
) -> dict[str, Any]:
    n_rated, callbacks = rated.get('rated', 0), called.get('callbacks', 0)
    resolved = standing.get('fixed', 0) + callbacks  # fixes still standing, and those that came back
    return {
        'key': key,
        'label': label,
        'volume': volume.get('volume', 0),
        'resolved': resolved,
        'rated': n_rated,
        'satisfaction': _round(rated.get('average'), 2),
        'satisfied': _ratio(rated.get('good', 0), n_rated),
        'response_rate': _ratio(n_rated, resolved),
        'callbacks': callbacks,
        'callback_rate': _ratio(callbacks, resolved),
        'first_response_seconds': _round(answered.get('first'), 0),
        'resolution_seconds': _round(standing.get('took'), 0),
    }


async def _grouped(
    model: type[Model],
    date_field: str,
    via: str,
    group_by: GroupBy,
    window: tuple[datetime, datetime],
    **aggregates: Any,
) -> dict[Any, dict[str, Any]]:
    """One aggregate query: {group key: {aggregate name: value}} for rows whose `date_field` is in the window."""
    query = model.filter(**{f'{date_field}__gte': window[0], f'{date_field}__lt': window[1]})
    if group_by in (GroupBy.DAY, GroupBy.WEEK):
        query = query.annotate(group_key=Period(date_field, group_by.value))
    else:
        query = query.annotate(group_key=F(f'{via}{_KEY_FIELD[group_by]}'))
    rows = await query.annotate(**aggregates).group_by('group_key').values('group_key', *aggregates)
    return {row.pop('group_key'): row for row in rows}


async def _labels(group_by: GroupBy, keys: list[Any]) -> dict[Any, str]:
    ids = [k for k in keys if k is not None]
    if group_by == GroupBy.SERVICE:
        names = await Service.filter(id__in=ids).values_list('id', 'name')
    elif group_by == GroupBy.TECHNICIAN:
        names = await User.filter(id__in=ids).values_list('id', 'name')
    elif group_by == GroupBy.CATEGORY:
        names = await Category.filter(id__in=ids).values_list('id', 'name')
    else:
        return {k: f'Week of {k}' if group_by == GroupBy.WEEK else k for k in ids}
    nobody = {GroupBy.TECHNICIAN: 'Unassigned', GroupBy.CATEGORY: 'No category'}.get(group_by, 'None')
    return {None: nobody, **dict(names)}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _round(value: Any, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


class _PeriodSql(PypikaFunction):
    """The UTC day or week (its Monday) of a timestamp, as 'YYYY-MM-DD', in each database's words."""

    def __init__(self, term: Any, unit: str) -> None:
        super().__init__('PERIOD', term)
        self.unit = unit

    def get_function_sql(self, ctx: SqlContext) -> str:
        column = self.args[0].get_sql(ctx.copy(with_alias=False))
        if ctx.dialect.value == 'postgresql':
            return f"to_char(date_trunc('{self.unit}', {column} AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"
        if self.unit == 'week':
            return f"strftime('%Y-%m-%d', {column}, 'weekday 0', '-6 days')"
        return f"strftime('%Y-%m-%d', {column})"


class Period(Function):
    database_func = _PeriodSql


class _SecondsSql(PypikaFunction):
    """Seconds from one timestamp to another (SQLite keeps them as ISO text, PostgreSQL as timestamptz)."""

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__('SECONDS', end, start)

    def get_function_sql(self, ctx: SqlContext) -> str:
        end, start = (a.get_sql(ctx.copy(with_alias=False)) for a in self.args)
        if ctx.dialect.value == 'postgresql':
            return f'EXTRACT(EPOCH FROM ({end} - {start}))'
        return f'((julianday({end}) - julianday({start})) * 86400.0)'


class Seconds(Function):
    """`Seconds('resolved_at', 'created_at')`: both are field names (F() would lose the table name in a join)."""

    database_func = _SecondsSql

    def _resolve_argument(
        self, resolve_context: ResolveContext, value: Any, *, treat_str_as_field: bool
    ) -> ResolveResult:
        return super()._resolve_argument(resolve_context, value, treat_str_as_field=True)


class Mean(Aggregate):
    """AVG that returns a number (Tortoise's Avg would turn an average of timestamps back into a timestamp)."""

    database_func = pypika_functions.Avg


async def overall(*, actor: User, since: datetime, until: datetime) -> dict[str, Any]:
    """The measures of `measures` for the whole period at once (a screen's headline figures), keyed None.

    Averages are over every ticket of the period, not averages of group averages.
    """
    require(actor.is_manager, 'Only managers can see the measures.')
    if since >= until:
        raise Invalid('The period has to end after it starts.', field='until')
    window = (since, until)
    volume = await _total(tickets.Ticket, 'created_at', window, volume=Count('id'))
    answered = await _total(
        tickets.Ticket, 'first_response_at', window, first=Mean(Seconds('first_response_at', 'created_at'))
    )
    standing = await _total(
        tickets.Ticket, 'resolved_at', window, fixed=Count('id'), took=Mean(Seconds('resolved_at', 'created_at'))
    )
    rated = await _total(
        Rating, 'fix_at', window, rated=Count('id'), average=Mean('score'), good=Count('id', _filter=Q(score__gte=4))
    )
    called = await _total(Callback, 'fix_at', window, callbacks=Count('id'))
    return _measure(None, 'All', volume, answered, standing, rated, called)


async def _total(model: type[Model], date_field: str, window: tuple[datetime, datetime], **aggregates: Any) -> dict:
    """One aggregate query without groups: {aggregate name: value} over rows whose `date_field` is in the window."""
    query = model.filter(**{f'{date_field}__gte': window[0], f'{date_field}__lt': window[1]})
    rows = await query.annotate(**aggregates).values(*aggregates)
    return rows[0] if rows else {}


# ---- lists (appended for the list screens) -----------------------------------------------------------


async def ratings_of(viewer: User, ticket_ids: list[int]) -> dict[int, Rating]:
    """{ticket id: rating} for the listed tickets the viewer may see, in one query (a list shows one per row)."""
    query = Rating.filter(ticket_id__in=ticket_ids)
    if not viewer.can_work_tickets:
        query = query.filter(ticket__requester_id=viewer.id)
    return {r.ticket_id: r for r in await query}


async def change_until(rating: Rating) -> datetime:
    """Until when this rating may still be changed (the window starts at the first tap)."""
    return rating.first_rated_at + timedelta(hours=(await followups.rules()).rating_change_hours)
