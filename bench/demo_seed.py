"""How long the demo takes to load: `python main.py --demo` (the README's start command) seeds before the first
page shows, so this is what a newcomer waits for on a fresh machine.

Each run seeds a fresh SQLite file in a temporary directory (WAL, as in production: migrations, people with
their hashed passwords, services, every story's steps through the domain verbs, follow-ups, checklists and the
technicians' day), then seeds the same file again (a restart: nothing new is written, every story is found).
The median of --runs is printed, with the fastest, and the ratio of a restart to a first load.

Run:  .venv/bin/python bench/demo_seed.py [--runs 3]
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


async def one_run() -> tuple[float, float]:
    from models import db, demo, settings

    with tempfile.TemporaryDirectory() as folder:
        os.environ['TAPDESK_DATA_DIR'] = folder
        os.environ.pop('TAPDESK_DATABASE_URL', None)
        settings.reload()
        await db.start()
        try:
            started = time.perf_counter()
            await demo.seed()
            first = time.perf_counter() - started
            started = time.perf_counter()
            await demo.seed()
            again = time.perf_counter() - started
        finally:
            await db.stop()
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args()
    firsts, agains = [], []
    for n in range(args.runs):
        first, again = asyncio.run(one_run())
        firsts.append(first)
        agains.append(again)
        print(f'run {n + 1}: first load {first:.2f} s, restart {again:.2f} s', flush=True)
    figures = {
        'first_load_s_median': round(statistics.median(firsts), 3),
        'first_load_s_best': round(min(firsts), 3),
        'restart_s_median': round(statistics.median(agains), 3),
        'restart_over_first': round(statistics.median(agains) / statistics.median(firsts), 3),
        'runs': args.runs,
    }
    print(json.dumps(figures))


if __name__ == '__main__':
    main()
