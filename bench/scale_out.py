"""Several instances on one PostgreSQL: what a change costs to reach pages on another instance, and how many
open pages two instances hold against one.

Two Tapdesk instances (bench/_tapdesk_server.py: the real app through main.serve(), plus the /__bench routes)
run as subprocesses on one fresh PostgreSQL database and one shared data directory, named a and b as
docs/deploy.md names them. The simulated browsers are bench/live_latency.py's (a page GET with a signed-in
cookie, then socket.io like nicegui.js); 5 % are the technician, the rest the requester of one ticket.

1. Across instances (default 2 x 300 clients): 300 tabs on a, 300 on b. Each change is a technician's reply made
   on a (POST /__bench/change); it reaches a's tabs through a's in-process bus and b's through PostgreSQL's
   NOTIFY and b's listener. Latency is from just before the POST to each tab's socket.io 'update' carrying the
   text: p50/p95 for tabs on a and tabs on b, measured from the same changes, and their ratio.
2. Capacity: the largest number of open tabs whose p95 stays under 250 ms, for one instance (all tabs on a) and
   for two (tabs split evenly; changes made on a), stepping N up in the same run. At each step the tabs are
   opened, `--changes` replies are timed, the tabs close and the servers drop them before the next step.

The bench process itself runs every simulated tab: its own event-loop lag is printed (if it is high, the bench
limits what is measured). On a 2-core machine the two instances and the bench share the same two cores, so
"two instances" cannot show more CPU than one machine has; on separate machines they would.

Run:  .venv/bin/python bench/scale_out.py [--clients 300] [--steps 150,300,450,600,800] [--changes 8]
      [--postgres postgres://postgres@127.0.0.1:5432/test]
The last line printed is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import asyncpg
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from live_latency import (  # noqa: E402  (bench/ is a folder of scripts, not a package)
    CONNECT_CONCURRENCY,
    OUT,
    PYTHON,
    TAPDESK,
    Browser,
    LoopLag,
    Server,
    _change,
    _free_port,
    _live,
    _open_all,
    _pct,
    _ratio,
    _round,
    _session_cookie,
)

BENCH = Path(__file__).resolve().parent
TARGET_P95_MS = 250.0
RECONNECT_TIMEOUT = 3.0  # closed tabs are dropped by the servers before the next step


class Instance(Server):
    """One named Tapdesk instance on the shared PostgreSQL database and data directory."""

    def __init__(self, name: str, database_url: str, shared: Path, *, seeds: bool) -> None:
        self.app = TAPDESK
        self.name = name
        self.port = _free_port()
        self.base = f'http://127.0.0.1:{self.port}'
        self.tmp = Path(tempfile.mkdtemp(prefix=f'tapdesk-scale-{name}-'))
        OUT.mkdir(exist_ok=True)
        self.log_path = OUT / f'scale-out-{name}.log'
        env = dict(
            os.environ,
            TAPDESK_DATA_DIR=str(shared),
            TAPDESK_DATABASE_URL=database_url,
            TAPDESK_INSTANCE=name,
            TAPDESK_RECONNECT_TIMEOUT=str(RECONNECT_TIMEOUT),
            NICEGUI_STORAGE_PATH=str(self.tmp / '.nicegui'),
            PYTHONUNBUFFERED='1',
        )
        env.pop('TAPDESK_DEMO', None)
        if not seeds:
            env['BENCH_SEED_FROM_DB'] = '1'
        self._log = open(self.log_path, 'wb')  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            [PYTHON, str(BENCH / TAPDESK.script), str(self.port)],
            cwd=self.tmp,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.ps = psutil.Process(self.proc.pid)


async def connected(instance: Instance, http: aiohttp.ClientSession) -> int:
    return int((await instance.get(http, '/__bench/stats'))['connected'])


async def wait_for_connected(
    instances: list[Instance], http: aiohttp.ClientSession, expected: list[int], limit_s: float
) -> list[int]:
    """Until each instance holds at least (or, closing, at most) the expected number of open pages."""
    deadline = time.monotonic() + limit_s
    counts = [await connected(i, http) for i in instances]
    while time.monotonic() < deadline and counts != expected:
        await asyncio.sleep(0.5)
        counts = [await connected(i, http) for i in instances]
    return counts


async def open_tabs(
    split: list[tuple[Instance, int]],
    cookies: dict[str, list[str]],
    http: aiohttp.ClientSession,
    ws_http: aiohttp.ClientSession,
    path: str,
) -> tuple[list[list[Browser]], int]:
    groups: list[list[Browser]] = []
    failed = 0
    for instance, n in split:
        technicians = max(1, n // 20) if n else 0
        tabs = [
            Browser(instance.base, cookies[instance.name][1] if i < technicians else cookies[instance.name][0])
            for i in range(n)
        ]
        failed += await _open_all(tabs, http, ws_http, path, max(30.0, n * 0.5), CONNECT_CONCURRENCY)
        groups.append(tabs)
    return groups, failed


async def time_changes(
    writer: Instance, groups: list[list[Browser]], http: aiohttp.ClientSession, changes: int, interval: float
) -> tuple[list[list[float]], int]:
    """`changes` replies made on `writer`; each group's latencies (ms) to every live tab of it."""
    latencies: list[list[float]] = [[] for _ in groups]
    missing = 0
    everyone = [b for group in groups for b in _live(group)]
    for i in range(changes):
        text = f'scale-out change {i} {uuid.uuid4().hex[:8]}'
        _, lost = await _change(writer, http, everyone, text, limit_s=30)
        missing += lost
        for k, group in enumerate(groups):
            latencies[k].extend(b.received[text] * 1000 for b in _live(group) if text in b.received)
        await asyncio.sleep(interval)
    return latencies, missing


async def close_tabs(groups: list[list[Browser]], instances: list[Instance], http: aiohttp.ClientSession) -> None:
    for group in groups:
        await asyncio.gather(*(b.close() for b in group))
    await asyncio.sleep(RECONNECT_TIMEOUT + 1)
    await wait_for_connected(instances, http, [0] * len(instances), limit_s=30)


def figures(values: list[float]) -> dict[str, float | None]:
    return {'p50_ms': _round(_pct(values, 50)), 'p95_ms': _round(_pct(values, 95)), 'samples': len(values)}


async def run(args: argparse.Namespace) -> dict:
    base = args.postgres.rsplit('/', 1)[0]
    database = f'tapdesk_scale_{uuid.uuid4().hex[:10]}'
    admin = await asyncpg.connect(f'{base}/postgres')
    await admin.execute(f'CREATE DATABASE {database}')
    shared = Path(tempfile.mkdtemp(prefix='tapdesk-scale-shared-'))
    url = f'{base}/{database}'
    a = Instance('a', url, shared, seeds=True)
    b: Instance | None = None
    lag = LoopLag()
    result: dict = {'clients_per_instance': args.clients, 'changes': args.changes, 'target_p95_ms': TARGET_P95_MS}
    connector = aiohttp.TCPConnector(limit=CONNECT_CONCURRENCY + 5, force_close=True)
    ws_connector = aiohttp.TCPConnector(limit=0)
    async with (
        aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as http,
        aiohttp.ClientSession(connector=ws_connector, cookie_jar=aiohttp.DummyCookieJar()) as ws_http,
    ):
        try:
            ready = await a.wait_ready(http)
            b = Instance('b', url, shared, seeds=False)
            await b.wait_ready(http)
            instances = [a, b]
            path = f'/t/{ready["ticket_id"]}'
            roles = ('requester', 'technician')
            cookies = {i.name: [await _session_cookie(i, http, role) for role in roles] for i in instances}

            # warm-up: a tab on each and one change, so first-use costs are not measured
            groups, _ = await open_tabs([(a, 2), (b, 2)], cookies, http, ws_http, path)
            await time_changes(a, groups, http, 1, 0.2)
            await close_tabs(groups, instances, http)

            # 1. across instances at 2 x N
            n = args.clients
            groups, failed = await open_tabs([(a, n), (b, n)], cookies, http, ws_http, path)
            held = await wait_for_connected(instances, http, [n, n], limit_s=60)
            lag.reset()
            (on_a, on_b), missing = await time_changes(a, groups, http, args.changes, args.interval)
            same, other = figures(on_a), figures(on_b)
            result['across'] = {
                'connected': held,
                'open_failures': failed,
                'missing': missing,
                'same_instance': same,
                'other_instance': other,
                'p50_ratio_other_to_same': _ratio(other['p50_ms'], same['p50_ms']),
                'p95_ratio_other_to_same': _ratio(other['p95_ms'], same['p95_ms']),
                'bench_loop_lag_p95_ms': _round(_pct(lag.samples, 95)),
            }
            print(
                f'across, 2 x {n}: same instance p50={same["p50_ms"]} p95={same["p95_ms"]} ms | other instance '
                f'p50={other["p50_ms"]} p95={other["p95_ms"]} ms | missing={missing} '
                f'bench lag p95={result["across"]["bench_loop_lag_p95_ms"]} ms',
                flush=True,
            )
            await close_tabs(groups, instances, http)

            # 2. capacity: one instance against two, step by step
            capacity: dict[str, list[dict]] = {'one': [], 'two': []}
            for setup in ('one', 'two'):
                for total in args.steps:
                    split = [(a, total)] if setup == 'one' else [(a, total // 2), (b, total - total // 2)]
                    groups, failed = await open_tabs(split, cookies, http, ws_http, path)
                    lag.reset()
                    measured, missing = await time_changes(a, groups, http, args.changes, args.interval)
                    step = {
                        'clients': total,
                        'open': sum(len(_live(g)) for g in groups),
                        'open_failures': failed,
                        'missing': missing,
                        **figures([v for values in measured for v in values]),
                        'bench_loop_lag_p95_ms': _round(_pct(lag.samples, 95)),
                    }
                    capacity[setup].append(step)
                    print(
                        f'{setup} instance(s), {total} tabs: open={step["open"]} p50={step["p50_ms"]} '
                        f'p95={step["p95_ms"]} ms missing={missing} bench lag p95={step["bench_loop_lag_p95_ms"]} ms',
                        flush=True,
                    )
                    await close_tabs(groups, instances, http)
                    held_ok = step['open'] == total and missing == 0
                    if not held_ok or (step['p95_ms'] or 0) >= TARGET_P95_MS:
                        break
            result['capacity'] = capacity
            for setup in ('one', 'two'):
                good = [
                    s['clients']
                    for s in capacity[setup]
                    if s['open'] == s['clients'] and not s['missing'] and (s['p95_ms'] or 0) < TARGET_P95_MS
                ]
                result[f'max_clients_{setup}_instance{"s" if setup == "two" else ""}'] = max(good, default=0)
            result['capacity_ratio_two_to_one'] = _ratio(
                result['max_clients_two_instances'], result['max_clients_one_instance']
            )
        finally:
            lag.stop()
            for instance in (a, b):
                if instance is not None:
                    instance.stop()
            shutil.rmtree(shared, ignore_errors=True)
            await admin.execute(f'DROP DATABASE IF EXISTS {database} WITH (FORCE)')
            await admin.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--clients', type=int, default=300, help='tabs per instance in the across-instances run')
    parser.add_argument('--steps', default='150,300,450,600,800,1000', help='total tabs per capacity step')
    parser.add_argument('--changes', type=int, default=8)
    parser.add_argument('--interval', type=float, default=0.5, help='seconds between changes')
    parser.add_argument(
        '--postgres',
        default=os.environ.get('TAPDESK_TEST_POSTGRES_URL', 'postgres://postgres@127.0.0.1:5432/test'),
    )
    args = parser.parse_args()
    args.steps = [int(s) for s in args.steps.split(',')]
    result = asyncio.run(run(args))
    print(json.dumps(result))


if __name__ == '__main__':
    main()
