"""Page tests: NiceGUI's `user` fixture runs main.py against a fresh database per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace

import asyncpg
import pytest
from nicegui.testing import User

from models import events, presence, settings
from tests.personas import PASSWORD, make_personas

PG = os.environ.get('TAPDESK_TEST_POSTGRES_URL')


@pytest.fixture(params=['sqlite'] + (['postgres'] if PG else []))
async def app_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Point the app at a database of its own for this test (SQLite file, or a new PostgreSQL database)."""
    if request.param == 'sqlite':
        yield f'sqlite://{tmp_path / "tapdesk.sqlite3"}'
        return
    assert PG is not None
    name = f'tapdesk_page_{uuid.uuid4().hex[:12]}'
    admin = await asyncpg.connect(PG.replace('postgres://', 'postgresql://'))
    await admin.execute(f'CREATE DATABASE {name}')
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
