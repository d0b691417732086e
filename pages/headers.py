"""The browser's defences on every response: security headers and a Content-Security-Policy NiceGUI can live with.

Two small pure-ASGI layers (BaseHTTPMiddleware would buffer streams and cannot see websockets):
- `Edge`, wrapped around the whole app (outside Starlette's error middleware, so a 500 gets the headers too), makes
  a nonce per request and adds every header a response does not set itself;
- `NonceScripts`, the innermost middleware (before NiceGUI's gzip), writes that nonce into each `<script>` tag of an
  HTML response, so the page template's inline scripts run and nothing injected does.

Why each weaker rule is there: the README's security section.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REPORT_PATH = '/api/csp-report'
REPORT_GROUP = 'csp'
NONCE = 'tapdesk.csp_nonce'  # the request's nonce, in the ASGI scope
YEAR = 31_536_000

PERMISSIONS = (
    'camera=(self), geolocation=(self), microphone=(), payment=(), usb=(), serial=(), midi=(), '
    'display-capture=(), accelerometer=(), gyroscope=(), magnetometer=()'
)


def policy(nonce: str, *, image_origins: Sequence[str] = (), https_only: bool = False) -> str:
    """The Content-Security-Policy for one response. `image_origins`: the only other places images may come from
    (the map's tile server)."""
    directives = {
        'default-src': "'self'",
        # 'unsafe-eval': Vue's runtime template compiler (NiceGUI's components) and ui.run_javascript.
        'script-src': f"'self' 'nonce-{nonce}' 'unsafe-eval'",
        # 'unsafe-inline': Quasar and NiceGUI add <style> elements and style attributes at run time.
        'style-src': "'self' 'unsafe-inline'",
        # data: Quasar's CSS images; blob: QUploader's photo previews before upload.
        'img-src': ' '.join(["'self'", 'data:', 'blob:', *image_origins]),
        'font-src': "'self'",
        'connect-src': "'self'",  # fetch and socket.io, including its same-origin websocket
        'worker-src': "'self'",
        'manifest-src': "'self'",
        'object-src': "'none'",
        'base-uri': "'none'",
        'form-action': "'self'",
        'frame-ancestors': "'none'",
        'report-uri': REPORT_PATH,
    }
    if https_only:
        # Chromium ignores report-uri once report-to is there, and sends Reporting API reports to secure
        # endpoints only: over plain HTTP (development, the browser tests) report-to would silence every report.
        directives['report-to'] = REPORT_GROUP
        directives['upgrade-insecure-requests'] = ''
    return '; '.join(f'{name} {value}'.strip() for name, value in directives.items())


def tile_origin(url_template: str) -> str:
    """The CSP source of a tile server given as a URL template: 'https://{s}.tile.example.org/{z}/{x}/{y}.png'
    → 'https://*.tile.example.org'."""
    parts = urlsplit(url_template.replace('{s}', 'tileserversub'))
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise ValueError(f'Not a tile server address: {url_template!r}')
    host = parts.netloc.replace('tileserversub', '*')
    if '{' in host:
        raise ValueError(f'Only {{s}} may vary in the tile server host: {url_template!r}')
    return f'{parts.scheme}://{host}'


def headers(nonce: str, *, image_origins: Sequence[str] = (), https_only: bool = False) -> list[tuple[str, str]]:
    """Every header Tapdesk adds to a response (unless the response set it itself)."""
    found = [
        ('Content-Security-Policy', policy(nonce, image_origins=image_origins, https_only=https_only)),
        ('X-Content-Type-Options', 'nosniff'),
        ('X-Frame-Options', 'DENY'),
        # same-origin, not no-referrer: the latter also turns a same-origin POST's Origin header into "null",
        # and the service worker's POSTs are checked by their Origin (pages/guards.py).
        ('Referrer-Policy', 'same-origin'),
        ('Permissions-Policy', PERMISSIONS),
        ('Cross-Origin-Opener-Policy', 'same-origin'),
    ]
    if https_only:
        found.append(('Reporting-Endpoints', f'{REPORT_GROUP}="{REPORT_PATH}"'))
        found.append(('Strict-Transport-Security', f'max-age={YEAR}; includeSubDomains'))
    return found


def install(api: FastAPI, *, image_origins: Sequence[str] = (), https_only: bool = False) -> None:
    """Wrap the whole app in `Edge` (once per process) and add `NonceScripts` innermost (once per app set-up)."""
    api.state.tapdesk_edge = {'image_origins': tuple(image_origins), 'https_only': https_only}
    if not getattr(api, '_tapdesk_edge_wrapped', False):
        build = api.build_middleware_stack  # Starlette's error middleware answers 500s outside every user middleware

        def build_with_edge() -> ASGIApp:
            return Edge(build(), **api.state.tapdesk_edge)

        api.build_middleware_stack = build_with_edge  # type: ignore[method-assign]
        api._tapdesk_edge_wrapped = True  # type: ignore[attr-defined]
    if not any(m.cls is NonceScripts for m in api.user_middleware):
        api.user_middleware.append(Middleware(NonceScripts))  # appended before ui.run: inside gzip and sessions
    api.middleware_stack = None


class Edge:
    def __init__(self, app: ASGIApp, *, image_origins: Iterable[str] = (), https_only: bool = False) -> None:
        self.app = app
        self.image_origins = tuple(image_origins)
        self.https_only = https_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http':
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope[NONCE] = nonce
        added = headers(nonce, image_origins=self.image_origins, https_only=self.https_only)

        async def send_with_headers(message: Message) -> None:
            if message['type'] == 'http.response.start':
                present = MutableHeaders(scope=message)
                for name, value in added:
                    if name not in present:
                        present.append(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


# Raw-text elements are skipped whole, so a "<script" inside one (NiceGUI's element data lives in a script) is text,
# never a tag that could get the nonce.
RAW_TEXT = re.compile(
    r'<!--.*?-->|<(script|style|textarea|title)\b([^>]*)>.*?</\1\s*>',
    re.IGNORECASE | re.DOTALL,
)


def add_nonce(html: str, nonce: str) -> str:
    """Every real <script> tag of `html` with nonce="..." (an existing nonce attribute is left alone)."""

    def tagged(match: re.Match[str]) -> str:
        name, attributes = match.group(1), match.group(2)
        if not name or name.lower() != 'script' or re.search(r'\snonce\s*=', attributes, re.IGNORECASE):
            return match.group(0)
        start = match.start(2) - match.start(0)
        whole = match.group(0)
        return f'{whole[:start]} nonce="{nonce}"{whole[start:]}'

    return RAW_TEXT.sub(tagged, html)


class NonceScripts:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        nonce = scope.get(NONCE)
        if scope['type'] != 'http' or scope.get('method') == 'HEAD' or not nonce:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def rewrite_html(message: Message) -> None:
            nonlocal start
            if message['type'] == 'http.response.start':
                if not MutableHeaders(scope=message).get('content-type', '').startswith('text/html'):
                    await send(message)
                    return
                start = message  # held until the whole body is here
                return
            if start is None or message['type'] != 'http.response.body':
                await send(message)
                return
            body.append(message.get('body', b''))
            if message.get('more_body', False):
                return
            text = b''.join(body).decode('utf-8', 'surrogateescape')
            page = add_nonce(text, nonce).encode('utf-8', 'surrogateescape')
            fixed = MutableHeaders(scope=start)
            if 'content-length' in fixed:
                fixed['content-length'] = str(len(page))
            await send(start)
            await send({'type': 'http.response.body', 'body': page, 'more_body': False})

        await self.app(scope, receive, rewrite_html)
