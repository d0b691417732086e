"""Tickets: every verb that changes a ticket, and the reads with their one visibility rule.

Every write goes through a verb here. Each verb checks who may do it, then opens `changes.changing(...)`:
a conditional UPDATE (the lock that also works on SQLite), its timeline lines, and the one "after change"
step (outbox rows, follow-up jobs, callbacks) in the same transaction; publishing happens after the commit.
The nouns (Ticket, TicketEvent, Status, EventKind, the transitions) live in models/records.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import date, datetime, timedelta
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from . import clock, expectations, ids, photos
from .actors import Actor
from .catalog import Priority, usable_service
from .changes import Change, changing
from .errors import Conflict, Forbidden, Invalid, NotFound, require
from .position import Position
from .records import (
    MAX_TITLE,
    OPEN,
    STAFF_WORDS,
    TRANSITIONS,
    Attachment,
    EventKind,
    Status,
    Ticket,
    TicketEvent,
    status_words,
)
from .text import normalise
from .users import User

__all__ = ['Attachment', 'EventKind', 'OPEN', 'STAFF_WORDS', 'Status', 'Ticket', 'TicketEvent', 'status_words']

MAX_TEXT = 5000
MAX_PHOTOS = 6


# ---- who sees what: the one rule ----------------------------------------------------------------


def visible_to(viewer: User) -> QuerySet[Ticket]:
    """Staff see every ticket; a requester sees only their own."""
    if viewer.can_work_tickets:
        return Ticket.all()
    return Ticket.filter(requester_id=viewer.id)


async def get_for(viewer: User, ticket_id: int | str) -> Ticket:
    """The ticket if the viewer may see it; `ticket_id` may come from an address as it is (checked by `ids`)."""
    number, ticket = ids.parse(ticket_id), None
    if number is not None:
        ticket = await visible_to(viewer).filter(id=number).select_related('service', 'requester', 'assignee').first()
    if ticket is None:
        raise NotFound(f'There is no request #{str(ticket_id)[:20]} for you.')  # an address can hold anything
    return ticket


# ---- reading --------------------------------------------------------------------------------------


async def my_requests(viewer: User, *, limit: int = 50) -> list[Ticket]:
    """A requester's own tickets, newest activity first."""
    return (
        await Ticket.filter(requester_id=viewer.id)
        .select_related('service', 'assignee')
        .order_by('-updated_at', '-id')
        .limit(limit)
    )


class QueueView(StrEnum):
    UNASSIGNED = 'unassigned'
    MINE = 'mine'
    OPEN = 'open'


async def queue(
    viewer: User,
    *,
    view: QueueView = QueueView.UNASSIGNED,
    service_id: int | None = None,
    priority: Priority | None = None,
    search: str = '',
    only_id: int | None = None,
    limit: int = 50,
) -> list[Ticket]:
    require(viewer.can_work_tickets, 'Only technicians can see the queue.')
    query = Ticket.filter(status__in=OPEN)
    if only_id is not None:
        query = query.filter(id=only_id)
    if view == QueueView.UNASSIGNED:
        query = query.filter(assignee_id=None)
    elif view == QueueView.MINE:
        query = query.filter(assignee_id=viewer.id)
    if service_id:
        query = query.filter(service_id=service_id)
    if priority:
        query = query.filter(priority=priority)
    words = normalise(search, one_line=True).lstrip('#')
    if words.isdigit():  # a ticket number; one that no ticket can have finds nothing (not a database error)
        number = ids.parse(words)
        if number is None:
            return []
        query = query.filter(id=number)
    elif words:
        for word in words.split()[:5]:
            query = query.filter(Q(title__icontains=word) | Q(details__icontains=word) | Q(location__icontains=word))
    return (
        await query.select_related('service', 'requester', 'assignee').order_by('-priority', 'created_at').limit(limit)
    )


async def queue_item(viewer: User, ticket_id: int, **filters: object) -> Ticket | None:
    """One ticket if it belongs in this queue view: a live queue re-reads only the ticket that changed."""
    found = await queue(viewer, only_id=ticket_id, **filters)  # type: ignore[arg-type]
    return found[0] if found else None


class Audience(StrEnum):
    """Who reads a ticket: staff see internal notes and due times, a requester does not."""

    STAFF = 'staff'
    REQUESTER = 'requester'


def audience(viewer: User) -> Audience:
    return Audience.STAFF if viewer.can_work_tickets else Audience.REQUESTER


async def timeline_for(viewer: User, ticket_id: int, *, after_id: int = 0) -> list[TicketEvent]:
    """The ticket's timeline as this viewer may read it (internal notes only for staff)."""
    await get_for(viewer, ticket_id)
    return await timeline_of(ticket_id, audience(viewer), after_id=after_id)


async def timeline_of(ticket_id: int, readers: Audience, *, after_id: int = 0) -> list[TicketEvent]:
    """The timeline for an audience (`audience(viewer)`). Callers must have checked access with `get_for`
    first: live pages share one read per change between everyone in the same audience."""
    query = TicketEvent.filter(ticket_id=ticket_id, id__gt=after_id)
    if readers != Audience.STAFF:
        query = query.filter(internal=False)
    return await query.select_related('actor').prefetch_related('attachments')


async def attachment_for(viewer: User, attachment_id: int | str) -> Attachment:
    number = ids.parse(attachment_id)  # from an address: a number no row can have is simply not found
    att = await Attachment.get_or_none(id=number) if number is not None else None
    if att is None or (att.internal and not viewer.can_work_tickets):
        raise NotFound('That photo does not exist.')
    await get_for(viewer, att.ticket_id)
    return att


def may_work(viewer: User, ticket: Ticket) -> bool:
    """Whether this person may move this ticket along: its assignee, or a manager once someone has it."""
    if not viewer.can_work_tickets or ticket.assignee_id is None:
        return False
    return ticket.assignee_id == viewer.id or viewer.is_manager


def may_take(viewer: User, ticket: Ticket) -> bool:
    return viewer.can_work_tickets and ticket.is_open and ticket.assignee_id is None


def next_moves(viewer: User, ticket: Ticket) -> set[Status]:
    """The statuses this person may move the ticket to now (the buttons a page offers)."""
    return set(TRANSITIONS[ticket.status]) if may_work(viewer, ticket) else set()


# ---- writing --------------------------------------------------------------------------------------


async def create_ticket(
    *,
    requester: User,
    service_id: int,
    title: str,
    details: str = '',
    location: str = '',
    photos_in: list[photos.PhotoIn] | None = None,
    share_location: bool = False,
    position: Position | None = None,
    peers_may_help: bool | None = None,
    need: str = expectations.Need.NO_RUSH,
    need_day: date | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Report an issue. Returns once the ticket is committed: its number can be shown safely.

    `position` is where the requester's phone was, passed only when they tapped "Use my location"
    (`share_location` is about the photos' own GPS tags). `need` is when they need it (models/expectations.py):
    the ticket keeps what they read about the service and is flagged when the need comes before the target."""
    now = now or clock.now()
    service = await usable_service(requester, service_id)
    needed_by = await expectations.needed_by(need, now, day=need_day)
    promised = await expectations.promise(service, now)
    title, details, location = (
        _text(title, 'title', MAX_TITLE, required=True),
        _text(details, 'details'),
        _text(location, 'location', 200),
    )
    stored = await _store_photos(photos_in or [], keep_location=share_location)
    async with _discard_on_error(stored), changing(None, actor=requester, now=now) as change:
        ticket = await Ticket.create(
            title=title,
            details=details,
            location=location,
            latitude=position.latitude if position else None,
            longitude=position.longitude if position else None,
            accuracy_m=position.accuracy if position else None,
            service=service,
            requester=requester,
            priority=service.default_priority,
            peers_may_help=service.peers_may_help if peers_may_help is None else peers_may_help,
            expected=promised.sentence[:300],
            needed_by=needed_by,
            needs_sooner=expectations.sooner_than_target(needed_by, promised),
            status=Status.NEW,
            created_at=now,
            updated_at=now,
        )
        change.ticket_id = ticket.id
        event = await change.record(EventKind.CREATED, body=details)
        await attach_photos(ticket, event, stored, uploader=requester, internal=False, now=now)
    return ticket


async def take(ticket_id: int, *, technician: User, now: datetime | None = None) -> Ticket:
    """Assign an unassigned ticket to `technician`; refuse if someone else got there first."""
    require(technician.can_work_tickets, 'Only technicians can take tickets.')
    now = now or clock.now()
    before = await _get(ticket_id)
    async with changing(before, actor=technician, now=now) as change:
        if not await _take(ticket_id, technician, now):
            raise Conflict('Someone else took this ticket a moment ago.')
        await change.record(EventKind.ASSIGNED, data={'assignee_id': technician.id, 'assignee': technician.name})
    return change.after


async def assign(ticket_id: int, *, assignee_id: int, actor: User, now: datetime | None = None) -> Ticket:
    """Give a ticket to a technician (or take it over from one)."""
    require(actor.can_work_tickets, 'Only technicians can assign tickets.')
    now = now or clock.now()
    assignee = await User.get_or_none(id=assignee_id, is_active=True)
    if assignee is None or not assignee.can_work_tickets:
        raise Invalid('Tickets can only go to an active technician.', field='assignee')
    ticket = await _open_ticket(ticket_id)
    if ticket.assignee_id == assignee.id:
        return ticket
    new_status = Status.ASSIGNED if ticket.status == Status.NEW else ticket.status
    async with changing(ticket, actor=actor, now=now) as change:
        changed = await Ticket.filter(id=ticket_id, status=ticket.status, assignee_id=ticket.assignee_id).update(
            assignee_id=assignee.id, status=new_status, updated_at=now
        )
        if not changed:
            raise Conflict('This ticket changed a moment ago; have a look and try again.')
        await change.record(EventKind.ASSIGNED, data={'assignee_id': assignee.id, 'assignee': assignee.name})
    return change.after


async def set_status(
    ticket_id: int,
    to: Status,
    *,
    actor: User,
    eta: datetime | None = None,
    visit: tuple[datetime, datetime] | None = None,
    part_expected: date | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Move a ticket along the status rules (resolve has its own verb: it needs a summary). On the way
    needs an `eta`, a planned visit its window, waiting for a part the day it is expected."""
    require(actor.can_work_tickets, 'Only technicians can change the status.')
    now = now or clock.now()
    to = Status(to)
    ticket = await _get(ticket_id)
    _check_may_work(ticket, actor)
    if to == Status.RESOLVED:
        raise Invalid('Resolving needs a short summary of the fix.', field='resolution')
    _check_move(ticket, to)
    changes, data = _status_changes(ticket, to, eta=eta, visit=visit, part_expected=part_expected, now=now)
    async with changing(ticket, actor=actor, now=now) as change:
        await _transition(ticket, changes)
        await change.record(EventKind.STATUS, data=data)
    return change.after


async def reply(
    ticket_id: int,
    text: str,
    *,
    author: User,
    internal: bool = False,
    photos_in: list[photos.PhotoIn] | None = None,
    now: datetime | None = None,
) -> TicketEvent:
    """A public reply (or, for staff, an internal note). A requester's answer to
    "Waiting for your reply" hands the ticket back to the technician."""
    now = now or clock.now()
    ticket = await get_for(author, ticket_id)
    staff = author.can_work_tickets
    if internal and not staff:
        raise Forbidden('Only staff can add internal notes.')
    text = _text(text, 'reply', required=not photos_in)
    if ticket.status == Status.CLOSED and not staff:
        raise Invalid('This request is closed. Reopen it if the problem came back.', field='reply')
    stored = await _store_photos(photos_in or [], keep_location=False)
    # An internal note is not activity the requester can see: their list must not move.
    changes: dict[str, object] = {} if internal else {'updated_at': now}
    back_to_work = not staff and ticket.status == Status.WAITING
    if back_to_work:
        changes['status'] = Status.IN_PROGRESS
    if staff and not internal and ticket.first_response_at is None:
        changes['first_response_at'] = now
    async with _discard_on_error(stored), changing(ticket, actor=author, now=now) as change:
        if changes:
            await _transition(ticket, changes)
        event = await change.record(EventKind.NOTE if internal else EventKind.REPLY, body=text, internal=internal)
        await attach_photos(ticket, event, stored, uploader=author, internal=internal, now=now)
        if back_to_work:
            await change.record(
                EventKind.STATUS, data={'from': Status.WAITING.value, 'to': Status.IN_PROGRESS.value, 'auto': True}
            )
    return event


async def resolve(
    ticket_id: int, summary: str, *, actor: Actor, override_reason: str = '', now: datetime | None = None
) -> Ticket:
    """Fixed, with a short summary. Every path that resolves comes here: a technician, or Tapdesk itself
    (`actors.SYSTEM`, after the waiting period), so every rule of resolving holds on each (the checklist's
    gate reads `override_reason`: why required checks were left unticked)."""
    require(actor.can_work_tickets, 'Only technicians can resolve tickets.')
    now = now or clock.now()
    ticket = await _get(ticket_id)
    _check_may_work(ticket, actor)
    if Status.RESOLVED not in TRANSITIONS[ticket.status]:
        raise Invalid(
            f'A ticket that is "{STAFF_WORDS[ticket.status]}" cannot be resolved; take it first.', field='status'
        )
    summary = _text(summary, 'resolution', required=True)
    override_reason = _text(override_reason, 'override_reason', 1000)
    changes: dict[str, object] = {
        'status': Status.RESOLVED,
        'resolution': summary,
        'resolved_at': now,
        'updated_at': now,
        'eta': None,
    }
    if ticket.first_response_at is None:
        changes['first_response_at'] = now
    data: dict[str, object] = {'from': ticket.status.value, 'to': Status.RESOLVED.value}
    if actor.id is None:
        data['auto'] = True
    if override_reason:
        data['override'] = override_reason
    async with changing(ticket, actor=actor, now=now) as change:
        await _transition(ticket, changes)
        await change.record(EventKind.RESOLVED, body=summary, data=data)
    return change.after


async def reopen(ticket_id: int, reason: str, *, actor: User, now: datetime | None = None) -> Ticket:
    """The problem came back: the requester (or staff on their behalf) reopens a fixed ticket."""
    now = now or clock.now()
    ticket = await get_for(actor, ticket_id)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise Invalid('Only a fixed or closed request can be reopened.', field='status')
    reason = _text(reason, 'reason', required=True)
    async with changing(ticket, actor=actor, now=now) as change:
        await _transition(
            ticket,
            {
                'status': Status.REOPENED,
                'updated_at': now,
                'resolved_at': None,
                'closed_at': None,
                'resolution': '',  # the old fix stays in the timeline; the ticket shows no fix now
                'reopen_count': ticket.reopen_count + 1,
            },
        )
        await change.record(
            EventKind.REOPENED, body=reason, data={'from': ticket.status.value, 'to': Status.REOPENED.value}
        )
    return change.after


async def close(ticket_id: int, *, actor: User, now: datetime | None = None) -> Ticket:
    """The requester confirms the fix (or staff close a fixed ticket)."""
    now = now or clock.now()
    ticket = await get_for(actor, ticket_id)
    if ticket.status != Status.RESOLVED:
        raise Invalid('Only a fixed request can be closed.', field='status')
    async with changing(ticket, actor=actor, now=now) as change:
        await _transition(ticket, {'status': Status.CLOSED, 'closed_at': now, 'updated_at': now})
        await change.record(EventKind.STATUS, data={'from': Status.RESOLVED.value, 'to': Status.CLOSED.value})
    return change.after


async def add_photos(
    ticket_id: int, photos_in: list[photos.PhotoIn], *, actor: User, now: datetime | None = None
) -> TicketEvent:
    """Photos without words (e.g. a technician's on-site pictures)."""
    now = now or clock.now()
    ticket = await get_for(actor, ticket_id)
    if not photos_in:
        raise Invalid('Pick at least one photo.', field='photos')
    if ticket.status == Status.CLOSED and not actor.can_work_tickets:
        raise Invalid('This request is closed. Reopen it if the problem came back.', field='photos')
    stored = await _store_photos(photos_in, keep_location=False)
    async with _discard_on_error(stored), changing(ticket, actor=actor, now=now) as change:
        await _transition(ticket, {'updated_at': now})
        event = await change.record(EventKind.PHOTO, data={'count': len(stored)})
        await attach_photos(ticket, event, stored, uploader=actor, internal=False, now=now)
    return event


# ---- for the floors above: moving a ticket inside their own change -----------------------------------
#
# A visit chosen by its requester moves the ticket to "Visit planned"; a missed visit moves it back. The
# floor above checks who may do that (its own rule); the status rules, the optimistic lock and the timeline
# line stay here, so every status change is written by this module.


async def move(
    change: Change, ticket: Ticket, to: Status, *, data: dict[str, object] | None = None, **columns: object
) -> None:
    """Inside `change`: move `ticket` (as read) to `to`, if the status rules allow it, with extra columns."""
    _check_move(ticket, to)
    values: dict[str, object] = {'status': to, 'updated_at': change.now, **columns}
    if ticket.status == Status.ON_THE_WAY and 'eta' not in columns:
        values['eta'] = None
    if ticket.status == Status.WAITING_PART and 'part_expected' not in columns:
        values['part_expected'] = None
    await _transition(ticket, values)
    await change.record(EventKind.STATUS, data={'from': ticket.status.value, 'to': to.value, **(data or {})})


async def fixed_by_answer(change: Change, ticket: Ticket, answer: str, *, data: dict[str, object]) -> None:
    """Inside `change`: the requester said a colleague's answer fixed their open request (models/superusers.py
    checks who may say so); it is resolved with that answer as the fix, whatever its status."""
    require(ticket.is_open, 'This request is not open.')
    columns: dict[str, object] = {
        'status': Status.RESOLVED, 'resolution': answer, 'resolved_at': change.now, 'updated_at': change.now,
        'eta': None, 'part_expected': None,
    }  # fmt: skip
    if ticket.first_response_at is None:
        columns['first_response_at'] = change.now
    await _transition(ticket, columns)
    await change.record(
        EventKind.RESOLVED, body=answer, data={'from': ticket.status.value, 'to': Status.RESOLVED.value, **data}
    )


async def write(change: Change, ticket: Ticket, **columns: object) -> None:
    """Inside `change`: set columns of `ticket` that are not its status (e.g. a new arrival time), if nobody
    changed its status meanwhile."""
    await _transition(ticket, {'updated_at': change.now, **columns})


# ---- photos inside a change, for the floors above (a checklist tick's photo) -------------------------


async def store_photos(photos_in: list[photos.PhotoIn]) -> list[photos.StoredPhoto]:
    """Check and write photos before a change (location stripped); pair with `discard_on_error`."""
    return await _store_photos(photos_in, keep_location=False)


def discard_on_error(stored: list[photos.StoredPhoto]) -> AbstractAsyncContextManager[None]:
    return _discard_on_error(stored)


# ---- helpers ----------------------------------------------------------------------------------------


def _check_move(ticket: Ticket, to: Status) -> None:
    if to not in TRANSITIONS[ticket.status]:
        raise Invalid(
            f'A ticket that is "{STAFF_WORDS[ticket.status]}" cannot go to "{STAFF_WORDS[to]}".', field='status'
        )


def _status_changes(
    ticket: Ticket,
    to: Status,
    *,
    eta: datetime | None,
    visit: tuple[datetime, datetime] | None,
    part_expected: date | None,
    now: datetime,
) -> tuple[dict[str, object], dict[str, object]]:
    """The columns a status change writes, and what its timeline line remembers."""
    changes: dict[str, object] = {'status': to, 'updated_at': now}
    if ticket.status == Status.ON_THE_WAY:
        changes['eta'] = None  # arrived (or plans changed): an old ETA must not linger
    if ticket.status == Status.WAITING_PART:
        changes['part_expected'] = None  # the part came (or plans changed)
    if to == Status.WAITING_PART:
        if part_expected is None or part_expected < (now - timedelta(days=1)).date():
            raise Invalid('Say on which day the part is expected (today or later).', field='part_expected')
        changes['part_expected'] = part_expected
        data_part = part_expected.isoformat()
    else:
        data_part = None
    data: dict[str, object] = {'from': ticket.status.value, 'to': to.value}
    if data_part:
        data['part_expected'] = data_part
    if to == Status.ON_THE_WAY:
        if eta is None or eta < now - timedelta(minutes=5):
            raise Invalid('Say when you will arrive (a time from now on).', field='eta')
        changes['eta'] = eta
        data['eta'] = eta.isoformat()
    if to == Status.VISIT_PLANNED:
        if visit is None or visit[1] <= visit[0] or visit[1] < now:
            raise Invalid('Pick a visit window that ends after it starts, in the future.', field='visit')
        changes['visit_start'], changes['visit_end'] = visit
        data['visit'] = [visit[0].isoformat(), visit[1].isoformat()]
    if to == Status.CLOSED:
        changes['closed_at'] = now
    if ticket.first_response_at is None and to in (Status.WAITING, Status.ON_THE_WAY, Status.VISIT_PLANNED):
        changes['first_response_at'] = now
    return changes, data


async def _take(ticket_id: int, technician: User, now: datetime) -> int:
    # A conditional UPDATE is the lock: SQLite ignores select_for_update().
    new = await Ticket.filter(id=ticket_id, assignee_id=None, status=Status.NEW).update(
        assignee_id=technician.id, status=Status.ASSIGNED, updated_at=now
    )
    if new:
        return new
    return await Ticket.filter(id=ticket_id, assignee_id=None, status__in=OPEN).update(
        assignee_id=technician.id, updated_at=now
    )


async def _get(ticket_id: int) -> Ticket:
    ticket = await Ticket.get_or_none(id=ticket_id)
    if ticket is None:
        raise NotFound(f'There is no request #{ticket_id}.')
    return ticket


async def _open_ticket(ticket_id: int) -> Ticket:
    ticket = await _get(ticket_id)
    if not ticket.is_open:
        raise Invalid('This ticket is finished; reopen it first.', field='status')
    return ticket


def _check_may_work(ticket: Ticket, actor: Actor) -> None:
    """The refusing form of `may_work`, with the sentence that says why."""
    if ticket.assignee_id is None:
        raise Invalid('Take this ticket first ("Assign to me").', field='status')
    if ticket.assignee_id != actor.id and not actor.is_manager:
        raise Forbidden('This ticket is assigned to someone else; ask them or a manager to hand it over.')


async def _transition(ticket: Ticket, changes: dict[str, object]) -> None:
    """Apply changes only if nobody changed the status meanwhile (optimistic lock on status). A new answer or
    fix time clears the seconds the measures stored for the old one (records.Ticket.answer_seconds)."""
    if 'first_response_at' in changes:
        changes = {**changes, 'answer_seconds': None}
    if 'resolved_at' in changes:
        changes = {**changes, 'fix_seconds': None}
    changed = await Ticket.filter(id=ticket.id, status=ticket.status).update(**changes)
    if not changed:
        raise Conflict('This ticket changed a moment ago; have a look and try again.')


async def _store_photos(photos_in: list[photos.PhotoIn], *, keep_location: bool) -> list[photos.StoredPhoto]:
    if len(photos_in) > MAX_PHOTOS:
        raise Invalid(f'Up to {MAX_PHOTOS} photos at a time, please.', field='photos')
    stored: list[photos.StoredPhoto] = []
    async with _discard_on_error(stored):
        for p in photos_in:
            stored.append(await photos.store(p, keep_location=keep_location))
    return stored


async def attach_photos(
    ticket: Ticket,
    event: TicketEvent,
    stored: list[photos.StoredPhoto],
    *,
    uploader: User,
    internal: bool,
    now: datetime,
) -> None:
    """Attach stored photos to a timeline line, inside the change that wrote it (also for the floors above)."""
    for p in stored:
        await Attachment.create(
            ticket_id=ticket.id,
            event=event,
            uploader=uploader,
            original_name=p.original_name,
            stored_name=p.stored_name,
            preview_name=p.preview_name,
            width=p.width,
            height=p.height,
            size=p.size,
            internal=internal,
            created_at=now,
        )


@asynccontextmanager
async def _discard_on_error(stored: list[photos.StoredPhoto]) -> AsyncIterator[None]:
    """Photo files are written before the transaction; if it fails, nothing may point at them."""
    try:
        yield
    except BaseException:
        photos.discard(stored)
        raise


def _text(value: str, field: str, limit: int = MAX_TEXT, *, required: bool = False) -> str:
    value = normalise(value, one_line=field in _ONE_LINE)
    if required and not value:
        raise Invalid(_EMPTY.get(field, 'Please fill this in.'), field=field)
    if len(value) > limit:
        raise Invalid(f'Please keep this under {limit} characters (it has {len(value)}).', field=field)
    return value


_ONE_LINE = {'title', 'location'}
_EMPTY = {
    'title': 'Please give your request a short title.',
    'reply': 'Write something first.',
    'resolution': 'Write a short summary of the fix.',
    'reason': 'Tell us what is still wrong.',
}
