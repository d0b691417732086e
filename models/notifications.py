"""Web Push notifications: people's devices, what they want to hear about, and what each change tells whom.

`after_change` runs in every ticket verb's transaction (models/changes.py) and writes the outbox rows
(models/outbox.py), so they commit or vanish with the ticket change; after the commit the push worker
(pwa/push.py) is woken and delivers them. Who gets what is decided here, at queue time:

- a public reply: staff -> the requester; the requester -> the assignee (internal notes: nobody)
- status words, on the way, visit planned, fixed: the requester
- assignment: the technician it went to
- a new ticket: every technician who wants to hear (on by default for technicians, off for managers)
- reminders: whoever the caller names; a test: the person asking, on every device they have
- a new request colleagues may help with: the superusers of its service who chose to hear; "this fixed it":
  the colleague who answered and the assignee
- a ticket about to be late or overdue (models/followups.py): whoever the caller names, the assignee and
  staff; managers hear about it only once they switch it on

Nobody is ever told about their own action, and a preference switched off writes no row.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from . import changes, clock, events, queries, ratings, superusers
from .changes import Change
from .errors import Invalid, NotFound, require
from .outbox import (
    DELIVERY,
    Delivery,
    Kind,
    PushMessage,
    PushSubscription,
    State,
    enqueue,
    forget_devices,
    topic,
)
from .push_addresses import check_endpoint, check_keys, device_label
from .records import EventKind, Status, Ticket, TicketEvent, status_words
from .users import Role, User

# Re-exported: pages and the worker name the outbox's nouns through this module.
__all__ = ['DELIVERY', 'Delivery', 'Kind', 'PushMessage', 'PushSubscription', 'State', 'forget_devices', 'topic']

MAX_PAYLOAD_BYTES = 3000  # push services take 4096 bytes on the wire; encryption adds 103
MAX_TITLE = 100
MAX_BODY = 240
OUTBOX = events.OUTBOX  # bus topic: rows were queued, the worker should look now


WORDS = {
    Kind.REPLY: 'New replies',
    Kind.STATUS: 'Progress on my requests',
    Kind.ON_THE_WAY: 'A technician is on the way',
    Kind.VISIT_PLANNED: 'A visit is planned',
    Kind.RESOLVED: 'My request is fixed',
    Kind.ASSIGNED: 'A ticket is given to me',
    Kind.NEW_TICKET: 'New requests in the queue',
    Kind.REMINDER: 'Reminders',
    Kind.SLA_AT_RISK: 'A ticket is about to be late',
    Kind.SLA_BREACHED: 'A ticket is overdue',
    Kind.VISIT_PROPOSED: 'Times offered for a visit',
    Kind.RUNNING_LATE: 'A technician is running late',
    Kind.VISIT_MISSED: 'A visit was missed',
    Kind.HELP_WANTED: 'Requests I can help with',
}
REQUESTER_KINDS = [
    Kind.REPLY,
    Kind.STATUS,
    Kind.VISIT_PROPOSED,
    Kind.ON_THE_WAY,
    Kind.RUNNING_LATE,
    Kind.VISIT_PLANNED,
    Kind.VISIT_MISSED,
    Kind.RESOLVED,
    Kind.REMINDER,
]
STAFF_KINDS = [
    Kind.NEW_TICKET,
    Kind.ASSIGNED,
    Kind.REPLY,
    Kind.REMINDER,
    Kind.VISIT_MISSED,
    Kind.SLA_AT_RISK,
    Kind.SLA_BREACHED,
]
# On for technicians, off for managers until they switch them on: the whole queue, and late tickets.
TECHNICIANS_FIRST = {Kind.NEW_TICKET, Kind.SLA_AT_RISK, Kind.SLA_BREACHED}

RATING_ACTIONS = [{'action': 'rate-good', 'title': 'Good'}, {'action': 'rate-poor', 'title': 'Not good'}]
# What a notification action's tap records (the full five-face scale is one tap on the body away).
ACTION_SCORES = {'rate-good': 5, 'rate-poor': 2}
RATE_PATH = '/rate/'  # + token: GET shows the scale, POST records (pages/rate.py)


class NotificationPreference(Model):
    """A switch a person changed (kinds without a row follow default_on())."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='notification_preferences', on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharEnumField(Kind, max_length=16)
    enabled = fields.BooleanField()

    class Meta:
        table = 'notification_preference'
        unique_together = (('user', 'kind'),)


# ---- queueing (inside a ticket verb's transaction) -------------------------------------------------


async def queue_for(
    ticket_id: int,
    kind: Kind,
    *,
    actor: User | None,
    now: datetime,
    text: str = '',
    to: list[int | None] | None = None,
    extra: dict[str, Any] | None = None,
) -> int:
    """Write the outbox rows for one ticket change; returns how many. Call inside the verb's transaction.

    `to` names the people (default: by `kind`, see the module docstring); `text` is the reply, the
    summary or a reason, shown as the body; `extra` goes into the payload (e.g. the notification's actions).
    """
    ticket = await Ticket.get(id=ticket_id)
    targets = await _devices_for(ticket, kind, actor, to)
    if not targets:  # the usual case: two small queries, nothing written
        return 0
    await ticket.fetch_related('requester', 'assignee', 'service')
    if kind == Kind.STATUS and ticket.status == Status.WAITING and not text:  # the question, not only "waiting"
        text = await _question(ticket.id)
    # What it says depends on the reader only as far as "the requester or not" (their status words).
    said = {
        reads: _message(ticket, kind, actor=actor, text=text, requester_reads=reads, now=now)
        for reads in {uid == ticket.requester_id for _, uid in targets}
    }
    messages = {uid: {**said[uid == ticket.requester_id], **(extra or {})} for _, uid in targets}
    await enqueue(targets, messages, kind=kind, ticket_id=ticket.id, now=now)
    return len(targets)


async def _question(ticket_id: int) -> str:
    """The staff's latest public reply on a ticket now waiting for its requester: what they are asked."""
    asked = (
        await TicketEvent.filter(
            ticket_id=ticket_id, kind=EventKind.REPLY, internal=False, actor__role__in=[Role.TECHNICIAN, Role.MANAGER]
        )
        .order_by('-id')
        .first()
        .values_list('body', flat=True)
    )
    return str(asked or '')


def wake() -> None:
    """After a commit: tell the push worker(s) there is work (the bus reaches every instance)."""
    events.wake_outbox()


# ---- the step after every ticket change ---------------------------------------------------------------


async def after_change(change: Change) -> None:
    """What each timeline line of a ticket change tells whom (the module docstring lists who gets what)."""
    for event in change.events:
        for kind, to in _notices_for(change, event.kind, event.data):
            await queue_for(change.ticket_id, kind, actor=change.actor, now=change.now, text=event.body, to=to)
        await _colleague_notices(change, event.kind, event.data)


async def _colleague_notices(change: Change, kind: EventKind, data: dict) -> None:
    """Superusers: a new request they may help with (those who chose to hear), and "your answer fixed it"
    to the colleague whose answer the requester or staff marked (and to the technician who has the ticket)."""
    after = change.after
    if kind == EventKind.CREATED:
        helpers: list[int | None] = [*await superusers.to_tell_of(after)]
        if helpers:
            page = {'url': f'/helping/{after.id}'}
            await queue_for(after.id, Kind.HELP_WANTED, actor=change.actor, now=change.now, to=helpers, extra=page)
    elif kind == EventKind.ACCEPTED:
        who = change.actor.first_name if change.actor is not None else 'Tapdesk'
        said = f'{who} says a colleague’s answer fixed it.'
        await queue_for(after.id, Kind.STATUS, actor=change.actor, now=change.now, text=said, to=[after.assignee_id])
        helper = data.get('helper_id')
        if isinstance(helper, int):
            thanks = {'url': '/me', 'title': f'Your answer fixed it · {after.number}'}
            text = f'{who} says thank you.'
            await queue_for(
                after.id, Kind.HELP_WANTED, actor=change.actor, now=change.now, to=[helper], text=text, extra=thanks
            )


Notice = tuple[Kind, list[int | None] | None]  # what, and to whom (None: the kind's usual people)


def _notices_for(change: Change, kind: EventKind, data: dict) -> list[Notice]:
    after = change.after
    if kind == EventKind.CREATED:
        return [(Kind.NEW_TICKET, None)]
    if kind == EventKind.REPLY:
        return [(Kind.REPLY, None)]
    if kind == EventKind.PEER_ANSWER:  # a colleague who knows the service answered: the requester and the assignee
        return [(Kind.REPLY, [after.requester_id, after.assignee_id])]
    if kind == EventKind.RESOLVED:
        return [(Kind.RESOLVED, None)]
    if kind == EventKind.REOPENED:
        return [(Kind.STATUS, [after.requester_id, after.assignee_id])]
    if kind == EventKind.ASSIGNED:
        return _assigned_notices(change)
    if kind == EventKind.STATUS and not data.get('auto'):  # a requester's answer is told as their reply
        return [(STATUS_NOTICE.get(data.get('to', ''), Kind.STATUS), None)]
    return []  # internal notes, photos, ratings, reminders


def _assigned_notices(change: Change) -> list[Notice]:
    """The technician it went to hears "yours now" (nobody hears of their own taking); the requester reads
    "Assigned to Sam" when the ticket's status moved (taken: when it now reads "Assigned")."""
    before, after = change.before, change.after
    taken = change.actor is not None and change.actor.id == after.assignee_id
    notices: list[Notice] = [] if taken else [(Kind.ASSIGNED, None)]
    moved = after.status == Status.ASSIGNED if taken else (before is not None and before.status != after.status)
    if moved:
        notices.append((Kind.STATUS, None))
    return notices


STATUS_NOTICE = {Status.ON_THE_WAY.value: Kind.ON_THE_WAY, Status.VISIT_PLANNED.value: Kind.VISIT_PLANNED}


async def _devices_for(
    ticket: Ticket, kind: Kind, actor: User | None, to: list[int | None] | None
) -> list[tuple[int, int]]:
    """(subscription id, user id) for every device of everyone who should hear about this and wants to."""
    query = PushSubscription.filter(user__is_active=True)
    if to is None and kind == Kind.NEW_TICKET:
        query = query.filter(user__role__in=[Role.TECHNICIAN, Role.MANAGER])
    else:
        people = {p for p in (to if to is not None else _people_for(ticket, kind, actor)) if p is not None}
        if not people:
            return []
        query = query.filter(user_id__in=people)
    if actor is not None:
        query = query.exclude(user_id=actor.id)
    rows = await query.values_list('id', 'user_id', 'user__role')
    if not rows:
        return []
    wanted = await _wanting(kind, {uid: Role(role) for _, uid, role in rows})
    return [(sid, uid) for sid, uid, _ in rows if uid in wanted]


def _people_for(ticket: Ticket, kind: Kind, actor: User | None) -> list[int | None]:
    if kind == Kind.REPLY:
        staff = actor is not None and actor.can_work_tickets
        return [ticket.requester_id] if staff else [ticket.assignee_id]
    if kind == Kind.ASSIGNED:
        return [ticket.assignee_id]
    if kind in (Kind.STATUS, Kind.ON_THE_WAY, Kind.VISIT_PLANNED, Kind.RESOLVED):
        return [ticket.requester_id]
    return []


async def _wanting(kind: Kind, roles: dict[int, Role]) -> set[int]:
    if kind == Kind.TEST:
        return set(roles)
    changed = dict(
        await NotificationPreference.filter(kind=kind, user_id__in=list(roles)).values_list('user_id', 'enabled')
    )
    return {uid for uid, role in roles.items() if changed.get(uid, default_on(kind, role))}


def default_on(kind: Kind, role: Role) -> bool:
    """Everything is on until switched off, except the queue and late tickets, which only technicians hear
    by default (a manager chooses to be told)."""
    return role == Role.TECHNICIAN if kind in TECHNICIANS_FIRST else True


# ---- what a notification says -------------------------------------------------------------------


def _message(
    ticket: Ticket, kind: Kind, *, actor: User | None, text: str, requester_reads: bool, now: datetime
) -> dict[str, Any]:
    number, what = ticket.number, _clip(ticket.title, 60)
    who = actor.first_name if actor is not None else 'Tapdesk'
    reader = ticket.requester if requester_reads else (ticket.assignee or ticket.requester)
    words = status_words(ticket, viewer=reader)
    extra: dict[str, Any] = {}
    if kind == Kind.REPLY:
        title, body = f'{who} replied · {what}', text or 'Sent a photo.'
    elif kind == Kind.ASSIGNED:
        title, body = f'Yours now · {what}', f'{number} from {ticket.requester.name}, given to you by {who}.'
    elif kind == Kind.NEW_TICKET:
        title, body = f'New request {number} · {ticket.service.name}', f'{ticket.title} — {ticket.requester.name}'
    elif kind == Kind.RESOLVED:
        title, body = f'Fixed: {what} — how did we do?', text or what
        if requester_reads:
            extra.update(_rating_extra(ticket, now))
    elif kind in (Kind.SLA_AT_RISK, Kind.SLA_BREACHED):  # `text` is the headline, in the reader's time zone
        title, body = text or f'{number} is overdue', f'{what} — {ticket.requester.name}'
    elif kind == Kind.REMINDER:
        title, body = f'Reminder · {what}', text or what
        if requester_reads and ticket.status == Status.RESOLVED:  # "how did we do?" once more
            extra.update(_rating_extra(ticket, now))
    elif kind == Kind.VISIT_PROPOSED:  # `text`: the windows, in the requester's time zone
        title, body = f'Choose a time for the visit · {what}', text
    elif kind == Kind.RUNNING_LATE:
        title, body = f'{who} is running late · {what}', text
    elif kind == Kind.VISIT_MISSED:
        title, body = f'Visit missed · {what}', text
    elif kind == Kind.HELP_WANTED:  # to a superuser: a colleague's request they may help with
        title, body = f'A colleague could use your help · {ticket.service.name}', text or what
    elif kind == Kind.VISIT_PLANNED and text:  # told to the technician: who chose which time
        title, body = f'Visit planned · {what}', text
    else:  # status, on the way, visit planned: the status as the requester reads it
        title, body = f'{number} {what}', f'{words}: {text}' if text else words
    return payload(title, body, kind=kind, ticket_id=ticket.id, **extra)


def _rating_extra(ticket: Ticket, now: datetime) -> dict[str, Any]:
    """The two quick choices and where the service worker POSTs them: a single-use rating link, bound to this
    ticket and its requester (the body tap opens the ticket, where the full scale is)."""

    return {'actions': RATING_ACTIONS, 'rate_url': RATE_PATH + ratings.issue_token(ticket, ticket.requester, now)}


def payload(title: str, body: str, *, kind: Kind, ticket_id: int | None, **extra: Any) -> dict[str, Any]:
    """The JSON the service worker shows: {title, body, tag, url, ticket_id, kind, actions?}, < 4 KB."""
    message = {
        'title': _clip(title, MAX_TITLE),
        'body': _clip(body, MAX_BODY),
        'tag': topic(ticket_id, kind),
        'url': f'/t/{ticket_id}' if ticket_id is not None else '/settings',
        'ticket_id': ticket_id,
        'kind': kind.value,
        **extra,
    }
    while len(encode(message)) > MAX_PAYLOAD_BYTES:  # only pathological input gets here
        message['body'] = _clip(message['body'], len(message['body']) // 2)
    return message


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(',', ':')).encode()


def _clip(text: str, limit: int) -> str:
    text = ' '.join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + '…'


# ---- devices ---------------------------------------------------------------------------------------


async def subscribe(
    user: User, *, endpoint: str, keys: dict[str, str], user_agent: str = '', now: datetime | None = None
) -> PushSubscription:
    """Remember a device that accepted notifications (`keys` as the browser's subscription.toJSON() has them).
    The same device subscribing again, even for someone else who signed in on it, moves it to `user`."""
    require(user.is_active, 'This account is switched off.')
    now = now or clock.now()
    endpoint = await check_endpoint(endpoint)
    p256dh, auth = check_keys(keys)
    fields_: dict[str, Any] = {'user_id': user.id, 'p256dh': p256dh, 'auth': auth, 'device': device_label(user_agent)}
    for _ in range(2):  # a second try if the same device subscribed twice at once
        async with in_transaction():
            existing = await PushSubscription.get_or_none(endpoint=endpoint)
            if existing is not None:
                if existing.user_id != user.id:  # someone else's queued notifications stay theirs
                    await PushMessage.filter(subscription_id=existing.id, state=State.PENDING).delete()
                await PushSubscription.filter(id=existing.id).update(**fields_, last_used_at=now)
                return await PushSubscription.get(id=existing.id)
            try:
                return await PushSubscription.create(endpoint=endpoint, created_at=now, **fields_)
            except IntegrityError:
                continue
    raise Invalid('This device is being set up already; try again in a moment.', field='endpoint')


async def devices(user: User) -> list[PushSubscription]:
    return await PushSubscription.filter(user_id=user.id).order_by('-created_at', '-id')


async def replace_device(
    user: User,
    *,
    old_endpoint: str | None,
    endpoint: str,
    keys: dict[str, str],
    user_agent: str = '',
    now: datetime | None = None,
) -> PushSubscription:
    """The browser replaced a subscription (`pushsubscriptionchange`): remember the new one and, if the old one
    was this person's, move what was still queued for it to the new one and forget it. Someone else's device
    is never touched: only its own holder can replace it."""
    device = await subscribe(user, endpoint=endpoint, keys=keys, user_agent=user_agent, now=now)
    if old_endpoint and old_endpoint != device.endpoint:
        async with in_transaction():
            old = await PushSubscription.get_or_none(endpoint=old_endpoint, user_id=user.id)
            if old is not None:
                await PushMessage.filter(subscription_id=old.id, state=State.PENDING).update(subscription_id=device.id)
                await forget_devices({old.id})
    return device


async def remove_device(user: User, device_id: int) -> None:
    """Stop notifications to one of your own devices."""
    if not await PushSubscription.exists(id=device_id, user_id=user.id):
        raise NotFound('That device is not on your list.')
    await forget_devices({device_id})


async def preferences(user: User) -> dict[Kind, bool]:
    """The switches this person sees, in order, with their current values."""
    kinds = STAFF_KINDS if user.can_work_tickets else REQUESTER_KINDS
    changed = dict(await NotificationPreference.filter(user_id=user.id).values_list('kind', 'enabled'))
    return {k: changed.get(k, default_on(k, user.role)) for k in kinds}


async def set_preference(user: User, kind: Kind, enabled: bool) -> None:
    kind = Kind(kind)
    if kind == Kind.TEST:
        raise Invalid('A test notification goes only where you ask for it.', field='kind')
    updated = await NotificationPreference.filter(user_id=user.id, kind=kind).update(enabled=enabled)
    if not updated:
        try:
            await NotificationPreference.create(user_id=user.id, kind=kind, enabled=enabled)
        except IntegrityError:  # switched twice at once: the later value wins
            await NotificationPreference.filter(user_id=user.id, kind=kind).update(enabled=enabled)


async def send_test(user: User, *, now: datetime | None = None) -> int:
    """A test notification to every device of `user`; returns how many devices."""
    now = now or clock.now()
    targets = [(sid, user.id) for sid in await queries.ids(PushSubscription.filter(user_id=user.id))]
    if not targets:
        raise Invalid('Turn on notifications on this device first.', field='devices')
    message = payload('Tapdesk test', 'Notifications work on this device.', kind=Kind.TEST, ticket_id=None)
    await enqueue(targets, {user.id: message}, kind=Kind.TEST, ticket_id=None, now=now)
    wake()
    return len(targets)


async def queue_reminder(
    ticket_id: int, text: str, *, to: list[int], now: datetime | None = None, actor: User | None = None
) -> int:
    """A follow-up ("still waiting for your reply", "how did we do?"); for the reminders to come."""
    async with in_transaction():
        count = await queue_for(ticket_id, Kind.REMINDER, actor=actor, now=now or clock.now(), text=text, to=list(to))
    wake()
    return count


changes.add_step(after_change, order=10)
