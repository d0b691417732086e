"""Signed-in browsers: who is signed in on which browser, kept in the database so every instance knows.

A browser is known by the id in its signed cookie (the same cookie secret on every instance). Only a keyed
hash of that id is stored: a leaked database signs nobody in. With the sign-in here rather than in a file of
the instance that served it, a browser whose instance died lands on another one still signed in.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from . import clock, settings, users
from .users import Session, User


class Browser(Model):
    """One browser: its current sign-in (if any) and the device token that spares it strangers' lockouts."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)
    session: fields.ForeignKeyNullableRelation[Session] = fields.ForeignKeyField(
        'models.Session', related_name='browsers', null=True, on_delete=fields.SET_NULL
    )
    session_id: int | None
    device = fields.CharField(max_length=200, null=True)
    seen_at = fields.DatetimeField()

    class Meta:
        table = 'browser'


async def sign_in(browser_id: str, user: User, *, now: datetime | None = None) -> None:
    """`user` signed in on this browser: any earlier sign-in here ends, the new one is remembered."""
    now = now or clock.now()
    session = await users.open_session(user, now=now)
    device = users.remember_device(user)
    key = _key(browser_id)
    for _ in range(3):  # two tabs signing in at once: the second finds the row the first made
        async with in_transaction():
            row = await Browser.select_for_update().get_or_none(key=key)
            if row is not None:
                if row.session_id is not None and row.session_id != session.id:
                    await Session.filter(id=row.session_id).delete()
                await Browser.filter(id=row.id).update(session_id=session.id, device=device, seen_at=now)
                return
        try:
            await Browser.create(key=key, session=session, device=device, seen_at=now)
            return
        except IntegrityError:
            continue
    raise RuntimeError('could not record the sign-in for this browser')


async def user_of(browser_id: str | None, *, now: datetime | None = None) -> User | None:
    """The person signed in on this browser, or None (never signed in, signed out, expired or deactivated)."""
    if not browser_id:
        return None
    row = await Browser.get_or_none(key=_key(browser_id)).select_related('session__user')
    if row is None or row.session is None:
        return None
    session = row.session
    if session.expires_at <= (now or clock.now()) or not session.user.is_active:
        return None
    return session.user


async def device_of(browser_id: str | None) -> str | None:
    """The device token this browser was given when someone last signed in on it."""
    if not browser_id:
        return None
    row = await Browser.get_or_none(key=_key(browser_id))
    return row.device if row else None


async def sign_out(browser_id: str | None) -> None:
    """End the sign-in on this browser. The device token stays: its owner's browser is still theirs."""
    if not browser_id:
        return
    row = await Browser.get_or_none(key=_key(browser_id))
    if row is not None and row.session_id is not None:
        await Session.filter(id=row.session_id).delete()


def _key(browser_id: str) -> str:
    secret = settings.secret('session').encode()
    return hmac.new(secret, f'tapdesk browser {browser_id}'.encode(), hashlib.sha256).hexdigest()
