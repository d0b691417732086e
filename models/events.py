"""The event bus: domain operations publish after commit, pages subscribe by topic.

The interface is deliberately small (publish / subscribe / unsubscribe) so that a PostgreSQL
LISTEN/NOTIFY backend can carry events between app instances without pages changing.
Events carry ids, never row contents: a subscriber re-reads what it needs (permissions apply there).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TicketChanged:
    ticket_id: int
    kind: str  # created, reply, note, status, assigned, photo, ...
    requester_id: int
    actor_id: int | None = None


@dataclass(frozen=True)
class PresenceChanged:
    ticket_id: int


@dataclass(frozen=True)
class PresenceBeat:
    """One instance's viewers of one ticket, [[user id, name], ...], as it says now (models/presence.py)."""

    instance: str
    ticket_id: int
    viewers: list[list[Any]]


@dataclass(frozen=True)
class PushQueued:
    """Outbox rows were committed: the push worker(s) should look now, not at their next poll."""


@dataclass(frozen=True)
class Resync:
    """This instance may have missed events (its link to the other instances was down): every open page
    re-reads what it shows. Published on RESYNC in this process only."""


Event = TicketChanged | PresenceChanged | PresenceBeat | PushQueued | Resync
EVENT_TYPES: dict[str, type] = {  # the events that may travel to other instances
    t.__name__: t for t in (TicketChanged, PresenceChanged, PresenceBeat, PushQueued)
}
INSTANCE = uuid.uuid4().hex[:12]  # this process, as the other instances know it
Handler = Callable[[Any], Awaitable[None] | None]


def ticket(ticket_id: int) -> str:
    return f'ticket:{ticket_id}'


def user_list(user_id: int) -> str:
    return f'user:{user_id}'


def presence(ticket_id: int) -> str:
    return f'presence:{ticket_id}'


QUEUE = 'queue'
OUTBOX = 'outbox'
RESYNC = 'resync'
PRESENCE_BEATS = 'presence-beats'


@dataclass
class Bus:
    """In-process fan-out, and through `link` to the other instances (models/pg_bus.py on PostgreSQL).
    `publish` never blocks the publisher on slow subscribers or on the link."""

    _subscribers: dict[str, set[Handler]] = field(default_factory=lambda: defaultdict(set))
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    link: Callable[[str, Event], None] | None = None  # sends an event to the other instances

    def subscribe(self, topic: str, handler: Handler) -> Callable[[], None]:
        self._subscribers[topic].add(handler)
        return lambda: self.unsubscribe(topic, handler)

    def unsubscribe(self, topic: str, handler: Handler) -> None:
        handlers = self._subscribers.get(topic)
        if handlers is not None:
            handlers.discard(handler)
            if not handlers:
                del self._subscribers[topic]

    def publish(self, topic: str, event: Event) -> None:
        """Call after the change is committed; handlers here run as tasks on the running loop, and the
        other instances are told through the link."""
        self.deliver(topic, event)
        if self.link is not None:
            try:
                self.link(topic, event)
            except Exception:  # the other instances miss one event; they re-read after their link is back
                log.exception('could not send %r to the other instances', event)

    def deliver(self, topic: str, event: Event) -> None:
        """To this process's subscribers only (what the link calls for an event from another instance)."""
        for handler in list(self._subscribers.get(topic, ())):
            self._run(handler, event)

    def resync(self) -> None:
        """After events may have been missed: every page subscribed to RESYNC re-reads."""
        self.deliver(RESYNC, Resync())

    def subscriber_count(self, topic: str) -> int:
        return len(self._subscribers.get(topic, ()))

    def clear(self) -> None:
        self._subscribers.clear()

    def _run(self, handler: Handler, event: Event) -> None:
        try:
            result = handler(event)
        except Exception:
            log.exception('event handler failed for %r', event)
            return
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._tasks.add(task)
            task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error('event handler failed', exc_info=task.exception())


bus = Bus()


def publish_ticket_change(event: TicketChanged, *, requester_sees: bool = True) -> None:
    """Tell everyone who shows this ticket: its page, its requester's list and the queue."""
    bus.publish(ticket(event.ticket_id), event)
    if requester_sees:
        bus.publish(user_list(event.requester_id), event)
    bus.publish(QUEUE, event)


def wake_outbox() -> None:
    """After a commit that queued push messages: tell the worker(s) (the bus reaches every instance)."""
    bus.publish(OUTBOX, PushQueued())


# ---- publishing after the commit -------------------------------------------------------------------
#
# A change is durable before anyone is told. A verb's transaction may run inside a larger one (a follow-up
# job resolves a ticket inside the job's own transaction): what it publishes waits for the outermost.

_pending: ContextVar[list[Callable[[], None]] | None] = ContextVar('tapdesk_pending_publications', default=None)


@asynccontextmanager
async def after_commit() -> AsyncIterator[None]:
    """Wrap a transaction: `later()` calls inside it run once it ends without an error, dropped if it fails.
    Nested uses join the outermost one."""
    if _pending.get() is not None:
        yield
        return
    pending: list[Callable[[], None]] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for publish in pending:
        publish()


def later(publish: Callable[[], None]) -> None:
    """Publish when the surrounding `after_commit` block ends (at once outside of one)."""
    pending = _pending.get()
    if pending is None:
        publish()
    else:
        pending.append(publish)
