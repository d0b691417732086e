"""In CI the browser tests must be able to fail: a missing Chromium fails the run instead of passing it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_browser_tests(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ('CI', 'TAPDESK_TEST_POSTGRES_URL')}
    clean = {k: v for k, v in clean.items() if not k.startswith(('PYTEST', 'NICEGUI'))}
    return subprocess.run(
        [sys.executable, '-m', 'pytest', 'tests/browser/test_rating.py', '-q', '-rA', '-p', 'no:cacheprovider'],
        cwd=ROOT,
        env={**clean, 'TAPDESK_TEST_CHROMIUM': str(tmp_path / 'no-chromium-here'), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_chromium_fails_the_run_in_ci(tmp_path: Path) -> None:
    result = _run_browser_tests(tmp_path, CI='true')
    assert result.returncode != 0, result.stdout
    assert 'Chromium is missing in CI' in result.stdout
    assert 'xfail' not in result.stdout and 'skipped' not in result.stdout


def test_a_missing_chromium_skips_the_browser_tests_outside_ci(tmp_path: Path) -> None:
    result = _run_browser_tests(tmp_path)
    assert result.returncode == 0, result.stdout
    assert 'skipped' in result.stdout and 'failed' not in result.stdout and 'error' not in result.stdout
