"""People, their roles and categories, sign-in and sessions."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise import fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from . import clock, settings, signin_guard
from .errors import Conflict, Invalid, NotFound, require
from .text import normalise

_hasher = PasswordHasher()
_EMAIL = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')
MIN_PASSWORD = 8
WRONG_PASSWORD = 'Wrong email or password.'


class Role(StrEnum):
    REQUESTER = 'requester'
    TECHNICIAN = 'technician'
    MANAGER = 'manager'


ROLE_WORDS = {Role.REQUESTER: 'Requester', Role.TECHNICIAN: 'Technician', Role.MANAGER: 'Manager'}


class Category(Model):
    """A kind of requester (Staff, Field sites, Contractors, ...): decides which services they see."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80, unique=True)

    class Meta:
        table = 'category'
        ordering = ['name']


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=120)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(Role, max_length=16, default=Role.REQUESTER)
    category: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        'models.Category', related_name='users', null=True, on_delete=fields.SET_NULL
    )
    category_id: int | None
    is_active = fields.BooleanField(default=True)
    timezone = fields.CharField(max_length=64, default='UTC')  # the viewer's, as their browser reports it
    failed_logins = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    locked_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = 'user'
        ordering = ['name']

    @property
    def can_work_tickets(self) -> bool:
        return self.role in (Role.TECHNICIAN, Role.MANAGER)

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.email

    def __str__(self) -> str:
        return self.name


class Session(Model):
    """A signed-in browser. Only a hash of the token is stored: a leaked database signs nobody in."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='sessions', on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = 'session'


# ---- accounts -------------------------------------------------------------------------------


async def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: Role = Role.REQUESTER,
    category_id: int | None = None,
    actor: User | None,
    now: datetime | None = None,
) -> User:
    """Create an account. `actor=None` means the shell (`tapdesk createuser`); otherwise a manager."""
    if actor is not None:
        require(actor.is_manager, 'Only managers can add people.')
    email = _clean_email(email)
    name = normalise(name, one_line=True)
    if not name:
        raise Invalid('Please enter a name.', field='name')
    if len(password) < MIN_PASSWORD:
        raise Invalid(f'The password needs at least {MIN_PASSWORD} characters.', field='password')
    role = Role(role)
    if category_id is not None and not await Category.exists(id=category_id):
        raise Invalid('That category does not exist.', field='category')
    if await User.exists(email=email):
        raise Conflict('Someone with this email already has an account.', field='email')
    password_hash = await hash_password(password)
    return await User.create(
        email=email,
        name=name,
        password_hash=password_hash,
        role=role,
        category_id=category_id,
        created_at=now or clock.now(),
    )


async def update_user(
    user_id: int,
    *,
    actor: User,
    role: Role | None = None,
    category_id: int | None = None,
    clear_category: bool = False,
    is_active: bool | None = None,
    name: str | None = None,
) -> User:
    require(actor.is_manager, 'Only managers can change people.')
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound('That person does not exist.')
    if user.id == actor.id and (role not in (None, Role.MANAGER) or is_active is False):
        raise Invalid('You cannot remove your own manager access.', field='role')
    if role is not None:
        user.role = Role(role)
    if clear_category:
        user.category_id = None
    elif category_id is not None:
        if not await Category.exists(id=category_id):
            raise Invalid('That category does not exist.', field='category')
        user.category_id = category_id
    if is_active is not None:
        user.is_active = is_active
        if not is_active:
            await Session.filter(user_id=user.id).delete()
    if name is not None:
        name = normalise(name, one_line=True)
        if not name:
            raise Invalid('Please enter a name.', field='name')
        user.name = name
    await user.save()
    return user


async def unlock(user_id: int, *, actor: User) -> None:
    """Forget the wrong passwords tried for this person's email and on their devices."""
    require(actor.is_manager, 'Only managers can unlock accounts.')
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound('That person does not exist.')
    await signin_guard.forget(email=user.email, user_id=user.id)


async def is_locked(user_id: int, *, actor: User, now: datetime | None = None) -> bool:
    """For the managers: whether this person is locked out by wrong passwords (and so needs an unlock)."""
    require(actor.is_manager, 'Only managers can unlock accounts.')
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound('That person does not exist.')
    return await signin_guard.locked(email=user.email, user_id=user.id, now=now or clock.now())


async def list_users(*, actor: User) -> list[User]:
    require(actor.is_manager, 'Only managers can see everyone.')
    return await User.all().prefetch_related('category')


async def technicians() -> list[User]:
    return await User.filter(role__in=[Role.TECHNICIAN, Role.MANAGER], is_active=True)


async def create_category(name: str, *, actor: User | None) -> Category:
    if actor is not None:
        require(actor.is_manager, 'Only managers can add categories.')
    name = normalise(name, one_line=True)
    if not name:
        raise Invalid('Please enter a name.', field='name')
    if await Category.exists(name=name):
        raise Conflict('That category exists already.', field='name')
    return await Category.create(name=name)


async def categories() -> list[Category]:
    return await Category.all()


# ---- sign-in ----------------------------------------------------------------------------------


async def authenticate(
    email: str,
    password: str,
    *,
    address: str | None = None,
    device: str | None = None,
    now: datetime | None = None,
) -> User:
    """Check a password, within the limits on wrong guesses (models/signin_guard.py).

    `address` is the client's network address, `device` the token `remember_device` gave this
    browser. Known and unknown emails get the same answers and the same password hashing work.
    """
    now = now or clock.now()
    email = normalise(email, one_line=True).lower()
    user = await User.get_or_none(email=email, is_active=True)
    trusted = signin_guard.trusted_device(device, user.id if user else None)
    attempt = await signin_guard.start(email, address=address, device=trusted, now=now)
    if not await _verify(user.password_hash if user else _DUMMY_HASH, password) or user is None:
        raise Invalid(WRONG_PASSWORD, field='password')
    await signin_guard.passed(attempt)
    return user


def remember_device(user: User) -> str:
    """A token for the browser that just signed in: with it a stranger's guesses cannot lock this browser out."""
    return signin_guard.device_token(user.id)


async def start_session(user: User, *, now: datetime | None = None) -> str:
    """A new sign-in for `user`; the token is what the holder presents (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    await _create_session(user, token, now=now or clock.now())
    return token


async def open_session(user: User, *, now: datetime | None = None) -> Session:
    """A new sign-in for `user` held by a browser (`browsers.sign_in`), not by a token given out."""
    return await _create_session(user, secrets.token_urlsafe(32), now=now or clock.now())


async def _create_session(user: User, token: str, *, now: datetime) -> Session:
    return await Session.create(
        token_hash=_digest(token),
        user=user,
        created_at=now,
        expires_at=now + timedelta(days=settings.settings.session_days),
    )


async def user_for_session(token: str | None, *, now: datetime | None = None) -> User | None:
    if not token:
        return None
    session = await Session.get_or_none(token_hash=_digest(token)).select_related('user')
    if session is None or session.expires_at <= (now or clock.now()) or not session.user.is_active:
        return None
    return session.user


async def end_session(token: str | None) -> None:
    if token:
        await Session.filter(token_hash=_digest(token)).delete()


async def change_password(user: User, *, current: str, new: str) -> None:
    if not await _verify(user.password_hash, current):
        raise Invalid('Your current password is not right.', field='current')
    if len(new) < MIN_PASSWORD:
        raise Invalid(f'The password needs at least {MIN_PASSWORD} characters.', field='new')
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=await hash_password(new))


async def set_timezone(user: User, name: str) -> None:
    """Remember the zone the browser reports, so times are shown as the viewer reads a clock."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return  # a browser with an odd zone keeps UTC rather than failing the page
    if name != user.timezone:
        user.timezone = name
        await User.filter(id=user.id).update(timezone=name)


# ---- helpers ---------------------------------------------------------------------------------


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)  # ~50 ms of CPU: keep it off the event loop


async def _verify(password_hash: str, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_email(email: str) -> str:
    email = normalise(email, one_line=True).lower()
    if not _EMAIL.match(email):
        raise Invalid('Please enter a valid email address.', field='email')
    return email


_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
