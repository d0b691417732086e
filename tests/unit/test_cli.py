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
