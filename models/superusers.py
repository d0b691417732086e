"""Superusers: requesters who know a tool well and help colleagues with it, as much as they choose.

A manager makes a requester a superuser for chosen services (ones they may ask for themselves). The superuser
chooses how involved to be: which of those services they help with now, and whether to be told of each new
request they may help with. Where the requester ticked "Colleagues who know this may help", a
superuser sees the open requests of their services (title, details, photos and the public timeline; never
internal notes, never the requester's other requests) and may answer; the requester or the staff mark an
answer "This fixed it". Everything a superuser may see is decided here.
"""

from __future__ import annotations

from datetime import datetime

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from . import clock, ids, tickets
from .catalog import Service, usable_service
from .changes import changing
from .errors import Forbidden, Invalid, NotFound, require
from .records import OPEN, Attachment, EventKind, Ticket, TicketEvent
from .text import normalise
from .users import Role, User

MAX_ANSWER = 4000
SHOWN = [EventKind.CREATED, EventKind.REPLY, EventKind.PEER_ANSWER]  # the conversation, not the desk's workings


class Expertise(Model):
    """A superuser for one service, and how involved they choose to be with it."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='expertise', on_delete=fields.CASCADE
    )
    user_id: int
    service: fields.ForeignKeyRelation[Service] = fields.ForeignKeyField(
        'models.Service', related_name='experts', on_delete=fields.CASCADE
    )
    service_id: int
    helping = fields.BooleanField(default=True)  # their choice: helping with this service now
    notify = fields.BooleanField(default=True)  # their choice: told of each new request they may help with
    granted_at = fields.DatetimeField()

    class Meta:
        table = 'expertise'
        unique_together = (('user_id', 'service_id'),)


# ---- managers ------------------------------------------------------------------------------------------------


async def grant(actor: User, user_id: int, service_ids: list[int], *, now: datetime | None = None) -> list[Expertise]:
    """Make a requester a superuser for these services (kept where they already are)."""
    require(actor.is_manager, 'Only managers can choose superusers.')
    person = await User.get_or_none(id=user_id)
    if person is None:
        raise NotFound('No such person.')
    if person.role != Role.REQUESTER:
        raise Invalid('Superusers are requesters who know a tool well; staff help already.', field='person')
    services = await Service.filter(id__in=service_ids)
    if len(services) != len(set(service_ids)):
        raise Invalid('One of the services does not exist.', field='services')
    have = set(await Expertise.filter(user_id=person.id).values_list('service_id', flat=True))
    for service in services:
        await usable_service(person, service.id)  # only a service they may ask for themselves
        if service.id in have:
            continue  # already a superuser for it: their choices stay
        try:
            await Expertise.create(user=person, service=service, granted_at=now or clock.now())
        except IntegrityError:
            pass  # already a superuser for it: their choices stay
    return await Expertise.filter(user_id=person.id).order_by('service_id')


async def revoke(actor: User, user_id: int, service_id: int) -> None:
    require(actor.is_manager, 'Only managers can choose superusers.')
    await Expertise.filter(user_id=user_id, service_id=service_id).delete()


async def set_services(
    actor: User, user_id: int, service_ids: list[int], *, now: datetime | None = None
) -> list[Expertise]:
    """A manager's choice in one go: this person is a superuser for exactly these services (none: not at all).
    Services kept keep the superuser's own choices."""
    require(actor.is_manager, 'Only managers can choose superusers.')
    wanted = set(service_ids)
    async with in_transaction():
        await Expertise.filter(user_id=user_id).exclude(service_id__in=list(wanted) or [-1]).delete()
        if wanted:
            return await grant(actor, user_id, sorted(wanted), now=now)
    return []


async def experts_by_person() -> dict[int, list[str]]:
    """For the managers' list of people: the services each superuser knows, by name."""
    rows = await Expertise.all().order_by('service__name').values_list('user_id', 'service__name')
    found: dict[int, list[str]] = {}
    for user_id, name in rows:
        found.setdefault(user_id, []).append(name)
    return found


# ---- the superuser's own choices ------------------------------------------------------------------------------


async def choose(
    person: User, service_id: int, *, helping: bool | None = None, notify: bool | None = None
) -> Expertise:
    """How involved to be with one of one's services (helping with it now, told of each new request): only the
    superuser chooses this."""
    mine = await Expertise.get_or_none(user_id=person.id, service_id=service_id)
    if mine is None:
        raise NotFound('You are not a superuser for this service.')
    if helping is not None:
        mine.helping = helping
    if notify is not None:
        mine.notify = notify
    await mine.save(update_fields=['helping', 'notify'])
    return mine


async def mine(person: User) -> list[Expertise]:
    return await Expertise.filter(user_id=person.id).select_related('service').order_by('service__name')


async def is_superuser(person: User) -> bool:
    return person.role == Role.REQUESTER and await Expertise.exists(user_id=person.id)


async def to_tell_of(ticket: Ticket) -> list[int]:
    """Superusers who chose to hear of each new request they may help with (never the requester themself)."""
    if not ticket.peers_may_help:
        return []
    people = Expertise.filter(
        service_id=ticket.service_id, helping=True, notify=True, user__is_active=True, user__role=Role.REQUESTER
    ).exclude(user_id=ticket.requester_id)
    return [int(uid) for uid in await people.values_list('user_id', flat=True)]  # type: ignore[call-overload]


async def helping_with(person: User) -> list[int]:
    """The services this person helps with now (none for anyone who is not a superuser)."""
    if person.role != Role.REQUESTER:
        return []
    return [e.service_id for e in await Expertise.filter(user_id=person.id, helping=True)]


# ---- what a superuser sees and does ---------------------------------------------------------------------------


async def requests_to_help(person: User, *, limit: int = 50) -> list[Ticket]:
    """Open requests of the services this superuser helps with, whose requesters allowed colleagues to help;
    never their own (those they follow as requesters), newest first."""
    helpable = await _helpable(person)
    if helpable is None:
        return []
    return await helpable.select_related('service').order_by('-created_at', '-id').limit(limit)


async def request_for(person: User, ticket_id: int) -> Ticket:
    """One request this superuser may help with, or NotFound (the same answer whatever the reason)."""
    helpable = await _helpable(person)
    found = (
        await helpable.filter(id=ticket_id).select_related('service', 'requester').first()
        if helpable is not None
        else None
    )
    if found is None:
        raise NotFound('This request is not one you can help with.')
    return found


async def _helpable(person: User) -> QuerySet[Ticket] | None:
    """The one rule of what a superuser may see (None: nothing at all)."""
    services = await helping_with(person)
    if not services:
        return None
    return Ticket.filter(status__in=list(OPEN), peers_may_help=True, service_id__in=services).exclude(
        requester_id=person.id
    )


async def what_they_see(person: User, ticket_id: int) -> tuple[Ticket, list[TicketEvent], list[Attachment]]:
    """The request as a superuser sees it: its title and details, its public timeline (no internal notes,
    no staff-only lines) and its photos."""
    ticket = await request_for(person, ticket_id)
    timeline = (
        await TicketEvent.filter(ticket_id=ticket.id, internal=False, kind__in=SHOWN)
        .exclude(body='')
        .select_related('actor')
        .order_by('id')
    )
    photos = await Attachment.filter(ticket_id=ticket.id, internal=False).order_by('id')
    return ticket, timeline, photos


async def photo_for(person: User, attachment_id: int | str) -> Attachment:
    """A photo of a request this superuser may help with (never one added with an internal note)."""
    number = ids.parse(attachment_id)
    att = await Attachment.get_or_none(id=number, internal=False) if number is not None else None
    if att is None:
        raise NotFound('That photo does not exist.')
    await request_for(person, att.ticket_id)
    return att


async def answer(person: User, ticket_id: int, text: str, *, now: datetime | None = None) -> TicketEvent:
    """A superuser's answer on the request's timeline: the requester reads it and is told."""
    ticket = await request_for(person, ticket_id)
    text = normalise(text)
    if not text:
        raise Invalid('Write your answer first.', field='answer')
    if len(text) > MAX_ANSWER:
        raise Invalid(f'Keep the answer under {MAX_ANSWER:,} characters.', field='answer')
    async with changing(ticket, actor=person, now=now or clock.now()) as change:
        await Ticket.filter(id=ticket.id).update(updated_at=change.now)
        return await change.record(EventKind.PEER_ANSWER, body=text)


async def accept(actor: User, ticket_id: int, answer_id: int, *, now: datetime | None = None) -> TicketEvent:
    """ "This fixed it": the requester or the staff mark a colleague's answer as the one that worked. When the
    requester says so, an open request is fixed by that answer (they are asked how it went, as after any fix)."""
    ticket = await tickets.get_for(actor, ticket_id)
    if not (actor.can_work_tickets or actor.id == ticket.requester_id):
        raise Forbidden('Only the requester or the IT team can say an answer fixed it.')
    given = await TicketEvent.get_or_none(id=answer_id, ticket_id=ticket.id, kind=EventKind.PEER_ANSWER)
    if given is None:
        raise NotFound('No such answer on this request.')
    taken = await TicketEvent.filter(ticket_id=ticket.id, kind=EventKind.ACCEPTED).values_list('data', flat=True)
    if any(isinstance(d, dict) and d.get('answer_id') == answer_id for d in taken):
        raise Invalid('This answer is already marked as the fix.')
    now = now or clock.now()
    async with changing(ticket, actor=actor, now=now) as change:
        accepted = await change.record(EventKind.ACCEPTED, data={'answer_id': answer_id, 'helper_id': given.actor_id})
        if actor.id == ticket.requester_id and ticket.is_open:  # the requester says it is fixed: it is
            await tickets.fixed_by_answer(change, ticket, given.body, data={'answer_id': answer_id})
        else:
            await Ticket.filter(id=ticket.id).update(updated_at=now)
    return accepted
