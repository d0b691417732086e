"""Who is looking at which ticket right now ("Sam is viewing"), across every instance.

Presence is live state, not data: it lives in memory. Each instance knows its own viewers, and tells the
others on the bus (a `PresenceBeat`: this instance's viewers of one ticket) whenever they change and again
every BEAT seconds while anyone views. What another instance said holds for EXPIRES seconds unless it says
it again: when an instance dies, its viewers disappear from every page within that time, and nothing is left
behind in the database. On SQLite (one process) the beats never leave the process and are not needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from . import events

log = logging.getLogger(__name__)

BEAT = 10.0  # seconds between an instance's reminders of who views what
EXPIRES = 30.0  # seconds another instance's word holds without a new beat (three beats missed)
MAX_NAMES = 50  # viewers of one ticket told per beat (a page shows a few names)

Viewer = tuple[int, str]  # (user id, name)


@dataclass
class Presence:
    """The viewers this instance has, and what the other instances last said about theirs."""

    bus: events.Bus
    instance: str
    clock: Callable[[], float] = time.monotonic
    _mine: dict[int, dict[str, Viewer]] = field(default_factory=lambda: defaultdict(dict))  # ticket -> client -> viewer
    _theirs: dict[int, dict[str, tuple[float, list[Viewer]]]] = field(default_factory=dict)  # ticket -> instance ->
    _stop: Callable[[], None] | None = None
    _task: asyncio.Task[None] | None = None

    def enter(self, ticket_id: int, client_id: str, user_id: int, name: str) -> None:
        self._mine[ticket_id][client_id] = (user_id, name)
        self._changed(ticket_id)

    def leave(self, ticket_id: int, client_id: str) -> None:
        viewers = self._mine.get(ticket_id)
        if viewers and viewers.pop(client_id, None) is not None:
            if not viewers:
                del self._mine[ticket_id]
            self._changed(ticket_id)

    def others(self, ticket_id: int, user_id: int) -> list[str]:
        """Names of the other people on this ticket, on any instance, each once (my own second tab is not
        "someone")."""
        now = self.clock()
        seen = list(self._mine.get(ticket_id, {}).values())
        for expires, viewers in self._theirs.get(ticket_id, {}).values():
            if expires > now:
                seen += viewers
        return sorted({name for uid, name in seen if uid != user_id})

    def clear(self) -> None:
        self._mine.clear()
        self._theirs.clear()

    # ---- across instances -----------------------------------------------------------------------------------

    def share(self) -> None:
        """Hear the other instances' beats and send this one's (when the bus reaches other instances)."""
        if self._stop is None:
            self._stop = self.bus.subscribe(events.PRESENCE_BEATS, self._heard)
        if self._task is None:
            self._task = asyncio.ensure_future(self._beat())

    async def stop(self) -> None:
        if self._stop is not None:
            self._stop()
            self._stop = None
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for ticket_id in list(self._mine):  # leaving cleanly: the others need not wait for the expiry
            self._tell(ticket_id, [])

    def _changed(self, ticket_id: int) -> None:
        self.bus.deliver(events.presence(ticket_id), events.PresenceChanged(ticket_id))  # this instance's pages
        if self._stop is not None:
            self._tell(ticket_id, list(self._mine.get(ticket_id, {}).values()))

    def _tell(self, ticket_id: int, viewers: list[Viewer]) -> None:
        distinct = sorted(set(viewers))[:MAX_NAMES]
        beat = events.PresenceBeat(self.instance, ticket_id, [[uid, name] for uid, name in distinct])
        self.bus.publish(events.PRESENCE_BEATS, beat)

    def _heard(self, beat: events.PresenceBeat) -> None:
        if beat.instance == self.instance:
            return
        said = [(int(uid), str(name)) for uid, name in beat.viewers]
        theirs = self._theirs.setdefault(beat.ticket_id, {})
        before = theirs.get(beat.instance, (0.0, []))[1]
        if said:
            theirs[beat.instance] = (self.clock() + EXPIRES, said)
        else:
            theirs.pop(beat.instance, None)
        if not theirs:
            del self._theirs[beat.ticket_id]
        if said != before:
            self.bus.deliver(events.presence(beat.ticket_id), events.PresenceChanged(beat.ticket_id))

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(BEAT)
            try:
                self.remind_and_forget()
            except Exception:  # one bad beat must not stop the next
                log.exception('presence beat failed')

    def remind_and_forget(self) -> None:
        """One beat: tell the others who views what here; forget what an instance has not repeated in time."""
        for ticket_id, viewers in list(self._mine.items()):
            self._tell(ticket_id, list(viewers.values()))
        now = self.clock()
        for ticket_id, theirs in list(self._theirs.items()):
            gone = [instance for instance, (expires, _) in theirs.items() if expires <= now]
            for instance in gone:
                del theirs[instance]
            if not theirs:
                del self._theirs[ticket_id]
            if gone:
                self.bus.deliver(events.presence(ticket_id), events.PresenceChanged(ticket_id))


_here = Presence(events.bus, events.INSTANCE)


def enter(ticket_id: int, client_id: str, user_id: int, name: str) -> None:
    _here.enter(ticket_id, client_id, user_id, name)


def leave(ticket_id: int, client_id: str) -> None:
    _here.leave(ticket_id, client_id)


def others(ticket_id: int, user_id: int) -> list[str]:
    return _here.others(ticket_id, user_id)


def share() -> None:
    """On PostgreSQL (main.py): this instance's viewers are told to the others, and theirs heard."""
    _here.share()


async def stop() -> None:
    await _here.stop()


def clear() -> None:
    _here.clear()
