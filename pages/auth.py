"""Sign in, and the start page that sends each person where they work."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, ui

from models import errors, users
from models.users import Role

from .layout import current_user


@ui.page('/')
async def home(request: Request) -> RedirectResponse:
    viewer = await current_user(request)
    if viewer is None:
        return RedirectResponse('/login', status_code=303)
    return RedirectResponse('/requests' if viewer.role == Role.REQUESTER else '/queue', status_code=303)


@ui.page('/login')
async def login(request: Request, next: str = '/') -> RedirectResponse | None:
    target = safe_next(next)
    if await current_user(request) is not None:
        return RedirectResponse(target, status_code=303)
    ui.page_title('Sign in · Tapdesk')

    async def sign_in() -> None:
        password.error = None
        try:
            user = await users.authenticate(email.value or '', password.value or '')
        except errors.DomainError as e:
            password.error = str(e)
            return
        app.storage.user['session'] = await users.start_session(user)
        ui.navigate.to(target)

    with ui.column().classes('td-login q-pa-lg'):
        with ui.row().classes('items-center q-gutter-sm'):
            ui.image('/static/icons/icon-192.png').classes('td-logo')
            ui.label('Tapdesk').classes('text-h5 text-weight-bold')
        ui.label('Report an issue, follow it live.').classes('text-subtitle1 text-grey-7')
        email = ui.input('Email').props('type=email autocomplete=username outlined autofocus').classes('full-width')
        email.mark('email')
        password = (
            ui.input('Password', password=True, password_toggle_button=True)
            .props('autocomplete=current-password outlined')
            .classes('full-width')
            .mark('password')
        )
        password.on('keydown.enter', sign_in)
        ui.button('Sign in', on_click=sign_in).props('unelevated size=lg no-caps').classes('full-width').mark('sign-in')
    return None


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, else '/'.

    The browser reads the address, not us: it treats a backslash as a slash and drops tabs and newlines, so
    `/\\evil.example` or `/<tab>/evil.example` would lead to another site. Anything unusual goes to '/'."""
    if not target or not target.startswith('/') or _unusual(target):
        return '/'
    parts = urlsplit(target)
    path = unquote(parts.path)  # an encoded '//' or '\\' must not turn into one if something decodes it again
    if parts.scheme or parts.netloc or not path.startswith('/') or _unusual(path):
        return '/'
    return target


def _unusual(text: str) -> bool:
    """'//' at the start, a backslash, whitespace, control or invisible format characters."""
    return text.startswith('//') or any(
        c == '\\' or c.isspace() or unicodedata.category(c).startswith('C') for c in text
    )
