"""Database wiring: Tortoise config, migrations, start and stop."""

from __future__ import annotations

import asyncio
import fcntl
from pathlib import Path
from typing import IO, Any

from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as run_migrations

from . import MODEL_MODULES, settings


def config(url: str | None = None) -> dict[str, Any]:
    url = url or settings.settings.database_url
    if url.startswith('sqlite://') and url != 'sqlite://:memory:':
        # WAL lets readers run beside the writer; the busy timeout waits out a CLI writing meanwhile.
        sep = '&' if '?' in url else '?'
        url = f'{url}{sep}journal_mode=WAL&busy_timeout=5000&foreign_keys=ON'
    return {
        'connections': {'default': url},
        'apps': {
            'models': {'models': MODEL_MODULES, 'default_connection': 'default', 'migrations': 'models.migrations'}
        },
        'use_tz': True,
        'timezone': 'UTC',
    }


def _prepare(url: str) -> None:
    if url.startswith('sqlite://') and url != 'sqlite://:memory:':
        settings.settings.data_dir.mkdir(parents=True, exist_ok=True)


async def migrate(url: str | None = None) -> None:
    """Bring the schema up to date; never drops data."""
    url = url or settings.settings.database_url
    _prepare(url)
    async with TortoiseContext():  # its own context: the app's connections are not touched
        await run_migrations(config=config(url))


_app_context: TortoiseContext | None = None
_starting: asyncio.Future[None] | None = None
_app_url = ''


async def start(url: str | None = None) -> None:
    """Migrate, then connect for the app (idempotent: NiceGUI's test fixture re-runs start-up)."""
    global _starting
    if _starting is None or _starting.get_loop() is not asyncio.get_running_loop():
        _starting = asyncio.ensure_future(_start(url))  # one start at a time, even if asked twice at once
    await asyncio.shield(_starting)


async def _start(url: str | None) -> None:
    global _app_context, _app_url
    url = url or settings.settings.database_url
    if _app_context is not None and _app_url == url:
        return
    if _app_context is not None:  # a database left from an earlier run in this process (tests)
        await _close()
    await migrate(url)
    ctx = TortoiseContext().__enter__()
    # The global fallback lets every request task see the context set up in the start-up task.
    await ctx.init(config=config(url), _enable_global_fallback=True)
    _app_context, _app_url = ctx, url


async def ready() -> None:
    """Wait until start-up has connected: NiceGUI runs start-up handlers as tasks, so a first request
    (or a test) can arrive before the database is ready."""
    for _ in range(6000):  # a plain poll: an asyncio.Event would be tied to one event loop
        if _app_context is not None and _app_url == settings.settings.database_url:
            return
        await asyncio.sleep(0.01)
    raise RuntimeError('The database did not start within 60 s.')


async def stop() -> None:
    global _starting
    _starting = None
    await _close()


async def _close() -> None:
    global _app_context
    if _app_context is not None:
        ctx, _app_context = _app_context, None
        await ctx.close_connections()
        try:
            ctx.__exit__(None, None, None)
        except ValueError:  # stopped from another task than the one that started it: nothing to restore
            pass


# ---- one SQLite file, one server process ------------------------------------------------------------------

_held: dict[str, IO[bytes]] = {}  # lock files this process holds, by database file, for its whole life


def hold_the_only_server(url: str) -> str:
    """Before serving: make this process the only server on a SQLite file ('' when it is, else why not).

    Pages' live updates and "who is viewing" travel inside one process; a second server on the same file would
    show stale pages, and two processes writing one SQLite file wait on each other. The command-line tools
    (migrate, createuser) may still use the file meanwhile. The lock goes with the process, even a killed one."""
    if not url.startswith('sqlite://') or url == 'sqlite://:memory:':
        return ''
    path = Path(url.removeprefix('sqlite://').split('?', 1)[0]).resolve()
    if str(path) in _held:
        return ''
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = open(path.with_name(path.name + '.server'), 'ab')  # noqa: SIM115  (held open until the process ends)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return (
            f'Tapdesk is already running on {path}. One SQLite database serves one Tapdesk process: stop the '
            'other one first, or, to run several instances, give them a shared PostgreSQL database '
            '(TAPDESK_DATABASE_URL=postgres://...; see "Several instances" in the README).'
        )
    _held[str(path)] = lock
    return ''


TORTOISE_ORM = config('sqlite://:memory:')  # for `tortoise -c models.db.TORTOISE_ORM makemigrations`
