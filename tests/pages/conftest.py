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

PG = os.environ.get('TAPDESK_TEST_POSTGRES_URL')
PASSWORD = 'correct horse'


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
    """Personas, created once the app (and so the database) has started."""
    from models import catalog, db, users
    from models.users import Role
    from models.users import User as Person

    await db.ready()
    password_hash = await _hash()
    staff = await users.Category.create(name='Staff')
    contractors = await users.Category.create(name='Contractors')

    async def person(email: str, name: str, role: Role, category: users.Category | None = None) -> Person:
        from models import clock

        return await Person.create(
            email=email, name=name, role=role, category=category, password_hash=password_hash, created_at=clock.now()
        )

    wifi = await catalog.save_service(
        actor=None, name='Wi-Fi', description='No connection', icon='wifi', category_ids=[staff.id]
    )
    printer = await catalog.save_service(
        actor=None, name='Printer', description='Jams, toner', icon='print', category_ids=[staff.id, contractors.id]
    )
    return SimpleNamespace(
        staff=staff,
        contractors=contractors,
        wifi=wifi,
        printer=printer,
        requester=await person('alex@example.com', 'Alex Kim', Role.REQUESTER, staff),
        colleague=await person('casey@example.com', 'Casey Lee', Role.REQUESTER, staff),
        outsider=await person('otto@example.com', 'Otto Out', Role.REQUESTER, contractors),
        technician=await person('sam@example.com', 'Sam Rivera', Role.TECHNICIAN),
        technician2=await person('priya@example.com', 'Priya Shah', Role.TECHNICIAN),
        manager=await person('maria@example.com', 'Maria Manager', Role.MANAGER),
    )


_hash_cache: list[str] = []


async def _hash() -> str:
    if not _hash_cache:
        from models import users

        _hash_cache.append(await users.hash_password(PASSWORD))
    return _hash_cache[0]


async def sign_in(user: User, email: str, password: str = PASSWORD) -> None:
    await user.open('/login')
    user.find(marker='email').type(email)
    user.find(marker='password').type(password)
    user.find(marker='sign-in').click()
    if password == PASSWORD:
        await user.should_see(marker='sign-out')  # wait for the navigation that follows signing in
