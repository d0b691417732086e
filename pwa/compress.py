"""Brotli for the files a phone downloads first, gzip for everything else.

A cold visit downloads NiceGUI's Quasar, Vue and their CSS (~490 KB + 160 KB + 240 KB raw). Gzipped (NiceGUI's
default) that is ~250 KB; brotli at its best setting takes ~45 KB more off. Every phone browser asks for brotli
(`Accept-Encoding: br`) over HTTPS and on localhost.

- Versioned assets (NiceGUI's /_nicegui/<version>/…, Tapdesk's /static/…?v=<hash>) never change at their address:
  each is compressed once, at the best setting, and kept in memory (a few hundred KB for all of them).
- Pages (HTML) are compressed as they are made, at a fast setting.
- Anything else, and any browser that does not ask for brotli, goes through Starlette's gzip middleware as before:
  streamed answers (a CSV export) stay streamed.
"""

from __future__ import annotations

import brotli
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MINIMUM = 500  # bytes: smaller answers are not worth it
ASSET_QUALITY = 11  # once per file and server start
PAGE_QUALITY = 5  # per page: fast
COMPRESSIBLE = ('text/', 'application/javascript', 'application/json', 'image/svg+xml', 'application/manifest+json')


def is_asset(scope: Scope) -> bool:
    path, query = scope.get('path', ''), scope.get('query_string', b'')
    return path.startswith('/_nicegui/') and '/static/' in path or path.startswith('/static/') and b'v=' in query


class BrotliOrGzip:
    """The compression middleware (main.py passes it to ui.run as `gzip_middleware_factory`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=MINIMUM)
        self.cache: dict[tuple[str, bytes], tuple[bytes, bytes]] = {}  # (path, query) -> (etag, brotli body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] != 'http' or scope.get('method') not in ('GET', 'HEAD') or not self._wants_brotli(scope):
            await self.gzip(scope, receive, send)
            return
        start: Message = {}
        body: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message['type'] == 'http.response.start':
                start = message
            elif message['type'] == 'http.response.body':
                body.append(message.get('body', b''))
                if not message.get('more_body', False):
                    await self._answer(scope, start, b''.join(body), send)

        headers = Headers(scope=scope)
        if not is_asset(scope) and 'text/html' not in headers.get('accept', ''):
            await self.gzip(scope, receive, send)  # not a page nor an asset: as before (and streamed if it streams)
            return
        await self.app(scope, receive, buffered)

    @staticmethod
    def _wants_brotli(scope: Scope) -> bool:
        accepted = Headers(scope=scope).get('accept-encoding', '')
        return 'br' in [part.split(';')[0].strip() for part in accepted.split(',')]

    async def _answer(self, scope: Scope, start: Message, body: bytes, send: Send) -> None:
        headers = MutableHeaders(raw=list(start.get('headers', [])))
        kind = headers.get('content-type', '')
        if (
            start.get('status') != 200
            or 'content-encoding' in headers
            or len(body) < MINIMUM
            or not kind.startswith(COMPRESSIBLE)
        ):
            await send(start)
            await send({'type': 'http.response.body', 'body': body})
            return
        if is_asset(scope):
            key = (scope['path'], scope.get('query_string', b''))
            etag = headers.get('etag', '').encode()
            kept = self.cache.get(key)
            if kept is None or kept[0] != etag:
                kept = (etag, brotli.compress(body, quality=ASSET_QUALITY))
                self.cache[key] = kept
            packed = kept[1]
        else:
            packed = brotli.compress(body, quality=PAGE_QUALITY)
        headers['content-encoding'] = 'br'
        headers['content-length'] = str(len(packed))
        headers.append('vary', 'Accept-Encoding')
        await send({**start, 'headers': headers.raw})
        await send({'type': 'http.response.body', 'body': b'' if scope.get('method') == 'HEAD' else packed})
