"""Ticket records: the ticket, its timeline and photos, the statuses and the allowed moves between them.

The nouns every floor above shares (tickets' verbs, notifications, follow-ups, ratings, service levels).
Nothing here writes except `record`, the one writer of timeline lines, which the verbs call inside their
transactions (models/changes.py runs what follows a change).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from . import when
from .catalog import Priority, Service
from .position import Position
from .users import User

MAX_TITLE = 120


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
    WAITING_PART = 'waiting_part'  # issue 10: a part is on order (the fix clock pauses)


OPEN = [s for s in Status if s not in (Status.RESOLVED, Status.CLOSED)]
_WORKING = {
    Status.IN_PROGRESS,
    Status.WAITING,
    Status.WAITING_PART,
    Status.VISIT_PLANNED,
    Status.ON_THE_WAY,
    Status.RESOLVED,
}

# What a technician may move a ticket to, from each status. Assignment (NEW -> ASSIGNED) and
# reopening go through their own verbs; nothing skips a step.
TRANSITIONS: dict[Status, set[Status]] = {
    Status.NEW: set(),
    Status.ASSIGNED: set(_WORKING),
    Status.IN_PROGRESS: _WORKING - {Status.IN_PROGRESS},
    Status.WAITING: {Status.IN_PROGRESS, Status.VISIT_PLANNED, Status.RESOLVED},
    Status.WAITING_PART: {Status.IN_PROGRESS, Status.VISIT_PLANNED, Status.WAITING, Status.RESOLVED},
    Status.VISIT_PLANNED: {Status.IN_PROGRESS, Status.ON_THE_WAY, Status.WAITING, Status.WAITING_PART, Status.RESOLVED},
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
    VISIT = 'visit'  # issue 10: windows proposed, chosen, arrival times, check-in and out, a missed visit
    CHECKLIST = 'checklist'  # issue 10: an item ticked or unticked, a fix past an unticked item
    PEER_ANSWER = 'peer_answer'  # issue 11: a colleague who knows the service answered (models/superusers.py)
    ACCEPTED = 'accepted'  # issue 11: "This fixed it" on a colleague's answer


class Ticket(Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=MAX_TITLE)
    details = fields.TextField(default='')
    location = fields.CharField(max_length=200, default='')
    # Where the requester's phone was, only if they tapped "Use my location" (both or neither, models/position.py)
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    accuracy_m = fields.FloatField(null=True)
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
    part_expected = fields.DateField(null=True)  # issue 10: waiting for a part, expected on this day
    resolution = fields.TextField(default='')
    peers_may_help = fields.BooleanField(default=False)  # issue 11: "Colleagues who know this may help"
    # Issue 12: what the requester read on the form ("Usually answered within…"), when they said they need it,
    # and whether that is sooner than the service's fix target (flagged to staff at once).
    expected = fields.CharField(max_length=300, default='')
    needed_by = fields.DatetimeField(null=True)
    needs_sooner = fields.BooleanField(default=False)
    reopen_count = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()  # last activity: lists sort by it
    first_response_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    # Issue 12: the seconds the measures count from the report to the first answer (to the fix): working time
    # where the service's target counts working hours. Written by the measures when first read
    # (models/measure_times.py `stamp`) and cleared whenever what they depend on changes (the answer or fix
    # time here, a target or the calendar in models/sla.py), so medians sort stored numbers.
    answer_seconds = fields.IntField(null=True)
    fix_seconds = fields.IntField(null=True)

    class Meta:
        table = 'ticket'
        indexes = (
            ('status', 'assignee_id'),
            ('requester_id', 'updated_at'),
            ('created_at',),  # the measures read tickets by when they were reported, answered, fixed
            ('first_response_at', 'answer_seconds'),
            ('resolved_at', 'fix_seconds'),
        )

    @property
    def number(self) -> str:
        return f'#{self.id}'

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def position(self) -> Position | None:
        """The place the requester shared, if they did."""
        if self.latitude is None or self.longitude is None:
            return None
        return Position(self.latitude, self.longitude, self.accuracy_m)


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
    data: dict = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()

    class Meta:
        table = 'ticket_event'
        ordering = ['id']
        indexes = (('kind', 'created_at'),)  # recognition counts accepted answers; gaps read reopen reasons


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
    Status.WAITING_PART: 'Waiting for a part',
}


def status_words(ticket: Ticket, *, viewer: User) -> str:
    """The status as the viewer reads it (DESIGN.md "Words on screen"); `assignee` must be loaded."""
    tz = viewer.timezone
    who = ticket.assignee.first_name if ticket.assignee_id and ticket.assignee else 'A technician'
    s = ticket.status
    if s == Status.NEW:
        return 'Received'
    if s == Status.ASSIGNED:
        return f'Assigned to {who}'
    if s == Status.WAITING:
        return 'Waiting for requester' if viewer.can_work_tickets else 'Waiting for your reply'
    if s == Status.VISIT_PLANNED and ticket.visit_start and ticket.visit_end:
        return f'Visit planned {when.window(ticket.visit_start, ticket.visit_end, tz)}'
    if s == Status.ON_THE_WAY:
        eta = f' (arrives ~{when.time_of_day(ticket.eta, tz)})' if ticket.eta else ''
        return f'{who} is on the way{eta}'
    if s == Status.RESOLVED:
        return 'Fixed — how did we do?' if viewer.id == ticket.requester_id else 'Fixed'
    if s == Status.WAITING_PART and ticket.part_expected:
        return f'Waiting for a part, expected {when.date_words(ticket.part_expected)}'
    return STAFF_WORDS[s]


async def record(
    ticket_id: int,
    kind: EventKind,
    *,
    actor: User | None,
    now: datetime,
    body: str = '',
    internal: bool = False,
    data: dict | None = None,
) -> TicketEvent:
    """Write one timeline line (inside the caller's transaction). Every line of every timeline is written here."""
    return await TicketEvent.create(
        ticket_id=ticket_id, kind=kind, actor=actor, body=body, internal=internal, data=data or {}, created_at=now
    )
