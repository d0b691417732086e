"""Limits on wrong passwords that a stranger cannot turn against an account's owner.

After the OWASP Authentication Cheat Sheet and its "device cookie" approach: a browser that signed in
to an account gets a signed device token for it. Attempts with a valid token answer only to that
device's own small limit. Every other attempt shares two limits: one per email (known or not, so
the answers never tell whether an account exists) and one per client address. The address limit is
the lower one, so guesses from one place stop before they can block the email for everybody.
Counters live in the database: every app instance sees the same counts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.models import Model

from . import settings
from .errors import Invalid

TOO_MANY = 'Too many tries. Wait a few minutes and try again.'
SLOW_DOWN_AFTER = 3  # wrong passwords before each next try from the same address or device must wait
DEVICE_LIMIT = 5  # wrong passwords from one trusted device before it waits like everyone else


class SigninCounter(Model):
    """Recent wrong passwords for one scope (an email, a client address or a trusted device)."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=100, unique=True)  # kind:digest, or device:user_id:nonce
    failures = fields.IntField(default=0)
    last_failure_at = fields.DatetimeField(db_index=True)
    version = fields.IntField(default=0)  # bumped by every change: the compare-and-set below

    class Meta:
        table = 'signin_counter'


@dataclass(frozen=True)
class Scope:
    key: str
    limit: int
    slows_down: bool  # each try after SLOW_DOWN_AFTER failures waits twice as long as the last


@dataclass(frozen=True)
class Attempt:
    """An attempt counted as a failure in each of its scopes until `passed` takes that back."""

    scopes: tuple[Scope, ...]


async def start(email: str, *, address: str | None, device: str | None, now: datetime) -> Attempt:
    """Count a sign-in attempt before the password is checked, or refuse it with TOO_MANY.

    Counting first means that of many guesses fired at once only as many are checked as the limits
    allow. `device` is what `trusted_device` returned.
    """
    await SigninCounter.filter(last_failure_at__lt=now - 2 * _window()).delete()  # forgotten anyway
    scopes = _scopes(email, address=address, device=device)
    reserved: list[Scope] = []
    try:
        for scope in scopes:
            await _reserve(scope, now)
            reserved.append(scope)
    except Invalid:
        await _release(reserved)  # a refused attempt checked nothing: it counts nowhere
        raise
    return Attempt(tuple(scopes))


async def passed(attempt: Attempt) -> None:
    """The password was right: an address keeps its other failures, the account and device start over."""
    for scope in attempt.scopes:
        if scope.key.startswith('address:'):
            await _release([scope])
        else:
            await SigninCounter.filter(key=scope.key).update(failures=0, version=F('version') + 1)


async def forget(*, email: str, user_id: int) -> None:
    """A manager's unlock: the email's failures and those of the person's devices are forgotten."""
    await SigninCounter.filter(key=account_key(email)).delete()
    await SigninCounter.filter(key__startswith=f'device:{user_id}:').delete()


async def locked(*, email: str, user_id: int, now: datetime) -> bool:
    """Whether this person cannot sign in now for too many wrong passwords (their email, or one of their devices):
    what a manager's unlock is for."""
    recent = now - _window()
    rows = (
        await SigninCounter.filter(last_failure_at__gt=recent)
        .filter(Q(key=account_key(email)) | Q(key__startswith=f'device:{user_id}:'))
        .values_list('key', 'failures')
    )
    limit = settings.settings.lockout_after
    return any(failures >= (DEVICE_LIMIT if key.startswith('device:') else limit) for key, failures in rows)


def device_token(user_id: int) -> str:
    """A token for the browser that just signed in to `user_id`, kept by the page in that browser's storage."""
    nonce = secrets.token_urlsafe(12)
    return f'{user_id}.{nonce}.{_sign(user_id, nonce)}'


def trusted_device(token: str | None, user_id: int | None) -> str | None:
    """The device's id if `token` was given to a browser that signed in to `user_id`, else None."""
    parts = (token or '').split('.')
    if user_id is None or len(parts) != 3 or parts[0] != str(user_id):
        return None
    if not hmac.compare_digest(parts[2], _sign(user_id, parts[1])):
        return None
    return f'{user_id}:{parts[1]}'


def account_key(email: str) -> str:
    return f'account:{_digest(email)}'


# ---- helpers ---------------------------------------------------------------------------------


def _scopes(email: str, *, address: str | None, device: str | None) -> list[Scope]:
    s = settings.settings
    if device is not None:
        return [Scope(f'device:{device}', DEVICE_LIMIT, slows_down=True)]
    return [
        Scope(f'address:{_digest(address or "unknown")}', s.lockout_per_address, slows_down=True),
        Scope(account_key(email), s.lockout_after, slows_down=False),  # no wait: strangers cannot slow the owner
    ]


async def _reserve(scope: Scope, now: datetime) -> None:
    for _ in range(20):  # lost a compare-and-set to a parallel attempt: read again, decide again
        row = await SigninCounter.get_or_none(key=scope.key)
        if row is None:
            try:
                await SigninCounter.create(key=scope.key, failures=1, last_failure_at=now)
                return
            except IntegrityError:
                continue
        failures = row.failures if now - row.last_failure_at < _window() else 0
        if _blocked(scope, failures, row.last_failure_at, now):
            raise Invalid(TOO_MANY, field='password')
        changed = await SigninCounter.filter(id=row.id, version=row.version).update(
            failures=failures + 1, last_failure_at=now, version=row.version + 1
        )
        if changed:
            return
    raise Invalid(TOO_MANY, field='password')


def _blocked(scope: Scope, failures: int, last: datetime, now: datetime) -> bool:
    if failures >= scope.limit:
        return True
    wait = timedelta(seconds=2 ** (failures - 1)) if scope.slows_down and failures >= SLOW_DOWN_AFTER else None
    return wait is not None and now < last + wait


async def _release(scopes: list[Scope]) -> None:
    for scope in scopes:
        await SigninCounter.filter(key=scope.key, failures__gt=0).update(
            failures=F('failures') - 1, version=F('version') + 1
        )


def _window() -> timedelta:
    return timedelta(minutes=settings.settings.lockout_minutes)


def _sign(user_id: int, nonce: str) -> str:
    key = settings.secret('device').encode()
    mac = hmac.new(key, f'tapdesk device {user_id} {nonce}'.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip('=')


def _digest(value: str) -> str:
    """Emails and addresses are kept as keyed hashes: the table does not tell who tried what from where."""
    key = settings.secret('device').encode()
    return hmac.new(key, f'tapdesk counter {value}'.encode(), hashlib.sha256).hexdigest()
