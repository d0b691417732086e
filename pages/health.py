"""GET /healthz: is this instance fit to serve? For the reverse proxy's checks and for people.

    {"status": "ok" | "degraded" | "down", "instance": "a",
     "database": {"ok": true, "kind": "sqlite" | "postgresql", "ms": 1.4},
     "bus": {"kind": "in-process"} or {"kind": "postgresql", "connected": true, "reconnects": 0, ...},
     "workers": {"push": {"here": "running" | "stopped" | "off", "due": 0, "oldest_due_s": 0.0},
                 "followups": {"here": "on" | "off", "due": 0, "oldest_due_s": 0.0}}}

503 only when the database cannot be reached (the proxy should send people elsewhere). "degraded" (200) when
this instance can serve pages but something needs a look: its link to the other instances is down (their
changes do not reach its pages live), its push worker stopped, or due work has waited longer than LATE (no
instance is keeping up). No sign-in needed; nothing personal is in the answer.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from tortoise import connections

from models import clock, db, events, followups, outbox, pg_bus, settings

LATE = 300.0  # seconds: due work older than this means no worker is keeping up
DATABASE_WAIT = 5.0  # seconds before an unanswered database counts as down


def setup(api: FastAPI) -> None:
    @api.get('/healthz', include_in_schema=False)
    async def healthz() -> JSONResponse:
        answer = await check()
        status = 503 if answer['status'] == 'down' else 200
        return JSONResponse(answer, status_code=status, headers={'Cache-Control': 'no-store'})


async def check() -> dict[str, Any]:
    database = await _database()
    if not database['ok']:
        return {'status': 'down', 'instance': _instance(), 'database': database, 'bus': _bus(), 'workers': {}}
    now = clock.now()
    pushes, jobs = await outbox.backlog(now), await followups.backlog(now)
    workers = {
        'push': {'here': _push_here(), 'due': pushes.due, 'oldest_due_s': round(pushes.waited(now), 1)},
        'followups': {
            'here': 'on' if settings.settings.followups else 'off',
            'due': jobs.due,
            'oldest_due_s': round(jobs.waited(now), 1),
        },
    }
    bus = _bus()
    trouble = (
        bus.get('connected') is False
        or workers['push']['here'] == 'stopped'
        or max(pushes.waited(now), jobs.waited(now)) > LATE
    )
    status = 'degraded' if trouble else 'ok'
    return {'status': status, 'instance': _instance(), 'database': database, 'bus': bus, 'workers': workers}


def _instance() -> str:
    """This instance's name (TAPDESK_INSTANCE, as the proxy knows it), else its id on the bus."""
    return settings.settings.instance or events.INSTANCE


async def _database() -> dict[str, Any]:
    url = settings.settings.database_url
    kind = 'postgresql' if pg_bus.is_postgres(url) else 'sqlite'
    started = time.perf_counter()
    try:
        await asyncio.wait_for(db.ready(), DATABASE_WAIT)
        await asyncio.wait_for(connections.get('default').execute_query('SELECT 1'), DATABASE_WAIT)
    except Exception as e:  # any failure to answer is "down"; the reason helps whoever reads it
        return {'ok': False, 'kind': kind, 'error': type(e).__name__}
    return {'ok': True, 'kind': kind, 'ms': round((time.perf_counter() - started) * 1000, 1)}


def _bus() -> dict[str, Any]:
    link = pg_bus.current()
    return {'kind': 'in-process'} if link is None else {'kind': 'postgresql', **link.state()}


def _push_here() -> str:
    from pwa import push

    if not settings.settings.push_worker:
        return 'off'
    return 'running' if push.worker_running() else 'stopped'
