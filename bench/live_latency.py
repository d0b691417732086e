"""Live-update latency and per-client memory of Tapdesk's ticket page, against a bare NiceGUI page.

For each N (default 50, 300, 500) and each app (Tapdesk, bare baseline), a fresh server subprocess is started on a
free port with a temporary data directory, and N simulated browsers hold the page open: each GETs the page over HTTP
with a signed-in session cookie (so the server builds a real NiceGUI Client), takes the socket.io query from the HTML
and connects to /_nicegui_ws/socket.io with the query nicegui.js sends (implicit handshake; an explicit 'handshake'
emit when the page asks for one), then acks received messages every 3 s like nicegui.js.

Tapdesk: bench/_tapdesk_server.py runs the real app through main.serve() (same ui.run options, reconnect_timeout
included), seeds a ticket with six timeline events through the domain verbs, and the change is a technician's reply
via models.tickets.reply inside the server (POST /__bench/change). 5 % of the tabs are the technician, the rest the
requester. Baseline: bench/_bare_server.py, one ~50-element page with the same ui.run options; the change is
set_text on one label of every open page. Each change is timed from just before the POST to the arrival, in each
client, of the socket.io 'update' carrying the new text. Changes are `--interval` apart; a change still being
delivered is waited for (at most 30 s) before the next one, so the figures are per change, not a backlog.

Memory: server RSS after all N connected minus RSS after a warm-up (both after gc.collect() in the server), over N;
clients open in two halves, and the second half's RSS growth over its clients is the marginal cost ("2nd half"),
which is not flattered by memory the warm-up freed (trust it from N=300 on; the --quick figures are a smoke test).
Also printed: RSS growth per client per change, server CPU per client-update, page-open CPU, the bench's own event
loop lag (if it is high, the bench process limits what is measured). Server logs go to bench/out/<app>-<N>.log.

Run:  /tmp/venv/bin/python bench/live_latency.py [--clients 50,300,500] [--changes 10] [--quick]
Measure a commit instead of the working tree (others may be mid-edit): --source HEAD.
Investigate: --profile (cProfile of the servers during the changes), --trace (tracemalloc: where per-client memory
goes; slow).
The last line printed is one JSON object with all figures (top level: the N=300 run, or the largest one).
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import psutil
import socketio

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
OUT = BENCH / 'out'

CONNECT_CONCURRENCY = 20  # page loads + socket connects in flight at once
TOP_LEVEL_CLIENTS = 300


def _reconnect_timeout() -> float:
    sys.path.insert(0, os.environ.get('BENCH_APP_ROOT') or str(ROOT))
    from models import settings  # the product's own default (TAPDESK_RECONNECT_TIMEOUT or 60 s)

    return settings.load().reconnect_timeout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


# ---- servers ---------------------------------------------------------------------------------------------------


@dataclass
class App:
    name: str
    script: str
    sessions: tuple[str, ...] = ('requester',)


class Server:
    """One app server as a subprocess on a free port, with its own temporary data directory."""

    def __init__(self, app: App, reconnect_timeout: float, n: int) -> None:
        self.app = app
        self.port = _free_port()
        self.base = f'http://127.0.0.1:{self.port}'
        self.tmp = Path(tempfile.mkdtemp(prefix=f'tapdesk-bench-{app.name}-'))
        OUT.mkdir(exist_ok=True)
        self.log_path = OUT / f'{app.name}-{n}.log'  # kept after the run (bench/out/ is git-ignored)
        env = dict(
            os.environ,
            TAPDESK_DATA_DIR=str(self.tmp / 'data'),
            NICEGUI_STORAGE_PATH=str(self.tmp / '.nicegui'),
            PYTHONUNBUFFERED='1',
        )
        env.pop('TAPDESK_DEMO', None)
        args = [PYTHON, str(BENCH / app.script), str(self.port)]
        if app.name == 'bare':
            args.append(str(reconnect_timeout))
        self._log = open(self.log_path, 'wb')  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(args, cwd=self.tmp, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self.ps = psutil.Process(self.proc.pid)

    def rss(self) -> int:
        return self.ps.memory_info().rss

    def cpu(self) -> float:
        times = self.ps.cpu_times()
        return times.user + times.system

    def log_tail(self, lines: int = 30) -> str:
        try:
            return '\n'.join(self.log_path.read_text(errors='replace').splitlines()[-lines:])
        except OSError:
            return ''

    async def wait_ready(self, http: aiohttp.ClientSession, limit_s: float = 90) -> dict:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f'{self.app.name} server exited early:\n{self.log_tail()}')
            try:
                async with http.get(f'{self.base}/__bench/ready', timeout=aiohttp.ClientTimeout(total=5)) as r:
                    if r.status == 200:
                        return await r.json()
                    if r.status == 500:
                        raise RuntimeError(f'{self.app.name} server: {await r.text()}\n{self.log_tail()}')
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.25)
        raise TimeoutError(f'{self.app.name} server not ready after {limit_s:.0f} s:\n{self.log_tail()}')

    async def get(self, http: aiohttp.ClientSession, path: str) -> dict:
        async with http.get(self.base + path, timeout=aiohttp.ClientTimeout(total=60)) as r:
            r.raise_for_status()
            return await r.json()

    async def post(
        self, http: aiohttp.ClientSession, path: str, body: dict | None = None, cookie: str | None = None
    ) -> tuple[dict, aiohttp.ClientResponse]:
        headers = {'Cookie': cookie} if cookie else {}
        async with http.post(
            self.base + path, json=body or {}, headers=headers, timeout=aiohttp.ClientTimeout(total=60)
        ) as r:
            r.raise_for_status()
            return await r.json(), r

    def stop(self) -> None:
        if (code := self.proc.poll()) is not None:
            print(f'    {self.app.name} server had exited with code {code} (log: {self.log_path})', flush=True)
        else:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---- simulated browsers ----------------------------------------------------------------------------------------

QUERY = re.compile(r'query:\s*(\{.*?\}),\s*\n')


@dataclass
class Browser:
    """One browser tab: the page's HTML over HTTP, then a socket.io connection handshaken like nicegui.js."""

    base: str
    cookie: str
    sio: socketio.AsyncClient | None = None
    client_id: str = ''
    next_message_id: int = 0
    acked_message_id: int = -1
    marker: str | None = None
    marker_t0: float = 0.0
    received: dict[str, float] = field(default_factory=dict)  # marker -> latency in seconds
    updates: int = 0
    update_bytes: int = 0
    _ack_task: asyncio.Task | None = None

    async def open(self, http: aiohttp.ClientSession, ws_http: aiohttp.ClientSession, path: str) -> None:
        async with http.get(
            self.base + path,
            headers={'Cookie': self.cookie},
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=120),
        ) as r:
            html = await r.text()
            if r.status != 200:
                raise RuntimeError(f'GET {path} -> {r.status} {r.headers.get("location", "")}')
        match = QUERY.search(html)
        if match is None:
            raise RuntimeError('no socket.io query in the page')
        options = ast.literal_eval(match.group(1))  # a Python dict repr; nicegui.js defines True/False/None
        self.client_id = options['client_id']
        self.next_message_id = int(options['next_message_id'])
        # nicegui.js: options.query.document_id / tab_id / old_tab_id are added in mounted()
        query = {**options, 'document_id': str(uuid.uuid4()), 'tab_id': str(uuid.uuid4()), 'old_tab_id': None}
        self.sio = socketio.AsyncClient(reconnection=False, http_session=ws_http)
        self.sio.on('*', self._on_message)
        # socket.io-client serialises the query with encodeURIComponent(String(value)): true -> "true", null -> "null"
        qs = urlencode({k: _js_string(v) for k, v in query.items()})
        await self.sio.connect(
            f'{self.base}/?{qs}',
            socketio_path='/_nicegui_ws/socket.io',
            transports=['websocket'],
            headers={'Cookie': self.cookie},
            wait_timeout=60,
        )
        if not query.get('implicit_handshake'):
            ok = await self.sio.call('handshake', query, timeout=60)
            if not ok:
                raise RuntimeError('handshake refused')
        self._ack_task = asyncio.create_task(self._ack_loop())

    async def _on_message(self, event: str, data: object = None) -> None:
        now = time.perf_counter()
        if isinstance(data, dict) and '_id' in data:
            message_id = data.pop('_id')
            if message_id < self.next_message_id:
                return
            self.next_message_id = message_id + 1
        if event != 'update':
            return
        text = json.dumps(data)
        self.updates += 1
        self.update_bytes += len(text)
        marker = self.marker
        if marker is not None and marker not in self.received and marker in text:
            self.received[marker] = now - self.marker_t0

    async def _ack_loop(self) -> None:
        """nicegui.js acks every 3 s (setInterval(ack, 3000)); each tab has its own phase."""
        await asyncio.sleep(random.uniform(0, 3))
        while self.sio is not None and self.sio.connected:
            if self.acked_message_id < self.next_message_id:
                with contextlib.suppress(Exception):
                    await self.sio.emit('ack', {'client_id': self.client_id, 'next_message_id': self.next_message_id})
                self.acked_message_id = self.next_message_id
            await asyncio.sleep(3)

    async def close(self) -> None:
        if self._ack_task:
            self._ack_task.cancel()
        if self.sio is not None and self.sio.connected:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.sio.disconnect(), timeout=5)


def _js_string(value: object) -> str:
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    if value is None:
        return 'null'
    return str(value)


# ---- one measurement -------------------------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method='inclusive')[round(q) - 1]


def _round(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _live(browsers: list[Browser]) -> list[Browser]:
    return [b for b in browsers if b.sio is not None and b.sio.connected]


class LoopLag:
    """How late this (the bench's) event loop wakes up: a busy bench process delays when updates are seen."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            self.samples.append((time.perf_counter() - t - 0.01) * 1000)

    def reset(self) -> None:
        self.samples.clear()

    def stop(self) -> None:
        self._task.cancel()


async def _session_cookie(server: Server, http: aiohttp.ClientSession, role: str) -> str:
    _, response = await server.post(http, f'/__bench/session?role={role}')
    morsel = response.cookies.get('session')
    if morsel is None:
        raise RuntimeError('no session cookie from /__bench/session')
    return f'session={morsel.value}; tz=UTC'  # tz: what Tapdesk's head script sets in a real browser


async def _open_all(
    browsers: list[Browser],
    http: aiohttp.ClientSession,
    ws_http: aiohttp.ClientSession,
    path: str,
    limit_s: float,
    concurrency: int = CONNECT_CONCURRENCY,
) -> int:
    if not browsers:
        return 0
    gate = asyncio.Semaphore(concurrency)
    failures: list[BaseException] = []

    async def one(b: Browser) -> None:
        async with gate:
            try:
                await b.open(http, ws_http, path)
            except Exception as e:  # counted and reported, never fatal for the run
                failures.append(e)

    tasks = [asyncio.create_task(one(b)) for b in browsers]
    _, pending = await asyncio.wait(tasks, timeout=limit_s)
    for task in pending:
        task.cancel()
    if failures or pending:
        example = repr(failures[0]) if failures else 'timed out'
        print(
            f'    {len(failures) + len(pending)} of {len(browsers)} clients failed to open, e.g. {example}', flush=True
        )
    return len(failures) + len(pending)


async def _wait_connected(server: Server, http: aiohttp.ClientSession, n: int, limit_s: float) -> int:
    deadline = time.monotonic() + limit_s
    connected = 0
    while time.monotonic() < deadline:
        connected = (await server.get(http, '/__bench/stats'))['connected']
        if connected >= n:
            break
        await asyncio.sleep(0.5)
    return connected


async def _gc_rss(server: Server, http: aiohttp.ClientSession, settle: float) -> int:
    await asyncio.sleep(settle)
    await server.post(http, '/__bench/gc')
    await asyncio.sleep(0.5)
    return server.rss()


async def _change(
    server: Server, http: aiohttp.ClientSession, browsers: list[Browser], text: str, limit_s: float
) -> tuple[float, int]:
    """Make one change and wait (bounded) until every open browser has it. Returns POST time and missing count."""
    t0 = time.perf_counter()
    for b in browsers:
        b.marker, b.marker_t0 = text, t0
    await server.post(http, '/__bench/change', {'text': text})
    post_s = time.perf_counter() - t0
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if all(text in b.received for b in browsers):
            break
        await asyncio.sleep(0.005)
    missing = sum(1 for b in browsers if text not in b.received)
    for b in browsers:
        b.marker = None
    return post_s, missing


async def _print_trace(server: Server, http: aiohttp.ClientSession, what: str, per: int) -> None:
    for key in ('app', 'inner'):
        top = await server.get(http, f'/__bench/trace/top?per={per}&key={key}&limit=20')
        print(f'    tracemalloc, {what}: {top["total_kb_per"]} KB per client alive; top by {key} frame (KB/client):')
        for where, kb in top['top']:
            print(f'      {kb:8.2f}  {where}')


async def measure(
    app: App,
    n: int,
    changes: int,
    reconnect_timeout: float,
    interval: float,
    trace: bool = False,
    profile: bool = False,
) -> dict:
    server = Server(app, reconnect_timeout, n)
    browsers: list[Browser] = []
    warm: list[Browser] = []
    lag = LoopLag()
    # a new connection per request: no race with uvicorn closing idle keep-alive connections (ServerDisconnectedError)
    connector = aiohttp.TCPConnector(limit=CONNECT_CONCURRENCY + 5, force_close=True)
    ws_connector = aiohttp.TCPConnector(limit=0)
    async with (
        aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as http,
        aiohttp.ClientSession(connector=ws_connector, cookie_jar=aiohttp.DummyCookieJar()) as ws_http,
    ):
        try:
            ready = await server.wait_ready(http)
            path = f'/t/{ready["ticket_id"]}' if 'ticket_id' in ready else ready['page']
            cookies = [await _session_cookie(server, http, role) for role in app.sessions]

            # warm-up: two tabs and one change compile what the first page and update need, then go away
            warm = [Browser(server.base, cookies[0]) for _ in range(2)]
            await _open_all(warm, http, ws_http, path, limit_s=60)
            if not _live(warm):
                raise RuntimeError(f'{app.name}: no warm-up client could connect (see {server.log_path})')
            await _change(server, http, _live(warm), f'warm-up {uuid.uuid4().hex[:8]}', limit_s=20)
            for b in warm:
                await b.close()
            await asyncio.sleep(0.5)
            await server.post(http, '/__bench/prune')
            rss_before = await _gc_rss(server, http, settle=1.0)
            if trace:
                await server.post(http, '/__bench/trace/start')

            # N tabs; with two sessions the first 5 % (at least one) are the technician, the rest the requester
            technicians = max(1, n // 20) if len(cookies) > 1 else 0
            browsers = [Browser(server.base, cookies[1] if i < technicians else cookies[0]) for i in range(n)]
            # in two halves: RSS at N/2 too, so that the second half gives the marginal cost of a client (RSS
            # right after the warm-up still holds freed memory that the first clients reuse)
            concurrency = 1 if trace else CONNECT_CONCURRENCY  # tracemalloc slows page builds past response_timeout
            failed, open_s, open_cpu, rss_half, connected_half = 0, 0.0, 0.0, rss_before, 0
            for half, part in enumerate((browsers[: n // 2], browsers[n // 2 :])):
                cpu0, t_open = server.cpu(), time.perf_counter()
                failed += await _open_all(
                    part, http, ws_http, path, max(30.0, len(part) * (2.0 if trace else 0.5)), concurrency
                )
                open_s, open_cpu = open_s + time.perf_counter() - t_open, open_cpu + server.cpu() - cpu0
                connected = await _wait_connected(server, http, len(_live(browsers)), limit_s=30)
                rss_after = await _gc_rss(server, http, settle=2.0)
                if half == 0:
                    rss_half, connected_half = rss_after, connected
            live = _live(browsers)
            stats = await server.get(http, '/__bench/stats?detail=1')
            if trace and connected:
                await _print_trace(server, http, f'{app.name} after {connected} connected', connected)

            latencies: list[float] = []
            change_max: list[float] = []
            post_times: list[float] = []
            missing = 0
            lag.reset()
            change_cpu = 0.0
            await server.post(http, '/__bench/gc/pauses')  # from here: pauses during the changes
            if profile:
                await server.post(http, '/__bench/profile/start')
            for i in range(changes):
                started = time.monotonic()
                text = f'Bench reply {i + 1}: please try again now ({uuid.uuid4().hex[:8]})'
                cpu0 = server.cpu()
                post_s, miss = await _change(server, http, live, text, limit_s=30)
                change_cpu += server.cpu() - cpu0
                post_times.append(post_s)
                missing += miss
                got = [b.received[text] * 1000 for b in live if text in b.received]
                latencies += got
                change_max.append(round(max(got, default=0)))
                await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))
            bench_lag_p95 = _pct(lag.samples, 95)
            gc_pauses = (await server.post(http, '/__bench/gc/pauses'))[0]
            if profile:
                report = OUT / f'{app.name}-{n}.profile.txt'
                report.write_text((await server.post(http, '/__bench/profile/stop'))[0]['text'])
                print(f'    cProfile of the server during the changes: {report.relative_to(ROOT)}', flush=True)
            rss_end = await _gc_rss(server, http, settle=0.5)
            if trace and connected:
                await _print_trace(server, http, f'{app.name} after {changes} changes', connected)
            kb = (rss_after - rss_before) / 1024 / connected if connected else None
            marginal = connected - connected_half
            kb_marginal = (rss_after - rss_half) / 1024 / marginal if marginal > 0 else None
            kb_change = (rss_end - rss_after) / 1024 / connected / changes if connected and changes else None
            return {
                'app': app.name,
                'clients': n,
                'connected': connected,
                'open_failures': failed,
                'open_s': round(open_s, 2),
                'open_cpu_ms_per_client': _round(open_cpu * 1000 / max(1, len(live))),
                'changes': changes,
                'samples': len(latencies),
                'missing': missing,
                'p50_ms': _round(_pct(latencies, 50)),
                'p95_ms': _round(_pct(latencies, 95)),
                'max_ms': _round(max(latencies) if latencies else None),
                'post_ms_median': _round(statistics.median(post_times) * 1000 if post_times else None),
                'server_cpu_us_per_client_update': _round(change_cpu * 1e6 / max(1, len(live) * changes)),
                'bench_loop_lag_p95_ms': _round(bench_lag_p95),
                'change_max_ms': change_max,
                'server_gc_gen2_during_changes': gc_pauses.get('gen2', {}),
                'rss_before_mb': round(rss_before / 2**20, 1),
                'rss_after_mb': round(rss_after / 2**20, 1),
                'rss_half_mb': round(rss_half / 2**20, 1),
                'rss_end_mb': round(rss_end / 2**20, 1),
                'kb_per_client': _round(kb),
                'kb_per_client_marginal': _round(kb_marginal),
                'kb_per_client_per_change': _round(kb_change, 2),
                'elements_per_client': stats.get('elements_per_client'),
                'update_bytes_per_change': round(sum(b.update_bytes for b in live) / max(1, len(live)) / changes)
                if changes
                else None,
                'element_types': dict(stats.get('element_types') or []),
                'server_log': str(server.log_path.relative_to(ROOT)),
            }
        finally:
            lag.stop()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.gather(*(b.close() for b in browsers + warm), return_exceptions=True), timeout=60
                )
            server.stop()


# ---- main ------------------------------------------------------------------------------------------------------

TAPDESK = App('tapdesk', '_tapdesk_server.py', sessions=('requester', 'technician'))
BARE = App('bare', '_bare_server.py')


async def run(clients: list[int], changes: int, interval: float, trace: bool, profile: bool) -> dict:
    reconnect_timeout = _reconnect_timeout()
    print(
        f'reconnect_timeout={reconnect_timeout:g} s, {changes} changes per run {interval:g} s apart, '
        f'clients {clients}' + (' (tracemalloc/cProfile on: timings not representative)' if trace or profile else ''),
        flush=True,
    )
    runs = []
    for n in clients:
        row: dict = {'clients': n}
        for app in (TAPDESK, BARE):
            t = time.perf_counter()
            r = await measure(app, n, changes, reconnect_timeout, interval, trace, profile)
            print(
                f'  {app.name:<7} N={n:<4} connected={r["connected"]:<4} p50={r["p50_ms"]} ms '
                f'p95={r["p95_ms"]} ms max={r["max_ms"]} ms missing={r["missing"]} | '
                f'RSS {r["rss_before_mb"]}->{r["rss_after_mb"]} MB = {r["kb_per_client"]} KB/client '
                f'(2nd half: {r["kb_per_client_marginal"]}), '
                f'+{r["kb_per_client_per_change"]} KB/client/change | elements={r["elements_per_client"]} '
                f'update={r["update_bytes_per_change"]} B | server CPU {r["server_cpu_us_per_client_update"]} '
                f'us/client-update, {r["open_cpu_ms_per_client"]} ms/page open | POST {r["post_ms_median"]} ms, '
                f'bench lag p95 {r["bench_loop_lag_p95_ms"]} ms | slowest client per change {r["change_max_ms"]} ms, '
                f'server gen2 GCs {r["server_gc_gen2_during_changes"]} ({time.perf_counter() - t:.0f} s)',
                flush=True,
            )
            prefix = '' if app is TAPDESK else 'bare_'
            row.update({f'{prefix}{k}': v for k, v in r.items() if k not in ('app', 'clients')})
        row['p95_ratio_to_bare'] = _ratio(row['p95_ms'], row['bare_p95_ms'])
        row['p50_ratio_to_bare'] = _ratio(row['p50_ms'], row['bare_p50_ms'])
        row['kb_ratio_to_bare'] = _ratio(row['kb_per_client'], row['bare_kb_per_client'])
        row['kb_marginal_ratio_to_bare'] = _ratio(row['kb_per_client_marginal'], row['bare_kb_per_client_marginal'])
        row['cpu_ratio_to_bare'] = _ratio(
            row['server_cpu_us_per_client_update'], row['bare_server_cpu_us_per_client_update']
        )
        print(
            f'N={n}: Tapdesk/bare p95 x{row["p95_ratio_to_bare"]}, p50 x{row["p50_ratio_to_bare"]}, '
            f'KB/client x{row["kb_ratio_to_bare"]} (2nd half x{row["kb_marginal_ratio_to_bare"]}), '
            f'server CPU per update x{row["cpu_ratio_to_bare"]}',
            flush=True,
        )
        runs.append(row)
    top = next((r for r in runs if r['clients'] == TOP_LEVEL_CLIENTS), None) or max(runs, key=lambda r: r['clients'])
    keys = [
        'clients',
        'p50_ms',
        'p95_ms',
        'kb_per_client',
        'bare_p50_ms',
        'bare_p95_ms',
        'bare_kb_per_client',
        'p95_ratio_to_bare',
        'kb_ratio_to_bare',
    ]
    return {'runs': runs, **{k: top[k] for k in keys}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--clients', default='50,300,500', help='comma-separated client counts (default 50,300,500)')
    parser.add_argument('--changes', type=int, default=10, help='changes (replies) per run (default 10)')
    parser.add_argument(
        '--interval',
        type=float,
        default=1.0,
        help='seconds from one change to the next; a change still in flight is waited for (default 1)',
    )
    parser.add_argument('--quick', action='store_true', help='smoke run: N=20, 3 changes')
    parser.add_argument(
        '--trace',
        action='store_true',
        help='investigation: tracemalloc in the servers, print where per-client memory goes (slow)',
    )
    parser.add_argument(
        '--profile',
        action='store_true',
        help='investigation: cProfile the servers during the changes (bench/out/<app>-<N>.profile.txt)',
    )
    parser.add_argument(
        '--source',
        metavar='REV',
        help='measure the Tapdesk of a commit (git archive REV into a temporary directory) instead of the working tree',
    )
    args = parser.parse_args(argv)
    clients = [20] if args.quick else [int(x) for x in args.clients.split(',') if x.strip()]
    changes = 3 if args.quick else args.changes
    with tempfile.TemporaryDirectory(prefix='tapdesk-bench-src-') as snapshot:
        if args.source:
            _extract(args.source, Path(snapshot))
            os.environ['BENCH_APP_ROOT'] = snapshot  # inherited by the Tapdesk launcher
            print(f'Tapdesk source: {args.source} ({_git("rev-parse", "--short", args.source)})', flush=True)
        else:
            dirty = (
                ' + uncommitted changes'
                if _git('status', '--porcelain', '--', 'main.py', 'models', 'pages', 'pwa')
                else ''
            )
            print(f'Tapdesk source: working tree at {_git("rev-parse", "--short", "HEAD")}{dirty}', flush=True)
        result = asyncio.run(run(clients, changes, args.interval, args.trace, args.profile))
    print(json.dumps(result), flush=True)


def _git(*args: str) -> str:
    return subprocess.run(['git', '-C', str(ROOT), *args], capture_output=True, text=True, check=True).stdout.strip()


def _extract(rev: str, target: Path) -> None:
    archive = subprocess.run(['git', '-C', str(ROOT), 'archive', rev], capture_output=True, check=True).stdout
    subprocess.run(['tar', '-x', '-C', str(target)], input=archive, check=True)


if __name__ == '__main__':
    main()
