"""After a ticket changed: the one step that ends every ticket verb.

A verb opens `changing(...)`, makes its conditional UPDATE and writes its timeline lines through
`Change.record`. When the block ends without an error, still inside the same transaction, the steps that
the floors above registered run in order (notifications write outbox rows, ratings count a callback,
follow-ups fit their jobs); then the transaction commits, and only then is the change published on the bus.

The floors above register their steps when they are imported (Tortoise imports every model module at
start-up, so all are in place before the first verb runs); nothing here imports them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.transactions import in_transaction

from . import events
from .actors import Actor, SystemActor
from .records import EventKind, Ticket, TicketEvent, record
from .users import User


@dataclass
class Change:
    """One verb's change to one ticket, as the steps see it (inside the verb's transaction)."""

    ticket_id: int
    actor: User | None  # None: Tapdesk itself
    now: datetime
    before: Ticket | None  # as the verb read it; None for a new ticket
    events: list[TicketEvent] = field(default_factory=list)
    ticket: Ticket | None = None  # as it is after the verb's writes: read once, for every step

    async def record(
        self, kind: EventKind, *, body: str = '', internal: bool = False, data: dict | None = None
    ) -> TicketEvent:
        event = await record(
            self.ticket_id, kind, actor=self.actor, now=self.now, body=body, internal=internal, data=data
        )
        self.events.append(event)
        return event

    @property
    def after(self) -> Ticket:
        assert self.ticket is not None, 'read after the verb wrote'
        return self.ticket

    def has(self, kind: EventKind) -> bool:
        return any(e.kind == kind for e in self.events)


Step = Callable[[Change], Awaitable[None]]
_steps: list[tuple[int, str, Step]] = []


def add_step(step: Step, *, order: int) -> None:
    """Register what a floor above adds to every ticket change (idempotent: a module imported twice
    registers once)."""
    name = f'{step.__module__}.{step.__qualname__}'
    _steps[:] = [s for s in _steps if s[1] != name]
    _steps.append((order, name, step))
    _steps.sort(key=lambda s: s[0])


def step_names() -> list[str]:
    return [name for _, name, _ in _steps]


@asynccontextmanager
async def changing(before: Ticket | None, *, actor: Actor | None, now: datetime) -> AsyncIterator[Change]:
    """The transaction of one ticket change; for a new ticket set `ticket_id` once it is created."""
    person = None if actor is None or isinstance(actor, SystemActor) else actor
    change = Change(ticket_id=before.id if before else 0, actor=person, now=now, before=before)
    async with events.after_commit():
        async with in_transaction():
            yield change
            if change.events:
                change.ticket = await Ticket.get(id=change.ticket_id)
                for _, _, step in list(_steps):
                    await step(change)
        if change.events:
            events.later(lambda: publish(change))


def publish(change: Change) -> None:
    """After the commit: the outbox worker, the ticket's page, its requester's list (unless only staff
    saw something) and the queue."""
    events.wake_outbox()
    first = change.events[0]
    requester_id = change.after.requester_id
    events.publish_ticket_change(
        events.TicketChanged(
            ticket_id=change.ticket_id,
            kind=first.kind.value,
            requester_id=requester_id,
            actor_id=change.actor.id if change.actor else None,
        ),
        requester_sees=any(not e.internal for e in change.events),
    )
