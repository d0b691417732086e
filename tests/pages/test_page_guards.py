"""Every screen is guarded: walks every registered @ui.page, so a new screen cannot forget sign-in or roles."""

from __future__ import annotations

import re
from types import SimpleNamespace
from urllib.parse import quote

from nicegui import Client
from nicegui.testing import User

from models.users import Role

from .conftest import sign_in

PUBLIC = {'/login', '/rate/{token}'}  # the rating link's token is its credential
DISPATCH = {'/'}  # not a screen: sends a visitor to sign-in or to their start screen


def screens() -> dict[str, object]:
    """Path → page function of every signed-in screen (path parameters filled in)."""
    routes = {path: page for page, path in Client.page_routes.items() if path not in PUBLIC | DISPATCH}
    assert '/queue' in routes and '/t/{ticket_id}' in routes  # the walk sees the app's pages
    return {re.sub(r'\{\w+\}', '1', path): page for path, page in routes.items()}


def staff_screens() -> list[str]:
    return [path for path, page in screens().items() if Role.REQUESTER not in (page.roles or Role)]  # type: ignore[attr-defined]


async def test_every_signed_in_screen_uses_the_guard(user: User) -> None:
    unguarded = [path for path, page in screens().items() if not hasattr(page, 'roles')]
    assert unguarded == []


async def test_a_signed_out_visit_to_any_screen_goes_to_sign_in_and_back(user: User) -> None:
    for path in screens():
        response = await user.http_client.get(path, follow_redirects=False)
        assert (response.status_code, response.headers['location']) == (303, f'/login?next={quote(path, safe="")}')
    response = await user.http_client.get('/', follow_redirects=False)
    assert response.headers['location'] == '/login'


async def test_a_requester_is_refused_every_staff_and_manager_screen(user: User, people: SimpleNamespace) -> None:
    assert sorted(staff_screens()) == [
        '/actions',
        '/actions/1',
        '/checklists',
        '/checklists/1',
        '/dispatch',
        '/gaps',
        '/gaps/1',
        '/manage',
        '/measures',
        '/measures/tickets',
        '/measures/weekly',
        '/my-figures',
        '/queue',
        '/service-levels',
        '/today',
    ]
    await sign_in(user, people.requester.email)
    for path in staff_screens():
        response = await user.http_client.get(path, follow_redirects=False)
        if response.status_code == 303:
            assert response.headers['location'] in ('/', '/requests'), path
        else:
            await user.open(path)
            await user.should_see(marker='refused')


ARTICLE_SCREENS = ['/articles', '/articles/new', '/articles/1', '/articles/1/suggest']  # staff and superusers


async def test_a_requester_who_is_not_a_superuser_is_refused_the_article_screens(
    user: User, people: SimpleNamespace
) -> None:
    """The article screens admit superusers too, so their guard is in the page: a plain requester is refused."""
    await sign_in(user, people.requester.email)
    for path in ARTICLE_SCREENS:
        await user.open(path)
        await user.should_see(marker='refused')
        await user.should_not_see(marker='article-title')


async def test_a_manager_is_let_into_the_same_screens(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, people.manager.email)
    for path in staff_screens():
        response = await user.http_client.get(path, follow_redirects=False)
        assert response.status_code == 200, path
        await user.open(path)
        await user.should_not_see(marker='refused')
