"""Suggestions while typing, at size: how long `articles.suggest` takes with 10,000 articles and 1,000,000 tickets
in the database, on SQLite and on PostgreSQL.

For each database a fresh one is migrated (the real migrations, so the real search index), then filled in bulk:
`--articles` published articles (titles and steps made from an IT vocabulary, each for one of 12 services,
some for one requester group only) indexed through `article_index.update` as publishing does, and `--tickets`
tickets with a timeline line each (plain INSERTs or COPY: the verbs would take hours). Then a requester types:
every phrase of a realistic list is replayed keystroke by keystroke from the third character (what the
debounced form would ask at worst), typos included, with and without a chosen service, and each
`articles.suggest` call is timed in-process (the database's work plus Tapdesk's ranking and permission
filter; no HTTP). Aim: p95 under 50 ms.

Run:  .venv/bin/python bench/self_help.py [--articles 10000] [--tickets 1000000] [--postgres URL | --no-postgres]
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

from models import article_index, articles, db, settings  # noqa: E402
from models.users import Role, User  # noqa: E402

SERVICES = [
    'Wi-Fi & network', 'Laptop or PC', 'Printer & scanner', 'Phone & tablet', 'Email & calendar',
    'Access & passwords', 'Teams & meetings', 'VPN & remote work', 'Software install', 'Files & OneDrive',
    'Desk phone', 'Something else',
]  # fmt: skip
THINGS = [
    'printer', 'toner', 'paper jam', 'scanner', 'laptop', 'dock', 'monitor', 'keyboard', 'mouse', 'battery',
    'charger', 'wifi', 'network', 'vpn', 'outlook', 'calendar', 'mailbox', 'password', 'account', 'badge',
    'teams', 'camera', 'microphone', 'headset', 'onedrive', 'sharepoint', 'drive', 'folder', 'licence', 'excel',
    'word', 'browser', 'certificate', 'phone', 'tablet', 'sim', 'bluetooth', 'projector', 'screen', 'update',
]  # fmt: skip
PROBLEMS = [
    'not working', 'keeps dropping', 'will not start', 'very slow', 'asks for a password', 'not detected',
    'shows an error', 'cannot connect', 'out of space', 'locked', 'no sound', 'blank', 'freezes', 'missing',
    'not syncing', 'expired', 'wrong time', 'prints nothing', 'flickers', 'overheats',
]  # fmt: skip
STEPS = [
    'Restart it and wait a minute.', 'Check the cable is pushed in all the way.', 'Sign out and sign in again.',
    'Open Settings, then Devices.', 'Remove the saved credentials.', 'Update from the Software Center.',
    'Forget the network and join it again.', 'Hold the power button for 15 seconds.', 'Clear the cache.',
    'Ask reception for a new badge.', 'Reseat the cartridge.', 'Turn off power saving for the adapter.',
]  # fmt: skip
TYPED = [  # what requesters type, typos included
    'printer jam', 'printer prints blank pages', 'toner empty', 'laptop very slow', 'wifi keeps dropping',
    'outlook asks for password', 'outlok pasword', 'vpn cannot connect from home', 'second monitor not detected',
    'teams camera not working', 'microphone no sound in teams', 'forgot my password', 'account locked',
    'onedrive not syncing', 'disk out of space', 'badge expired door', 'pritner scanner error', 'dock flickers',
    'excel licence expired', 'phone sim missing', 'bluetooth headset', 'projector no signal', 'certificate expired',
    'calender missing invites', 'keyboard not working', 'laptop will not start', 'screen flickers',
]  # fmt: skip


async def fill(n_articles: int, n_tickets: int, seed: int = 7) -> dict[str, int]:
    """Services, groups, people, articles (indexed) and tickets, in bulk; returns ids the replay needs."""
    rng = random.Random(seed)
    conn = connections.get('default')
    postgres = conn.capabilities.dialect == 'postgres'
    now = datetime.now(UTC)
    await conn.execute_query("INSERT INTO category (name) VALUES ('Staff'), ('Field sites')")
    cats = [r['id'] for r in await conn.execute_query_dict('SELECT id FROM category ORDER BY id')]
    for name in SERVICES:
        await conn.execute_query(
            'INSERT INTO service (name, description, icon, default_priority, active, peers_may_help) '
            + ("VALUES ($1, '', 'help', 2, true, false)" if postgres else "VALUES (?, '', 'help', 2, 1, 0)"),
            [name],
        )
    services = [r['id'] for r in await conn.execute_query_dict('SELECT id FROM service ORDER BY id')]
    pair = '($1, $2)' if postgres else '(?, ?)'
    for s in services:
        for c in cats:
            await conn.execute_query(f'INSERT INTO service_category (service_id, category_id) VALUES {pair}', [s, c])
    requester = await User.create(
        email='riley@example.org', name='Riley Brooks', password_hash='x', role=Role.REQUESTER,
        category_id=cats[0], created_at=now,
    )  # fmt: skip
    author = await User.create(
        email='sam@example.org', name='Sam Okafor', password_hash='x', role=Role.TECHNICIAN, created_at=now
    )
    started = time.perf_counter()
    for i in range(n_articles):
        thing, problem = rng.choice(THINGS), rng.choice(PROBLEMS)
        title = f'{thing.capitalize()} {problem}' + (f' ({i})' if i >= len(THINGS) * len(PROBLEMS) else '')
        body = '\n'.join(f'{k + 1}. {step}' for k, step in enumerate(rng.sample(STEPS, 3)))
        body += f'\n\nApplies to the {rng.choice(THINGS)} and the {rng.choice(THINGS)}.'
        article = await articles.Article.create(
            title=title, body=body, state=articles.State.PUBLISHED, author=author, owner=author,
            created_at=now, updated_at=now, published_at=now, reviewed_at=now,
        )  # fmt: skip
        await article.services.add(await articles.Service.get(id=rng.choice(services)))
        if rng.random() < 0.1:
            await article.categories.add(await articles.Category.get(id=rng.choice(cats)))
        await article_index.update(article.id, title, body, listed=True)
    articles_s = time.perf_counter() - started
    started = time.perf_counter()
    await _tickets(conn, postgres, n_tickets, requester.id, services, now, rng)
    tickets_s = time.perf_counter() - started
    return {
        'requester_id': requester.id,
        'services': services,
        'fill_articles_s': round(articles_s, 1),
        'fill_tickets_s': round(tickets_s, 1),
    }  # type: ignore[dict-item]


async def _tickets(conn, postgres: bool, n: int, requester_id: int, services: list[int], now: datetime, rng) -> None:
    columns = (
        'title', 'details', 'location', 'service_id', 'requester_id', 'priority', 'status', 'resolution',
        'reopen_count', 'created_at', 'updated_at', 'peers_may_help',
    )  # fmt: skip
    chunk = 20_000
    for start in range(0, n, chunk):
        rows = []
        for i in range(start, min(n, start + chunk)):
            at = now - timedelta(minutes=i)
            rows.append((
                f'{rng.choice(THINGS).capitalize()} {rng.choice(PROBLEMS)}', 'It started this morning.', '',
                rng.choice(services), requester_id, 2, 'closed', 'Fixed', 0, at, at, False,
            ))  # fmt: skip
        if postgres:
            raw = conn._pool if hasattr(conn, '_pool') else None
            async with raw.acquire() as c:  # type: ignore[union-attr]
                await c.copy_records_to_table('ticket', records=rows, columns=list(columns))
        else:
            marks = ', '.join('?' * len(columns))
            sqlite = conn._connection  # aiosqlite: one executemany per chunk
            await sqlite.executemany(
                f'INSERT INTO ticket ({", ".join(columns)}) VALUES ({marks})',
                [(*r[:9], r[9].isoformat(), r[10].isoformat(), int(r[11])) for r in rows],
            )
            await sqlite.commit()


def keystrokes() -> list[str]:
    """Every prefix of every phrase from the third character: what the form could ask while someone types."""
    return [phrase[:k] for phrase in TYPED for k in range(3, len(phrase) + 1)]


async def replay(requester_id: int, services: list[int]) -> dict[str, float | int]:
    requester = await User.get(id=requester_id)
    timings: list[float] = []
    found = 0
    for service_id in (None, services[2]):  # no service chosen yet, and "Printer & scanner"
        for typed in keystrokes():
            started = time.perf_counter()
            result = await articles.suggest(requester, typed, service_id=service_id)
            timings.append((time.perf_counter() - started) * 1000)
            found += bool(result)
    cuts = statistics.quantiles(timings, n=100, method='inclusive')
    return {
        'queries': len(timings),
        'with_suggestions': found,
        'p50_ms': round(cuts[49], 2),
        'p95_ms': round(cuts[94], 2),
        'max_ms': round(max(timings), 2),
    }


async def one(url: str, n_articles: int, n_tickets: int) -> dict:
    EXECUTOR_CACHE.clear()  # Tortoise caches INSERT SQL per connection name, not per database: '?' is not '$1'
    await db.start(url)
    try:
        made = await fill(n_articles, n_tickets)
        await replay(made['requester_id'], made['services'])  # warm-up: caches, prepared statements
        figures = await replay(made['requester_id'], made['services'])
        return {**figures, 'fill_articles_s': made['fill_articles_s'], 'fill_tickets_s': made['fill_tickets_s']}
    finally:
        await db.stop()


async def run(args: argparse.Namespace) -> dict:
    result: dict = {'articles': args.articles, 'tickets': args.tickets, 'aim_p95_ms': 50}
    with tempfile.TemporaryDirectory(prefix='tapdesk-self-help-') as folder:
        os.environ['TAPDESK_DATA_DIR'] = folder
        settings.reload()
        result['sqlite'] = await one(f'sqlite://{Path(folder) / "tapdesk.sqlite3"}', args.articles, args.tickets)
        print(f'SQLite: {result["sqlite"]}', flush=True)
    if args.postgres:
        base = args.postgres.rsplit('/', 1)[0]
        name = f'tapdesk_self_help_{uuid.uuid4().hex[:10]}'
        admin = await asyncpg.connect(f'{base}/postgres')
        await admin.execute(f'CREATE DATABASE {name}')
        try:
            result['postgres'] = await one(f'{base}/{name}', args.articles, args.tickets)
            print(f'PostgreSQL: {result["postgres"]}', flush=True)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
            await admin.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--articles', type=int, default=10_000)
    parser.add_argument('--tickets', type=int, default=1_000_000)
    parser.add_argument(
        '--postgres', default=os.environ.get('TAPDESK_TEST_POSTGRES_URL', 'postgres://postgres@127.0.0.1:5432/test')
    )
    parser.add_argument('--no-postgres', dest='postgres', action='store_const', const='')
    result = asyncio.run(run(parser.parse_args()))
    print(json.dumps(result))


if __name__ == '__main__':
    main()
