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

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from . import changes, clock, settings, tickets
from .changes import Change, changing
from .errors import Conflict, Invalid, NotFound, require
from .followup_rules import rules
from .records import EventKind, Ticket
from .text import normalise
from .users import User

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
    ticket: fields.OneToOneRelation[Ticket] = fields.OneToOneField(
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
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='rating_token_uses', on_delete=fields.CASCADE
    )
    ticket_id: int
    used_at = fields.DatetimeField()

    class Meta:
        table = 'rating_token_use'


class Callback(Model):
    """A fix that did not hold: the ticket was reopened. `fix_at` is when that fix was made."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
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
    async with changing(ticket, actor=actor, now=now) as change:
        rating = await _rate(change, ticket, actor, score)
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
    async with changing(ticket, actor=actor, now=now) as change:
        await Rating.filter(id=rating.id).update(comment=text, rated_at=now)
        await change.record(EventKind.RATED, body=text, data={'score': rating.score, 'comment': True})
    return await Rating.get(id=rating.id)


async def rating_for(viewer: User, ticket_id: int) -> Rating | None:
    """The ticket's rating, for anyone who may see the ticket."""
    await tickets.get_for(viewer, ticket_id)
    return await Rating.get_or_none(ticket_id=ticket_id)


def of_current_fix(ticket: Ticket, rating: Rating | None) -> Rating | None:
    """The rating if it is about the ticket's current fix (a rating of an earlier fix does not count)."""
    if rating is None or ticket.resolved_at is None or rating.fix_at != ticket.resolved_at:
        return None
    return rating


async def rated_this_fix(ticket: Ticket) -> bool:
    """Whether the ticket's current fix has a rating (a rating of an earlier fix does not count)."""
    return ticket.resolved_at is not None and await Rating.exists(ticket_id=ticket.id, fix_at=ticket.resolved_at)


async def _rate(change: Change, ticket: Ticket, requester: User, score: int) -> Rating:
    """Inside the change's transaction: record the score (an unchanged score writes nothing)."""
    now = change.now
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
            return rating
        previous = rating.score
        await Rating.filter(id=rating.id).update(score=score, rated_at=now)
    else:  # fixed again after a reopen: a new verdict, a new window
        await Rating.filter(id=rating.id).update(
            score=score, comment='', fix_at=ticket.resolved_at, first_rated_at=now, rated_at=now
        )
    await change.record(EventKind.RATED, data={'score': score, 'previous': previous})
    return await Rating.get(id=rating.id)


async def _check_window(rating: Rating, now: datetime) -> None:
    hours = (await rules()).rating_change_hours
    if now >= rating.first_rated_at + timedelta(hours=hours):
        raise Invalid('This rating is final now; it could be changed for a while after the first tap.', field='score')


# ---- callbacks --------------------------------------------------------------------------------------


async def after_change(change: Change) -> None:
    """A reopened fix did not hold: that counts as a callback, whoever reopened it."""
    before = change.before
    if change.has(EventKind.REOPENED) and before is not None and before.resolved_at is not None:
        await Callback.create(ticket_id=before.id, actor=change.actor, fix_at=before.resolved_at, created_at=change.now)


changes.add_step(after_change, order=20)


async def callbacks_of(ticket_id: int) -> int:
    return await Callback.filter(ticket_id=ticket_id).count()


# ---- rating tokens ------------------------------------------------------------------------------------


def issue_token(ticket: Ticket, requester: User, now: datetime, ttl: timedelta = TOKEN_TTL) -> str:
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


async def peek_token(token: str, *, now: datetime | None = None) -> tuple[Ticket, User]:
    """For the page a rating link opens (a GET): check everything, record nothing."""
    ticket, requester, nonce = await _token_target(token, now or clock.now())
    if await RatingTokenUse.exists(nonce=nonce):
        raise Conflict(USED, field='token')
    return ticket, requester


async def rate_with_token(token: str, score: int, *, now: datetime | None = None) -> Rating:
    """One tap from a link or a notification action (a POST): records once, never twice."""
    now = now or clock.now()
    ticket, requester, nonce = await _token_target(token, now)
    async with changing(ticket, actor=requester, now=now) as change:
        try:
            await RatingTokenUse.create(nonce=nonce, ticket_id=ticket.id, used_at=now)
        except IntegrityError:
            raise Conflict(USED, field='token') from None
        rating = await _rate(change, ticket, requester, score)
    return rating


async def _token_target(token: str, now: datetime) -> tuple[Ticket, User, str]:
    ticket_id, requester_id = check_token(token, now)
    ticket = await Ticket.get_or_none(id=ticket_id, requester_id=requester_id)
    requester = await User.get_or_none(id=requester_id, is_active=True)
    if ticket is None or requester is None:
        raise NotFound(NOT_VALID, field='token')
    return ticket, requester, token.strip().split('.')[3]


def _sign(body: str) -> str:
    key = settings.secret('rating').encode()
    digest = hmac.new(key, f'rating-v1|{body}'.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b'=').decode()


# ---- lists (appended for the list screens) -----------------------------------------------------------


async def ratings_of(viewer: User, ticket_ids: list[int]) -> dict[int, Rating]:
    """{ticket id: rating} for the listed tickets the viewer may see, in one query (a list shows one per row)."""
    query = Rating.filter(ticket_id__in=ticket_ids)
    if not viewer.can_work_tickets:
        query = query.filter(ticket__requester_id=viewer.id)
    return {r.ticket_id: r for r in await query}


async def change_until(rating: Rating) -> datetime:
    """Until when this rating may still be changed (the window starts at the first tap)."""
    return rating.first_rated_at + timedelta(hours=(await rules()).rating_change_hours)
