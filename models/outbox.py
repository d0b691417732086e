"""The push outbox: one row per (notification, device), and the state machine every row goes through.

    pending --claim--> sending --sent--> sent
       ^                  |--retry--> pending (later)      a 'sending' row whose lease ran out (its worker
       |                  |--fail---> failed                died) is claimable again: nothing is lost
       +-----release------+

Rows are written in the transaction of the change they tell about (models/notifications.py decides who
gets what); the worker in pwa/push.py claims, sends over HTTP and reports back through the verbs here.
Each row carries everything needed to send it (payload, TTL, urgency, topic), so delivery never re-reads
tickets; retries, failures and pruning of a device that is gone are per device.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from . import claims, queries
from .push_addresses import MAX_ENDPOINT
from .records import Ticket
from .users import User

QUEUE_CHUNK = 200  # outbox rows inserted per statement (a fan-out to 1,000 devices: 5)
KEEP_SENT = timedelta(days=2)
KEEP_FAILED = timedelta(days=30)


class Kind(StrEnum):
    REPLY = 'reply'
    STATUS = 'status'
    ASSIGNED = 'assigned'
    ON_THE_WAY = 'on_the_way'
    VISIT_PLANNED = 'visit_planned'
    NEW_TICKET = 'new_ticket'
    RESOLVED = 'resolved'
    REMINDER = 'reminder'
    SLA_AT_RISK = 'sla_at_risk'  # a ticket is about to miss its reply or fix time
    SLA_BREACHED = 'sla_breached'  # ... and now it has
    TEST = 'test'
    VISIT_PROPOSED = 'visit_proposed'  # issue 10: pick one of these visit windows
    RUNNING_LATE = 'running_late'  # issue 10: the technician's arrival time slipped
    VISIT_MISSED = 'visit_missed'  # issue 10: a confirmed window passed with nobody there
    HELP_WANTED = 'help_wanted'  # issue 11: a new request a superuser may help with


class State(StrEnum):
    PENDING = 'pending'
    SENDING = 'sending'
    SENT = 'sent'
    FAILED = 'failed'


@dataclass(frozen=True)
class Delivery:
    ttl: int  # seconds the push service keeps it for a device that is off
    urgency: str  # RFC 8030: very-low, low, normal, high (high wakes a phone that saves battery)


# A notification that is stale an hour later (someone is on the way, a new ticket) is urgent and
# short-lived; a fix or a reminder is still worth reading days later.
DELIVERY = {
    Kind.REPLY: Delivery(86400, 'normal'),
    Kind.STATUS: Delivery(86400, 'normal'),
    Kind.ASSIGNED: Delivery(4 * 3600, 'high'),
    Kind.ON_THE_WAY: Delivery(3600, 'high'),
    Kind.VISIT_PLANNED: Delivery(2 * 86400, 'normal'),
    Kind.NEW_TICKET: Delivery(3600, 'high'),
    Kind.RESOLVED: Delivery(3 * 86400, 'normal'),
    Kind.REMINDER: Delivery(3 * 86400, 'normal'),
    Kind.SLA_AT_RISK: Delivery(3600, 'high'),  # only worth it while there is time left to act
    Kind.SLA_BREACHED: Delivery(86400, 'high'),
    Kind.TEST: Delivery(300, 'high'),
    Kind.VISIT_PROPOSED: Delivery(2 * 86400, 'normal'),
    Kind.RUNNING_LATE: Delivery(3600, 'high'),  # stale once they arrive
    Kind.VISIT_MISSED: Delivery(86400, 'high'),
    Kind.HELP_WANTED: Delivery(86400, 'normal'),  # a colleague's question: worth it while it is open
}

# What each switch on the settings page says, and who sees it.


class PushSubscription(Model):
    """One browser or phone that accepted notifications for a person."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='push_subscriptions', on_delete=fields.CASCADE
    )
    user_id: int
    endpoint = fields.CharField(max_length=MAX_ENDPOINT, unique=True)
    p256dh = fields.CharField(max_length=100)
    auth = fields.CharField(max_length=40)
    device = fields.CharField(max_length=80, default='')  # "Chrome on Android", from the User-Agent
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'push_subscription'
        ordering = ['id']


class PushMessage(Model):
    """The outbox: one notification for one device, from queued to sent (or failed)."""

    id = fields.IntField(primary_key=True)
    subscription: fields.ForeignKeyRelation[PushSubscription] = fields.ForeignKeyField(
        'models.PushSubscription', related_name='messages', on_delete=fields.CASCADE
    )
    subscription_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='push_messages', on_delete=fields.CASCADE
    )
    user_id: int
    ticket: fields.ForeignKeyNullableRelation[Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='push_messages', null=True, on_delete=fields.CASCADE
    )
    ticket_id: int | None
    kind = fields.CharEnumField(Kind, max_length=16)
    payload: dict = fields.JSONField()
    topic = fields.CharField(max_length=32, default='')
    ttl = fields.IntField()
    urgency = fields.CharField(max_length=8)
    state = fields.CharEnumField(State, max_length=8, default=State.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claim = fields.CharField(max_length=32, null=True)  # which worker's batch holds it while sending
    claimed_until = fields.DatetimeField(null=True)  # after this, a 'sending' row is another's to take
    last_error = fields.CharField(max_length=300, default='')
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'push_outbox'
        indexes = (('state', 'next_attempt_at'), ('claim',))


# ---- writing rows (inside the transaction of the change they tell about) ----------------------------


async def enqueue(
    targets: list[tuple[int, int]], messages: dict[int, dict], *, kind: Kind, ticket_id: int | None, now: datetime
) -> None:
    delivery = DELIVERY[kind]
    for start in range(0, len(targets), QUEUE_CHUNK):  # building rows is CPU: let the event loop breathe between
        await PushMessage.bulk_create(
            [
                PushMessage(
                    subscription_id=sid,
                    user_id=uid,
                    ticket_id=ticket_id,
                    kind=kind,
                    payload=messages[uid],
                    topic=topic(ticket_id, kind),
                    ttl=delivery.ttl,
                    urgency=delivery.urgency,
                    next_attempt_at=now,
                    created_at=now,
                )
                for sid, uid in targets[start : start + QUEUE_CHUNK]
            ]
        )


def topic(ticket_id: int | None, kind: Kind | None = None) -> str:
    """The push service keeps only the newest undelivered message per topic, and the phone shows one
    notification per tag (the same words): one for a ticket's conversation, one for its progress, so a status
    ("Waiting for your reply") never replaces the question it follows.
    (RFC 8030: at most 32 characters of the URL-safe base64 alphabet.)"""
    if ticket_id is None:
        return 'tapdesk'
    return f'ticket-{ticket_id}-reply' if kind == Kind.REPLY else f'ticket-{ticket_id}'


# ---- the worker's verbs ----------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return claims.due(now, pending=State.PENDING, running=State.SENDING, due_field='next_attempt_at')


async def claim(now: datetime, *, batch: int, lease: timedelta) -> tuple[str, list[dict[str, Any]]]:
    """Take up to `batch` due rows for one worker: (its claim token, the rows with their device's address
    and keys); ('', []) when nothing is due."""
    for _ in range(5):  # lost the race for every row read? others took them: read the next ones
        ids = (
            await PushMessage.filter(_due(now))
            .order_by('next_attempt_at', 'id')
            .limit(batch)
            .values_list('id', flat=True)
        )
        if not ids:
            return '', []
        token = await claims.claim(
            PushMessage.filter(Q(id__in=ids), _due(now)), running=State.SENDING, holder='claim', now=now, lease=lease
        )
        if token is not None:
            break
    else:
        return '', []
    rows = await PushMessage.filter(claim=token, state=State.SENDING).values(
        'id',
        'subscription_id',
        'payload',
        'topic',
        'ttl',
        'urgency',
        'attempts',
        'created_at',
        endpoint='subscription__endpoint',
        p256dh='subscription__p256dh',
        auth='subscription__auth',
    )
    return token, rows


@dataclass(frozen=True)
class Retry:
    row_id: int
    at: datetime
    error: str


@dataclass(frozen=True)
class Failure:
    row_id: int
    error: str


async def settle(
    token: str,
    *,
    sent: list[int],
    devices_used: set[int],
    gone: set[int],
    retry: list[Retry],
    failed: list[Failure],
    now: datetime,
) -> None:
    """Record what became of a claimed batch, in one transaction. Only rows still held by `token` change:
    a row someone reclaimed (our lease ran out) is theirs now."""
    mine = PushMessage.filter(claim=token, state=State.SENDING)
    async with in_transaction():
        if sent:
            await mine.filter(id__in=sent).update(
                state=State.SENT, sent_at=now, claim=None, claimed_until=None, last_error=''
            )
            await PushSubscription.filter(id__in=devices_used).update(last_used_at=now)
        if gone:
            await forget_devices(gone)
        for r in retry:
            await mine.filter(id=r.row_id).update(
                state=State.PENDING, next_attempt_at=r.at, claim=None, claimed_until=None, last_error=r.error[:300]
            )
        for f in failed:
            await mine.filter(id=f.row_id).update(
                state=State.FAILED, claim=None, claimed_until=None, last_error=f.error[:300]
            )


async def release(token: str) -> None:
    """A worker stopped or broke mid-batch: its rows are due again at once."""
    await claims.release(PushMessage.filter(claim=token, state=State.SENDING), pending=State.PENDING, holder='claim')


async def backlog(now: datetime) -> claims.Backlog:
    """Messages due to be sent now (or whose sender's lease ran out) and how long the oldest has waited."""
    return await claims.backlog(
        PushMessage, now, pending=State.PENDING, running=State.SENDING, due_field='next_attempt_at'
    )


async def next_due() -> datetime | None:
    """When the next retry or lease falls due (None: nothing waits)."""
    pending = PushMessage.filter(state=State.PENDING).order_by('next_attempt_at')
    sending = PushMessage.filter(state=State.SENDING).order_by('claimed_until')
    soonest = [
        await queries.first_value(pending, 'next_attempt_at'),
        await queries.first_value(sending, 'claimed_until'),
    ]
    found = [t for t in soonest if isinstance(t, datetime)]
    return min(found) if found else None


async def prune(now: datetime) -> None:
    """Sent rows are kept two days, failed ones a month (for looking into), then dropped."""
    await PushMessage.filter(state=State.SENT, sent_at__lt=now - KEEP_SENT).delete()
    await PushMessage.filter(state=State.FAILED, created_at__lt=now - KEEP_FAILED).delete()


async def forget_devices(device_ids: set[int]) -> None:
    """Drop devices and everything queued for them (removed by their owner, or gone at the push service)."""
    async with in_transaction():
        await PushMessage.filter(subscription_id__in=device_ids).delete()
        await PushSubscription.filter(id__in=device_ids).delete()
