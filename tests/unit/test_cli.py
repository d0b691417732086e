"""The `tapdesk` command line, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def tapdesk(tmp_path: Path, *args: str, password: str = 'a long password') -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST', 'NICEGUI'))}
    env.update(TAPDESK_DATA_DIR=str(tmp_path), TAPDESK_PASSWORD=password)
    env.pop('TAPDESK_DATABASE_URL', None)
    return subprocess.run(
        [sys.executable, str(ROOT / 'main.py'), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize('role', ['technician', 'requester'])
def test_createuser_adds_a_person_who_can_sign_in(tmp_path: Path, role: str) -> None:
    done = tapdesk(
        tmp_path, 'createuser', '--email', 'Kim@Example.com', '--name', 'Kim Lee', '--role', role, '--category', 'Staff'
    )
    assert done.returncode == 0, done.stderr
    assert f'Added Kim Lee <kim@example.com> as {role}.' in done.stdout


def test_createuser_refuses_a_short_password_with_a_message(tmp_path: Path) -> None:
    done = tapdesk(tmp_path, 'createuser', '--email', 'kim@example.com', '--name', 'Kim', password='short')
    assert done.returncode == 1
    assert 'Not added: The password needs at least 8 characters.' in done.stderr


def test_migrate_brings_an_empty_database_up_to_date(tmp_path: Path) -> None:
    done = tapdesk(tmp_path, 'migrate')
    assert done.returncode == 0, done.stderr
    assert (tmp_path / 'tapdesk.sqlite3').exists()
    again = tapdesk(tmp_path, 'migrate')
    assert again.returncode == 0 and 'up to date' in again.stdout


# ---- one SQLite file, one server process ---------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return int(s.getsockname()[1])


def _serve(tmp_path: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(('PYTEST', 'NICEGUI'))}
    env.update(TAPDESK_DATA_DIR=str(tmp_path))
    env.pop('TAPDESK_DATABASE_URL', None)
    command = [sys.executable, str(ROOT / 'main.py'), 'serve', '--port', str(port)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _answers(port: int, seconds: float = 60) -> bool:
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=2) as response:
                return response.status == 200
        except OSError:
            time.sleep(0.3)
    return False


def test_a_second_server_on_the_same_sqlite_file_is_refused_with_a_sentence(tmp_path: Path) -> None:
    first = _serve(tmp_path, first_port := _free_port())
    try:
        assert _answers(first_port), 'the first server did not start'
        second = _serve(tmp_path, _free_port())
        _, said = second.communicate(timeout=60)
        assert second.returncode == 1
        assert f'Tapdesk is already running on {tmp_path.resolve() / "tapdesk.sqlite3"}.' in said
        assert 'use PostgreSQL' in said or 'shared PostgreSQL database' in said
        assert tapdesk(tmp_path, 'migrate').returncode == 0  # the command-line tools still work beside it
    finally:
        first.kill()  # as a crash would: the lock goes with the process
        first.wait(10)
    third = _serve(tmp_path, third_port := _free_port())
    try:
        assert _answers(third_port), 'a server after the first one died was refused'
    finally:
        third.terminate()
        third.wait(20)
