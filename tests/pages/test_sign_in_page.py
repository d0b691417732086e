"""The sign-in screen: its answers, and a browser that signed in before stays usable for its owner."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from nicegui.testing import User

from models import settings, users
from models.errors import Invalid
from tests.personas import PASSWORD

from .conftest import sign_in

TOO_MANY = 'Too many tries. Wait a few minutes and try again.'


async def strangers_guess(email: str) -> None:
    """Wrong passwords from as many addresses as it takes to block the email for unknown browsers."""
    for n in range(settings.settings.lockout_after):
        with pytest.raises(Invalid):
            await users.authenticate(email, 'a guess', address=f'203.0.113.{n}')


@pytest.mark.parametrize('email', ['alex@example.com', 'nobody@example.com'])
async def test_a_known_and_an_unknown_email_get_the_same_answer(
    user: User, people: SimpleNamespace, email: str
) -> None:
    await sign_in(user, email, 'not the password')
    await user.should_see('Wrong email or password.')


async def test_a_browser_that_signed_in_before_is_not_locked_out_by_strangers(
    user: User, create_user: Callable[[], User], people: SimpleNamespace
) -> None:
    await sign_in(user, 'alex@example.com')
    user.find(marker='sign-out').click()
    await user.should_see(marker='sign-in')
    await strangers_guess('alex@example.com')

    new_phone = create_user()  # never signed in here: held to the email's limit, even with the right password
    await new_phone.open('/login')
    new_phone.find(marker='email').type('alex@example.com')
    new_phone.find(marker='password').type(PASSWORD)
    new_phone.find(marker='sign-in').click()
    await new_phone.should_see(TOO_MANY)
    await sign_in(user, 'alex@example.com')  # waits for the signed-in page
