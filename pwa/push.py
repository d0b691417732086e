"""Web Push delivery: VAPID keys, the outbox worker, and an HTTP client that only reaches public push services.

The worker drains the outbox (`models/outbox.py`, whose verbs own every state change of a row):

- Claiming: it reads the ids of up to `batch` due rows (pending and due, or 'sending' whose lease ran out:
  a worker that crashed mid-send), then claims them with one conditional UPDATE that repeats the "due"
  condition and stamps a claim token; it then works only on the rows carrying its token. A row another
  worker claimed in between no longer matches: "if 0 rows changed, someone else got it", per batch. The
  lease (`claimed_until`) bounds how long a crashed worker's rows wait.
- Sending: a claimed batch is encrypted (aes128gcm, the `webpush` package) in a thread, off the event
  loop, then sent with up to `concurrency` requests at once over keep-alive connections (aiohttp). VAPID
  tokens (ES256, aud = the endpoint's origin, exp 12 h) are signed once per push service and reused.
- Results: 200/201/202 sent; 404/410 the device is gone (forgotten, with its queued rows); 429, 5xx and
  network errors retry with exponential backoff and jitter, never sooner than a Retry-After, up to
  `MAX_ATTEMPTS`, then failed with the last error; other answers (4xx, redirects) failed at once.
- Waking: a commit that queued rows publishes on the bus (`events.wake_outbox()`); otherwise the worker
  looks again when the next retry is due, and at least every `poll` seconds.

Delivery is at least once: a row is marked sent after the push service accepted it, so a crash between
the two sends it again after the lease (the notification's tag makes the phone replace, not repeat, it).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ipaddress
import logging
import random
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import jwt
from aiohttp.abc import AbstractResolver, ResolveResult
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush import WebPush
from webpush.types import WebPushKeys, WebPushSubscription

from models import clock, events, notifications, outbox, push_addresses, settings
from models.errors import Invalid

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = 2.0  # seconds before the first retry; doubles each time
BACKOFF_CAP = 600.0
RETRY_AFTER_CAP = 86400.0
LEASE = timedelta(seconds=60)  # longer than a batch can take: batch / concurrency * timeout
BATCH = 250
CONCURRENCY = 50
POLL = 5.0
TIMEOUT = aiohttp.ClientTimeout(total=5.0, connect=3.0)
DNS_CACHE = 10  # seconds a checked name -> addresses answer is reused
TOKEN_LIFETIME = 12 * 3600  # push services accept at most 24 h
TOKEN_RENEW = 3600  # a cached token with less than this left is renewed


# ---- VAPID keys --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keys:
    private_key: ec.EllipticCurvePrivateKey
    public_b64: str  # the applicationServerKey a page subscribes with (uncompressed point, base64url)

    @property
    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    @property
    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


_keys: dict[tuple[str, str], Keys] = {}


def keys() -> Keys:
    """The server's VAPID key pair: TAPDESK_VAPID_PRIVATE_KEY, or generated once into TAPDESK_DATA_DIR (mode 600)."""
    s = settings.settings
    where = (s.vapid_private_key, str(s.data_dir))
    if where not in _keys:
        private = _parse_key(s.vapid_private_key) if s.vapid_private_key else _key_file(s.data_dir / 'vapid.pem')
        public = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        _keys[where] = Keys(private, base64.urlsafe_b64encode(public).rstrip(b'=').decode())
    return _keys[where]


def public_key_b64() -> str:
    return keys().public_b64


def _key_file(path: Path) -> ec.EllipticCurvePrivateKey:
    if not path.exists():  # another process writing it first: theirs is used
        settings.write_once(path, Keys(ec.generate_private_key(ec.SECP256R1()), '').private_pem)
    return _parse_key(path.read_text())


def _parse_key(value: str) -> ec.EllipticCurvePrivateKey:
    """A PEM private key, or the raw 32-byte scalar in base64url (what `web-push generate-vapid-keys` prints)."""
    value = value.strip().replace('\\n', '\n')
    if value.startswith('-----BEGIN'):
        key = serialization.load_pem_private_key(value.encode(), password=None)
    else:
        raw = base64.urlsafe_b64decode(value + '=' * (-len(value) % 4))
        key = ec.derive_private_key(int.from_bytes(raw, 'big'), ec.SECP256R1())
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError('The VAPID private key must be a P-256 (prime256v1) key.')
    return key


class Vapid:
    """`Authorization: vapid t=<JWT>, k=<public key>` per push service, signed once and reused for hours.

    (webpush 1.0.6 builds its own header, but drops a non-default port from `aud` and always prefixes
    `sub` with mailto:, so only its encryption is used.)"""

    def __init__(self, keys: Keys, subject: str) -> None:
        self.keys = keys
        self.subject = subject
        self._tokens: dict[str, tuple[str, float]] = {}

    def header(self, endpoint: str) -> str:
        audience = origin(endpoint)
        token, expires = self._tokens.get(audience, ('', 0.0))
        if expires - time.time() < TOKEN_RENEW:
            expires = int(time.time()) + TOKEN_LIFETIME
            claims = {'aud': audience, 'exp': expires, 'sub': self.subject}
            token = jwt.encode(claims, self.keys.private_key, algorithm='ES256')
            self._tokens[audience] = (token, expires)
        return f'vapid t={token}, k={self.keys.public_b64}'


def origin(url: str) -> str:
    """scheme://host[:port], the port only when it is not the scheme's default (RFC 6454)."""
    parts = urlsplit(url)
    host = parts.hostname or ''
    host = f'[{host}]' if ':' in host else host
    port = parts.port
    default = {'https': 443, 'http': 80}.get(parts.scheme)
    return f'{parts.scheme}://{host}' + (f':{port}' if port and port != default else '')


# ---- the worker, one per process -----------------------------------------------------------------------

_worker: Worker | None = None


def start_worker(**options: Any) -> Worker | None:
    """Start delivering (idempotent: NiceGUI's test fixture re-runs start-up); off with TAPDESK_PUSH_WORKER=0."""
    global _worker
    if not settings.settings.push_worker:
        return None
    if _worker is not None and _worker.alive():
        return _worker
    options.setdefault('lease', timedelta(seconds=settings.settings.push_lease_seconds))
    _worker = Worker(**options)
    _worker.start()
    return _worker


def worker_running() -> bool:
    """Whether this process's worker is delivering (for /healthz)."""
    return _worker is not None and _worker.alive()


async def stop_worker() -> None:
    global _worker
    if _worker is not None:
        worker, _worker = _worker, None
        await worker.stop()


@dataclass(frozen=True)
class Outcome:
    result: str  # sent, gone, retry, failed
    error: str = ''
    retry_after: float | None = None


class Refused(Exception):
    """The endpoint's host resolves to an address Tapdesk must not send to."""


class Worker:
    def __init__(
        self,
        *,
        concurrency: int = CONCURRENCY,
        batch: int = BATCH,
        poll: float = POLL,
        lease: timedelta = LEASE,
        timeout: aiohttp.ClientTimeout = TIMEOUT,
    ) -> None:
        self.concurrency, self.batch, self.poll, self.lease, self.timeout = concurrency, batch, poll, lease, timeout
        self.vapid = Vapid(keys(), settings.settings.vapid_subject)
        self._webpush = WebPush(private_key=self.vapid.keys.private_pem, public_key=self.vapid.keys.public_pem)
        self._task: asyncio.Task[None] | None = None
        self._client: aiohttp.ClientSession | None = None
        self._stopping = False
        self._unsubscribe = lambda: None
        self._pruned_at = 0.0

    def start(self) -> None:
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(self.concurrency)
        self._client = client(self.concurrency, self.timeout)
        self._unsubscribe = events.bus.subscribe(events.OUTBOX, lambda _: self.wake())
        self._task = asyncio.get_running_loop().create_task(self.run(), name='push-worker')

    def wake(self) -> None:
        self._wake.set()

    def alive(self) -> bool:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        return self._task is not None and not self._task.done() and self._task.get_loop() is loop

    async def stop(self, grace: float = 10.0) -> None:
        """Finish the batch in hand (so nothing is sent twice), then stop; past `grace` s, give the rows back."""
        self._stopping = True
        self._unsubscribe()
        if self._task is not None and not self._task.done():
            self._wake.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._task), grace)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        if self._client is not None:
            await self._client.close()

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()  # a wake while draining makes the wait below return at once
            try:
                await self.drain()
                wait = await self._next_wait()
            except Exception:
                log.exception('push delivery failed; trying again in %s s', self.poll)
                wait = self.poll
            if self._stopping:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def drain(self) -> int:
        """Deliver everything due now; returns how many rows were handled."""
        handled = 0
        while not self._stopping:
            token, rows = await self.claim(clock.now())
            if not rows:
                break
            try:
                await self.deliver(token, rows)
            except BaseException:
                await self._release(token)  # stopped or broken mid-batch: due again at once
                raise
            handled += len(rows)
        await self._prune()
        return handled

    async def claim(self, now: datetime) -> tuple[str, list[dict[str, Any]]]:
        """Take up to `batch` due rows for this worker; ('', []) when nothing is due."""
        return await outbox.claim(now, batch=self.batch, lease=self.lease)

    async def deliver(self, token: str, rows: list[dict[str, Any]]) -> None:
        now = clock.now()
        outcomes: dict[int, Outcome] = {}
        live = []
        for row in rows:
            age = (now - row['created_at']).total_seconds()
            if age >= row['ttl']:
                outcomes[row['id']] = Outcome('failed', 'expired before it could be delivered')
            else:
                live.append({**row, 'ttl_left': int(row['ttl'] - age)})
        if outcomes:
            await self._record(token, [r for r in rows if r['id'] in outcomes], outcomes, now)
        # ~0.25 ms of CPU each: off the event loop, the whole batch before sending (encrypting while sending
        # made the loop wait for the GIL after every socket call).
        bodies = await asyncio.to_thread(self._encrypt_all, live)
        await self._send_and_record(token, live, bodies)

    async def _send_and_record(self, token: str, rows: list[dict[str, Any]], bodies: list[bytes | Exception]) -> None:
        """Send the batch; record each answer as soon as it arrives (with those that arrived meanwhile), not at
        the batch's end: if this process dies mid-batch, only messages whose answer was still on its way can be
        sent again by the instance that takes the rows over after the lease (and their Topic makes the push
        service replace a copy it still holds)."""
        answered: asyncio.Queue[tuple[dict[str, Any], Outcome]] = asyncio.Queue()

        async def send(row: dict[str, Any], body: bytes | Exception) -> None:
            await answered.put((row, await self._send(row, body)))

        senders = [asyncio.create_task(send(row, body)) for row, body in zip(rows, bodies, strict=True)]
        try:
            recorded = 0
            while recorded < len(rows):
                group = [await answered.get()]
                while not answered.empty():
                    group.append(answered.get_nowait())
                await self._record(token, [r for r, _ in group], {r['id']: o for r, o in group}, clock.now())
                recorded += len(group)
        finally:
            for task in senders:
                task.cancel()
            await asyncio.gather(*senders, return_exceptions=True)

    def _encrypt_all(self, rows: list[dict[str, Any]]) -> list[bytes | Exception]:
        bodies: list[bytes | Exception] = []
        for row in rows:
            keys = WebPushKeys.model_construct(p256dh=row['p256dh'], auth=row['auth'])
            subscription = WebPushSubscription.model_construct(endpoint=row['endpoint'], keys=keys)
            try:
                bodies.append(self._webpush._encrypt(notifications.encode(row['payload']), subscription))
            except Exception as e:  # a key that slipped past the checks: this device only
                bodies.append(e)
        return bodies

    async def _send(self, row: dict[str, Any], body: bytes | Exception) -> Outcome:
        assert self._client is not None
        async with self._slots:
            try:
                if isinstance(body, Exception):
                    return Outcome('failed', f'could not encrypt: {body}')
                check_before_sending(row['endpoint'])
                async with self._client.post(
                    row['endpoint'], data=body, headers=self._headers(row), allow_redirects=False
                ) as response:
                    text = (await response.content.read(200)).decode(errors='replace')
                    return classify(response.status, response.reason or '', response.headers.get('Retry-After'), text)
            except (Invalid, Refused) as e:
                return Outcome('failed', f'refused: {e}')
            except (aiohttp.ClientError, TimeoutError, OSError) as e:
                return Outcome('retry', f'network: {type(e).__name__} {e}'.strip())

    def _headers(self, row: dict[str, Any]) -> dict[str, str]:
        headers = {
            'Authorization': self.vapid.header(row['endpoint']),
            'Content-Encoding': 'aes128gcm',
            'Content-Type': 'application/octet-stream',
            'TTL': str(row['ttl_left']),
            'Urgency': row['urgency'],
        }
        if row['topic']:
            headers['Topic'] = row['topic']
        return headers

    async def _record(
        self, token: str, rows: list[dict[str, Any]], outcomes: dict[int, Outcome], now: datetime
    ) -> None:
        """Hand the batch's results to the outbox's state machine (models/outbox.py)."""
        sent, gone, retry, failed = [], set(), [], []
        for row in rows:
            outcome = outcomes[row['id']]
            if outcome.result == 'sent':
                sent.append(row)
            elif outcome.result == 'gone':
                gone.add(row['subscription_id'])
            elif outcome.result == 'retry' and row['attempts'] < MAX_ATTEMPTS:
                delay = retry_delay(row['attempts'], outcome.retry_after)
                retry.append(outbox.Retry(row['id'], now + timedelta(seconds=delay), outcome.error))
            else:
                failed.append(outbox.Failure(row['id'], outcome.error))
                log.warning('push message %s failed: %s', row['id'], outcome.error[:300])
        await outbox.settle(
            token,
            sent=[r['id'] for r in sent],
            devices_used={r['subscription_id'] for r in sent},
            gone=gone,
            retry=retry,
            failed=failed,
            now=now,
        )

    async def _release(self, token: str) -> None:
        with contextlib.suppress(Exception):
            await outbox.release(token)

    async def _next_wait(self) -> float:
        """Seconds until the next retry or lease is due; never longer than `poll`."""
        soonest = await outbox.next_due()
        if soonest is None:
            return self.poll
        return min(self.poll, (soonest - clock.now()).total_seconds())

    async def _prune(self) -> None:
        if time.monotonic() - self._pruned_at < 3600:
            return
        self._pruned_at = time.monotonic()
        await outbox.prune(clock.now())


# ---- answers and retries -----------------------------------------------------------------------------------


def classify(status: int, reason: str, retry_after: str | None, text: str = '') -> Outcome:
    if status in (200, 201, 202):
        return Outcome('sent')
    if status in (404, 410):
        return Outcome('gone', f'{status}: the device unsubscribed')
    error = f'{status} {reason}: {text}'.strip()
    if status == 429 or status >= 500:
        return Outcome('retry', error, parse_retry_after(retry_after))
    return Outcome('failed', error)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait: `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def retry_delay(attempts: int, retry_after: float | None) -> float:
    """Exponential backoff with jitter (2, 4, 8 ... s, at most 10 min), never sooner than Retry-After."""
    backoff = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    delay = backoff / 2 + random.uniform(0, backoff / 2)  # spread retries of a busy moment
    if retry_after is not None:
        retry_after = min(retry_after, RETRY_AFTER_CAP)
        delay = retry_after + random.uniform(0, min(retry_after * 0.1, 5.0))
    return max(delay, 1.0)


# ---- the HTTP client: connects only to addresses the endpoint rules allow ----------------------------------


def client(concurrency: int = CONCURRENCY, timeout: aiohttp.ClientTimeout = TIMEOUT) -> aiohttp.ClientSession:
    """Keep-alive connections, no proxies from the environment, short time-outs (and each request says
    allow_redirects=False). Every name is resolved by `GuardedResolver`, which checks the addresses it
    resolves to now and hands only those to the connection: DNS may have changed since the device
    subscribed, and no second lookup can swap the address after the check.

    (aiohttp, not httpx: httpx 0.28 / httpcore 1.0 managed 83 requests/s at 50 in flight against a local
    endpoint that aiohttp drives at ~2,800/s; its connection pool rescans every connection per request.)"""
    connector = aiohttp.TCPConnector(limit=concurrency, resolver=GuardedResolver(), ttl_dns_cache=DNS_CACHE)
    return aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False, auto_decompress=False)


def check_before_sending(endpoint: str) -> None:
    """The checks that do not wait for DNS (the allow-list may have changed since the device subscribed)."""
    host, _ = push_addresses.endpoint_host(endpoint)
    if _is_ip(host):  # aiohttp skips the resolver for a literal address: check it here
        push_addresses.check_addresses(host, [host.strip('[]')])


class GuardedResolver(AbstractResolver):
    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        try:
            addresses = await push_addresses.resolve(host, port)
        except Invalid as e:  # DNS trouble: worth a retry
            raise OSError(str(e)) from None
        try:
            push_addresses.check_addresses(host, addresses)
        except Invalid as e:
            raise Refused(str(e)) from None
        return [
            {
                'hostname': host,
                'host': address,
                'port': port,
                'family': socket.AF_INET6 if ':' in address else socket.AF_INET,
                'proto': 0,
                'flags': socket.AI_NUMERICHOST,
            }
            for address in addresses
        ]

    async def close(self) -> None:
        pass


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip('[]'))
    except ValueError:
        return False
    return True
