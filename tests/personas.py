"""The people and catalog every test level starts from (unit tests, page tests)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from types import SimpleNamespace

from argon2 import PasswordHasher

from models import catalog, clock
from models.users import Category, Role, User

PASSWORD = 'correct horse'
_hash: list[str] = []


async def password_hash() -> str:
    """One argon2id hash of `PASSWORD` per session, with the cheapest parameters.

    The app verifies it with its own hasher (the parameters travel inside the hash), in ~1 ms instead
    of ~150 ms: sign-in tests try many passwords.
    """
    if not _hash:
        cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        _hash.append(await asyncio.to_thread(cheap.hash, PASSWORD))
    return _hash[0]


async def make_personas(now: datetime | None = None) -> SimpleNamespace:
    """Two requester categories, two services, and one person per role (password: `PASSWORD`).

    Wi-Fi is for Staff only; Printer is for Staff and Contractors.
    """
    now = now or clock.now()
    hashed = await password_hash()
    staff = await Category.create(name='Staff')
    contractors = await Category.create(name='Contractors')

    async def person(email: str, name: str, role: Role, category: Category | None = None) -> User:
        return await User.create(
            email=email, name=name, role=role, category=category, password_hash=hashed, created_at=now
        )

    return SimpleNamespace(
        staff=staff,
        contractors=contractors,
        wifi=await catalog.save_service(
            actor=None, name='Wi-Fi', description='No connection', icon='wifi', category_ids=[staff.id]
        ),
        printer=await catalog.save_service(
            actor=None, name='Printer', description='Jams, toner', icon='print', category_ids=[staff.id, contractors.id]
        ),
        requester=await person('alex@example.com', 'Alex Kim', Role.REQUESTER, staff),
        colleague=await person('casey@example.com', 'Casey Lee', Role.REQUESTER, staff),
        outsider=await person('otto@example.com', 'Otto Berg', Role.REQUESTER, contractors),
        technician=await person('sam@example.com', 'Sam Rivera', Role.TECHNICIAN),
        technician2=await person('priya@example.com', 'Priya Shah', Role.TECHNICIAN),
        manager=await person('maria@example.com', 'Maria Lopez', Role.MANAGER),
    )
