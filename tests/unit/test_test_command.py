"""CI runs the README's test command as written there: the two must not drift apart."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_test_command() -> str:
    section = (ROOT / 'README.md').read_text().split('## Run the tests', 1)[1]
    return re.search(r'```bash\n(.+?)\n```', section, re.S).group(1).strip()  # type: ignore[union-attr]


def test_ci_runs_the_readme_test_command_as_written() -> None:
    ci = (ROOT / '.ci' / 'run').read_text().splitlines()
    assert ci[-1].strip() == readme_test_command()


def test_the_test_command_checks_lint_and_formatting_before_the_tests() -> None:
    command = readme_test_command()
    assert command.index('ruff check .') < command.index('ruff format --check .') < command.index('pytest')


def test_the_test_command_type_checks_the_domain_and_the_push_worker() -> None:
    command = readme_test_command()
    assert command.index('ruff format --check .') < command.index('mypy') < command.index('pytest')
    config = (ROOT / 'pyproject.toml').read_text()
    assert 'files = ["models", "pwa"]' in config
