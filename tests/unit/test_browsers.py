"""Sign-ins kept in the database by browser: any instance finds them, and a leaked table signs nobody in."""

from __future__ import annotations

import asyncio
import multiprocessing
from typing import Any

import pytest

from models import browsers, settings, signin_guard, users
from models.browsers import Browser
from models.users import User
from tests.conftest import FrozenClock

PHONE, LAPTOP = 'b2f1c7e0-phone', '7a0d44c1-laptop'  # browser ids as NiceGUI's signed cookie carries them


async def test_a_browser_signed_in_finds_its_person_and_no_other_browser_does(requester: User, colleague: User) -> None:
    await browsers.sign_in(PHONE, requester)
    await browsers.sign_in(LAPTOP, colleague)
    assert await browsers.user_of(PHONE) == requester
    assert await browsers.user_of(LAPTOP) == colleague
    assert await browsers.user_of('some-other-browser') is None
    assert await browsers.user_of(None) is None


async def test_the_table_holds_a_keyed_hash_of_the_browser_not_its_id(
    requester: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    await browsers.sign_in(PHONE, requester)
    row = await Browser.get()
    assert PHONE not in row.key and len(row.key) == 64
    # The key needs the secret: an instance given another secret does not know this browser.
    monkeypatch.setenv('TAPDESK_SECRET_SESSION', 'another-secret-' * 3)
    assert await browsers.user_of(PHONE) is None
    monkeypatch.delenv('TAPDESK_SECRET_SESSION')
    assert await browsers.user_of(PHONE) == requester


async def test_signing_in_again_on_a_browser_ends_the_sign_in_it_had(requester: User, colleague: User) -> None:
    await browsers.sign_in(PHONE, requester)
    await browsers.sign_in(PHONE, colleague)  # a shared phone: the next person signs in
    assert await browsers.user_of(PHONE) == colleague
    assert await users.Session.filter(user_id=requester.id).count() == 0
    assert await Browser.all().count() == 1


async def test_two_tabs_signing_in_at_once_leave_one_sign_in(requester: User) -> None:
    await asyncio.gather(*(browsers.sign_in(PHONE, requester) for _ in range(4)))
    assert await Browser.all().count() == 1
    assert await browsers.user_of(PHONE) == requester
    assert await users.Session.filter(user_id=requester.id).count() == 1


async def test_signing_out_ends_the_sign_in_and_keeps_the_device(requester: User) -> None:
    await browsers.sign_in(PHONE, requester)
    device = await browsers.device_of(PHONE)
    assert signin_guard.trusted_device(device, requester.id) is not None
    await browsers.sign_out(PHONE)
    assert await browsers.user_of(PHONE) is None
    assert await browsers.device_of(PHONE) == device  # strangers' guesses still cannot lock this browser out


async def test_a_sign_in_expires_after_the_session_days(requester: User, clock: FrozenClock) -> None:
    await browsers.sign_in(PHONE, requester)
    clock.advance(days=settings.settings.session_days, seconds=-1)
    assert await browsers.user_of(PHONE) == requester
    clock.advance(seconds=1)
    assert await browsers.user_of(PHONE) is None


async def test_a_deactivated_person_is_signed_out_everywhere(requester: User, manager: User) -> None:
    await browsers.sign_in(PHONE, requester)
    await browsers.sign_in(LAPTOP, requester)
    await users.update_user(requester.id, actor=manager, is_active=False)
    assert await browsers.user_of(PHONE) is None
    assert await browsers.user_of(LAPTOP) is None


def test_secrets_come_from_the_environment_when_given(monkeypatch: pytest.MonkeyPatch) -> None:
    generated = settings.secret('session')
    given = 'x' * 40
    monkeypatch.setenv('TAPDESK_SECRET_SESSION', given)
    assert settings.secret('session') == given != generated
    monkeypatch.setenv('TAPDESK_SECRET_SESSION', 'short')
    with pytest.raises(ValueError, match='at least 32 random characters'):
        settings.secret('session')


def _make_secret(start: Any, answers: Any) -> None:
    start.wait()
    try:
        answers.put(settings.secret('fresh'))
    except Exception as e:
        answers.put(f'failed: {e!r}')


def test_instances_starting_together_agree_on_each_secret() -> None:
    """Several instances on one shared data directory make the first secrets at once: all get the same one,
    none finds a half-written file or fails because another won."""
    context = multiprocessing.get_context('fork')
    for _ in range(5):
        for path in settings.settings.data_dir.glob('*fresh*'):
            path.unlink()
        start, answers = context.Barrier(8), context.Queue()
        instances = [context.Process(target=_make_secret, args=(start, answers)) for _ in range(8)]
        for process in instances:
            process.start()
        seen = {answers.get(timeout=20) for _ in instances}
        for process in instances:
            process.join(10)
        assert len(seen) == 1, seen
        assert len(seen.pop()) >= 48
        assert [p.name for p in settings.settings.data_dir.iterdir() if 'fresh' in p.name] == ['fresh.secret']
