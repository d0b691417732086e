"""/__bench routes shared by the bench launchers (never part of the product)."""

from __future__ import annotations

import cProfile
import gc
import io
import linecache
import pstats
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable

from nicegui import Client, app


def add_routes(is_page: Callable[[Client], bool]) -> None:
    def page_clients() -> list[Client]:
        return [c for c in Client.instances.values() if is_page(c)]

    @app.get('/__bench/stats')
    def _stats(detail: int = 0) -> dict:
        clients = page_clients()
        result: dict = {
            'clients': len(Client.instances),
            'page_clients': len(clients),
            'connected': sum(1 for c in clients if c.has_socket_connection),
        }
        if detail and clients:
            sample = clients[-1]
            result['elements_per_client'] = len(sample.elements)
            result['element_types'] = Counter(type(e).__name__ for e in sample.elements.values()).most_common()
        return result

    @app.post('/__bench/gc')
    def _gc() -> dict:
        gc.callbacks.remove(_time_gc)  # a forced collection is not one of the pauses we report
        try:
            return {'collected': gc.collect()}
        finally:
            gc.callbacks.append(_time_gc)

    @app.post('/__bench/gc/pauses')
    def _gc_pauses() -> dict:
        """Automatic collections since the last call: count and longest pause per generation (ms); resets."""
        result = {f'gen{g}': {'count': len(p), 'max_ms': round(max(p) * 1000, 1)} for g, p in _PAUSES.items() if p}
        _PAUSES.clear()
        return result

    gc.callbacks.append(_time_gc)

    @app.post('/__bench/prune')
    def _prune() -> dict:
        """Delete page clients without a socket (the warm-up ones) instead of waiting out reconnect_timeout."""
        pruned = 0
        for client in page_clients():
            if not client.has_socket_connection:
                for document_id in list(client._delete_tasks):  # noqa: SLF001
                    client._cancel_delete_task(document_id)  # noqa: SLF001
                client.delete()
                pruned += 1
        return {'pruned': pruned}

    snapshots: dict[str, tracemalloc.Snapshot] = {}
    profiler: list[cProfile.Profile] = []

    @app.post('/__bench/profile/start')
    async def _profile_start() -> dict:  # async: runs on the event loop's thread, which is the one to profile
        profiler[:] = [cProfile.Profile()]
        profiler[0].enable()
        return {'profiling': True}

    @app.post('/__bench/profile/stop')
    async def _profile_stop(limit: int = 40) -> dict:
        profiler[0].disable()
        out = io.StringIO()
        pstats.Stats(profiler[0], stream=out).sort_stats('tottime').print_stats(limit)
        out.write('\n')
        pstats.Stats(profiler[0], stream=out).sort_stats('cumulative').print_stats(limit)
        return {'text': out.getvalue()}

    @app.post('/__bench/trace/start')
    def _trace_start() -> dict:
        gc.collect()
        if not tracemalloc.is_tracing():
            tracemalloc.start(15)
        snapshots['base'] = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, linecache.__file__)]
        )
        return {'tracing': True}

    @app.get('/__bench/trace/top')
    def _trace_top(per: int = 1, limit: int = 25, key: str = 'inner') -> dict:
        """Allocations still alive since /trace/start, by the first frame outside the stdlib/asyncio plumbing."""
        gc.collect()
        ignore = [
            tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, linecache.__file__),
            tracemalloc.Filter(False, __file__),
        ]
        snap = tracemalloc.take_snapshot().filter_traces(ignore)
        stats = snap.compare_to(snapshots['base'], 'traceback')
        groups: Counter[str] = Counter()
        for stat in stats:
            if stat.size_diff <= 0:
                continue
            groups[_where(stat.traceback, key)] += stat.size_diff
        total = sum(groups.values())
        return {
            'total_kb_per': round(total / 1024 / max(1, per), 1),
            'top': [[where, round(size / 1024 / max(1, per), 2)] for where, size in groups.most_common(limit)],
        }


_PAUSES: dict[int, list[float]] = {}
_gc_started: list[float] = [0.0]


def _time_gc(phase: str, info: dict) -> None:
    if phase == 'start':
        _gc_started[0] = time.perf_counter()
    else:
        _PAUSES.setdefault(info['generation'], []).append(time.perf_counter() - _gc_started[0])


_SKIP = ('/asyncio/', '/tracemalloc.py', '/linecache.py', '/json/', '/copy.py', '/weakref.py', '/abc.py')


def _where(traceback: tracemalloc.Traceback, key: str) -> str:
    """Group an allocation by its innermost frame in the app (key=app; else in NiceGUI) or in any library."""
    frames = list(reversed(traceback))  # innermost first (tracemalloc keeps the oldest frame first)
    if key == 'app':
        for marker in ('/work/main/', '/nicegui/'):
            for frame in frames:
                if marker in frame.filename and '/bench/' not in frame.filename:
                    return _describe(frame)
    for frame in frames:
        if not any(s in frame.filename for s in _SKIP):
            return _describe(frame)
    return _describe(frames[0])


def _describe(frame: tracemalloc.Frame) -> str:
    name = frame.filename.split('site-packages/')[-1].split('/work/main/')[-1]
    return f'{name}:{frame.lineno} {linecache.getline(frame.filename, frame.lineno).strip()[:80]}'
