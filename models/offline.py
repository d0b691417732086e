"""Work with no signal: what a technician did on a job while offline, applied once when the phone is back.

The phone keeps each action with an id of its own (a uuid) and sends them in order. `apply` runs the action's
verb and writes an `AppliedAction` row in the same transaction, so a retry (the answer was lost, the app was
closed mid-send, two tabs sent together) finds the row and applies nothing: the id is the lock. When the verb
refuses (the ticket was resolved or given to someone else meanwhile), the refusal is recorded too, with a
sentence that says what could not be applied and the text that was typed, given back so nothing is lost.

More kinds of action register a handler by type, from their own module:

    @offline.handles('tick', what='checklist tick', done='ticked')
    async def _tick(viewer: User, ticket_id: int, payload: dict[str, Any], now: datetime) -> str:
        item = offline.whole_number(payload, 'item', low=1, high=10_000)
        await checklists.tick(ticket_id, item, actor=viewer, now=now)
        return f'Checklist item ticked on #{ticket_id}.'
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from . import clock, events, photos, settings, tickets
from .errors import DomainError, Invalid, NotFound
from .records import EventKind, Status, Ticket, TicketEvent
from .users import User

MAX_MINUTES = 12 * 60
MAX_TYPE = 32
MAX_AGE = timedelta(hours=12)  # a phone clock further back than this is not believed


class Result(StrEnum):
    APPLIED = 'applied'
    REFUSED = 'refused'


class AppliedAction(Model):
    """An action queued on a phone, applied or refused exactly once: its id is the uuid the phone made."""

    id = fields.CharField(primary_key=True, max_length=36)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='applied_actions', on_delete=fields.CASCADE
    )
    user_id: int
    ticket_id = fields.IntField()  # not a foreign key: a refusal may name a ticket that does not exist
    type = fields.CharField(max_length=MAX_TYPE)
    result = fields.CharEnumField(Result, max_length=8)
    sentence = fields.TextField()
    text = fields.TextField(default='')  # refused: what was typed, given back
    made_at = fields.DatetimeField(null=True)  # the phone's clock, for the record only
    applied_at = fields.DatetimeField()

    class Meta:
        table = 'applied_action'


@dataclass(frozen=True)
class Action:
    """One queued action as the phone sent it, checked for shape."""

    id: str
    ticket_id: int
    type: str
    payload: dict[str, Any]
    made_at: datetime | None = None


@dataclass(frozen=True)
class Outcome:
    id: str
    result: Result
    sentence: str
    text: str = ''
    duplicate: bool = False  # a retry: the stored outcome, nothing applied now


Run = Callable[[User, int, dict[str, Any], datetime, datetime | None], Awaitable[str]]


@dataclass(frozen=True)
class Handler:
    run: Run  # applies the action through the domain's verbs; returns the sentence to show
    what: str  # "note", in "Your note for #12 was not sent"
    done: str  # "sent", in the same sentence
    typed: tuple[str, ...]  # payload fields holding typed text, given back on a refusal


_handlers: dict[str, Handler] = {}


def handles(type_: str, *, what: str, done: str = 'applied', typed: tuple[str, ...] = ()) -> Callable[[Run], Run]:
    """Register the handler of one action type (a module registering again replaces its own)."""

    def register(run: Run) -> Run:
        _handlers[type_] = Handler(run=run, what=what, done=done, typed=typed)
        return run

    return register


def tapped(now: datetime, made_at: datetime | None) -> datetime:
    """When the action was tapped on the phone, if its clock is believable (the last 12 hours); else now."""
    return made_at if made_at is not None and now - MAX_AGE < made_at <= now else now


def types() -> list[str]:
    return sorted(_handlers)


# ---- applying ----------------------------------------------------------------------------------------


def parse(data: dict[str, Any]) -> Action:
    """The shape of one action: {id, ticket_id, type, payload, made_at?}; a sentence for what is wrong."""
    unknown = set(data) - {'id', 'ticket_id', 'type', 'payload', 'made_at'}
    if unknown:
        raise Invalid(f'Unknown field in the action: {", ".join(sorted(unknown))}.', field='action')
    return Action(
        id=_action_id(data.get('id')),
        ticket_id=_ticket_id(data.get('ticket_id')),
        type=_type(data.get('type')),
        payload=_payload(data.get('payload', {})),
        made_at=_made_at(data.get('made_at')),
    )


async def apply(viewer: User, action: Action, *, now: datetime | None = None) -> Outcome:
    """Apply one queued action once. A retried id gives the stored outcome and changes nothing."""
    now = now or clock.now()
    stored = await _stored(viewer, action.id)
    if stored is not None:
        return stored
    handler = _handlers[action.type]
    try:
        return await _apply(viewer, action, handler, now)
    except IntegrityError:  # the same id, sent twice at once: the other one got there first
        stored = await _stored(viewer, action.id)
        if stored is None:
            raise
        return stored


async def _apply(viewer: User, action: Action, handler: Handler, now: datetime) -> Outcome:
    # The row goes in first: the unique id makes a racing retry wait (PostgreSQL) or fail before any verb runs.
    async with events.after_commit(), in_transaction():
        row = await AppliedAction.create(
            id=action.id,
            user=viewer,
            ticket_id=action.ticket_id,
            type=action.type,
            result=Result.APPLIED,
            sentence='',
            made_at=action.made_at,
            applied_at=now,
        )
        try:
            async with in_transaction():  # a savepoint: a refusing verb leaves nothing behind
                row.sentence = await handler.run(viewer, action.ticket_id, action.payload, now, action.made_at)
        except DomainError as e:
            row.result = Result.REFUSED
            row.sentence = await refusal(viewer, action, handler, e)
            row.text = _typed(action.payload, handler)
        await row.save()
    return _outcome(row)


async def _stored(viewer: User, action_id: str) -> Outcome | None:
    row = await AppliedAction.get_or_none(id=action_id)
    if row is None:
        return None
    if row.user_id != viewer.id:  # a uuid is not guessed by accident: say nothing about someone else's
        raise Invalid('This action id was used already; the phone must make a new one.', field='id')
    return _outcome(row, duplicate=True)


def _outcome(row: AppliedAction, *, duplicate: bool = False) -> Outcome:
    return Outcome(id=row.id, result=row.result, sentence=row.sentence, text=row.text, duplicate=duplicate)


def _typed(payload: dict[str, Any], handler: Handler) -> str:
    return '\n\n'.join(str(payload[f]) for f in handler.typed if isinstance(payload.get(f), str) and payload[f])


# ---- saying what could not be applied -----------------------------------------------------------------


async def refusal(viewer: User, action: Action, handler: Handler, error: DomainError) -> str:
    """'Your note for #12 was not sent: the request was resolved by Priya meanwhile.'"""
    why = await _what_happened(viewer, action.ticket_id, error)
    return f'Your {handler.what} for #{action.ticket_id} was not {handler.done}: {why}'


async def _what_happened(viewer: User, ticket_id: int, error: DomainError) -> str:
    """Plain words for the refusal: what changed meanwhile if staff may know it, else the verb's own sentence."""
    own = _lower_first(str(error))
    if isinstance(error, NotFound) or not viewer.can_work_tickets:
        return own
    ticket = await Ticket.get_or_none(id=ticket_id).select_related('assignee')
    if ticket is None:
        return own
    if ticket.status in (Status.RESOLVED, Status.CLOSED):
        by = await _resolved_by(ticket_id)
        finished = 'resolved' if ticket.status == Status.RESOLVED else 'closed'
        return f'the request was {finished}{f" by {by}" if by and by != viewer.first_name else ""} meanwhile.'
    if ticket.assignee_id not in (None, viewer.id) and ticket.assignee and not viewer.is_manager:
        return f'the request was given to {ticket.assignee.first_name} meanwhile.'
    return own


async def _resolved_by(ticket_id: int) -> str | None:
    last = (
        await TicketEvent.filter(ticket_id=ticket_id, kind=EventKind.RESOLVED)
        .order_by('-id')
        .select_related('actor')
        .first()
    )
    if last is None:
        return None
    return last.actor.first_name if last.actor else 'Tapdesk'


def _lower_first(sentence: str) -> str:
    if len(sentence) > 1 and sentence[0].isupper() and not sentence[1].isupper():
        return sentence[0].lower() + sentence[1:]
    return sentence


# ---- reading payloads: the same sentences for every handler ---------------------------------------------


def text(payload: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = payload.get(name, '')
    if not isinstance(value, str):
        raise Invalid(f'"{name}" must be text.', field=name)
    if required and not value.strip():
        raise Invalid('Write something first.', field=name)
    return value


def flag(payload: dict[str, Any], name: str) -> bool:
    value = payload.get(name, False)
    if not isinstance(value, bool):
        raise Invalid(f'"{name}" must be true or false.', field=name)
    return value


def whole_number(payload: dict[str, Any], name: str, *, low: int, high: int) -> int:
    value = payload.get(name)
    if type(value) is not int or not low <= value <= high:  # not bool, not 4.0, not "4"
        raise Invalid(f'"{name}" must be a whole number from {low} to {high}.', field=name)
    return value


def moment(payload: dict[str, Any], name: str) -> datetime:
    value = payload.get(name)
    parsed = _datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise Invalid(f'"{name}" must be a date and time with its zone, like 2026-11-24T10:25:00+01:00.', field=name)
    return parsed


def photo(payload: dict[str, Any]) -> photos.PhotoIn:
    """A photo as a data URL ("data:image/jpeg;base64,..."), checked like an upload (size and content)."""
    url = text(payload, 'photo', required=True)
    head, _, data = url.partition(',')
    if not head.startswith('data:image/') or not head.endswith(';base64'):
        raise Invalid('The photo must be a data URL of an image (data:image/...;base64,...).', field='photo')
    if len(data) * 3 // 4 > settings.settings.max_upload_bytes:
        photos.check_size(len(data) * 3 // 4)  # says how large it is, and the limit
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid('The photo could not be read (its data is damaged).', field='photo') from None
    name = text(payload, 'filename') or 'photo.jpg'
    picture = photos.PhotoIn(data=raw, filename=name)
    photos.check(picture)
    return picture


# ---- the shape of an action ----------------------------------------------------------------------------


def _action_id(value: object) -> str:
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) and len(value) <= 40 else _no_id()
    except ValueError:
        return _no_id()


def _no_id() -> str:
    raise Invalid('Each action needs its own id (a uuid made on the phone).', field='id')


def _ticket_id(value: object) -> int:
    if type(value) is not int or not 0 < value < 2**31:
        raise Invalid('Each action names its ticket by number ("ticket_id").', field='ticket_id')
    return value


def _type(value: object) -> str:
    if not isinstance(value, str) or value not in _handlers:
        raise Invalid(f'Unknown action type; expected one of: {", ".join(types())}.', field='type')
    return value


def _payload(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid('"payload" must be an object.', field='payload')
    return value


def _made_at(value: object) -> datetime | None:
    if value is None:
        return None
    parsed = _datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise Invalid('"made_at" must be the time the action was made, like 2026-11-24T09:00:00Z.', field='made_at')
    return parsed


def _datetime(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip().replace('Z', '+00:00'))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None


# ---- the technician's actions on a job --------------------------------------------------------------------


@handles('note', what='note', done='sent', typed=('text',))
async def _note(viewer: User, ticket_id: int, payload: dict[str, Any], now: datetime, _: datetime | None) -> str:
    """An internal note, or a reply the requester reads ({"text", "internal": true|false})."""
    internal = flag(payload, 'internal')
    await tickets.reply(ticket_id, text(payload, 'text', required=True), author=viewer, internal=internal, now=now)
    return f'Your {"note" if internal else "reply"} for #{ticket_id} was sent.'


@handles('photo', what='photo', done='added', typed=('text',))
async def _photo(viewer: User, ticket_id: int, payload: dict[str, Any], now: datetime, _: datetime | None) -> str:
    """{"photo": data URL, "filename"?, "text"?, "internal"?}: a photo alone, or with a few words."""
    picture, words, internal = photo(payload), text(payload, 'text'), flag(payload, 'internal')
    if words.strip() or internal:
        await tickets.reply(ticket_id, words, author=viewer, internal=internal, photos_in=[picture], now=now)
    else:
        await tickets.add_photos(ticket_id, [picture], actor=viewer, now=now)
    return f'Your photo for #{ticket_id} was added.'


def arrival(payload: dict[str, Any], tapped: datetime, now: datetime) -> datetime:
    """{"minutes": 1..720} counted from when it was tapped (never before now), or {"eta": ISO time}."""
    if 'eta' in payload:
        return moment(payload, 'eta')
    minutes = whole_number(payload, 'minutes', low=1, high=MAX_MINUTES)
    return max(tapped + timedelta(minutes=minutes), now)


@handles('resolve', what='fix summary', done='sent', typed=('summary',))
async def _resolve(viewer: User, ticket_id: int, payload: dict[str, Any], now: datetime, _: datetime | None) -> str:
    await tickets.resolve(ticket_id, text(payload, 'summary', required=True), actor=viewer, now=now)
    return f'#{ticket_id} is resolved.'
