"""The backups docs/deploy.md describes, taken and restored for real: SQLite's online `.backup` and PostgreSQL's
`pg_dump`/`pg_restore`. The restored copy holds every row of every table the original held: tickets,
comments, ratings and the notifications still queued."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import POSTGRES_URL
from tests.push_service import BrowserDevice

ROOT = Path(__file__).resolve().parents[2]

WRITE = """
import asyncio, json, sys
from models import db, ratings, tickets, users
from models.catalog import save_service
from models.notifications import subscribe
from models.users import Role

async def main():
    await db.start()
    try:
        staff = await users.create_category('Staff', actor=None)
        alex = await users.create_user(email='alex@example.com', name='Alex Kim', password='a long password',
                                       role=Role.REQUESTER, category_id=staff.id, actor=None)
        sam = await users.create_user(email='sam@example.com', name='Sam Rivera', password='a long password',
                                      role=Role.TECHNICIAN, actor=None)
        service = await save_service(actor=None, name='Printer', category_ids=[staff.id])
        await subscribe(alex, endpoint=sys.argv[1], keys=json.loads(sys.argv[2]))
        for n in range(3):
            ticket = await tickets.create_ticket(requester=alex, service_id=service.id, title=f'Printer {n} jams')
            await tickets.take(ticket.id, technician=sam)
            await tickets.reply(ticket.id, 'Cleared the paper path, try now?', author=sam)
            await tickets.resolve(ticket.id, 'Replaced the roller', actor=sam)
            await ratings.rate(ticket.id, 5 - n, actor=alex)
    finally:
        await db.stop()

asyncio.run(main())
"""

TABLES_THAT_MUST_HOLD_ROWS = ('ticket', 'ticket_event', 'rating', 'push_outbox', 'user')


def environment(data: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST', 'NICEGUI'))}
    env.update(TAPDESK_DATA_DIR=str(data), TAPDESK_PUSH_ALLOW_LOOPBACK='1', TAPDESK_PUSH_WORKER='0')
    env.pop('TAPDESK_DATABASE_URL', None)
    if database_url:
        env['TAPDESK_DATABASE_URL'] = database_url
    return env


async def write_a_day(env: dict[str, str]) -> None:
    device = BrowserDevice('http://127.0.0.1:9/push/alex')  # nothing is sent: no worker runs
    script = await asyncio.create_subprocess_exec(
        sys.executable, '-c', WRITE, device.endpoint, json.dumps(device.keys()), cwd=ROOT, env=env
    )
    assert await script.wait() == 0


async def run(*command: str) -> None:
    process = await asyncio.create_subprocess_exec(*command)
    assert await process.wait() == 0, command


def sqlite_tables(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}


async def postgres_tables(url: str) -> dict[str, list[tuple]]:
    conn = await asyncpg.connect(url)
    try:
        names = [
            r['tablename']
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ]
        return {
            name: sorted((tuple(r) for r in await conn.fetch(f'SELECT * FROM "{name}"')), key=repr) for name in names
        }
    finally:
        await conn.close()


async def test_an_sqlite_backup_restores_every_row(tmp_path: Path) -> None:
    if not shutil.which('sqlite3'):
        pytest.fail("the sqlite3 command is missing: .ci/run installs Debian's sqlite3", pytrace=False)
    data = tmp_path / 'data'
    await write_a_day(environment(data))
    original = data / 'tapdesk.sqlite3'
    backup = tmp_path / 'backup.sqlite3'
    # As docs/deploy.md says, with a connection holding the database open meanwhile (the running server).
    with sqlite3.connect(original) as running:
        running.execute('SELECT count(*) FROM ticket').fetchone()
        await run('sqlite3', str(original), f".backup '{backup}'")
    restored = tmp_path / 'restored' / 'tapdesk.sqlite3'
    restored.parent.mkdir()
    shutil.copy(backup, restored)
    before, after = sqlite_tables(original), sqlite_tables(restored)
    assert after == before
    for table in TABLES_THAT_MUST_HOLD_ROWS:
        assert after[table], f'{table} is empty: the test wrote nothing to compare'


@pytest.mark.skipif(POSTGRES_URL is None and not os.environ.get('CI'), reason='TAPDESK_TEST_POSTGRES_URL not set')
async def test_a_postgresql_dump_restores_every_row_into_an_empty_database(tmp_path: Path) -> None:
    assert POSTGRES_URL is not None, 'CI sets TAPDESK_TEST_POSTGRES_URL'
    base = POSTGRES_URL.rsplit('/', 1)[0]
    name = f'tapdesk_backup_{uuid.uuid4().hex[:10]}'
    admin = await asyncpg.connect(f'{base}/postgres')
    try:
        await admin.execute(f'CREATE DATABASE {name}')
        await write_a_day(environment(tmp_path / 'data', f'{base}/{name}'))
        dump = tmp_path / 'tapdesk.dump'
        await run('pg_dump', '--format=custom', f'--file={dump}', f'{base}/{name}')
        await admin.execute(f'CREATE DATABASE {name}_restored')
        await run('pg_restore', '--no-owner', f'--dbname={base}/{name}_restored', str(dump))
        before = await postgres_tables(f'{base}/{name}')
        after = await postgres_tables(f'{base}/{name}_restored')
        assert after == before
        for table in TABLES_THAT_MUST_HOLD_ROWS:
            assert after[table], f'{table} is empty: the test wrote nothing to compare'
    finally:
        for db in (name, f'{name}_restored'):
            await admin.execute(f'DROP DATABASE IF EXISTS {db} WITH (FORCE)')
        await admin.close()
