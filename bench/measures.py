"""The managers' measures at size: how long the default view of /measures takes to compute with 1,000,000
tickets (with timelines, ratings, callbacks and service-level targets), on SQLite and on PostgreSQL.

For each database a fresh one is migrated (the real migrations), then filled in bulk (plain INSERTs with
executemany on SQLite, COPY on PostgreSQL; the verbs would take hours): 12 services with targets (half of
them in working hours), a Europe/London working calendar, 20 technicians, 200 requesters, and `--tickets`
tickets reported over two years, each with a timeline (a "created" and, once fixed, a "resolved" line); most
are answered and fixed, most fixes rated, 5 % reopened once (a callback), one in ten with a need-by time.

Then the managers' default view is computed the way pages/measures.py asks for it (no HTTP, no NiceGUI): the
headline figures of the last 30 days beside the 30 days before (`measure_figures.figures`, which includes the
self-help and visit figures), the field figures, the per-service breakdown with its medians and compliance,
and the week-by-week trend. Each run is timed whole and per part; the first run warms caches.

The measures read tickets by when they were reported, answered and fixed, through the ticket indexes of the
migrations, and sort each ticket's counted seconds (report to first answer, report to fix), which the first
view writes into the ticket (models/measure_times.py `stamp`): the first view after filling is timed on its own
("first view", which counts ~160,000 answers and fixes), then the runs.

The expectation-gap view (/gaps per service, `gaps.gaps`) is timed the same way, separately.

Aim: under 1 s on SQLite for each view.

Run:  .venv/bin/python bench/measures.py [--tickets 1000000] [--runs 7] [--postgres URL | --no-postgres]
The last line printed is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import connections  # noqa: E402
from tortoise.backends.base.executor import EXECUTOR_CACHE  # noqa: E402

from models import db, deflections, field_measures, gaps, measure_figures, measures, settings  # noqa: E402
from models.measures import GroupBy  # noqa: E402
from models.users import Role, User  # noqa: E402

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SPAN_DAYS = 730
SERVICES = 12
TECHNICIANS = 20
REQUESTERS = 200
CHUNK = 20_000


async def fill(n: int, seed: int = 12) -> dict[str, float]:
    """Everything the measures read, in bulk; returns how long each part took."""
    rng = random.Random(seed)
    conn = connections.get('default')
    postgres = conn.capabilities.dialect == 'postgres'
    started = time.perf_counter()
    people = await _catalog(conn, postgres)
    catalog_s = time.perf_counter() - started
    started = time.perf_counter()
    await _tickets(conn, postgres, n, people, rng)
    return {'fill_catalog_s': round(catalog_s, 1), 'fill_tickets_s': round(time.perf_counter() - started, 1)}


async def _catalog(conn, postgres: bool) -> dict[str, list[int]]:
    yes, no = ('true', 'false') if postgres else ('1', '0')
    await conn.execute_query("INSERT INTO category (name) VALUES ('Staff'), ('Field sites')")
    for i in range(SERVICES):
        await conn.execute_query(
            'INSERT INTO service (name, description, icon, default_priority, active, peers_may_help) '
            f"VALUES ('Service {i + 1}', '', 'help', 2, {yes}, {no})"
        )
    services = [r['id'] for r in await conn.execute_query_dict('SELECT id FROM service ORDER BY id')]
    for k, s in enumerate(services):  # answer within 1–4 h, fix within 1–3 days; half in working hours
        working = yes if k % 2 else no
        await conn.execute_query(
            'INSERT INTO sla_target (service_id, priority, first_response_minutes, resolution_minutes, business_hours) '
            f'VALUES ({s}, 2, {60 * (1 + k % 4)}, {1440 * (1 + k % 3)}, {working})'
        )
    await conn.execute_query(
        'INSERT INTO working_calendar (id, timezone, days, start_minute, end_minute, at_risk_percent) '
        "VALUES (1, 'Europe/London', '12345', 540, 1020, 75)"
    )
    manager = await User.create(
        email='maria@example.org', name='Maria Lopez', password_hash='x', role=Role.MANAGER, created_at=NOW
    )
    techs = [
        (await User.create(email=f't{i}@example.org', name=f'Tech {i}', password_hash='x', role=Role.TECHNICIAN,
                           created_at=NOW)).id
        for i in range(TECHNICIANS)
    ]  # fmt: skip
    requesters = [
        (await User.create(email=f'r{i}@example.org', name=f'Requester {i}', password_hash='x', role=Role.REQUESTER,
                           category_id=1 + i % 2, created_at=NOW)).id
        for i in range(REQUESTERS)
    ]  # fmt: skip
    return {'services': services, 'techs': techs, 'requesters': requesters, 'manager': [manager.id]}


TICKET_COLUMNS = (
    'id', 'title', 'details', 'location', 'service_id', 'requester_id', 'assignee_id', 'priority', 'status',
    'resolution', 'reopen_count', 'created_at', 'updated_at', 'first_response_at', 'resolved_at', 'closed_at',
    'peers_may_help', 'expected', 'needs_sooner', 'needed_by',
)  # fmt: skip
EVENT_COLUMNS = ('ticket_id', 'kind', 'actor_id', 'body', 'internal', 'data', 'created_at')
RATING_COLUMNS = ('ticket_id', 'requester_id', 'score', 'comment', 'fix_at', 'first_rated_at', 'rated_at')
CALLBACK_COLUMNS = ('ticket_id', 'actor_id', 'fix_at', 'created_at')


async def _tickets(conn, postgres: bool, n: int, people: dict[str, list[int]], rng: random.Random) -> None:
    start = NOW - timedelta(days=SPAN_DAYS)
    for first in range(0, n, CHUNK):
        tickets, events, rated, called = [], [], [], []
        for i in range(first + 1, min(n, first + CHUNK) + 1):
            created = start + timedelta(seconds=int(SPAN_DAYS * 86400 * (i - 1) / n))
            tech, who = rng.choice(people['techs']), rng.choice(people['requesters'])
            answered = created + timedelta(seconds=int(rng.expovariate(1 / 7200)))
            fixed = created + timedelta(seconds=int(rng.expovariate(1 / 130_000)) + 600)
            if fixed > NOW or rng.random() < 0.02:  # some never fixed: the backlog
                fixed = None
            answered = answered if answered < NOW else None
            status = 'closed' if fixed else ('in_progress' if answered else 'new')
            needed_by = created + timedelta(hours=rng.choice((8, 24, 72))) if rng.random() < 0.1 else None
            tickets.append((
                i, 'Printer jams', 'It started this morning.', '', rng.choice(people['services']), who, tech, 2,
                status, 'Fixed' if fixed else '', 0, created, fixed or answered or created, answered, fixed, fixed,
                False, '', needed_by is not None and needed_by < created + timedelta(days=1), needed_by,
            ))  # fmt: skip
            events.append((i, 'created', who, 'Printer jams', False, '{}', created))
            if fixed is None:
                continue
            events.append((i, 'resolved', tech, 'Fixed', False, '{"to": "resolved"}', fixed))
            if rng.random() < 0.05:  # an earlier fix that came back
                called.append((i, who, created + (fixed - created) / 2, created + (fixed - created) * 3 / 4))
            if rng.random() < 0.6:
                score = rng.choices((1, 2, 3, 4, 5), weights=(5, 7, 13, 35, 40))[0]
                rated.append((i, who, score, '', fixed, fixed + timedelta(hours=1), fixed + timedelta(hours=1)))
        await _insert(conn, postgres, 'ticket', TICKET_COLUMNS, tickets)
        await _insert(conn, postgres, 'ticket_event', EVENT_COLUMNS, events)
        await _insert(conn, postgres, 'rating', RATING_COLUMNS, rated)
        await _insert(conn, postgres, 'callback', CALLBACK_COLUMNS, called)
    if postgres:  # COPY with explicit ids leaves the sequence behind
        await conn.execute_query("SELECT setval('ticket_id_seq', (SELECT MAX(id) FROM ticket))")


async def _insert(conn, postgres: bool, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    if postgres:
        if table == 'ticket_event':  # jsonb from text
            rows = [(*r[:5], r[5], r[6]) for r in rows]
        async with conn._pool.acquire() as raw:
            await raw.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    sqlite = conn._connection  # aiosqlite: one executemany per chunk, times as Tortoise writes them
    marks = ', '.join('?' * len(columns))
    await sqlite.execute('BEGIN')  # the connection autocommits: without this, every row is its own transaction
    await sqlite.executemany(
        f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})',
        [tuple(_sqlite(v) for v in r) for r in rows],
    )
    await sqlite.commit()


def _sqlite(value: object) -> object:
    if isinstance(value, datetime):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    return value


async def default_view(manager: User) -> dict[str, float]:
    """What /measures computes when a manager opens it (30 days, per service, week by week): seconds per part."""
    until = datetime.combine(NOW.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)  # London = UTC now
    since = until - timedelta(days=30)
    parts: dict[str, float] = {}

    async def timed(name: str, work) -> None:  # noqa: ANN001
        started = time.perf_counter()
        await work
        parts[name] = time.perf_counter() - started

    await timed('headline', measure_figures.figures(actor=manager, since=since, until=until, now=NOW))
    await timed('field', field_measures.field_overall(actor=manager, since=since, until=until))
    await timed('per_service', measures.measures(actor=manager, since=since, until=until, group_by=GroupBy.SERVICE))
    await timed(
        'per_service_field',
        field_measures.field_measures(actor=manager, since=since, until=until, group_by=GroupBy.SERVICE),
    )
    await timed('per_service_times', measure_figures.compliance_by_service(actor=manager, since=since, until=until))
    await timed('trend', measures.measures(actor=manager, since=since, until=until, group_by=GroupBy.WEEK))
    await timed('self_help', deflections.by_service(actor=manager, since=since, until=until, now=NOW))
    parts['total'] = sum(parts.values())
    return parts


async def gap_view(manager: User) -> dict[str, float]:
    """What /gaps computes when a manager opens it: the gaps of the last 30 days per service."""
    until = datetime.combine(NOW.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    started = time.perf_counter()
    await gaps.gaps(actor=manager, since=until - timedelta(days=30), until=until, group_by=GroupBy.SERVICE)
    return {'total': time.perf_counter() - started}


async def measure(view, runs: int) -> dict:  # noqa: ANN001
    """The first view (it counts and stores the period's times), then `runs` timed views."""
    manager = await User.get(email='maria@example.org')
    started = time.perf_counter()
    await view(manager)
    first = time.perf_counter() - started
    totals, parts = [], {}
    for _ in range(runs):
        found = await view(manager)
        totals.append(found['total'])
        for name, seconds in found.items():
            parts.setdefault(name, []).append(seconds)
    totals.sort()
    return {
        'runs': runs,
        'first_view_ms': round(first * 1000, 1),
        'p50_ms': round(statistics.median(totals) * 1000, 1),
        'p95_ms': round(totals[max(0, round(0.95 * runs) - 1)] * 1000, 1),
        'parts_p50_ms': {k: round(statistics.median(v) * 1000, 1) for k, v in parts.items() if k != 'total'},
    }


async def one(url: str, n: int, runs: int) -> dict:
    EXECUTOR_CACHE.clear()  # Tortoise caches INSERT SQL per connection name, not per database: '?' is not '$1'
    await db.start(url)
    try:
        result: dict = await fill(n)
        await connections.get('default').execute_query('ANALYZE')
        for name, view in (('default_view', default_view), ('gap_view', gap_view)):
            result[name] = await measure(view, runs)
            print(f'  {name}: {result[name]}', flush=True)
        return result
    finally:
        await db.stop()


async def run(args: argparse.Namespace) -> dict:
    result: dict = {'tickets': args.tickets, 'runs': args.runs, 'aim_ms': 1000}
    with tempfile.TemporaryDirectory(prefix='tapdesk-measures-') as folder:
        os.environ['TAPDESK_DATA_DIR'] = folder
        settings.reload()
        print('SQLite:', flush=True)
        path = Path(folder) / 'tapdesk.sqlite3'
        result['sqlite'] = await one(f'sqlite://{path}', args.tickets, args.runs)
        result['sqlite']['file_mb'] = round(path.stat().st_size / 1e6)
    if args.postgres:
        base = args.postgres.rsplit('/', 1)[0]
        name = f'tapdesk_measures_{uuid.uuid4().hex[:10]}'
        admin = await asyncpg.connect(f'{base}/postgres')
        await admin.execute(f'CREATE DATABASE {name}')
        try:
            print('PostgreSQL:', flush=True)
            result['postgres'] = await one(f'{base}/{name}', args.tickets, args.runs)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
            await admin.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--tickets', type=int, default=1_000_000)
    parser.add_argument('--runs', type=int, default=7)
    parser.add_argument(
        '--postgres', default=os.environ.get('TAPDESK_TEST_POSTGRES_URL', 'postgres://postgres@127.0.0.1:5432/test')
    )
    parser.add_argument('--no-postgres', dest='postgres', action='store_const', const='')
    result = asyncio.run(run(parser.parse_args()))
    print(json.dumps(result))


if __name__ == '__main__':
    main()
