"""Page tests: NiceGUI's `user` fixture runs main.py against a fresh database per test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import asyncpg
import pytest
from nicegui.testing import User

from models import events, presence, ratings, settings, sla, tickets
from models.catalog import Priority
from models.tickets import Ticket
from models.users import User as Person
from tests.personas import PASSWORD, make_personas

PG = os.environ.get('TAPDESK_TEST_POSTGRES_URL')
ROOT = Path(__file__).resolve().parents[2]


MIGRATE = 'import asyncio, sys\nfrom models import db\nasyncio.run(db.migrate(sys.argv[1]))'


@pytest.fixture(scope='session')
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The schema, migrated once per run: each page test starts from a copy (a file copy for SQLite, a
    template for PostgreSQL) instead of running every migration again. The app still migrates on start,
    which then finds nothing to do."""
    folder = tmp_path_factory.mktemp('migrated')
    subprocess.run([sys.executable, '-c', MIGRATE, f'sqlite://{folder / "tapdesk.sqlite3"}'], check=True, cwd=ROOT)
    made = {'sqlite': str(folder)}
    if PG:
        made['postgres'] = f'tapdesk_page_template_{uuid.uuid4().hex[:10]}'
        subprocess.run(['psql', PG, '-qc', f'CREATE DATABASE {made["postgres"]}'], check=True)
        subprocess.run(
            [sys.executable, '-c', MIGRATE, f'{PG.rsplit("/", 1)[0]}/{made["postgres"]}'], check=True, cwd=ROOT
        )
    yield made
    if PG:
        subprocess.run(['psql', PG, '-qc', f'DROP DATABASE IF EXISTS {made["postgres"]} WITH (FORCE)'], check=False)


def _copy_database(source: Path, target: Path) -> None:
    for file in source.glob('tapdesk.sqlite3*'):
        shutil.copy(file, target / file.name)


@pytest.fixture(params=['sqlite'] + (['postgres'] if PG else []))
async def app_database(request: pytest.FixtureRequest, tmp_path: Path, migrated: dict[str, str]) -> AsyncIterator[str]:
    """Point the app at a database of its own for this test (SQLite file, or a new PostgreSQL database)."""
    if request.param == 'sqlite':
        _copy_database(Path(migrated['sqlite']), tmp_path)
        yield f'sqlite://{tmp_path / "tapdesk.sqlite3"}'
        return
    assert PG is not None
    name = f'tapdesk_page_{uuid.uuid4().hex[:12]}'
    admin = await asyncpg.connect(PG.replace('postgres://', 'postgresql://'))
    await admin.execute(f'CREATE DATABASE {name} TEMPLATE {migrated["postgres"]}')
    try:
        yield PG.rsplit('/', 1)[0] + f'/{name}'
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
        await admin.close()


@pytest.fixture(autouse=True)
def app_environment(app_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv('TAPDESK_DATA_DIR', str(tmp_path / 'data'))
    monkeypatch.setenv('TAPDESK_DATABASE_URL', app_database)
    monkeypatch.setenv('TAPDESK_PUSH_WORKER', '0')  # no delivery worker unless a test starts one
    monkeypatch.setenv('TAPDESK_FOLLOWUPS', '0')  # nor the follow-up scheduler
    settings.reload()
    yield
    events.bus.clear()
    presence.clear()
    settings.reload()


@pytest.fixture(autouse=True)
def patient_should_see(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wait up to 5 s for things to appear (not 0.3 s): a loaded 2-core CI box hashes passwords slowly."""
    original = User.should_see

    async def should_see(self: User, *args: object, retries: int = 50, **kwargs: object) -> None:
        await original(self, *args, retries=retries, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(User, 'should_see', should_see)


@pytest.fixture
async def people(user: User) -> SimpleNamespace:
    """The shared personas (tests/personas.py), created once the app (and so the database) has started."""
    from models import db

    await db.ready()
    return await make_personas()


async def sign_in(user: User, email: str, password: str = PASSWORD) -> None:
    await user.open('/login')
    user.find(marker='email').type(email)
    user.find(marker='password').type(password)
    user.find(marker='sign-in').click()
    if password == PASSWORD:
        await user.should_see(marker='sign-out')  # wait for the navigation that follows signing in


# ---- figures to measure (/my-figures, /measures/weekly) ----------------------------------------------------------


async def wifi_targets(people: SimpleNamespace) -> None:
    """Wi-Fi is answered within 1 h and fixed within 4 h (around the clock); the printer has no target."""
    await sla.set_target(
        actor=people.manager, service_id=people.wifi.id, priority=Priority.NORMAL, first_response_minutes=60,
        resolution_minutes=240,
    )  # fmt: skip


async def job(
    who: Person, service_id: int, tech: Person, reported: datetime, answer: float, fix: float,
    rated: tuple[int, datetime] | None = None,
) -> Ticket:  # fmt: skip
    """A request `who` reported at `reported`, taken by `tech` at once, answered after `answer` hours and fixed
    after `fix` hours; `rated`: the score `who` gave the fix, and when."""
    t = await tickets.create_ticket(requester=who, service_id=service_id, title='Help', now=reported)
    await tickets.take(t.id, technician=tech, now=reported)
    await tickets.reply(t.id, 'On it', author=tech, now=reported + timedelta(hours=answer))
    await tickets.resolve(t.id, 'Done', actor=tech, now=reported + timedelta(hours=fix))
    if rated is not None:
        await ratings.rate(t.id, rated[0], actor=who, now=rated[1])
    return t
