"""The event bus: domain operations publish after commit, pages subscribe by topic.

The interface is deliberately small (publish / subscribe / unsubscribe) so that a PostgreSQL
LISTEN/NOTIFY backend can carry events between app instances without pages changing.
Events carry ids, never row contents: a subscriber re-reads what it needs (permissions apply there).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
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


Event = TicketChanged | PresenceChanged
Handler = Callable[[Any], Awaitable[None] | None]


def ticket(ticket_id: int) -> str:
    return f'ticket:{ticket_id}'


def user_list(user_id: int) -> str:
    return f'user:{user_id}'


def presence(ticket_id: int) -> str:
    return f'presence:{ticket_id}'


QUEUE = 'queue'


@dataclass
class Bus:
    """In-process fan-out. `publish` never blocks the publisher on slow subscribers."""

    _subscribers: dict[str, set[Handler]] = field(default_factory=lambda: defaultdict(set))
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

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
        """Call after the change is committed; handlers run as tasks on the running loop."""
        for handler in list(self._subscribers.get(topic, ())):
            self._run(handler, event)

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
