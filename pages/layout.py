"""The shared page frame, the sign-in and role guard, live subscriptions and small display helpers."""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Awaitable, Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import Client, background_tasks, ui
from nicegui.elements.mixins.validation_element import ValidationElement

import pwa
from models import browsers, clock, db, events, superusers, tickets, users
from models import when as in_words
from models.tickets import Status
from models.users import Role, User

from . import drafts, who

T = TypeVar('T')

STATUS_COLOURS = {
    Status.NEW: 'blue-7',
    Status.ASSIGNED: 'indigo-6',
    Status.IN_PROGRESS: 'deep-purple-6',
    Status.WAITING: 'orange-9',
    Status.VISIT_PLANNED: 'teal-7',
    Status.ON_THE_WAY: 'cyan-8',
    Status.RESOLVED: 'green-8',
    Status.CLOSED: 'grey-7',
    Status.REOPENED: 'red-7',
    Status.WAITING_PART: 'brown-6',
}


async def current_user(request: Request | None = None) -> User | None:
    """The signed-in person, or None. Also remembers the time zone the browser reported."""
    await db.ready()
    user = await who.viewer()
    if user is not None and request is not None:
        tz = request.cookies.get('tz')
        if tz and tz != user.timezone:
            await users.set_timezone(user, tz)
    return user


def to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f'?{request.url.query}' if request.url.query else '')
    return RedirectResponse(f'/login?next={quote(target, safe="")}', status_code=303)


Page = Callable[..., Awaitable[Response | None]]

STAFF = (Role.TECHNICIAN, Role.MANAGER)
MANAGERS = (Role.MANAGER,)


def signed_in(
    *, roles: Collection[Role] | None = None, otherwise: str = '/', refusal: str = '', title: str = ''
) -> Callable[[Page], Page]:
    """The one guard of every signed-in screen; the page function gets the signed-in `viewer`.

    Signed out: to sign-in, coming back here afterwards. Signed in but not one of `roles`: redirected to
    `otherwise`, or, given a `refusal`, shown that sentence in the page frame (titled `title`)."""

    def guard(page: Page) -> Page:
        @functools.wraps(page)
        async def guarded(request: Request, *args: Any, **kwargs: Any) -> Response | None:
            viewer = await current_user(request)
            if viewer is None:
                return to_login(request)
            if roles is not None and viewer.role not in roles:
                if not refusal:
                    return RedirectResponse(otherwise, status_code=303)
                with frame(title, viewer):
                    ui.label(refusal).classes('text-body1').mark('refused')
                return None
            if viewer.role == Role.REQUESTER:  # superusers get a tab for the colleagues they help
                viewer.helps_colleagues = await superusers.is_superuser(viewer)  # type: ignore[attr-defined]
            return await page(request, *args, viewer=viewer, **kwargs)

        # NiceGUI and FastAPI read the page's parameters from this signature: the viewer is not one of them.
        signature = inspect.signature(page)
        guarded.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[p for p in signature.parameters.values() if p.name != 'viewer']
        )
        guarded.roles = roles  # type: ignore[attr-defined]  # read by the test that walks every page
        return guarded

    return guard


@contextmanager
def frame(title: str, viewer: User, *, back: str | None = None) -> Iterator[ui.column]:
    """Header, one centred column and a bottom navigation sized for a thumb."""
    ui.page_title(f'{title} · Tapdesk')
    ui.add_body_html(pwa.skeleton(title))  # painted before the page's script has run
    ui.add_head_html(pwa.OFFLINE_QUEUE)
    with ui.header().classes('td-header q-pa-none'), ui.row().classes('td-bar no-wrap full-width q-px-sm'):
        if back:
            ui.button(icon='arrow_back', on_click=lambda: ui.navigate.to(back)).props(
                'flat round color=white aria-label=Back'
            )
        ui.label(title).classes('td-title ellipsis')
        ui.space()
        with ui.button(icon='account_circle').props(f'flat round color=white aria-label="{viewer.name}"'):
            with ui.menu():
                # Quasar makes the menu a menu but its items list items: each says it is a menu item.
                ui.item(f'{viewer.name} · {users.ROLE_WORDS[viewer.role]}').props(
                    'disable role=menuitem aria-disabled=true'
                )
                ui.item('Your profile and badges', on_click=lambda: ui.navigate.to('/me')).props('role=menuitem').mark(
                    'profile'
                )
                ui.item('Notifications', on_click=lambda: ui.navigate.to('/settings')).props('role=menuitem').mark(
                    'notifications'
                )
                ui.item('Sign out', on_click=sign_out).props('role=menuitem').mark('sign-out')
    with ui.column().classes('td-main') as main:
        yield main
    here = _here()
    with ui.footer().classes('td-footer q-pa-none'):
        with ui.row().classes('td-nav no-wrap full-width').props('role=navigation aria-label="Main"'):
            for label, icon, target in _nav(viewer):
                button = (
                    ui.button(label, icon=icon, on_click=lambda t=target: ui.navigate.to(t))
                    .props('flat stack no-caps color=white')
                    .classes('col td-nav-btn')
                )
                if here == target or here.startswith(target + '/'):  # the bottom bar shows where you are
                    button.classes('td-nav-here').props('aria-current=page')


def _here() -> str:
    """The address of the page being built ('' outside a page request)."""
    try:
        return ui.context.client.request.url.path
    except (AttributeError, RuntimeError):
        return ''


def _nav(viewer: User) -> list[tuple[str, str, str]]:
    if viewer.role == Role.REQUESTER:
        items = [
            ('New request', 'add_circle', '/new'),
            ('My requests', 'list_alt', '/requests'),
            ('Help', 'help', '/help'),
        ]
        if getattr(viewer, 'helps_colleagues', False):
            items.append(('Colleagues', 'volunteer_activism', '/helping'))
        return items
    items = [('Today', 'today', '/today'), ('Queue', 'inbox', '/queue')]  # "Mine" is the queue's own toggle
    items.append(('Articles', 'menu_book', '/articles'))
    if viewer.is_manager:
        items.append(('Dispatch', 'view_column', '/dispatch'))
        items.append(('Manage', 'tune', '/manage'))
        items.append(('Measures', 'insights', '/measures'))
    return items


async def sign_out() -> None:
    # The browser keeps its device token: strangers' guesses cannot lock its owner out.
    await browsers.sign_out(who.browser_id())
    drafts.forget_all()  # a shared phone keeps nobody's unsent text
    ui.navigate.to('/login')


def live(topic: str, handler: Callable[[Any], Awaitable[None] | None]) -> None:
    """Subscribe this page to a bus topic for as long as this client exists."""
    client = ui.context.client

    async def run(event: Any) -> None:
        if client.id not in client.instances:  # the page is gone; its unsubscribe is on its way
            return
        with client:
            result = handler(event)
            if inspect.isawaitable(result):
                await result

    unsubscribe = events.bus.subscribe(topic, lambda event: background_tasks.create(run(event)))
    client.on_delete(unsubscribe)
    if client.id not in _resyncing:  # once per page, whatever it shows
        _resyncing.add(client.id)
        stop = events.bus.subscribe(events.RESYNC, lambda _: _reload(client))
        client.on_delete(lambda: (stop(), _resyncing.discard(client.id)))


_resyncing: set[str] = set()


def _reload(client: Client) -> None:
    """Events may have been missed (the link between instances was down): the page reads everything again.
    What was typed survives the reload (drafts.py keeps it in the browser)."""
    if client.id in Client.instances:
        with client:
            ui.navigate.reload()


_shared: dict[tuple, tuple[object, asyncio.Future[Any]]] = {}


def shared_read(event: object, key: tuple, read: Callable[[], Awaitable[T]]) -> Awaitable[T]:
    """One read per change for all the pages it wakes (same event, same key): 300 open pages of a
    ticket cost one query, not 300. The key must include whatever the read's permissions depend on."""
    full = (id(event), *key)
    hit = _shared.get(full)
    if hit is None:
        future = asyncio.ensure_future(read())
        _shared[full] = (event, future)  # holding the event keeps its id from being reused meanwhile
        future.add_done_callback(lambda _: asyncio.get_running_loop().call_later(2.0, _shared.pop, full, None))
        hit = _shared[full]
    return asyncio.shield(hit[1])  # one page going away must not cancel the others' read


def status_chip(ticket: tickets.Ticket, viewer: User) -> ui.label:
    return (
        ui.label(tickets.status_words(ticket, viewer=viewer))
        .classes(f'td-chip bg-{STATUS_COLOURS[ticket.status]} text-white')
        .mark('status')
    )


def when(moment: datetime | None, viewer: User) -> str:
    """A time as the viewer reads a clock: "14:05" today, "Mon 23 Nov 14:05" otherwise (models/when.py)."""
    return '' if moment is None else in_words.moment(moment, clock.now(), viewer.timezone)


def dialog_buttons(
    dialog: ui.dialog, label: str, on_click: Callable[[], Any], *, marker: str, extra_props: str = ''
) -> ui.row:
    """The row closing every dialog: Cancel, then the action. Enter it to add buttons before Cancel."""
    with ui.row().classes('full-width justify-end') as row:
        ui.button('Cancel', on_click=dialog.close).props('flat no-caps')
        ui.button(label, on_click=on_click).props(f'unelevated no-caps {extra_props}'.strip()).mark(marker)
    return row


def tell(client: Client, message: str, **options: Any) -> None:
    """A message for the person on this page (`ui.notify` options), through the page's layout.

    Never through the element whose handler runs: a live update may have replaced it while the handler awaited
    the domain, and then NiceGUI fails ("The parent element this slot belongs to has been deleted") and the
    person is told nothing. So handlers take the client when the page is built and tell through it."""
    if client.id not in Client.instances:  # the page is gone: nobody to tell
        return
    with client.layout:
        ui.notify(message, **{'position': 'top', **options})


def field_error(inputs: dict[str, ui.element], error: Exception, *, client: Client | None = None) -> None:
    """Show a domain error next to its field (or as a message, through `tell`), keeping what was typed."""
    field = getattr(error, 'field', None)
    target = inputs.get(field or '')
    if isinstance(target, ValidationElement):
        target.error = str(error)
    elif isinstance(target, ui.label):  # an error line under a control that has no error slot of its own
        target.set_text(str(error))
    elif target is not None:
        target.props['error-message'] = str(error)  # a prop value, never parsed as HTML or props syntax
        target.props['error'] = True
    else:
        tell(client or ui.context.client, str(error), type='negative')


def clear_errors(inputs: dict[str, ui.element]) -> None:
    for element in inputs.values():
        if isinstance(element, ValidationElement):
            element.error = None
        elif isinstance(element, ui.label):
            element.set_text('')
        else:
            element.props.pop('error', None)
