"""Checklists that gate the fix: per service, the checks a technician ticks before resolving.

A manager sets a service's checklist (`set_template`): ordered items, each with its text, whether it is
required, and whether ticking it needs a photo; and whether the service allows resolving with a required
item unticked when the technician gives a reason (`allow_override`).

**Which version of the checklist a ticket follows.** A job follows the checklist as it was when work on
it started, i.e. at its first tick: then the template's items are copied into the ticket's own rows
(`TicketCheck`), and later edits of the template leave that job alone (a technician half way through is
never handed a different list). Until its first tick a ticket follows the service's current template,
so a manager's change reaches every job nobody has started. Reopening keeps the ticks (the timeline says
what was checked for the earlier fix).

Each tick and untick is a ticket change with a staff-only timeline line (a photo on a photo-required
item is attached to that line). The requester reads a plain summary once the ticket is fixed:
"We checked: ...", in the items' own words.

**The gate.** `gate` runs inside every change that resolves a ticket (a technician, a manager, Tapdesk's
auto-resolve: all go through `tickets.resolve`) and refuses it, rolling the whole change back, while a
required item is unticked, unless the service allows an override and the resolve carried a reason.
An override is written on the timeline for staff and kept as a `ChecklistOverride` row that managers read
with `overrides`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from . import changes, clock, offline, photos, tickets
from .catalog import Service
from .changes import Change, changing
from .errors import Conflict, Forbidden, Invalid, NotFound, require
from .records import EventKind, Ticket, TicketEvent
from .text import normalise
from .users import User

MAX_ITEMS = 30
MAX_ITEM_TEXT = 120
MAX_NOTE = 300


class ChecklistTemplate(Model):
    """A service's checklist: its items and whether a fix may skip a required one with a reason."""

    id = fields.IntField(primary_key=True)
    service: fields.OneToOneRelation[Service] = fields.OneToOneField(
        'models.Service', related_name='checklist', on_delete=fields.CASCADE
    )
    service_id: int
    allow_override = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField()
    items: fields.ReverseRelation[ChecklistItem]

    class Meta:
        table = 'checklist_template'


class ChecklistItem(Model):
    """One line of a service's checklist, at `position` (0 first)."""

    id = fields.IntField(primary_key=True)
    template: fields.ForeignKeyRelation[ChecklistTemplate] = fields.ForeignKeyField(
        'models.ChecklistTemplate', related_name='items', on_delete=fields.CASCADE
    )
    template_id: int
    position = fields.IntField()
    text = fields.CharField(max_length=MAX_ITEM_TEXT)
    required = fields.BooleanField(default=True)
    photo_required = fields.BooleanField(default=False)

    class Meta:
        table = 'checklist_item'
        ordering = ['position']


class TicketCheck(Model):
    """A ticket's own copy of a checklist item (made at its first tick), ticked or not."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='checks', on_delete=fields.CASCADE
    )
    ticket_id: int
    item_id = fields.IntField()  # the template item it was copied from (ticks name it)
    position = fields.IntField()
    text = fields.CharField(max_length=MAX_ITEM_TEXT)
    required = fields.BooleanField(default=True)
    photo_required = fields.BooleanField(default=False)
    ticked_at = fields.DatetimeField(null=True)
    ticked_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='checks_ticked', null=True, on_delete=fields.SET_NULL
    )
    ticked_by_id: int | None
    note = fields.CharField(max_length=MAX_NOTE, default='')
    event: fields.ForeignKeyNullableRelation[TicketEvent] = fields.ForeignKeyField(
        'models.TicketEvent', related_name='checks', null=True, on_delete=fields.SET_NULL
    )  # the tick's timeline line, which holds its photo
    event_id: int | None

    class Meta:
        table = 'ticket_check'
        unique_together = (('ticket_id', 'item_id'),)
        ordering = ['position']


class ChecklistOverride(Model):
    """A fix made with required checks unticked, and the reason given (managers read these)."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='checklist_overrides', on_delete=fields.CASCADE
    )
    ticket_id: int
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='checklist_overrides', null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    reason = fields.TextField()
    unticked: list = fields.JSONField(default=list)
    created_at = fields.DatetimeField()

    class Meta:
        table = 'checklist_override'
        indexes = (('created_at',),)


# ---- what pages read --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemIn:
    """One item as a manager typed it."""

    text: str
    required: bool = True
    photo_required: bool = False


@dataclass(frozen=True)
class Check:
    """One item of a ticket's checklist as the job page shows it."""

    item_id: int
    text: str
    required: bool
    photo_required: bool
    ticked_at: datetime | None = None
    ticked_by: str = ''
    note: str = ''
    photo_id: int | None = None  # the attachment that proves it

    @property
    def ticked(self) -> bool:
        return self.ticked_at is not None


@dataclass(frozen=True)
class Checklist:
    items: list[Check]
    allow_override: bool

    @property
    def missing(self) -> list[str]:
        """The required items still unticked, in order."""
        return [c.text for c in self.items if c.required and not c.ticked]


@dataclass(frozen=True)
class Template:
    items: list[ChecklistItem]
    allow_override: bool


# ---- managers: the templates -----------------------------------------------------------------------


async def template_of(service_id: int) -> Template:
    """A service's checklist (no items: it has none)."""
    found = await ChecklistTemplate.get_or_none(service_id=service_id).prefetch_related('items')
    if found is None:
        return Template(items=[], allow_override=False)
    return Template(items=sorted(found.items, key=lambda i: i.position), allow_override=found.allow_override)


async def set_template(
    service_id: int,
    items: list[ItemIn],
    *,
    allow_override: bool,
    actor: User,
    now: datetime | None = None,
) -> Template:
    """Replace a service's checklist (an empty list removes it). Jobs already started keep theirs."""
    require(actor.is_manager, 'Only managers can change checklists.')
    now = now or clock.now()
    if not await Service.exists(id=service_id):
        raise NotFound('That service does not exist.')
    clean = _validated(items)
    async with in_transaction():
        template = await ChecklistTemplate.get_or_none(service_id=service_id)
        if not clean:
            if template is not None:
                await template.delete()
            return Template(items=[], allow_override=False)
        if template is None:
            template = await ChecklistTemplate.create(
                service_id=service_id, allow_override=allow_override, updated_at=now
            )
        else:
            await ChecklistTemplate.filter(id=template.id).update(allow_override=allow_override, updated_at=now)
        await _save_items(template.id, clean)
    return await template_of(service_id)


async def _save_items(template_id: int, clean: list[ItemIn]) -> None:
    """An item keeps its id while its words stay (moved or switched), so pages open on a job that has not
    started can still tick it; reworded items are new ones."""
    old = {i.text.casefold(): i for i in await ChecklistItem.filter(template_id=template_id)}
    wanted = {i.text.casefold() for i in clean}
    gone = [i.id for key, i in old.items() if key not in wanted]
    if gone:
        await ChecklistItem.filter(id__in=gone).delete()
    for position, item in enumerate(clean):
        kept = old.get(item.text.casefold())
        values: dict[str, Any] = {
            'position': position,
            'text': item.text,
            'required': item.required,
            'photo_required': item.photo_required,
        }
        if kept is None:
            await ChecklistItem.create(template_id=template_id, **values)
        else:
            await ChecklistItem.filter(id=kept.id).update(**values)


def _validated(items: list[ItemIn]) -> list[ItemIn]:
    clean = [
        ItemIn(normalise(i.text, one_line=True), bool(i.required), bool(i.photo_required))
        for i in items
        if normalise(i.text, one_line=True)
    ]
    if len(clean) != len(items):
        raise Invalid('Every item needs some words; remove the empty ones.', field='items')
    if len(clean) > MAX_ITEMS:
        raise Invalid(f'Up to {MAX_ITEMS} items, please (this has {len(clean)}).', field='items')
    seen: set[str] = set()
    for item in clean:
        if len(item.text) > MAX_ITEM_TEXT:
            raise Invalid(
                f'Keep each item under {MAX_ITEM_TEXT} characters: "{item.text[:30]}…" is longer.', field='items'
            )
        if item.text.casefold() in seen:
            raise Invalid(f'"{item.text}" is on the list twice.', field='items')
        seen.add(item.text.casefold())
    return clean


# ---- the job: reading and ticking -------------------------------------------------------------------


async def checklist_for(viewer: User, ticket_id: int) -> Checklist:
    """The ticket's checklist as staff work it (its own copy once started, else the service's template)."""
    ticket = await tickets.get_for(viewer, ticket_id)
    require(viewer.can_work_tickets, 'Only staff see the checklist.')
    return await _checklist(ticket)


async def summary_for(viewer: User, ticket_id: int) -> list[str]:
    """What was checked on this ticket, in the items' words (the requester reads it once it is fixed)."""
    await tickets.get_for(viewer, ticket_id)
    checks = TicketCheck.filter(ticket_id=ticket_id, ticked_at__not_isnull=True).order_by('position')
    return [c.text for c in await checks]


async def tick(
    ticket_id: int,
    item_id: int,
    *,
    actor: User,
    note: str = '',
    photo: photos.PhotoIn | None = None,
    now: datetime | None = None,
) -> Check:
    """Tick one item of an open ticket's checklist (its assignee, or a manager)."""
    now = now or clock.now()
    ticket = await _workable(ticket_id, actor)
    note = _note(note)
    row = await _row(ticket, item_id)
    if row.photo_required and photo is None:
        raise Invalid(f'"{row.text}" needs a photo: add one, then tick it.', field='photo')
    stored = await tickets.store_photos([photo] if photo else [])
    async with tickets.discard_on_error(stored), changing(ticket, actor=actor, now=now) as change:
        event = await change.record(
            EventKind.CHECKLIST, body=note, internal=True, data={'action': 'tick', 'item': row.text}
        )
        done = await TicketCheck.filter(id=row.id, ticked_at=None).update(
            ticked_at=now, ticked_by_id=actor.id, note=note, event_id=event.id
        )
        if not done:
            raise Conflict(f'"{row.text}" was ticked a moment ago.')
        await tickets.attach_photos(ticket, event, stored, uploader=actor, internal=True, now=now)
    return _check(await TicketCheck.get(id=row.id).select_related('ticked_by').prefetch_related('event__attachments'))


async def untick(ticket_id: int, item_id: int, *, actor: User, now: datetime | None = None) -> Check:
    """Take a tick back (it was ticked by mistake, or the check has to be done again)."""
    now = now or clock.now()
    ticket = await _workable(ticket_id, actor)
    row = await _row(ticket, item_id)
    async with changing(ticket, actor=actor, now=now) as change:
        done = await TicketCheck.filter(id=row.id, ticked_at__not_isnull=True).update(
            ticked_at=None, ticked_by_id=None, note='', event_id=None
        )
        if not done:
            raise Conflict(f'"{row.text}" was unticked a moment ago.')
        await change.record(EventKind.CHECKLIST, internal=True, data={'action': 'untick', 'item': row.text})
    return _check(await TicketCheck.get(id=row.id))


# ---- managers: overrides --------------------------------------------------------------------------


async def overrides(actor: User, *, since: datetime, until: datetime) -> list[ChecklistOverride]:
    """Fixes made past unticked required checks in [since, until), newest first."""
    require(actor.is_manager, 'Only managers can see checklist overrides.')
    query = ChecklistOverride.filter(created_at__gte=since, created_at__lt=until)
    return await query.select_related('ticket', 'actor').order_by('-created_at', '-id')


# ---- the gate ------------------------------------------------------------------------------------


async def gate(change: Change) -> None:
    """Refuse a fix while a required item is unticked, unless the service allows it and a reason was given."""
    resolved = next((e for e in change.events if e.kind == EventKind.RESOLVED), None)
    if resolved is None:
        return
    checklist = await _checklist(change.after)
    missing = checklist.missing
    if not missing:
        return
    reason = str(resolved.data.get('override') or '')
    names = ', '.join(f'"{m}"' for m in missing)
    if not checklist.allow_override:
        raise Invalid(f'Tick these checks before resolving: {names}.', field='checklist')
    if not reason:
        raise Invalid(
            f'These checks are not ticked: {names}. Tick them, or resolve anyway with a reason.',
            field='override_reason',
        )
    await change.record(
        EventKind.CHECKLIST, body=reason, internal=True, data={'action': 'override', 'unticked': missing}
    )
    await ChecklistOverride.create(
        ticket_id=change.ticket_id,
        actor_id=change.actor.id if change.actor else None,
        reason=reason,
        unticked=missing,
        created_at=change.now,
    )


changes.add_step(gate, order=5)  # first: a refused fix must not reach notifications or ratings


# ---- helpers ---------------------------------------------------------------------------------------


async def _checklist(ticket: Ticket) -> Checklist:
    template = await template_of(ticket.service_id)
    rows = await (
        TicketCheck.filter(ticket_id=ticket.id).select_related('ticked_by').prefetch_related('event__attachments')
    )
    if rows:
        return Checklist(items=[_check(r) for r in rows], allow_override=template.allow_override)
    items = [Check(i.id, i.text, i.required, i.photo_required) for i in template.items]
    return Checklist(items=items, allow_override=template.allow_override)


def _check(row: TicketCheck) -> Check:
    photo_id = None
    if row.ticked_at is not None and row.event_id is not None and row.event is not None:
        photo_id = next((a.id for a in row.event.attachments), None)  # type: ignore[attr-defined]
    by = row.ticked_by.name if row.ticked_by_id and row.ticked_by else ''
    return Check(row.item_id, row.text, row.required, row.photo_required, row.ticked_at, by, row.note, photo_id)


async def _workable(ticket_id: int, actor: User) -> Ticket:
    ticket = await tickets.get_for(actor, ticket_id)
    if not ticket.is_open:
        raise Invalid('This ticket is finished; reopen it to change its checklist.', field='checklist')
    if not tickets.may_work(actor, ticket):
        raise Forbidden('Only the technician on this ticket (or a manager) can tick its checklist.')
    return ticket


async def _row(ticket: Ticket, item_id: int) -> TicketCheck:
    """The ticket's copy of an item, copying the template first if this is the job's first tick."""
    if not await TicketCheck.exists(ticket_id=ticket.id):
        await _copy_template(ticket)
    row = await TicketCheck.get_or_none(ticket_id=ticket.id, item_id=item_id)
    if row is None:
        raise Conflict('The checklist changed a moment ago; have a look and try again.')
    return row


async def _copy_template(ticket: Ticket) -> None:
    template = await template_of(ticket.service_id)
    if not template.items:
        raise NotFound('This service has no checklist.')
    try:
        async with in_transaction():
            for item in template.items:
                await TicketCheck.create(
                    ticket_id=ticket.id,
                    item_id=item.id,
                    position=item.position,
                    text=item.text,
                    required=item.required,
                    photo_required=item.photo_required,
                )
    except IntegrityError:
        pass  # a colleague's first tick copied it a moment ago: theirs is the job's copy


def _note(note: str) -> str:
    note = normalise(note)
    if len(note) > MAX_NOTE:
        raise Invalid(f'Keep the note under {MAX_NOTE} characters (it has {len(note)}).', field='note')
    return note


# ---- queued on the phone while there was no signal (models/offline.py) ------------------------------------


@offline.handles('tick', what='checklist tick', done='saved', typed=('note',))
async def _tick_offline(
    viewer: User, ticket_id: int, payload: dict[str, Any], now: datetime, _: datetime | None
) -> str:
    """{"item": id, "note"?: "...", "photo"?: data URL}: one item ticked, as on the job page."""
    item = offline.whole_number(payload, 'item', low=1, high=2**31 - 1)
    photo = offline.photo(payload) if payload.get('photo') else None
    await tick(ticket_id, item, actor=viewer, note=offline.text(payload, 'note'), photo=photo, now=now)
    return f'A check on #{ticket_id} is ticked.'
