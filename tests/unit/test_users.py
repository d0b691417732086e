"""Accounts, sign-in with slow-down and lock-out, sessions."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from models import settings, users
from models.errors import Conflict, Forbidden, Invalid
from models.users import Role, User
from tests.conftest import FrozenClock
from tests.personas import PASSWORD


async def fail_to_sign_in(email: str = 'alex@example.com', times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(Invalid, match='Wrong email or password'):
            await users.authenticate(email, 'not the password')


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
    assert await users.authenticate(' Alex@Example.com ', PASSWORD) == requester


async def test_a_wrong_password_says_wrong_email_or_password(requester: User) -> None:
    with pytest.raises(Invalid) as error:
        await users.authenticate('alex@example.com', 'not the password')
    assert (str(error.value), error.value.field) == ('Wrong email or password.', 'password')


async def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(people: SimpleNamespace) -> None:
    with pytest.raises(Invalid) as error:
        await users.authenticate('nobody@example.com', PASSWORD)
    assert str(error.value) == 'Wrong email or password.'


async def test_an_inactive_person_cannot_sign_in(manager: User, requester: User) -> None:
    await users.update_user(requester.id, actor=manager, is_active=False)
    with pytest.raises(Invalid, match='Wrong email or password'):
        await users.authenticate('alex@example.com', PASSWORD)


async def test_two_failures_do_not_slow_anyone_down(requester: User) -> None:
    await fail_to_sign_in(times=2)
    assert await users.authenticate('alex@example.com', PASSWORD) == requester


async def test_after_three_failures_the_next_try_has_to_wait(requester: User, clock: FrozenClock) -> None:
    await fail_to_sign_in(times=3)
    with pytest.raises(Invalid, match='Wait 4 seconds'):
        await users.authenticate('alex@example.com', PASSWORD)  # even the right password waits
    clock.advance(seconds=1)
    with pytest.raises(Invalid, match='Wait 3 seconds'):
        await users.authenticate('alex@example.com', PASSWORD)
    clock.advance(seconds=3)
    assert await users.authenticate('alex@example.com', PASSWORD) == requester


async def test_signing_in_forgets_earlier_failures(requester: User, clock: FrozenClock) -> None:
    await fail_to_sign_in(times=3)
    clock.advance(seconds=4)
    await users.authenticate('alex@example.com', PASSWORD)
    await fail_to_sign_in(times=2)
    assert await users.authenticate('alex@example.com', PASSWORD) == requester


async def test_too_many_failures_lock_the_account_with_a_plain_message(requester: User, clock: FrozenClock) -> None:
    for _ in range(settings.settings.lockout_after):
        await fail_to_sign_in()
        clock.advance(minutes=1)  # past any slow-down
    clock.advance(minutes=-1)
    with pytest.raises(Invalid) as error:
        await users.authenticate('alex@example.com', PASSWORD)
    assert str(error.value) == (
        'This account is locked after too many wrong passwords. Try again in 15 minutes or ask a manager to unlock it.'
    )


async def test_a_locked_account_opens_again_after_the_lockout_minutes(requester: User, clock: FrozenClock) -> None:
    for _ in range(settings.settings.lockout_after):
        await fail_to_sign_in()
        clock.advance(minutes=1)
    clock.advance(minutes=settings.settings.lockout_minutes - 2)
    with pytest.raises(Invalid, match='locked'):
        await users.authenticate('alex@example.com', PASSWORD)
    clock.advance(minutes=1)
    assert await users.authenticate('alex@example.com', PASSWORD) == requester


async def test_a_manager_can_unlock_an_account_at_once(requester: User, manager: User, clock: FrozenClock) -> None:
    for _ in range(settings.settings.lockout_after):
        await fail_to_sign_in()
        clock.advance(minutes=1)
    await users.unlock(requester.id, actor=manager)
    assert await users.authenticate('alex@example.com', PASSWORD) == requester


async def test_only_managers_may_unlock_accounts(requester: User, technician: User) -> None:
    with pytest.raises(Forbidden):
        await users.unlock(requester.id, actor=technician)


async def test_parallel_wrong_passwords_each_count_as_a_failure(requester: User) -> None:
    async def wrong() -> None:
        with pytest.raises(Invalid):
            await users.authenticate('alex@example.com', 'not the password')

    await asyncio.gather(*(wrong() for _ in range(3)))
    assert (await User.get(id=requester.id)).failed_logins == 3


async def test_a_burst_of_parallel_guesses_is_slowed_down_like_guesses_in_a_row(requester: User) -> None:
    async def guess(n: int) -> str:
        try:
            await users.authenticate('alex@example.com', f'guess {n}')
        except Invalid as error:
            return str(error)
        return 'signed in'

    answers = await asyncio.gather(*(guess(n) for n in range(8)))
    assert answers.count('Wrong email or password.') <= users.SLOW_DOWN_AFTER


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
