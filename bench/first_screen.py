"""First screen on mobile data (issue 13): how soon a phone on a slow connection shows something, and what it loads.

Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) at a phone's viewport (390x844, scale 2, touch),
throttled through CDP the way the issue defines "Slow 4G": Network.emulateNetworkConditions with 150 ms latency,
1.6 Mbit/s down and 750 kbit/s up, and Emulation.setCPUThrottlingRate 4 (the page's main thread four times slower).

Screens: Tapdesk's sign-in page (/login), a requester's My requests (/requests, alex@demo.tapdesk) and a technician's
queue (/queue, sam@demo.tapdesk), from Tapdesk itself started as a subprocess (`main.py serve --demo`) on a free port
with a fresh temporary data directory; and, in the same run, a bare NiceGUI page (a header, a few labels and a list of
20 items; a tiny app written to a temporary file and started with `ui.run(show=False, reload=False)`, NiceGUI's
defaults otherwise) on another port. The demo people sign in once, unthrottled, through the real sign-in form in a
browser context of their own; the cold contexts get that context's cookies and nothing else.

Per screen and run: a cold visit (a fresh browser context: empty cache, no service worker), then, once Tapdesk's
service worker is ready (navigator.serviceWorker.ready), a warm visit (the same page loads the address again: the
worker and the HTTP cache are in place; the bare app has no worker, so its warm visit has the HTTP cache only).
Figures per visit, in ms from the navigation's start:
- HTML in: the page's HTML fully received (the navigation's responseEnd);
- first paint and first contentful paint (performance.getEntriesByType('paint'));
- content visible: the first animation frame in which the screen's real content is laid out in the viewport (the
  sign-in form's email field; the first ticket row of the list, from the page's HTML (pwa.preview: the list's first
  rows, real links, before the script runs) or as the app draws it; the bare page's first list item); NiceGUI's
  `.mark()` markers stay on the server, so these are CSS selectors read from the pages;
- live: the same content as the app draws it (the list's own first row), for the lists whose HTML shows rows first;
- DOMContentLoaded and load (the navigation timing's event starts);
- bytes transferred: the sum of CDP Network.loadingFinished encodedDataLength of the page's requests (headers
  included, compressed as sent; 0 for what came from the memory or disk cache or from the service worker's cache;
  a page the worker passed on from its navigation preload counts with its body size as the page received it),
  the number of requests, and the largest resources with the time each had arrived; "KB by content" counts the
  requests that had finished when the content became visible. Collected until the content is visible, the page has
  loaded and the network was quiet for 0.5 s (at most 5 s more).
- whether NiceGUI's "Your browser does not support ES modules" notice (outside #app, fading in 1 s after its first
  render, removed when the Vue module runs) became visible: on a slow start it is the page's first contentful paint.

Aims (issue 13), checked on the medians: first contentful paint <= 1.5 s cold; content visible cold <= 0.8x the bare
page's; < 300 KB (1 KB = 1024 bytes) transferred cold; content visible warm < 1 s.

Run:  .venv/bin/python bench/first_screen.py [--runs 5] [--quick]     (about 3 minutes for 5 runs)
Measure a commit instead of the working tree (others may be mid-edit): --source HEAD.
Server logs: bench/out/first_screen-<app>.log. The last line printed is one JSON object with all figures and the aim
checks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / 'out'
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))
# The browser, its flags and the phone are the browser tests' own (tests/browser/conftest.py).
from tests.browser.conftest import CHROMIUM as FOUND  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, PHONE  # noqa: E402

CHROMIUM = FOUND or '/usr/bin/chromium'
# Issue 13's "Slow 4G" (Lighthouse's mobile definition), applied as DevTools throttling.
LATENCY_MS = 150
DOWN_BITS = 1_600_000
UP_BITS = 750_000
CPU_RATE = 4
NETWORK = {
    'offline': False,
    'latency': LATENCY_MS,
    'downloadThroughput': DOWN_BITS / 8,  # bytes per second
    'uploadThroughput': UP_BITS / 8,
}
DEMO_PASSWORD = 'demo'  # models/demo/people.py (demo mode only)
KB = 1024
VISIT_TIMEOUT_S = 60

# Aims of issue 13
AIM_FCP_COLD_MS = 1500
AIM_CONTENT_RATIO = 0.8
AIM_COLD_KB = 300
AIM_WARM_CONTENT_MS = 1000

BARE_APP = textwrap.dedent(
    """
    import sys
    from nicegui import ui

    @ui.page('/')
    def index() -> None:
        with ui.header().classes('items-center'):
            ui.label('Bare NiceGUI').classes('text-h6')
        ui.label('A plain NiceGUI page: a header, a few labels and a list.').classes('text-subtitle1')
        ui.label('Nothing else loads here.')
        ui.label('Twenty items follow.').classes('text-grey-7')
        with ui.list().classes('full-width bare-list'):
            for i in range(1, 21):
                with ui.item().classes('bare-item'):
                    with ui.item_section():
                        ui.item_label(f'Item {i}')
                        ui.item_label(f'Details of item {i}').props('caption')

    ui.run(port=int(sys.argv[1]), show=False, reload=False)
    """
)


@dataclass(frozen=True)
class Screen:
    key: str
    app: str  # 'tapdesk' or 'bare'
    path: str
    content: str  # CSS selector of the screen's real content
    who: str | None = None  # demo person signed in (None: signed out)
    live: str = ''  # CSS selector of the content as the app draws it, when the HTML shows it earlier (else `content`)


ROWS = '.td-list .td-row, .td-preview-row'  # a list's rows: the first ones in the HTML (pwa.preview), then the app's
SCREENS = [
    Screen('sign_in', 'tapdesk', '/login', '.td-login input[type=email]'),
    Screen('my_requests', 'tapdesk', '/requests', ROWS, who='alex', live='.td-list .td-row'),
    Screen('queue', 'tapdesk', '/queue', ROWS, who='sam', live='.td-list .td-row'),
    Screen('bare', 'bare', '/', '.bare-list .bare-item'),
]
TAPDESK_SCREENS = [s for s in SCREENS if s.app == 'tapdesk']

# Records the first animation frame in which the selector's element is laid out inside the viewport.
CONTENT_SCRIPT = """
(() => {
  const [selector, live] = %s;
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0 || r.bottom <= 0 || r.top >= innerHeight) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0;
  };
  const check = () => {
    // NiceGUI's "Your browser does not support ES modules" notice fades in 1 s after it is first rendered and is
    // removed when the Vue module runs: note whether a slow start let it show.
    const fallback = document.getElementById('esm-fallback');
    if (fallback && window.__firstScreenFallback === undefined && shown(fallback)) {
      window.__firstScreenFallback = performance.now();
    }
    const el = window.__firstScreenContent === undefined && document.querySelector(selector);
    if (el && shown(el)) window.__firstScreenContent = performance.now();
    const drawn = document.querySelector(live);
    if (drawn && shown(drawn)) { window.__firstScreenLive = performance.now(); return; }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();
"""

TIMINGS_JS = """
() => {
  const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
  const nav = performance.getEntriesByType('navigation')[0] || {};
  return {
    fp: paint['first-paint'] ?? null,
    fcp: paint['first-contentful-paint'] ?? null,
    content: window.__firstScreenContent ?? null,
    live: window.__firstScreenLive ?? null,
    fallback: window.__firstScreenFallback ?? null,
    dcl: nav.domContentLoadedEventStart || null,
    load: nav.loadEventStart || null,
    html: nav.responseEnd || null,
    ends: Object.fromEntries(performance.getEntriesByType('resource').map((e) => [e.name, e.responseEnd])),
    controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
  };
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


# ---- servers ---------------------------------------------------------------------------------------------------


class Server:
    """An app as a subprocess on a free port with its own temporary directory; always stopped by stop()."""

    def __init__(self, name: str, port: int, args: list[str], cwd: Path, env: dict[str, str], tmp: Path) -> None:
        self.name = name
        self.port = port
        self.tmp = tmp
        OUT.mkdir(exist_ok=True)
        self.log_path = OUT / f'first_screen-{name}.log'
        self._log = open(self.log_path, 'wb')  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def base(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    def log_tail(self, lines: int = 30) -> str:
        try:
            return '\n'.join(self.log_path.read_text(errors='replace').splitlines()[-lines:])
        except OSError:
            return ''

    def wait_ready(self, path: str, log_says: str | None = None, limit_s: float = 120) -> None:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f'{self.name} server exited early:\n{self.log_tail()}')
            try:
                with urllib.request.urlopen(self.base + path, timeout=5) as r:  # noqa: S310 (our own local server)
                    ok = r.status == 200
            except OSError:
                ok = False
            if ok and (log_says is None or log_says in self.log_path.read_text(errors='replace')):
                return
            time.sleep(0.25)
        raise TimeoutError(f'{self.name} server not ready after {limit_s:.0f} s:\n{self.log_tail()}')

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST', 'NICEGUI', 'TAPDESK_'))}
    env.update(NICEGUI_STORAGE_PATH=str(tmp / '.nicegui'), PYTHONUNBUFFERED='1')
    return env


def start_tapdesk(source: Path = ROOT) -> Server:
    tmp = Path(tempfile.mkdtemp(prefix='tapdesk-first-screen-'))
    env = _clean_env(tmp)
    env.update(TAPDESK_DATA_DIR=str(tmp / 'data'), TAPDESK_RECONNECT_TIMEOUT='30')
    port = _free_port()
    args = [PYTHON, str(source / 'main.py'), 'serve', '--demo', '--port', str(port)]
    return Server('tapdesk', port, args, source, env, tmp)


def start_bare() -> Server:
    tmp = Path(tempfile.mkdtemp(prefix='tapdesk-first-screen-bare-'))
    script = tmp / 'bare_app.py'
    script.write_text(BARE_APP)
    port = _free_port()
    return Server('bare', port, [PYTHON, str(script), str(port)], tmp, _clean_env(tmp), tmp)


# ---- one visit -------------------------------------------------------------------------------------------------


@dataclass
class Visit:
    fp: float | None = None
    fcp: float | None = None
    content: float | None = None
    live: float | None = None  # the content as the app draws it (the same as `content` where the HTML has none)
    fallback: float | None = None  # when NiceGUI's "no ES modules" notice became visible, if it did
    dcl: float | None = None
    load: float | None = None
    html: float | None = None  # the page's HTML fully received (the navigation's responseEnd)
    kb_before_content: float = 0.0  # KB of the requests that had finished when the content became visible
    controlled: bool = False
    bytes: int = 0
    requests: int = 0
    resources: list[tuple[str, int, float | None]] = field(default_factory=list)  # (path, bytes, end ms), largest first


class NetworkLog:
    """The page's requests as CDP reports them: what went over the (throttled) network and how much."""

    def __init__(self) -> None:
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.cached: set[str] = set()
        self.via_worker: dict[str, int] = {}
        self.pending: set[str] = set()
        self.last_event = time.monotonic()

    def attach(self, cdp: Any) -> None:
        cdp.on('Network.requestWillBeSent', self._sent)
        cdp.on('Network.requestServedFromCache', self._from_cache)
        cdp.on('Network.responseReceived', self._response)
        cdp.on('Network.loadingFinished', self._finished)
        cdp.on('Network.loadingFailed', self._failed)

    def reset(self) -> None:
        self.urls.clear()
        self.sizes.clear()
        self.cached.clear()
        self.via_worker.clear()
        self.pending.clear()
        self.last_event = time.monotonic()

    def _sent(self, e: dict) -> None:
        if e.get('type') == 'WebSocket':
            return
        self.urls[e['requestId']] = e['request']['url']
        self.pending.add(e['requestId'])
        self.last_event = time.monotonic()

    def _from_cache(self, e: dict) -> None:
        self.cached.add(e['requestId'])

    def _response(self, e: dict) -> None:
        response = e.get('response', {})
        if response.get('fromServiceWorker') and e.get('type') == 'Document':
            # Tapdesk's worker never caches pages: it answers a navigation with the navigation preload, which went
            # over the network (the worker's side of it is not in the page's log); its size is what the page saw.
            self.via_worker[e['requestId']] = max(0, int(response.get('encodedDataLength') or 0))
        elif response.get('fromDiskCache') or response.get('fromServiceWorker') or response.get('fromPrefetchCache'):
            self.cached.add(e['requestId'])

    def _finished(self, e: dict) -> None:
        rid = e['requestId']
        if rid in self.urls:
            if rid in self.via_worker:
                self.sizes[rid] = self.via_worker[rid]
            else:
                self.sizes[rid] = 0 if rid in self.cached else int(e.get('encodedDataLength') or 0)
        self.pending.discard(rid)
        self.last_event = time.monotonic()

    def _failed(self, e: dict) -> None:
        self.pending.discard(e['requestId'])
        self.last_event = time.monotonic()

    def quiet_for(self) -> float:
        return 0.0 if self.pending else time.monotonic() - self.last_event

    def summary(self, base: str) -> tuple[int, int, list[tuple[str, int]]]:
        rows = [(self.urls[rid].removeprefix(base), size) for rid, size in self.sizes.items()]
        rows.sort(key=lambda r: -r[1])
        return sum(size for _, size in rows), len(self.urls), rows


async def throttled_page(context: Any, screen: Screen) -> tuple[Any, Any, NetworkLog]:
    await context.add_init_script(CONTENT_SCRIPT % json.dumps([screen.content, screen.live or screen.content]))
    page = await context.new_page()
    page.set_default_timeout(VISIT_TIMEOUT_S * 1000)
    cdp = await context.new_cdp_session(page)
    log = NetworkLog()
    log.attach(cdp)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', NETWORK)
    await cdp.send('Emulation.setCPUThrottlingRate', {'rate': CPU_RATE})
    return page, cdp, log


async def visit(page: Any, log: NetworkLog, url: str, base: str) -> Visit:
    log.reset()
    await page.goto(url, wait_until='load', timeout=VISIT_TIMEOUT_S * 1000)
    final = page.url.split('?')[0]
    if not final.startswith(url.split('?')[0]):
        raise RuntimeError(f'{url} ended at {page.url} (not signed in?)')
    await page.wait_for_function(
        'window.__firstScreenContent !== undefined && window.__firstScreenLive !== undefined'
        " && performance.getEntriesByName('first-contentful-paint').length",
        timeout=VISIT_TIMEOUT_S * 1000,
    )
    deadline = time.monotonic() + 5
    while True:  # until the network is quiet for 0.5 s, at most 5 s
        if log.quiet_for() >= 0.5 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    timings = await page.evaluate(TIMINGS_JS)
    ends: dict[str, float] = timings.pop('ends')
    total, count, rows = log.summary(base)
    content = timings['content']
    before = sum(
        size
        for path, size in rows
        if content is not None and (path == url.removeprefix(base) or ends.get(base + path, float('inf')) <= content)
    )
    resources = [(path, size, _r(ends.get(base + path))) for path, size in rows]
    return Visit(**timings, bytes=total, requests=count, resources=resources, kb_before_content=before / KB)


async def wait_for_worker(page: Any) -> bool:
    """Tapdesk registers its worker on load: wait until it is active (it precaches the shell as it installs)."""
    has_one = await page.evaluate(
        "async () => { if (!('serviceWorker' in navigator)) return false;"
        ' for (let i = 0; i < 50; i++) { if (await navigator.serviceWorker.getRegistration()) return true;'
        ' await new Promise((r) => setTimeout(r, 100)); } return false; }'
    )
    if not has_one:
        return False
    await page.evaluate('navigator.serviceWorker.ready.then((r) => !!r.active)')
    return True


async def measure_screen(browser: Any, screen: Screen, base: str, cookies: list[dict]) -> tuple[Visit, Visit, bool]:
    context = await browser.new_context(**PHONE)
    try:
        if cookies:
            await context.add_cookies(cookies)
        page, _, log = await throttled_page(context, screen)
        url = base + screen.path
        cold = await visit(page, log, url, base)
        worker = await asyncio.wait_for(wait_for_worker(page), timeout=VISIT_TIMEOUT_S)
        await asyncio.sleep(0.5)  # let the first page's late requests finish before the second load
        warm = await visit(page, log, url, base)
        return cold, warm, worker
    finally:
        await context.close()


async def sign_in(browser: Any, base: str, who: str) -> list[dict]:
    """The real sign-in form, unthrottled, in a context of its own; its cookies sign in the measured contexts."""
    context = await browser.new_context(**PHONE)
    try:
        page = await context.new_page()
        page.set_default_timeout(30_000)
        await page.goto(base + '/login')
        await page.get_by_label('Email').fill(f'{who}@demo.tapdesk')
        await page.get_by_label('Password').fill(DEMO_PASSWORD)
        await page.get_by_role('button', name='Sign in').click()
        await page.wait_for_url(lambda u: '/login' not in u)
        return await context.cookies()
    finally:
        await context.close()


# ---- figures ---------------------------------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method='inclusive')[round(q) - 1]


def _r(x: float | None, digits: int = 0) -> float | None:
    if x is None:
        return None
    return round(x, digits) if digits else round(x)


METRICS = ['fp', 'fcp', 'content', 'live', 'dcl', 'load', 'kb', 'requests']


def figures(visits: list[Visit]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in METRICS:
        if m == 'kb':
            values = [v.bytes / KB for v in visits]
        else:
            values = [float(x) for v in visits if (x := getattr(v, m)) is not None]
        digits = 1 if m == 'kb' else 0
        out[f'{m}_median'] = _r(statistics.median(values) if values else None, digits)
        out[f'{m}_p95'] = _r(_pct(values, 95), digits)
    notices = [v.fallback for v in visits if v.fallback is not None]
    out['esm_notice_visits'] = len(notices)  # visits that showed NiceGUI's "does not support ES modules" notice
    out['esm_notice_median'] = _r(statistics.median(notices) if notices else None)
    htmls = [v.html for v in visits if v.html is not None]
    out['html_median'] = _r(statistics.median(htmls) if htmls else None)
    out['kb_before_content_median'] = _r(statistics.median(v.kb_before_content for v in visits), 1)
    out['controlled_by_worker'] = all(v.controlled for v in visits)
    return out


def top_resources(visits: list[Visit], n: int = 5) -> list[dict[str, Any]]:
    first = visits[0]
    return [{'path': path, 'kb': round(size / KB, 1), 'end_ms': end} for path, size, end in first.resources[:n]]


def _fmt(med: float | None, p95: float | None, unit: str = '') -> str:
    if med is None:
        return '—'
    return f'{med:g}{unit} ({p95:g})' if p95 is not None and p95 != med else f'{med:g}{unit}'


def print_table(results: dict[str, dict[str, Any]]) -> None:
    print('\nmedian (p95) over runs; times in ms from the navigation start; KB = 1024 bytes transferred', flush=True)
    header = [
        'screen',
        'visit',
        'HTML in',
        'first paint',
        'FCP',
        'content',
        'live',
        'DOMContentLoaded',
        'load',
        'KB',
        'KB by content',
        'requests',
    ]
    rows = []
    for key, res in results.items():
        for kind in ('cold', 'warm'):
            f = res[kind]
            rows.append(
                [
                    key,
                    kind,
                    _fmt(f['html_median'], None),
                    _fmt(f['fp_median'], f['fp_p95']),
                    _fmt(f['fcp_median'], f['fcp_p95']),
                    _fmt(f['content_median'], f['content_p95']),
                    _fmt(f['live_median'], f['live_p95']),
                    _fmt(f['dcl_median'], f['dcl_p95']),
                    _fmt(f['load_median'], f['load_p95']),
                    _fmt(f['kb_median'], f['kb_p95']),
                    _fmt(f['kb_before_content_median'], None),
                    _fmt(f['requests_median'], f['requests_p95']),
                ]
            )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print('  '.join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)), flush=True)


# ---- the run ---------------------------------------------------------------------------------------------------


async def run(runs: int, source: Path) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    servers: list[Server] = []
    try:
        tapdesk = start_tapdesk(source)
        servers.append(tapdesk)
        bare = start_bare()
        servers.append(bare)
        await asyncio.to_thread(tapdesk.wait_ready, '/healthz', 'Demo sign-ins')
        await asyncio.to_thread(bare.wait_ready, '/')
        bases = {'tapdesk': tapdesk.base, 'bare': bare.base}
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                cookies: dict[str, list[dict]] = {}
                for screen in SCREENS:
                    if screen.who and screen.who not in cookies:
                        cookies[screen.who] = await sign_in(browser, tapdesk.base, screen.who)
                visits: dict[str, dict[str, list[Visit]]] = {s.key: {'cold': [], 'warm': []} for s in SCREENS}
                workers: dict[str, bool] = {}
                for i in range(runs):
                    for screen in SCREENS:  # interleaved, so that the machine's noise hits every screen alike
                        t = time.perf_counter()
                        cold, warm, worker = await asyncio.wait_for(
                            measure_screen(
                                browser, screen, bases[screen.app], cookies.get(screen.who, []) if screen.who else []
                            ),
                            timeout=4 * VISIT_TIMEOUT_S,
                        )
                        visits[screen.key]['cold'].append(cold)
                        visits[screen.key]['warm'].append(warm)
                        workers[screen.key] = worker
                        print(
                            f'  run {i + 1}/{runs} {screen.key:<12} cold: FCP {_r(cold.fcp)} content '
                            f'{_r(cold.content)} load {_r(cold.load)} ms, {cold.bytes / KB:.0f} KB/{cold.requests} req'
                            f' | warm: FCP {_r(warm.fcp)} content {_r(warm.content)} load {_r(warm.load)} ms, '
                            f'{warm.bytes / KB:.0f} KB/{warm.requests} req ({time.perf_counter() - t:.1f} s)'
                            + (f' | "no ES modules" notice shown at {_r(cold.fallback)} ms' if cold.fallback else ''),
                            flush=True,
                        )
            finally:
                await browser.close()
    finally:
        for server in servers:
            server.stop()

    results: dict[str, dict[str, Any]] = {}
    for screen in SCREENS:
        v = visits[screen.key]
        results[screen.key] = {
            'path': screen.path,
            'content_selector': screen.content,
            'live_selector': screen.live or screen.content,
            'service_worker': workers[screen.key],
            'cold': figures(v['cold']),
            'warm': figures(v['warm']),
            'largest_cold': top_resources(v['cold']),
            'all_cold_first_run': top_resources(v['cold'], n=100),
        }
    bare_res = results['bare']
    aims: dict[str, Any] = {}
    for screen in TAPDESK_SCREENS:
        res = results[screen.key]
        cold, warm = res['cold'], res['warm']
        ratio = _ratio(cold['content_median'], bare_res['cold']['content_median'])
        res['content_ratio_to_bare_cold'] = ratio
        res['content_ratio_to_bare_warm'] = _ratio(warm['content_median'], bare_res['warm']['content_median'])
        res['live_ratio_to_bare_cold'] = _ratio(cold['live_median'], bare_res['cold']['content_median'])
        res['kb_ratio_to_bare_cold'] = _ratio(cold['kb_median'], bare_res['cold']['kb_median'])
        aims[screen.key] = {
            'fcp_cold_le_1500ms': _le(cold['fcp_median'], AIM_FCP_COLD_MS),
            'content_cold_le_0.8x_bare': _le(ratio, AIM_CONTENT_RATIO),
            'cold_lt_300kb': _lt(cold['kb_median'], AIM_COLD_KB),
            'warm_content_lt_1000ms': _lt(warm['content_median'], AIM_WARM_CONTENT_MS),
        }
    all_aims = {name: all(a[name] for a in aims.values()) for name in next(iter(aims.values()))}
    print_table(results)
    print('\nlargest resources of a cold visit:', flush=True)
    for key, res in results.items():
        print(f'  {key} (first run; KB, loaded at ms):', flush=True)
        for r in res['largest_cold']:
            print(f'    {r["kb"]:>7} KB  {r["end_ms"]!s:>6} ms  {r["path"]}', flush=True)
    for key, res in results.items():
        if res['cold']['esm_notice_visits']:
            print(
                f'  {key}: NiceGUI\'s "Your browser does not support ES modules" notice became visible in '
                f'{res["cold"]["esm_notice_visits"]} of {runs} cold visits '
                f'(median {res["cold"]["esm_notice_median"]} ms)',
                flush=True,
            )
    print('\ncontent visible, Tapdesk / bare (cold, warm; and cold as the app draws it):', flush=True)
    for screen in TAPDESK_SCREENS:
        res = results[screen.key]
        ratios = f'x{res["content_ratio_to_bare_cold"]}, x{res["content_ratio_to_bare_warm"]}'
        print(f'  {screen.key}: {ratios}; drawn by the app x{res["live_ratio_to_bare_cold"]}', flush=True)
    print('\naims (medians):', flush=True)
    for screen in TAPDESK_SCREENS:
        print(f'  {screen.key}: ' + ', '.join(f'{k} {"met" if v else "NOT met"}' for k, v in aims[screen.key].items()))
    return {
        'date': time.strftime('%Y-%m-%d'),
        'runs': runs,
        'throttling': {'latency_ms': LATENCY_MS, 'down_kbit': DOWN_BITS // 1000, 'up_kbit': UP_BITS // 1000},
        'cpu_slowdown': CPU_RATE,
        'viewport': '390x844',
        'screens': results,
        'aims': aims,
        'aims_all_screens': all_aims,
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def _le(x: float | None, limit: float) -> bool:
    return x is not None and x <= limit


def _lt(x: float | None, limit: float) -> bool:
    return x is not None and x < limit


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or '').split('\n\n')[0])
    parser.add_argument('--runs', type=int, default=5, help='cold + warm visits per screen (default 5)')
    parser.add_argument('--quick', action='store_true', help='smoke run: one run per screen')
    parser.add_argument(
        '--source',
        metavar='REV',
        help='measure the Tapdesk of a commit (git archive REV into a temporary directory) instead of the working tree',
    )
    args = parser.parse_args(argv)
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        sys.exit(f'no Chromium at {CHROMIUM} (apt-get install chromium, or set TAPDESK_TEST_CHROMIUM)')
    runs = 1 if args.quick else max(1, args.runs)
    with tempfile.TemporaryDirectory(prefix='tapdesk-first-screen-src-') as snapshot:
        source = ROOT
        if args.source:
            _extract(args.source, Path(snapshot))
            source = Path(snapshot)
            label = f'{args.source} ({_git("rev-parse", "--short", args.source)})'
        else:
            changed = _git('status', '--porcelain', '--', 'main.py', 'models', 'pages', 'pwa')
            dirty = ' + uncommitted changes' if changed else ''
            label = f'working tree at {_git("rev-parse", "--short", "HEAD")}{dirty}'
        print(f'Tapdesk source: {label}', flush=True)
        result = asyncio.run(run(runs, source))
    result['source'] = label
    print(json.dumps(result), flush=True)


def _git(*args: str) -> str:
    return subprocess.run(['git', '-C', str(ROOT), *args], capture_output=True, text=True, check=True).stdout.strip()


def _extract(rev: str, target: Path) -> None:
    archive = subprocess.run(['git', '-C', str(ROOT), 'archive', rev], capture_output=True, check=True).stdout
    subprocess.run(['tar', '-x', '-C', str(target)], input=archive, check=True)


if __name__ == '__main__':
    main()
