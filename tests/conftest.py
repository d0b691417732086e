"""Shared by every test level: database per test, frozen clock, personas, a clean bus."""

from __future__ import annotations

import importlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import asyncpg
import pytest
from tortoise import connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import tortoise_test_context

from models import MODEL_MODULES, events, presence, settings
from models import clock as domain_clock
from models.catalog import Service
from models.users import User
from tests.personas import make_personas

POSTGRES_URL = os.environ.get('TAPDESK_TEST_POSTGRES_URL')
BACKENDS = ['sqlite'] + (['postgres'] if POSTGRES_URL else [])
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Uploads go to this test's directory; nothing a test changes outlives it."""
    monkeypatch.setenv('TAPDESK_DATA_DIR', str(tmp_path))
    settings.reload()
    # Tortoise caches INSERT/UPDATE SQL by connection name, not by dialect: a PostgreSQL test after a
    # SQLite one (both "default") would reuse SQLite's `?` placeholders.
    EXECUTOR_CACHE.clear()
    yield
    domain_clock.set_source(None)
    events.bus.clear()
    presence.clear()
    monkeypatch.undo()
    settings.reload()


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """In-memory SQLite; also PostgreSQL when TAPDESK_TEST_POSTGRES_URL is set (a new database per test)."""
    if request.param == 'sqlite':
        yield 'sqlite://:memory:'
        return
    name = f'tapdesk_test_{uuid.uuid4().hex[:12]}'  # unique: parallel runs share the server
    yield f'{_postgres_base()}/{name}'
    # tortoise_test_context creates the database but never drops it.
    await postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def postgres_admin(sql: str) -> None:
    """Run CREATE/DROP DATABASE from the server's maintenance database."""
    connection = await asyncpg.connect(f'{_postgres_base()}/postgres')
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _postgres_base() -> str:
    assert POSTGRES_URL is not None
    return POSTGRES_URL.rsplit('/', 1)[0]


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[None]:
    async with tortoise_test_context(MODEL_MODULES, db_url=db_url):
        await make_search_index()
        yield


async def make_search_index() -> None:
    """generate_schemas makes the models' tables; the articles' search index is its migration's own SQL."""
    index = importlib.import_module('models.migrations.0012_articles')
    await index.search_index(None, SimpleNamespace(client=connections.get('default')))


class FrozenClock:
    """The domain's clock, standing still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FrozenClock:
    frozen = FrozenClock(START)
    domain_clock.set_source(lambda: frozen.now)
    return frozen


@pytest.fixture
async def people(db: None, clock: FrozenClock) -> SimpleNamespace:
    return await make_personas(clock.now)


@pytest.fixture
def requester(people: SimpleNamespace) -> User:
    """Alex, Staff."""
    return people.requester


@pytest.fixture
def colleague(people: SimpleNamespace) -> User:
    """Casey, Staff too: same category, still not allowed to see Alex's tickets."""
    return people.colleague


@pytest.fixture
def outsider(people: SimpleNamespace) -> User:
    """Otto, Contractors: sees the printer, not the Wi-Fi."""
    return people.outsider


@pytest.fixture
def technician(people: SimpleNamespace) -> User:
    return people.technician


@pytest.fixture
def technician2(people: SimpleNamespace) -> User:
    return people.technician2


@pytest.fixture
def manager(people: SimpleNamespace) -> User:
    return people.manager


@pytest.fixture
def wifi(people: SimpleNamespace) -> Service:
    return people.wifi


@pytest.fixture
def printer(people: SimpleNamespace) -> Service:
    return people.printer
