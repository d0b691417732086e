"""The demo's people and their categories, and the catalog of services they can ask for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import users
from ..catalog import Priority, Service, save_service
from ..users import Category, Role, User

DEMO_PASSWORD = 'demo'
DOMAIN = 'demo.tapdesk'
MANAGER_EMAIL = f'manager@{DOMAIN}'

STAFF, FIELD, CONTRACTORS, CUSTOMERS = 'Staff', 'Field sites', 'Contractors', 'External customers'
CATEGORIES = [STAFF, FIELD, CONTRACTORS, CUSTOMERS]


# ---- people -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    key: str
    name: str
    role: Role
    category: str | None = None
    timezone: str = 'Europe/London'

    @property
    def email(self) -> str:
        return f'{self.key}@{DOMAIN}'


PEOPLE = [
    _Person('manager', 'Maria Manager', Role.MANAGER),
    _Person('sam', 'Sam Rivera', Role.TECHNICIAN),
    _Person('priya', 'Priya Shah', Role.TECHNICIAN),
    _Person('tom', 'Tom Berg', Role.TECHNICIAN),  # mostly out in the field
    _Person('alex', 'Alex Kim', Role.REQUESTER, STAFF),
    _Person('hannah', 'Hannah Okafor', Role.REQUESTER, STAFF),
    _Person('dave', 'Dave Murphy', Role.REQUESTER, FIELD, 'Europe/Dublin'),
    _Person('lena', 'Lena Novak', Role.REQUESTER, FIELD),
    _Person('chris', 'Chris Walsh', Role.REQUESTER, CONTRACTORS),
    _Person('nina', 'Nina Patel', Role.REQUESTER, CUSTOMERS, 'Europe/Amsterdam'),
]
TECHS = ['sam', 'priya', 'tom']


# ---- the catalog --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ServiceSpec:
    key: str
    name: str
    description: str
    icon: str
    priority: Priority
    categories: tuple[str, ...]


SERVICES = [
    _ServiceSpec(
        'wifi',
        'Wi-Fi & network',
        'No connection, slow or dropping Wi-Fi, VPN, or a network socket that does not work.',
        'wifi',
        Priority.NORMAL,
        (STAFF, FIELD, CONTRACTORS),
    ),
    _ServiceSpec(
        'laptop',
        'Laptop or PC',
        'Will not start, runs slowly, broken screen, keyboard or charger.',
        'laptop',
        Priority.NORMAL,
        (STAFF, FIELD),
    ),
    _ServiceSpec(
        'printer',
        'Printer & scanner',
        'Paper jams, faint or blank prints, scans that never arrive.',
        'print',
        Priority.LOW,
        (STAFF, FIELD),
    ),
    _ServiceSpec(
        'phone',
        'Phone & mobile',
        'Work mobiles, desk phones and handheld scanners.',
        'smartphone',
        Priority.NORMAL,
        (STAFF, FIELD),
    ),
    _ServiceSpec(
        'email',
        'Email & calendar',
        'Missing emails or invites, shared mailboxes, a full mailbox.',
        'mail',
        Priority.NORMAL,
        (STAFF, FIELD, CONTRACTORS),
    ),
    _ServiceSpec(
        'access',
        'Access & passwords',
        'Locked out, forgotten password, sign-in codes, or access to a system or shared drive.',
        'key',
        Priority.HIGH,
        (STAFF, FIELD, CONTRACTORS, CUSTOMERS),
    ),
    _ServiceSpec(
        'new_starter',
        'New starter setup',
        'Laptop, accounts and access ready for someone joining. Please tell us three working days ahead.',
        'person_add',
        Priority.NORMAL,
        (STAFF,),
    ),
    _ServiceSpec(
        'site_repair',
        'Site equipment repair',
        'Card readers, cameras, barriers, alarm panels and other kit on site.',
        'build',
        Priority.HIGH,
        (FIELD,),
    ),
    _ServiceSpec(
        'software',
        'Software install request',
        'A program or licence you need for your work.',
        'install_desktop',
        Priority.LOW,
        (STAFF, CONTRACTORS),
    ),
    _ServiceSpec(
        'other',
        'Something else',
        'Anything not listed: tell us what you need and we will find the right person.',
        'help',
        Priority.NORMAL,
        (STAFF, FIELD, CONTRACTORS, CUSTOMERS),
    ),
]


async def seed_people(now: datetime) -> dict[str, User]:
    categories = {}
    for name in CATEGORIES:
        categories[name] = await Category.get_or_none(name=name) or await users.create_category(name, actor=None)
    password_hash = await users.hash_password(DEMO_PASSWORD)  # once: ~50 ms of CPU each
    people = {}
    for i, p in enumerate(PEOPLE):
        user = await User.get_or_none(email=p.email)
        if user is None:
            user = await User.create(
                email=p.email,
                name=p.name,
                password_hash=password_hash,
                role=p.role,
                category=categories[p.category] if p.category else None,
                timezone=p.timezone,
                created_at=now - timedelta(days=90 - i),
            )
        people[p.key] = user
    return people


async def seed_catalog() -> dict[str, Service]:
    categories = {c.name: c for c in await Category.filter(name__in=CATEGORIES)}
    services = {}
    for s in SERVICES:
        wanted = [categories[c] for c in s.categories]
        service = await Service.get_or_none(name=s.name)
        if service is None:
            service = await save_service(
                actor=None,
                name=s.name,
                description=s.description,
                icon=s.icon,
                default_priority=s.priority,
                category_ids=[c.id for c in wanted],
            )
        else:  # someone made it already: keep theirs, only make sure the demo requesters can see it
            await service.categories.add(*wanted)
        services[s.key] = service
    return services
