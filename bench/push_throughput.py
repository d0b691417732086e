"""Push delivery throughput: how fast the worker encrypts and delivers, and how long one ticket takes to reach
1,000 technicians' devices, while the event loop stays responsive.

Real parts throughout: the app's database (a SQLite file in a temporary directory, WAL, as in production; or
--db postgres://...), the domain verbs, the worker of pwa/push.py with its encryption (webpush, aes128gcm),
VAPID signing, guarded HTTP client and result bookkeeping. N technicians each have one device (its own P-256
key pair and auth secret, as a browser makes them) whose endpoint is a local push service: a minimal HTTP/1.1
server (raw asyncio, uvloop if installed) that answers 201 to every POST. It runs in a separate process, so
its CPU is not the worker's; on this 2-core machine both processes share the two cores, as the app would
share them with a reverse proxy.

Phases (after one warm-up run; each --runs times, the median reported; the best too):
- sequential: N rows queued by one `create_ticket` while no worker runs, then a worker with concurrency 1
  delivers them: messages/second = N / time from start to the last row recorded as sent.
- concurrent: the same with the default worker (concurrency 50, batches of 250, encryption in a thread).
- fan-out: the default worker is running and idle; a requester reports a ticket: time from calling
  `create_ticket` to the last of the N deliveries arriving at the push service (its clock: CLOCK_MONOTONIC,
  shared by both processes), and to the last row recorded as sent.
Meanwhile a 10 ms asyncio ticker in the worker's process measures event-loop lag (p50, p95, max over all runs
of a phase, and the same ticker idle as the machine's baseline): what a page update waiting on that loop
would wait.
- live (--live-clients, default 50; 0 skips it): what people with Tapdesk open feel during a fan-out. The real
  app as a server subprocess (bench/_tapdesk_server.py: main.serve(), the push worker running inside it as in
  production) with the N technicians' devices, and that many simulated browsers holding a ticket page open
  (bench/live_latency.py's socket.io clients). Each run: some changes (a technician's reply through the domain
  verb) with nothing else going on, then a new ticket that fans out to the N devices while replies keep coming
  back to back until the last delivery. A change's latency is from just before its POST to its arrival in each
  open page; p50/p95 quiet and during the fan-out, and their ratio (same run, same pages, interleaved: the
  machine's noise hits both).

Run:  /tmp/venv/bin/python bench/push_throughput.py [--subscribers 1000] [--runs 3] [--db URL] [--live-clients 50]
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from subprocess import PIPE
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))


# ---- the local push service (runs as its own process: `push_throughput.py --serve`) ------------------------


class PushServiceProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive: POST anything -> 201; GET /stats -> counts and CLOCK_MONOTONIC times."""

    stats: dict[str, Any] = {'count': 0, 'first': None, 'last': None, 'bytes': 0}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.buffer = b''

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b'\r\n\r\n')
            if end < 0:
                return
            head = self.buffer[:end].decode('latin-1')
            length = 0
            for line in head.split('\r\n')[1:]:
                name, _, value = line.partition(':')
                if name.strip().lower() == 'content-length':
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            self.respond(head.split(' ', 2), length)

    def respond(self, request_line: list[str], length: int) -> None:
        method, path = request_line[0], request_line[1]
        if method == 'GET' and path == '/stats':
            body = json.dumps(self.stats).encode()
            self.transport.write(  # type: ignore[attr-defined]
                b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' % (len(body), body)
            )
            return
        if method == 'POST' and path == '/reset':
            PushServiceProtocol.stats = {'count': 0, 'first': None, 'last': None, 'bytes': 0}
        else:
            now = time.monotonic()
            s = self.stats
            s['count'] += 1
            s['bytes'] += length
            s['first'] = s['first'] or now
            s['last'] = now
        self.transport.write(b'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n')  # type: ignore[attr-defined]


def serve() -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(PushServiceProtocol, '127.0.0.1', 0, backlog=1024)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


# ---- the measuring side -------------------------------------------------------------------------------------


class Ticker:
    """An asyncio task that wants to run every 10 ms; how late it runs is the event loop's lag."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.lags = []
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> list[float]:
        assert self._task is not None
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        return self.lags

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            self.lags.append(max(0.0, time.perf_counter() - before - 0.01))


def lag_figures(lags: list[float]) -> dict[str, float]:
    ordered = sorted(lags) or [0.0]

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000, 1)

    return {'p50_ms': at(0.5), 'p95_ms': at(0.95), 'max_ms': round(ordered[-1] * 1000, 1), 'samples': len(lags)}


class Bench:
    def __init__(self, subscribers: int, db_url: str | None) -> None:
        self.n = subscribers
        self.tmp = Path(tempfile.mkdtemp(prefix='tapdesk-push-bench-'))
        os.environ.update(
            TAPDESK_DATA_DIR=str(self.tmp / 'data'),
            TAPDESK_PUSH_ALLOW_LOOPBACK='1',
            TAPDESK_VAPID_SUBJECT='mailto:bench@example.com',
        )
        self.db_url = db_url or f'sqlite://{self.tmp / "data" / "bench.sqlite3"}'
        self.ticker = Ticker()

    async def setup(self) -> None:
        import httpx
        from _devices import technicians_with_devices

        from models import catalog, db, settings
        from models.users import Category, User
        from pwa import push  # noqa: F401  (imports NiceGUI via pwa/__init__: not inside a measured window)

        settings.reload()
        self.service = await asyncio.create_subprocess_exec(sys.executable, __file__, '--serve', stdout=PIPE)
        assert self.service.stdout is not None
        self.port = int(await self.service.stdout.readline())
        self.http = httpx.AsyncClient(base_url=f'http://127.0.0.1:{self.port}')
        await db.start(self.db_url)
        now = time.time()
        from models import clock

        staff = await Category.create(name='Staff')
        self.wifi = await catalog.save_service(actor=None, name='Wi-Fi', icon='wifi', category_ids=[staff.id])
        self.requester = await User.create(
            email='alex@example.com', name='Alex Kim', password_hash='-', category=staff, created_at=clock.now()
        )
        await technicians_with_devices(self.n, f'http://127.0.0.1:{self.port}')
        self.setup_s = round(time.time() - now, 2)

    async def teardown(self) -> None:
        from models import db
        from pwa import push

        await push.stop_worker()
        await self.http.aclose()
        await db.stop()
        self.service.terminate()
        await self.service.wait()

    async def idle_lag(self, seconds: float = 2.0) -> list[float]:
        """The ticker with nothing else to do: what the machine itself adds (other processes, scheduling)."""
        self.ticker.start()
        await asyncio.sleep(seconds)
        return await self.ticker.stop()

    async def drain_run(self, concurrency: int) -> dict[str, Any]:
        """Queue N rows with no worker running, then time one worker delivering them all."""
        from models import tickets
        from pwa import push

        await self._reset()
        await tickets.create_ticket(requester=self.requester, service_id=self.wifi.id, title='Printer on fire')
        self.ticker.start()
        start = time.monotonic()
        push.start_worker(concurrency=concurrency)
        recorded = await self._all_recorded()
        lag = await self.ticker.stop()
        await push.stop_worker()
        stats = await self._stats()
        assert stats['count'] == self.n, stats
        elapsed = recorded - start
        return {'messages_per_s': round(self.n / elapsed), 'seconds': round(elapsed, 3), 'loop_lag': lag}

    async def fanout_run(self) -> dict[str, Any]:
        """A running, idle worker; one new ticket; until the last of N devices has it."""
        from models import tickets
        from pwa import push

        await self._reset()
        push.start_worker()
        await asyncio.sleep(0.2)  # idle
        self.ticker.start()
        start = time.monotonic()
        await tickets.create_ticket(requester=self.requester, service_id=self.wifi.id, title='No Wi-Fi on floor 2')
        committed = time.monotonic()
        recorded = await self._all_recorded()
        lag = await self.ticker.stop()
        await push.stop_worker()
        stats = await self._stats()
        assert stats['count'] == self.n, stats
        return {
            'to_last_delivery_s': round(stats['last'] - start, 3),
            'to_first_delivery_s': round(stats['first'] - start, 3),
            'to_all_recorded_s': round(recorded - start, 3),
            'create_ticket_s': round(committed - start, 3),  # the transaction that writes the N rows
            'loop_lag': lag,
        }

    async def _reset(self) -> None:
        from models.notifications import PushMessage

        await PushMessage.all().delete()
        await self.http.post('/reset')

    async def _stats(self) -> dict[str, Any]:
        return (await self.http.get('/stats')).json()

    async def _all_recorded(self) -> float:
        from models.notifications import PushMessage, State

        while await PushMessage.filter(state__in=[State.PENDING, State.SENDING]).exists():  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        failed = await PushMessage.filter(state=State.FAILED).values_list('last_error', flat=True)
        assert not failed, failed[:3]
        return time.monotonic()


async def live_during_fanout(subscribers: int, clients: int, runs: int, quiet_changes: int = 8) -> dict[str, Any]:
    """Live-update latency in open ticket pages, quiet and while one ticket fans out to `subscribers` devices."""
    import uuid

    import aiohttp

    sys.path.insert(0, str(BENCH))
    from live_latency import App, Browser, Server, _change, _live, _open_all, _pct, _session_cookie, _wait_connected

    service = await asyncio.create_subprocess_exec(sys.executable, __file__, '--serve', stdout=PIPE)
    assert service.stdout is not None
    port = int(await service.stdout.readline())
    push_base = f'http://127.0.0.1:{port}'
    os.environ.update(TAPDESK_PUSH_ALLOW_LOOPBACK='1', TAPDESK_FOLLOWUPS='0', TAPDESK_PUSH_WORKER='1')
    server = Server(App('push-live', '_tapdesk_server.py'), reconnect_timeout=60, n=clients)
    quiet: list[float] = []
    during: list[float] = []
    fanouts: list[float] = []
    missing = 0
    connector = aiohttp.TCPConnector(limit=25, force_close=True)
    async with (
        aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as http,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.DummyCookieJar()) as ws,
    ):
        browsers: list[Browser] = []
        try:
            ready = await server.wait_ready(http)
            await server.post(http, '/__bench/subscribers', {'n': subscribers, 'endpoint': push_base})
            cookie = await _session_cookie(server, http, 'requester')
            browsers = [Browser(server.base, cookie) for _ in range(clients)]
            await _open_all(browsers, http, ws, f'/t/{ready["ticket_id"]}', limit_s=max(60.0, clients * 0.5))
            await _wait_connected(server, http, len(_live(browsers)), limit_s=30)

            async def push_stats(path: str = '/stats') -> dict[str, Any]:
                method = http.get if path == '/stats' else http.post
                async with method(push_base + path) as r:
                    return await r.json() if path == '/stats' else {}

            async def one_change(into: list[float]) -> None:
                nonlocal missing
                live = _live(browsers)
                text = f'change {uuid.uuid4().hex[:10]}'
                _, lost = await _change(server, http, live, text, limit_s=30)
                missing += lost
                into.extend(b.received[text] for b in live if text in b.received)

            async def fanout(into: list[float]) -> float:
                await push_stats('/reset')
                started = (await server.post(http, '/__bench/fanout'))[0]['start']
                while (stats := await push_stats())['count'] < subscribers:
                    await one_change(into)  # back to back until the last device has it
                while (await server.get(http, '/__bench/outbox'))['pending']:  # noqa: ASYNC110
                    await asyncio.sleep(0.01)
                return stats['last'] - started

            await fanout([])  # warm-up: first connections to the push service, compiled queries
            for _ in range(2):
                await one_change([])
            for _ in range(runs):
                for _ in range(quiet_changes):
                    await one_change(quiet)
                    await asyncio.sleep(0.05)
                fanouts.append(await fanout(during))
            outbox = await server.get(http, '/__bench/outbox')
        finally:
            for b in browsers:
                await b.close()
            server.stop()
            service.terminate()
            await service.wait()
    quiet_p95, during_p95 = _pct([x * 1000 for x in quiet], 95), _pct([x * 1000 for x in during], 95)
    return {
        'clients': len(_live(browsers)) or clients,
        'quiet_p50_ms': round(_pct([x * 1000 for x in quiet], 50) or 0, 1),
        'quiet_p95_ms': round(quiet_p95 or 0, 1),
        'fanout_p50_ms': round(_pct([x * 1000 for x in during], 50) or 0, 1),
        'fanout_p95_ms': round(during_p95 or 0, 1),
        'p95_ratio': round(during_p95 / quiet_p95, 2) if quiet_p95 and during_p95 else None,
        'samples_quiet': len(quiet),
        'samples_fanout': len(during),
        'missing_updates': missing,
        'fanout_to_last_delivery_s': summary([{'s': round(f, 3)} for f in fanouts], 's'),
        'failed_deliveries': outbox['failed'],
    }


def encryption_cost(samples: int = 500) -> float:
    """Microseconds to encrypt one notification with webpush (aes128gcm), on one core."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from webpush import WebPush
    from webpush.types import WebPushKeys, WebPushSubscription

    from tests.push_service import b64

    server = ec.generate_private_key(ec.SECP256R1())
    webpush = WebPush(
        private_key=server.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        public_key=server.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    )
    device = ec.generate_private_key(ec.SECP256R1())
    keys = WebPushKeys(
        p256dh=b64(
            device.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        ),
        auth=b64(os.urandom(16)),
    )
    subscription = WebPushSubscription(endpoint='https://fcm.googleapis.com/x', keys=keys)
    message = b'{"title":"New request #12 \xc2\xb7 Wi-Fi","body":"No Wi-Fi on floor 2 - Alex Kim","kind":"new_ticket"}'
    start = time.perf_counter()
    for _ in range(samples):
        webpush._encrypt(message, subscription)
    return (time.perf_counter() - start) / samples * 1e6


def summary(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    values = [r[key] for r in runs]
    best = max(values) if key == 'messages_per_s' else min(values)
    return {'median': statistics.median(values), 'best': best, 'runs': values}


async def main(args: argparse.Namespace) -> dict[str, Any]:
    bench = Bench(args.subscribers, args.db)
    await bench.setup()
    try:
        await bench.drain_run(concurrency=50)  # warm-up: first connections, lazy imports, caches
        idle = await bench.idle_lag()
        sequential = [await bench.drain_run(concurrency=1) for _ in range(args.runs)]
        concurrent = [await bench.drain_run(concurrency=50) for _ in range(args.runs)]
        fanout = [await bench.fanout_run() for _ in range(args.runs)]
    finally:
        await bench.teardown()
    live = None
    if args.live_clients:
        live = await live_during_fanout(args.subscribers, args.live_clients, runs=max(args.runs, 3))
        print('live', json.dumps(live), flush=True)
    for name, runs in (('sequential', sequential), ('concurrent', concurrent), ('fan-out', fanout)):
        for run in runs:
            print(name, json.dumps({**run, 'loop_lag': lag_figures(run['loop_lag'])}), flush=True)
    return {
        'subscribers': args.subscribers,
        'database': 'postgres' if args.db else 'sqlite-file',
        'cores': os.cpu_count(),
        'encrypt_us_per_message': round(encryption_cost(), 1),
        'sequential_messages_per_s': summary(sequential, 'messages_per_s'),
        'concurrent_messages_per_s': summary(concurrent, 'messages_per_s'),
        'fanout_to_last_delivery_s': summary(fanout, 'to_last_delivery_s'),
        'fanout_to_all_recorded_s': summary(fanout, 'to_all_recorded_s'),
        'fanout_create_ticket_s': summary(fanout, 'create_ticket_s'),
        'loop_lag': {  # all runs of a phase together; 'idle': the same ticker with nothing else to do
            'idle': lag_figures(idle),
            'sequential': lag_figures([lag for r in sequential for lag in r['loop_lag']]),
            'concurrent': lag_figures([lag for r in concurrent for lag in r['loop_lag']]),
            'fanout': lag_figures([lag for r in fanout for lag in r['loop_lag']]),
        },
        'live_update_during_fanout': live,  # open ticket pages of the real server while it fans out
        'load_average_1m': round(os.getloadavg()[0], 2),
        'setup_s': bench.setup_s,
    }


if __name__ == '__main__':
    if sys.argv[1:] == ['--serve']:
        serve()
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--subscribers', type=int, default=1000)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--live-clients', type=int, default=50, help='open ticket pages in the live phase (0: skip)')
    parser.add_argument('--db', help='a PostgreSQL URL (the database must exist); default: a SQLite file')
    result = asyncio.run(main(parser.parse_args()))
    print(json.dumps(result), flush=True)
