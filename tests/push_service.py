"""The two far ends of Web Push, for tests: a browser's subscription and a push service on 127.0.0.1.

`BrowserDevice` makes a subscription the way a browser does (a P-256 key pair and a 16-byte auth secret,
base64url) and decrypts what arrives with `http_ece`, the reference implementation. `LocalPushService`
is a real HTTP server (aiohttp) that records each request and answers what the test tells it to.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


@dataclass
class BrowserDevice:
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    def keys(self) -> dict[str, str]:
        """As in the browser's `subscription.toJSON().keys`."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {'p256dh': b64(public), 'auth': b64(self.auth_secret)}

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth_secret, version='aes128gcm')
        return json.loads(plain)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class LocalPushService:
    """Answers 201 unless told otherwise: `answer(410)`, `answer(503, {'Retry-After': '120'})` queue up answers."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._answers: deque[tuple[int, dict[str, str]]] = deque()
        self._arrived = asyncio.Event()
        self._open = asyncio.Event()
        self._open.set()
        self._budget = 0
        self.held = 0  # requests waiting at the closed gate
        self.held_from: list[int] = []  # the client ports they came from (which process sent them: psutil)
        self.dropped: list[str] = []  # paths of requests whose sender was gone when the gate opened
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post('/{path:.*}', self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, '127.0.0.1', 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        await self._runner.cleanup()

    def endpoint(self, name: str) -> str:
        return f'http://127.0.0.1:{self.port}/push/{name}'

    @property
    def origin(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    def answer(self, status: int, headers: dict[str, str] | None = None) -> None:
        self._answers.append((status, headers or {}))

    async def wait_for(self, count: int, within: float = 5.0) -> list[Received]:
        """Until `count` requests have arrived in all (fails after `within` seconds)."""
        async with asyncio.timeout(within):
            while len(self.received) < count:
                self._arrived.clear()
                await self._arrived.wait()
        return self.received

    def hold(self, *, after: int = 0) -> None:
        """Stop taking messages in, after `after` more: requests that arrive then wait, unanswered, as at a
        push service under load."""
        self._budget = after
        self._open.clear()

    def let_through(self) -> None:
        """Take the waiting messages in; one whose sender hung up meanwhile never completed, so it is dropped
        (its sender never heard 201 and must send it again)."""
        self._open.set()

    async def _handle(self, request: web.Request) -> web.Response:
        if not self._open.is_set() and self._budget > 0:
            self._budget -= 1
        elif not self._open.is_set():
            port = (request.transport.get_extra_info('peername') or ('', 0))[1] if request.transport else 0
            self.held += 1
            self.held_from.append(port)
            await self._open.wait()
            self.held -= 1
            self.held_from.remove(port)
            if request.transport is None or request.transport.is_closing():
                self.dropped.append(request.path)
                raise web.HTTPServiceUnavailable()
        self.received.append(Received(request.path, dict(request.headers), await request.read()))
        self._arrived.set()
        status, headers = self._answers.popleft() if self._answers else (201, {})
        return web.Response(status=status, headers=headers)


def verify_vapid(authorization: str, public_key_b64: str) -> dict[str, Any]:
    """Check `vapid t=<JWT>, k=<key>` as a push service does (ES256 over the JWT); returns the claims."""
    scheme, _, params = authorization.partition(' ')
    assert scheme == 'vapid'
    parts = dict(p.strip().split('=', 1) for p in params.split(','))
    assert parts['k'] == public_key_b64
    head, claims, signature = parts['t'].split('.')
    assert json.loads(unb64(head)) == {'alg': 'ES256', 'typ': 'JWT'}
    raw = unb64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], 'big'), int.from_bytes(raw[32:], 'big'))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(parts['k']))
    public.verify(der, f'{head}.{claims}'.encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    return json.loads(unb64(claims))
