"""Accounts, sign-in with limits on wrong guesses that strangers cannot use against owners, sessions."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

import argon2
import pytest

from models import settings, signin_guard, users
from models.errors import Conflict, Forbidden, Invalid
from models.signin_guard import SigninCounter
from models.users import Role, User
from tests.conftest import FrozenClock
from tests.personas import PASSWORD

STRANGER, HOME, OFFICE = '203.0.113.66', '198.51.100.7', '192.0.2.10'  # client addresses
TOO_MANY = 'Too many tries. Wait a few minutes and try again.'


async def fail_to_sign_in(email: str = 'alex@example.com', times: int = 1, *, address: str) -> None:
    for _ in range(times):
        with pytest.raises(Invalid, match='Wrong email or password'):
            await users.authenticate(email, 'not the password', address=address)


async def answer(email: str, password: str, **where: str) -> str:
    try:
        await users.authenticate(email, password, **where)
    except Invalid as error:
        return str(error)
    return 'signed in'


async def guess_patiently(email: str, address: str, clock: FrozenClock, *, times: int, device: str = '') -> int:
    """A stranger who waits out every slow-down, no longer; returns how many guesses got a password check."""
    checked = 0
    for _ in range(times):
        if await answer(email, 'a guess', address=address, device=device) != 'Wrong email or password.':
            clock.advance(seconds=1)
            continue
        checked += 1
        clock.advance(seconds=2 ** (checked - 1) if checked >= signin_guard.SLOW_DOWN_AFTER else 1)
    return checked


async def guess_every_few_seconds(email: str, address: str, clock: FrozenClock, *, times: int) -> None:
    """A stranger's script: one guess every 5 seconds."""
    for _ in range(times):
        assert await answer(email, 'a guess', address=address) in ('Wrong email or password.', TOO_MANY)
        clock.advance(seconds=5)


async def guess_from_many_addresses(email: str, times: int, *, first: int = 1) -> None:
    """One wrong guess each from `times` addresses (a botnet)."""
    for n in range(first, first + times):
        await fail_to_sign_in(email, address=f'10.1.{n // 250}.{n % 250}')


async def sign_in_on_a_browser(user: User) -> str:
    """Sign in as the page does; returns the device token the browser keeps."""
    signed_in = await users.authenticate(user.email, PASSWORD, address=HOME)
    return users.remember_device(signed_in)


# ---- accounts --------------------------------------------------------------------------------------


async def test_manager_adds_a_requester_to_a_category(manager: User, people: SimpleNamespace) -> None:
    user = await users.create_user(
        email=' Jo@Example.com ', name=' Jo Park ', password='long enough', category_id=people.staff.id, actor=manager
    )
    assert (user.email, user.name, user.role, user.category_id) == (
        'jo@example.com',
        'Jo Park',
        Role.REQUESTER,
        people.staff.id,
    )
    assert await users.authenticate('jo@example.com', 'long enough') == user


async def test_create_user_refuses_a_bad_email(manager: User) -> None:
    with pytest.raises(Invalid) as error:
        await users.create_user(email='jo.example.com', name='Jo', password='long enough', actor=manager)
    assert error.value.field == 'email'


async def test_create_user_refuses_a_short_password(manager: User) -> None:
    with pytest.raises(Invalid, match='at least 8 characters') as error:
        await users.create_user(email='jo@example.com', name='Jo', password='short', actor=manager)
    assert error.value.field == 'password'


async def test_create_user_refuses_an_empty_name(manager: User) -> None:
    with pytest.raises(Invalid) as error:
        await users.create_user(email='jo@example.com', name='  ', password='long enough', actor=manager)
    assert error.value.field == 'name'


async def test_create_user_refuses_an_email_that_has_an_account_whatever_its_case(manager: User) -> None:
    with pytest.raises(Conflict) as error:
        await users.create_user(email='ALEX@example.com', name='Alex Two', password='long enough', actor=manager)
    assert error.value.field == 'email'


async def test_create_user_refuses_a_category_that_does_not_exist(manager: User) -> None:
    with pytest.raises(Invalid) as error:
        await users.create_user(
            email='jo@example.com', name='Jo', password='long enough', category_id=999, actor=manager
        )
    assert error.value.field == 'category'


@pytest.mark.parametrize('persona', ['requester', 'technician'])
async def test_only_managers_may_add_people(people: SimpleNamespace, persona: str) -> None:
    with pytest.raises(Forbidden):
        await users.create_user(
            email='jo@example.com', name='Jo', password='long enough', actor=getattr(people, persona)
        )
    assert not await User.exists(email='jo@example.com')


async def test_the_shell_may_add_people_without_an_actor(db: None) -> None:
    user = await users.create_user(
        email='root@example.com', name='Root', password='long enough', role=Role.MANAGER, actor=None
    )
    assert user.is_manager


async def test_a_manager_cannot_remove_their_own_manager_access(manager: User) -> None:
    with pytest.raises(Invalid):
        await users.update_user(manager.id, actor=manager, role=Role.TECHNICIAN)
    assert (await User.get(id=manager.id)).role == Role.MANAGER


async def test_deactivating_someone_ends_their_sessions(manager: User, requester: User) -> None:
    token = await users.start_session(requester)
    await users.update_user(requester.id, actor=manager, is_active=False)
    assert await users.user_for_session(token) is None
    assert await users.Session.filter(user_id=requester.id).count() == 0


# ---- sign-in ---------------------------------------------------------------------------------------


async def test_the_right_password_signs_in(requester: User) -> None:
    assert await users.authenticate(' Alex@Example.com ', PASSWORD, address=HOME) == requester


async def test_a_wrong_password_says_wrong_email_or_password(requester: User) -> None:
    with pytest.raises(Invalid) as error:
        await users.authenticate('alex@example.com', 'not the password', address=HOME)
    assert (str(error.value), error.value.field) == ('Wrong email or password.', 'password')


async def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(people: SimpleNamespace) -> None:
    with pytest.raises(Invalid) as error:
        await users.authenticate('nobody@example.com', PASSWORD, address=HOME)
    assert str(error.value) == 'Wrong email or password.'


async def test_an_inactive_person_cannot_sign_in(manager: User, requester: User) -> None:
    await users.update_user(requester.id, actor=manager, is_active=False)
    with pytest.raises(Invalid, match='Wrong email or password'):
        await users.authenticate('alex@example.com', PASSWORD, address=HOME)


async def test_two_failures_do_not_slow_anyone_down(requester: User) -> None:
    await fail_to_sign_in(times=2, address=HOME)
    assert await users.authenticate('alex@example.com', PASSWORD, address=HOME) == requester


async def test_after_three_failures_the_next_try_from_that_address_has_to_wait(
    requester: User, clock: FrozenClock
) -> None:
    await fail_to_sign_in(times=3, address=HOME)
    assert await answer('alex@example.com', PASSWORD, address=HOME) == TOO_MANY  # even the right password waits
    clock.advance(seconds=3)
    assert await answer('alex@example.com', PASSWORD, address=HOME) == TOO_MANY
    clock.advance(seconds=1)
    assert await answer('alex@example.com', PASSWORD, address=HOME) == 'signed in'


async def test_the_wait_after_three_failures_does_not_hold_up_another_address(requester: User) -> None:
    await fail_to_sign_in(times=3, address=STRANGER)
    assert await answer('alex@example.com', PASSWORD, address=HOME) == 'signed in'


async def test_a_patient_stranger_gets_only_the_address_limit_of_guesses(
    requester: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    checked = await guess_patiently('alex@example.com', STRANGER, clock, times=20)
    assert checked == settings.settings.lockout_per_address
    # from that address, nobody without a trusted browser gets in for a while, whatever the email
    assert await answer('casey@example.com', PASSWORD, address=STRANGER) == TOO_MANY
    clock.advance(minutes=settings.settings.lockout_minutes)
    assert await answer('casey@example.com', PASSWORD, address=STRANGER) == 'signed in'


async def test_signing_in_to_an_own_account_does_not_wipe_an_addresses_failures(
    requester: User, colleague: User, clock: FrozenClock
) -> None:
    await fail_to_sign_in(times=3, address=STRANGER)
    clock.advance(seconds=4)
    assert await users.authenticate('casey@example.com', PASSWORD, address=STRANGER) == colleague
    assert await answer('alex@example.com', 'next guess', address=STRANGER) == TOO_MANY


async def test_a_strangers_twenty_guesses_do_not_lock_out_the_owners_browser(
    requester: User, clock: FrozenClock
) -> None:
    device = await sign_in_on_a_browser(requester)
    await guess_every_few_seconds('alex@example.com', STRANGER, clock, times=20)
    assert await users.authenticate('alex@example.com', PASSWORD, address=HOME, device=device) == requester
    # a trusted browser is not held to the address limit either (same café Wi-Fi as the stranger)
    assert await users.authenticate('alex@example.com', PASSWORD, address=STRANGER, device=device) == requester


async def test_the_owner_on_a_new_device_elsewhere_signs_in_after_a_strangers_twenty_guesses(
    requester: User, clock: FrozenClock
) -> None:
    await guess_every_few_seconds('alex@example.com', STRANGER, clock, times=20)
    assert await users.authenticate('alex@example.com', PASSWORD, address=OFFICE) == requester


async def test_guesses_from_many_addresses_lock_the_email_for_new_devices_only(
    requester: User, clock: FrozenClock
) -> None:
    device = await sign_in_on_a_browser(requester)
    await guess_from_many_addresses('alex@example.com', settings.settings.lockout_after)
    assert await answer('alex@example.com', PASSWORD, address=OFFICE) == TOO_MANY
    assert await users.authenticate('alex@example.com', PASSWORD, address=OFFICE, device=device) == requester


async def test_a_locked_email_opens_again_after_the_lockout_minutes(requester: User, clock: FrozenClock) -> None:
    await guess_from_many_addresses('alex@example.com', settings.settings.lockout_after)
    clock.advance(minutes=settings.settings.lockout_minutes, seconds=-1)
    assert await answer('alex@example.com', PASSWORD, address=OFFICE) == TOO_MANY
    clock.advance(seconds=1)
    assert await answer('alex@example.com', PASSWORD, address=OFFICE) == 'signed in'


async def test_signing_in_forgets_the_emails_earlier_failures(requester: User) -> None:
    almost = settings.settings.lockout_after - 1
    await guess_from_many_addresses('alex@example.com', almost, first=1)
    assert await answer('alex@example.com', PASSWORD, address=HOME) == 'signed in'
    await guess_from_many_addresses('alex@example.com', almost, first=100)
    assert await answer('alex@example.com', PASSWORD, address=HOME) == 'signed in'


async def test_a_trusted_browser_has_its_own_small_limit(requester: User, clock: FrozenClock) -> None:
    device = await sign_in_on_a_browser(requester)
    checked = await guess_patiently('alex@example.com', HOME, clock, times=10, device=device)
    assert checked == signin_guard.DEVICE_LIMIT
    assert await answer('alex@example.com', PASSWORD, address=HOME, device=device) == TOO_MANY
    # the browser's wrong passwords did not count against the email: a new device still gets in
    assert await answer('alex@example.com', PASSWORD, address=OFFICE) == 'signed in'


async def test_a_token_for_someone_else_or_a_forged_one_is_not_trusted(
    requester: User, colleague: User, clock: FrozenClock
) -> None:
    caseys = await sign_in_on_a_browser(colleague)
    alexs = await sign_in_on_a_browser(requester)
    user_id, nonce, signature = alexs.split('.')
    await guess_from_many_addresses('alex@example.com', settings.settings.lockout_after)
    for token in [caseys, f'{user_id}.{nonce}x.{signature}', f'{user_id}.{nonce}.{signature[:-2]}AA', 'junk']:
        assert await answer('alex@example.com', PASSWORD, address=HOME, device=token) == TOO_MANY


async def test_device_tokens_are_signed_with_a_generated_secret(requester: User, tmp_path: Path) -> None:
    token = await sign_in_on_a_browser(requester)
    secret = (tmp_path / 'device.secret').read_text()
    assert len(secret) >= 40 and secret not in token
    (tmp_path / 'device.secret').write_text('another secret')  # a new installation's key
    assert signin_guard.trusted_device(token, requester.id) is None


async def test_known_and_unknown_emails_get_the_same_answers_in_every_state(
    requester: User, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('TAPDESK_LOCKOUT_PER_ADDRESS', '4')  # small limits: unknown emails cost a real hash check
    monkeypatch.setenv('TAPDESK_LOCKOUT_AFTER', '6')
    settings.reload()

    async def attack(email: str, tag: str) -> list[str]:
        answers = [await answer(email, 'guess', address=f'{tag} one place') for _ in range(6)]
        clock.advance(seconds=4)
        answers.append(await answer(email, 'guess', address=f'{tag} one place'))
        answers += [await answer(email, 'guess', address=f'{tag} place {n}') for n in range(5)]
        clock.advance(minutes=settings.settings.lockout_minutes)
        answers.append(await answer(email, 'guess', address=f'{tag} one place'))
        return answers

    known, unknown = await attack('alex@example.com', 'a'), await attack('nobody@example.com', 'b')
    assert known == unknown
    assert set(known) == {'Wrong email or password.', TOO_MANY}


async def test_unknown_emails_cost_the_same_password_check_as_real_accounts(manager: User) -> None:
    jo = await users.create_user(email='jo@example.com', name='Jo', password='long enough', actor=manager)
    assert argon2.extract_parameters(users._DUMMY_HASH) == argon2.extract_parameters(jo.password_hash)


async def test_a_manager_can_unlock_an_account_at_once(requester: User, manager: User, clock: FrozenClock) -> None:
    device = await sign_in_on_a_browser(requester)
    assert not await users.is_locked(requester.id, actor=manager)  # nothing to unlock: no button for it
    await guess_from_many_addresses('alex@example.com', settings.settings.lockout_after - 1)
    assert not await users.is_locked(requester.id, actor=manager)  # one wrong password short of the lock
    await guess_from_many_addresses('alex@example.com', 1)
    assert await users.is_locked(requester.id, actor=manager)
    await guess_patiently('alex@example.com', HOME, clock, times=signin_guard.DEVICE_LIMIT, device=device)
    await users.unlock(requester.id, actor=manager)
    assert not await users.is_locked(requester.id, actor=manager)
    assert await answer('alex@example.com', PASSWORD, address=OFFICE) == 'signed in'
    assert await answer('alex@example.com', PASSWORD, address=HOME, device=device) == 'signed in'


async def test_only_managers_may_unlock_accounts(requester: User, technician: User) -> None:
    with pytest.raises(Forbidden):
        await users.unlock(requester.id, actor=technician)
    with pytest.raises(Forbidden):
        await users.is_locked(requester.id, actor=technician)


async def test_parallel_wrong_passwords_each_count_as_a_failure(requester: User) -> None:
    async def wrong(n: int) -> None:
        with pytest.raises(Invalid):
            await users.authenticate('alex@example.com', 'not the password', address=f'10.0.0.{n}')

    await asyncio.gather(*(wrong(n) for n in range(3)))
    counter = await SigninCounter.get(key=signin_guard.account_key('alex@example.com'))
    assert counter.failures == 3


async def test_a_burst_of_parallel_guesses_is_slowed_down_like_guesses_in_a_row(requester: User) -> None:
    answers = await asyncio.gather(*(answer('alex@example.com', f'guess {n}', address=STRANGER) for n in range(8)))
    assert answers.count('Wrong email or password.') == signin_guard.SLOW_DOWN_AFTER
    assert answers.count(TOO_MANY) == 8 - signin_guard.SLOW_DOWN_AFTER


# ---- sessions --------------------------------------------------------------------------------------


async def test_a_session_token_finds_its_person(requester: User) -> None:
    token = await users.start_session(requester)
    assert await users.user_for_session(token) == requester


async def test_only_a_hash_of_the_session_token_is_stored(requester: User) -> None:
    token = await users.start_session(requester)
    session = await users.Session.get(user_id=requester.id)
    assert token not in session.token_hash


async def test_a_session_expires_after_the_session_days(requester: User, clock: FrozenClock) -> None:
    token = await users.start_session(requester)
    clock.advance(days=settings.settings.session_days, seconds=-1)
    assert await users.user_for_session(token) == requester
    clock.advance(seconds=1)
    assert await users.user_for_session(token) is None


async def test_signing_out_ends_the_session(requester: User) -> None:
    token = await users.start_session(requester)
    await users.end_session(token)
    assert await users.user_for_session(token) is None


async def test_an_unknown_or_missing_token_finds_nobody(people: SimpleNamespace) -> None:
    assert await users.user_for_session('made-up') is None
    assert await users.user_for_session(None) is None


# ---- preferences -------------------------------------------------------------------------------------


async def test_set_timezone_remembers_a_real_zone(requester: User) -> None:
    await users.set_timezone(requester, 'Europe/Berlin')
    assert (await User.get(id=requester.id)).timezone == 'Europe/Berlin'


@pytest.mark.parametrize('zone', ['Mars/Olympus_Mons', '', '../../etc/passwd'])
async def test_set_timezone_ignores_a_bogus_zone(requester: User, zone: str) -> None:
    await users.set_timezone(requester, zone)
    assert (await User.get(id=requester.id)).timezone == 'UTC'


async def test_change_password_needs_the_current_one(requester: User) -> None:
    with pytest.raises(Invalid) as error:
        await users.change_password(requester, current='guess', new='a new password')
    assert error.value.field == 'current'


async def test_a_changed_password_signs_in(requester: User) -> None:
    await users.change_password(requester, current=PASSWORD, new='a new password')
    assert await users.authenticate('alex@example.com', 'a new password') == requester
