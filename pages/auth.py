"""Sign in, and the start page that sends each person where they work."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

import pwa
from models import browsers, errors, users
from models.paths import safe_next
from models.users import Role
from pwa import assets

from . import who
from .layout import current_user

# Where each person starts: requesters at their requests, technicians at their day, managers at the queue.
HOMES = {Role.REQUESTER: '/requests', Role.TECHNICIAN: '/today', Role.MANAGER: '/queue'}


@ui.page('/')
async def home(request: Request) -> RedirectResponse:
    viewer = await current_user(request)
    if viewer is None:
        return RedirectResponse('/login', status_code=303)
    return RedirectResponse(HOMES[viewer.role], status_code=303)


@ui.page('/login')
async def login(request: Request, next: str = '/') -> RedirectResponse | None:
    target = safe_next(next)
    if await current_user(request) is not None:
        return RedirectResponse(target, status_code=303)
    ui.page_title('Sign in · Tapdesk')
    ui.add_body_html(pwa.skeleton('Tapdesk', nav=False))  # painted before the page's script has run

    async def sign_in() -> None:
        password.error = None
        try:
            user = await users.authenticate(
                email.value or '',
                password.value or '',
                address=request.client.host if request.client else None,
                device=await browsers.device_of(who.browser_id()),
            )
        except errors.DomainError as e:
            password.error = str(e)
            return
        browser = who.browser_id()
        if browser is None:  # the cookie that names this browser is missing: cookies are off
            password.error = 'Sign-in needs cookies. Allow cookies for this site, then try again.'
            return
        await browsers.sign_in(browser, user)
        ui.navigate.to(target)

    with ui.column().classes('td-login q-pa-lg'):
        with ui.row().classes('items-center q-gutter-sm'):
            # Decorative: the name is beside it (a screen reader would read 'Tapdesk' twice).
            ui.image(assets.url('icons/icon-192.png')).classes('td-logo').props('aria-hidden=true')
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
