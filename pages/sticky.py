"""Which instance built this browser's pages, told to the proxy in a cookie (`docs/deploy.md`).

NiceGUI keeps each page's state in the instance that built it, so a browser's page loads and its websocket
must reach that instance. With `TAPDESK_INSTANCE` set (one short name per instance), every response to a
browser that does not already carry this instance's name sets the `tapdesk_instance` cookie; nginx maps the
cookie to that instance and falls back to the others when it is down, and the instance that then answers
sets its own name. Nothing in the cookie is secret or trusted: it only picks a route.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware

COOKIE = 'tapdesk_instance'
NAME = re.compile(r'^[a-z0-9][a-z0-9-]{0,31}$')

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def check_name(name: str) -> str:
    """The instance's name as nginx's map will match it; a clear sentence when it cannot be one."""
    if not NAME.match(name):
        raise ValueError(
            f'TAPDESK_INSTANCE={name!r} cannot name an instance: use up to 32 lower-case letters, digits and '
            "dashes, starting with a letter or digit (e.g. 'a', 'web-2'), one per instance."
        )
    return name


def install(api: FastAPI, name: str, *, https_only: bool) -> None:
    """Set the route cookie on every HTTP response of this instance (once per app set-up)."""
    check_name(name)
    if not any(m.cls is RouteCookie for m in api.user_middleware):
        api.user_middleware.append(Middleware(RouteCookie, name=name, https_only=https_only))
        api.middleware_stack = None


class RouteCookie:
    def __init__(self, app: ASGIApp, *, name: str, https_only: bool) -> None:
        self.app = app
        self.name = name
        secure = '; Secure' if https_only else ''
        self.header = f'{COOKIE}={name}; Path=/; HttpOnly; SameSite=Lax{secure}'.encode('latin-1')

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or _cookie(scope) == self.name:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message['type'] == 'http.response.start':
                MutableHeaders(scope=message).append('set-cookie', self.header.decode('latin-1'))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookie(scope: Scope) -> str | None:
    for key, value in scope.get('headers', []):
        if key == b'cookie':
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode('latin-1'))
            except Exception:  # a malformed cookie header: treat as absent, the response sets ours
                return None
            morsel = jar.get(COOKIE)
            if morsel is not None:
                return morsel.value
    return None
