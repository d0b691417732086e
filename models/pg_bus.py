"""The bus between instances on PostgreSQL: LISTEN/NOTIFY on one dedicated asyncpg connection.

Every instance publishes to its own subscribers at once (models/events.py) and sends the event here; this
link sends it with `pg_notify` and hands events from the other instances to the local bus. Payloads are small
(the event's kind and ids: pages re-read what they show, with the viewer's permissions), and events are only
published after their change has committed.

The connection is a plain asyncpg connection of its own, not one of Tortoise's pool (a pool resets a
connection's listeners when it takes it back). When it drops, the link reconnects with back-off; events sent or
received meanwhile are lost, so once it is back, `bus.resync()` tells every open page to re-read. Nothing may
depend on an event arriving: the outbox and follow-ups also poll, and a page re-reads on every change.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]  # no type information ships with it

from . import events, settings
from .events import Bus, Event

log = logging.getLogger(__name__)

CHANNEL = 'tapdesk_bus'
MAX_PAYLOAD = 7900  # bytes; PostgreSQL refuses a notification payload of 8000 or more
MAX_WAITING = 10_000  # events held while the connection is down; older ones are dropped (pages re-read anyway)
FIRST_DELAY = 0.5  # seconds before the first reconnect; doubled up to LONGEST_DELAY
LONGEST_DELAY = 30.0
CHECK_EVERY = 15.0  # seconds between checks that a quiet connection is still there


def is_postgres(url: str) -> bool:
    return url.startswith(('postgres://', 'postgresql://', 'asyncpg://'))


def dsn(url: str) -> str:
    """Tortoise's database URL as asyncpg reads it (Tortoise's own options are not asyncpg's)."""
    parts = urlsplit(url)
    return urlunsplit(('postgresql', parts.netloc, parts.path, '', ''))


def encode(origin: str, topic: str, event: Event) -> str | None:
    """The event as a notification payload; None for an event that never leaves this process."""
    name = type(event).__name__
    if name not in events.EVENT_TYPES:
        return None
    payload = json.dumps({'o': origin, 't': topic, 'e': name, 'f': dataclasses.asdict(event)}, separators=(',', ':'))
    if len(payload.encode()) > MAX_PAYLOAD:
        log.error('event too large to send to the other instances: %s on %s', name, topic)
        return None
    return payload


def decode(payload: str) -> tuple[str, str, Event]:
    """(origin, topic, event) from a payload; ValueError for anything else."""
    try:
        data = json.loads(payload)
        kind = events.EVENT_TYPES[data['e']]
        topic, origin, fields_ = data['t'], data['o'], data['f']
        if not (isinstance(topic, str) and isinstance(origin, str) and isinstance(fields_, dict)):
            raise ValueError('bad shape')
        return origin, topic, kind(**fields_)
    except (KeyError, TypeError, json.JSONDecodeError) as e:
        raise ValueError(f'not a Tapdesk event: {payload[:200]!r}') from e


@dataclass
class Link:
    """One instance's link to the others. `send` is what `Bus.link` calls; `start`/`stop` run it."""

    url: str
    bus: Bus
    channel: str = CHANNEL
    origin: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    connected: bool = False
    connects: int = 0  # successful connections so far (the first, then each reconnect)
    last_error: str = ''
    since: datetime | None = None  # when the current connection (or outage) began
    _waiting: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(MAX_WAITING))
    _task: asyncio.Task[None] | None = None
    _connection: Any = None

    def send(self, topic: str, event: Event) -> None:
        payload = encode(self.origin, topic, event)
        if payload is None:
            return
        if self._waiting.full():
            self._waiting.get_nowait()  # the oldest goes: after an outage the pages re-read anyway
        self._waiting.put_nowait(payload)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def stop(self, drain: float = 1.0) -> None:
        """Stop, after sending what waits (for up to `drain` seconds: an instance leaving says so)."""
        for _ in range(int(drain * 50)):
            if not (self.connected and self._waiting.qsize()):
                break
            await asyncio.sleep(0.02)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._close()

    def state(self) -> dict[str, Any]:
        return {
            'connected': self.connected,
            'reconnects': max(self.connects - 1, 0),
            'since': self.since.isoformat() if self.since else None,
            'last_error': self.last_error,
            'waiting': self._waiting.qsize(),
        }

    # ---- the connection -------------------------------------------------------------------------------------

    async def _run(self) -> None:
        delay = FIRST_DELAY
        while True:
            try:
                lost = await self._connect()
                delay = FIRST_DELAY
                if self.connects > 1:
                    self.bus.resync()  # what was published while we were away is lost: pages re-read
                await self._pass_on(lost)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # OSError, asyncpg's errors, a timeout: the same remedy
                self.last_error = f'{type(e).__name__}: {e}'[:300]
                log.warning('bus link to PostgreSQL lost (%s); reconnecting in %.1f s', self.last_error, delay)
            was_connected, self.connected = self.connected, False
            if was_connected:
                self.since = datetime.now(UTC)
            await self._close()
            await asyncio.sleep(delay)
            delay = min(delay * 2, LONGEST_DELAY)

    async def _connect(self) -> asyncio.Event:
        lost = asyncio.Event()
        # Named, so an operator (or a test) finds this instance's listener in pg_stat_activity.
        name = f'tapdesk bus {settings.settings.instance or events.INSTANCE}'[:63]
        connection = await asyncpg.connect(dsn(self.url), timeout=10, server_settings={'application_name': name})
        self._connection = connection
        connection.add_termination_listener(lambda _: lost.set())
        await connection.add_listener(self.channel, self._received)
        self.connected, self.connects, self.since = True, self.connects + 1, datetime.now(UTC)
        if self.connects > 1:
            log.warning('bus link to PostgreSQL is back')
        return lost

    async def _pass_on(self, lost: asyncio.Event) -> None:
        """Send what waits, in order, until the connection is lost (checked when quiet, too)."""
        while True:
            getting = asyncio.ensure_future(self._waiting.get())
            losing = asyncio.ensure_future(lost.wait())
            done, _ = await asyncio.wait({getting, losing}, timeout=CHECK_EVERY, return_when=asyncio.FIRST_COMPLETED)
            losing.cancel()
            if getting not in done:
                getting.cancel()
                if lost.is_set():
                    raise ConnectionError('the connection was closed')
                await self._connection.execute('SELECT 1', timeout=10)  # a quiet connection: still there?
                continue
            payload = getting.result()
            await self._connection.execute('SELECT pg_notify($1, $2)', self.channel, payload, timeout=10)

    def _received(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            origin, topic, event = decode(payload)
        except ValueError as e:
            log.warning('ignored a notification on %s: %s', self.channel, e)
            return
        if origin != self.origin:  # our own were delivered here when they were published
            self.bus.deliver(topic, event)

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), timeout=5)


# ---- the app's link ---------------------------------------------------------------------------------------

_link: Link | None = None


def start(url: str, bus: Bus = events.bus) -> Link | None:
    """On PostgreSQL: link this instance's bus to the others' (idempotent). SQLite keeps the in-process bus."""
    global _link
    if not is_postgres(url):
        return None
    if _link is None:
        _link = Link(url, bus)
        bus.link = _link.send
        _link.start()
    return _link


async def stop() -> None:
    global _link
    link, _link = _link, None
    if link is not None:
        if link.bus.link == link.send:
            link.bus.link = None
        await link.stop()


def current() -> Link | None:
    return _link
