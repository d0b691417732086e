"""Tickets: the requests people report, their timeline, and every verb that changes them.

Every write goes through a verb here. Each verb checks who may do it, changes the ticket with a
conditional UPDATE (the lock that also works on SQLite), writes the timeline event in the same
transaction, and publishes a `TicketChanged` only after the commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from . import clock, events, followups, ids, notifications, photos, ratings
from .catalog import Priority, Service, usable_service
from .errors import Conflict, Forbidden, Invalid, NotFound, require
from .users import User

MAX_TITLE = 120
MAX_TEXT = 5000
MAX_PHOTOS = 6


class Status(StrEnum):
    NEW = 'new'
    ASSIGNED = 'assigned'
    IN_PROGRESS = 'in_progress'
    WAITING = 'waiting'
    VISIT_PLANNED = 'visit_planned'
    ON_THE_WAY = 'on_the_way'
    RESOLVED = 'resolved'
    CLOSED = 'closed'
    REOPENED = 'reopened'


OPEN = [s for s in Status if s not in (Status.RESOLVED, Status.CLOSED)]
_WORKING = {Status.IN_PROGRESS, Status.WAITING, Status.VISIT_PLANNED, Status.ON_THE_WAY, Status.RESOLVED}

# What a technician may move a ticket to, from each status. Assignment (NEW -> ASSIGNED) and
# reopening go through their own verbs; nothing skips a step.
TRANSITIONS: dict[Status, set[Status]] = {
    Status.NEW: set(),
    Status.ASSIGNED: set(_WORKING),
    Status.IN_PROGRESS: _WORKING - {Status.IN_PROGRESS},
    Status.WAITING: {Status.IN_PROGRESS, Status.VISIT_PLANNED, Status.RESOLVED},
    Status.VISIT_PLANNED: {Status.IN_PROGRESS, Status.ON_THE_WAY, Status.WAITING, Status.RESOLVED},
    Status.ON_THE_WAY: {Status.IN_PROGRESS, Status.RESOLVED},
    Status.REOPENED: set(_WORKING),
    Status.RESOLVED: {Status.CLOSED},
    Status.CLOSED: set(),
}


class EventKind(StrEnum):
    CREATED = 'created'
    REPLY = 'reply'
    NOTE = 'note'
    STATUS = 'status'
    ASSIGNED = 'assigned'
    PHOTO = 'photo'
    RESOLVED = 'resolved'
    REOPENED = 'reopened'
    RATED = 'rated'  # issue 5: a rating, its change or its comment (models/ratings.py)
    REMINDER = 'reminder'  # issue 5: a follow-up reminder (models/followups.py)


class Ticket(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=MAX_TITLE)
    details = fields.TextField(default='')
    location = fields.CharField(max_length=200, default='')
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        'models.Service', related_name='tickets', on_delete=fields.RESTRICT
    )
    service_id: int
    requester: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='requests', on_delete=fields.RESTRICT
    )
    requester_id: int
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='assigned', null=True, on_delete=fields.SET_NULL
    )
    assignee_id: int | None
    priority = fields.IntEnumField(Priority, default=Priority.NORMAL)
    status = fields.CharEnumField(Status, max_length=16, default=Status.NEW)
    eta = fields.DatetimeField(null=True)
    visit_start = fields.DatetimeField(null=True)
    visit_end = fields.DatetimeField(null=True)
    resolution = fields.TextField(default='')
    reopen_count = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()  # last activity: lists sort by it
    first_response_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'ticket'
        indexes = (('status', 'assignee_id'), ('requester_id', 'updated_at'))

    @property
    def number(self) -> str:
        return f'#{self.id}'

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class TicketEvent(Model):
    """One line of a ticket's timeline. `internal` lines are for staff only."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='events', on_delete=fields.CASCADE
    )
    ticket_id: int
    kind = fields.CharEnumField(EventKind, max_length=16)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='ticket_events', null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    body = fields.TextField(default='')
    internal = fields.BooleanField(default=False)
    data: dict = fields.JSONField(default=dict)  # type: ignore[assignment]
    created_at = fields.DatetimeField()

    class Meta:
        table = 'ticket_event'
        ordering = ['id']


class Attachment(Model):
    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='attachments', on_delete=fields.CASCADE
    )
    ticket_id: int
    event: fields.ForeignKeyNullableRelation[TicketEvent] = fields.ForeignKeyField(
        'models.TicketEvent', related_name='attachments', null=True, on_delete=fields.SET_NULL
    )
    event_id: int | None
    uploader: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='uploads', null=True, on_delete=fields.SET_NULL
    )
    original_name = fields.CharField(max_length=120)
    stored_name = fields.CharField(max_length=80)
    preview_name = fields.CharField(max_length=80)
    width = fields.IntField()
    height = fields.IntField()
    size = fields.IntField()
    internal = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = 'attachment'


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
    words = search.strip().lstrip('#')
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


async def timeline_for(viewer: User, ticket_id: int, *, after_id: int = 0) -> list[TicketEvent]:
    """The ticket's timeline as this viewer may read it (internal notes only for staff)."""
    await get_for(viewer, ticket_id)
    return await timeline_of(ticket_id, staff=viewer.can_work_tickets, after_id=after_id)


async def timeline_of(ticket_id: int, *, staff: bool, after_id: int = 0) -> list[TicketEvent]:
    """The timeline for an audience. Callers must have checked access with `get_for` first: live pages
    share one read per change between everyone in the same audience."""
    query = TicketEvent.filter(ticket_id=ticket_id, id__gt=after_id)
    if not staff:
        query = query.filter(internal=False)
    return await query.select_related('actor').prefetch_related('attachments')


async def attachment_for(viewer: User, attachment_id: int | str) -> Attachment:
    number = ids.parse(attachment_id)  # from an address: a number no row can have is simply not found
    att = await Attachment.get_or_none(id=number) if number is not None else None
    if att is None or (att.internal and not viewer.can_work_tickets):
        raise NotFound('That photo does not exist.')
    await get_for(viewer, att.ticket_id)
    return att


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
    now: datetime | None = None,
) -> Ticket:
    """Report an issue. Returns once the ticket is committed: its number can be shown safely."""
    now = now or clock.now()
    service = await usable_service(requester, service_id)
    title, details, location = (
        _text(title, 'title', MAX_TITLE, required=True),
        _text(details, 'details'),
        _text(location, 'location', 200),
    )
    stored = await _store_photos(photos_in or [], keep_location=share_location)
    async with _discard_on_error(stored), in_transaction():
        ticket = await Ticket.create(
            title=title,
            details=details,
            location=location,
            service=service,
            requester=requester,
            priority=service.default_priority,
            status=Status.NEW,
            created_at=now,
            updated_at=now,
        )
        event = await _record(ticket, EventKind.CREATED, actor=requester, body=details, now=now)
        await _attach(ticket, event, stored, uploader=requester, internal=False, now=now)
        await notifications.queue_for(ticket.id, notifications.Kind.NEW_TICKET, actor=requester, now=now)
        await followups.ticket_changed(ticket.id, now=now)  # service-level warnings start with the ticket
    _publish(ticket, EventKind.CREATED, requester)
    return ticket


async def take(ticket_id: int, *, technician: User, now: datetime | None = None) -> Ticket:
    """Assign an unassigned ticket to `technician`; refuse if someone else got there first."""
    require(technician.can_work_tickets, 'Only technicians can take tickets.')
    now = now or clock.now()
    async with in_transaction():
        taken = await _take(ticket_id, technician, now)
        if not taken:
            await _exists(ticket_id)
            raise Conflict('Someone else took this ticket a moment ago.')
        ticket = await Ticket.get(id=ticket_id)
        await _record(
            ticket,
            EventKind.ASSIGNED,
            actor=technician,
            now=now,
            data={'assignee_id': technician.id, 'assignee': technician.name},
        )
        if ticket.status == Status.ASSIGNED:  # "Assigned to Sam" for the requester (not a re-take)
            await notifications.queue_for(ticket.id, notifications.Kind.STATUS, actor=technician, now=now)
        await followups.ticket_changed(ticket.id, now=now)  # issue 5: follow-ups fit the ticket's new state
    _publish(ticket, EventKind.ASSIGNED, technician)
    return ticket


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
    async with in_transaction():
        changed = await Ticket.filter(id=ticket_id, status=ticket.status, assignee_id=ticket.assignee_id).update(
            assignee_id=assignee.id, status=new_status, updated_at=now
        )
        if not changed:
            raise Conflict('This ticket changed a moment ago; have a look and try again.')
        await _record(
            ticket,
            EventKind.ASSIGNED,
            actor=actor,
            now=now,
            data={'assignee_id': assignee.id, 'assignee': assignee.name},
        )
        await notifications.queue_for(ticket.id, notifications.Kind.ASSIGNED, actor=actor, now=now)
        if new_status != ticket.status:
            await notifications.queue_for(ticket.id, notifications.Kind.STATUS, actor=actor, now=now)
        await followups.ticket_changed(ticket.id, now=now)  # issue 5: follow-ups fit the ticket's new state
    _publish(ticket, EventKind.ASSIGNED, actor)
    return await Ticket.get(id=ticket_id)


async def set_status(
    ticket_id: int,
    to: Status,
    *,
    actor: User,
    eta: datetime | None = None,
    visit: tuple[datetime, datetime] | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Move a ticket along the status rules (resolve has its own verb: it needs a summary)."""
    require(actor.can_work_tickets, 'Only technicians can change the status.')
    now = now or clock.now()
    to = Status(to)
    ticket = await _get(ticket_id)
    _check_may_work(ticket, actor)
    if to == Status.RESOLVED:
        raise Invalid('Resolving needs a short summary of the fix.', field='resolution')
    if to not in TRANSITIONS[ticket.status]:
        raise Invalid(
            f'A ticket that is "{STAFF_WORDS[ticket.status]}" cannot go to "{STAFF_WORDS[to]}".', field='status'
        )
    changes: dict[str, object] = {'status': to, 'updated_at': now}
    if ticket.status == Status.ON_THE_WAY:
        changes['eta'] = None  # arrived (or plans changed): an old ETA must not linger
    data: dict[str, object] = {'from': ticket.status.value, 'to': to.value}
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
    async with in_transaction():
        await _transition(ticket, changes)
        await _record(ticket, EventKind.STATUS, actor=actor, now=now, data=data)
        await notifications.queue_for(ticket.id, _status_kind(to), actor=actor, now=now)
        await followups.ticket_changed(ticket.id, now=now)  # issue 5: follow-ups fit the ticket's new state
    _publish(ticket, EventKind.STATUS, actor)
    return await Ticket.get(id=ticket_id)


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
    kind = EventKind.NOTE if internal else EventKind.REPLY
    async with _discard_on_error(stored), in_transaction():
        if changes:
            await _transition(ticket, changes)
        event = await _record(ticket, kind, actor=author, body=text, internal=internal, now=now)
        await _attach(ticket, event, stored, uploader=author, internal=internal, now=now)
        if back_to_work:
            await _record(
                ticket,
                EventKind.STATUS,
                actor=author,
                now=now,
                data={'from': Status.WAITING.value, 'to': Status.IN_PROGRESS.value, 'auto': True},
            )
        if not internal:  # an internal note never reaches the requester
            await notifications.queue_for(ticket.id, notifications.Kind.REPLY, actor=author, now=now, text=text)
        await followups.ticket_changed(ticket.id, now=now)  # issue 5: follow-ups fit the ticket's new state
    _publish(ticket, kind, author, requester_sees=not internal)
    return event


async def resolve(ticket_id: int, summary: str, *, actor: User, now: datetime | None = None) -> Ticket:
    require(actor.can_work_tickets, 'Only technicians can resolve tickets.')
    now = now or clock.now()
    ticket = await _get(ticket_id)
    _check_may_work(ticket, actor)
    if Status.RESOLVED not in TRANSITIONS[ticket.status]:
        raise Invalid(
            f'A ticket that is "{STAFF_WORDS[ticket.status]}" cannot be resolved; take it first.', field='status'
        )
    summary = _text(summary, 'resolution', required=True)
    changes: dict[str, object] = {
        'status': Status.RESOLVED,
        'resolution': summary,
        'resolved_at': now,
        'updated_at': now,
        'eta': None,
    }
    if ticket.first_response_at is None:
        changes['first_response_at'] = now
    async with in_transaction():
        await _transition(ticket, changes)
        await _record(
            ticket,
            EventKind.RESOLVED,
            actor=actor,
            body=summary,
            now=now,
            data={'from': ticket.status.value, 'to': Status.RESOLVED.value},
        )
        await notifications.queue_for(ticket.id, notifications.Kind.RESOLVED, actor=actor, now=now, text=summary)
        await followups.ticket_changed(ticket.id, now=now)  # issue 5: follow-ups fit the ticket's new state
    _publish(ticket, EventKind.RESOLVED, actor)
    return await Ticket.get(id=ticket_id)


async def reopen(ticket_id: int, reason: str, *, actor: User, now: datetime | None = None) -> Ticket:
    """The problem came back: the requester (or staff on their behalf) reopens a fixed ticket."""
    now = now or clock.now()
    ticket = await get_for(actor, ticket_id)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise Invalid('Only a fixed or closed request can be reopened.', field='status')
    reason = _text(reason, 'reason', required=True)
    async with in_transaction():
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
        await _record(
            ticket,
            EventKind.REOPENED,
            actor=actor,
            body=reason,
            now=now,
            data={'from': ticket.status.value, 'to': Status.REOPENED.value},
        )
        await notifications.queue_for(
            ticket.id,
            notifications.Kind.STATUS,
            actor=actor,
            now=now,
            text=reason,
            to=[ticket.requester_id, ticket.assignee_id],
        )
        await ratings.reopened(ticket, actor=actor, now=now)  # issue 5: a callback; follow-ups fit the change
    _publish(ticket, EventKind.REOPENED, actor)
    return await Ticket.get(id=ticket_id)


async def close(ticket_id: int, *, actor: User, now: datetime | None = None) -> Ticket:
    """The requester confirms the fix (or staff close a fixed ticket)."""
    now = now or clock.now()
    ticket = await get_for(actor, ticket_id)
    if ticket.status != Status.RESOLVED:
        raise Invalid('Only a fixed request can be closed.', field='status')
    async with in_transaction():
        await _transition(ticket, {'status': Status.CLOSED, 'closed_at': now, 'updated_at': now})
        await _record(
            ticket,
            EventKind.STATUS,
            actor=actor,
            now=now,
            data={'from': Status.RESOLVED.value, 'to': Status.CLOSED.value},
        )
        await notifications.queue_for(ticket.id, notifications.Kind.STATUS, actor=actor, now=now)
        await followups.ticket_changed(ticket.id, now=now)  # issue 5: follow-ups fit the ticket's new state
    _publish(ticket, EventKind.STATUS, actor)
    return await Ticket.get(id=ticket_id)


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
    async with _discard_on_error(stored), in_transaction():
        await _transition(ticket, {'updated_at': now})
        event = await _record(ticket, EventKind.PHOTO, actor=actor, now=now, data={'count': len(stored)})
        await _attach(ticket, event, stored, uploader=actor, internal=False, now=now)
    _publish(ticket, EventKind.PHOTO, actor)
    return event


# ---- words on screen ------------------------------------------------------------------------------

STAFF_WORDS = {
    Status.NEW: 'New',
    Status.ASSIGNED: 'Assigned',
    Status.IN_PROGRESS: 'Being worked on',
    Status.WAITING: 'Waiting for requester',
    Status.VISIT_PLANNED: 'Visit planned',
    Status.ON_THE_WAY: 'On the way',
    Status.RESOLVED: 'Fixed',
    Status.CLOSED: 'Closed',
    Status.REOPENED: 'Reopened',
}


def status_words(ticket: Ticket, *, viewer: User) -> str:
    """The status as the viewer reads it (DESIGN.md "Words on screen"); `assignee` must be loaded."""
    tz = ZoneInfo(viewer.timezone or 'UTC')
    who = ticket.assignee.first_name if ticket.assignee_id and ticket.assignee else 'A technician'
    s = ticket.status
    if s == Status.NEW:
        return 'Received'
    if s == Status.ASSIGNED:
        return f'Assigned to {who}'
    if s == Status.WAITING:
        return 'Waiting for requester' if viewer.can_work_tickets else 'Waiting for your reply'
    if s == Status.VISIT_PLANNED and ticket.visit_start and ticket.visit_end:
        start, end = ticket.visit_start.astimezone(tz), ticket.visit_end.astimezone(tz)
        return f'Visit planned {start:%a %d %b}, {start:%H:%M}–{end:%H:%M}'
    if s == Status.ON_THE_WAY:
        eta = f' (arrives ~{ticket.eta.astimezone(tz):%H:%M})' if ticket.eta else ''
        return f'{who} is on the way{eta}'
    if s == Status.RESOLVED:
        return 'Fixed — how did we do?' if viewer.id == ticket.requester_id else 'Fixed'
    return STAFF_WORDS[s]


# ---- helpers ----------------------------------------------------------------------------------------


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


async def _exists(ticket_id: int) -> None:
    await _get(ticket_id)


async def _open_ticket(ticket_id: int) -> Ticket:
    ticket = await _get(ticket_id)
    if not ticket.is_open:
        raise Invalid('This ticket is finished; reopen it first.', field='status')
    return ticket


def _check_may_work(ticket: Ticket, actor: User) -> None:
    if ticket.assignee_id is None:
        raise Invalid('Take this ticket first ("Assign to me").', field='status')
    if ticket.assignee_id != actor.id and not actor.is_manager:
        raise Forbidden('This ticket is assigned to someone else; ask them or a manager to hand it over.')


async def _transition(ticket: Ticket, changes: dict[str, object]) -> None:
    """Apply changes only if nobody changed the status meanwhile (optimistic lock on status)."""
    changed = await Ticket.filter(id=ticket.id, status=ticket.status).update(**changes)
    if not changed:
        raise Conflict('This ticket changed a moment ago; have a look and try again.')


async def _record(
    ticket: Ticket,
    kind: EventKind,
    *,
    actor: User | None,
    now: datetime,
    body: str = '',
    internal: bool = False,
    data: dict | None = None,
) -> TicketEvent:
    return await TicketEvent.create(
        ticket_id=ticket.id, kind=kind, actor=actor, body=body, internal=internal, data=data or {}, created_at=now
    )


async def _store_photos(photos_in: list[photos.PhotoIn], *, keep_location: bool) -> list[photos.StoredPhoto]:
    if len(photos_in) > MAX_PHOTOS:
        raise Invalid(f'Up to {MAX_PHOTOS} photos at a time, please.', field='photos')
    stored: list[photos.StoredPhoto] = []
    async with _discard_on_error(stored):
        for p in photos_in:
            stored.append(await photos.store(p, keep_location=keep_location))
    return stored


async def _attach(
    ticket: Ticket,
    event: TicketEvent,
    stored: list[photos.StoredPhoto],
    *,
    uploader: User,
    internal: bool,
    now: datetime,
) -> None:
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


def _status_kind(to: Status) -> notifications.Kind:
    """The notification a status change makes; most are the requester's status words."""
    if to == Status.ON_THE_WAY:
        return notifications.Kind.ON_THE_WAY
    if to == Status.VISIT_PLANNED:
        return notifications.Kind.VISIT_PLANNED
    return notifications.Kind.STATUS


def _publish(ticket: Ticket, kind: EventKind, actor: User | None, *, requester_sees: bool = True) -> None:
    notifications.wake()  # the outbox rows just committed: delivery starts now, not at the next poll
    events.publish_ticket_change(
        events.TicketChanged(
            ticket_id=ticket.id, kind=kind.value, requester_id=ticket.requester_id, actor_id=actor.id if actor else None
        ),
        requester_sees=requester_sees,
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
    value = (value or '').strip()
    if required and not value:
        raise Invalid(_EMPTY.get(field, 'Please fill this in.'), field=field)
    if len(value) > limit:
        raise Invalid(f'Please keep this under {limit} characters (it has {len(value)}).', field=field)
    return value


_EMPTY = {
    'title': 'Please give your request a short title.',
    'reply': 'Write something first.',
    'resolution': 'Write a short summary of the fix.',
    'reason': 'Tell us what is still wrong.',
}
