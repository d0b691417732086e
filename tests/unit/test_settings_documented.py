"""Every TAPDESK_* setting is read in models/settings.py only, and the README's table lists exactly those."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READERS = ('get', 'setdefault', 'pop')  # os.environ methods that read a value
SOURCES = [ROOT / 'main.py', *(p for d in ('models', 'pages', 'pwa') for p in (ROOT / d).rglob('*.py'))]


def environment_reads(source: str) -> set[str]:
    """TAPDESK_* names read with os.environ.get / [...] / setdefault / pop, or os.getenv."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        name = None
        if isinstance(node, ast.Call) and node.args:
            f = node.func
            on_environ = isinstance(f, ast.Attribute) and _is_environ(f.value) and f.attr in READERS
            if on_environ or (isinstance(f, ast.Attribute | ast.Name) and _name(f) == 'getenv'):
                name = node.args[0]
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value):
            name = node.slice
        if isinstance(name, ast.Constant) and str(name.value).startswith('TAPDESK_'):
            found.add(name.value)
    return found


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, 'id', '')


def _is_environ(node: ast.expr) -> bool:
    return _name(node) == 'environ'


def readme_settings(readme: str) -> set[str]:
    """The names in the first column of the table under "## Settings (environment)"."""
    section = readme.split('## Settings (environment)', 1)[1].split('\n## ', 1)[0]
    rows = [line for line in section.splitlines() if line.startswith('| `')]
    return {name for row in rows for name in re.findall(r'`(TAPDESK_\w+)`', row.split('|')[1])}


def reads_by_file() -> dict[str, set[str]]:
    reads = {str(p.relative_to(ROOT)): environment_reads(p.read_text()) for p in SOURCES}
    return {path: names for path, names in reads.items() if names}


def test_settings_are_read_in_models_settings_only() -> None:
    assert set(reads_by_file()) == {'models/settings.py'}


def test_every_setting_read_is_in_the_readme_table_and_every_row_is_read() -> None:
    read = set().union(*reads_by_file().values())
    listed = readme_settings((ROOT / 'README.md').read_text())
    assert sorted(read - listed) == [], 'read but missing from the README table'
    assert sorted(listed - read) == [], 'in the README table but never read'


def test_the_scan_sees_every_way_of_reading_the_environment() -> None:
    source = """
import os
from os import environ, getenv
a = os.environ.get('TAPDESK_A', '1')
b = os.environ['TAPDESK_B']
c = os.getenv('TAPDESK_C')
d = environ.setdefault('TAPDESK_D', 'x')
e = getenv('TAPDESK_E')
os.environ['TAPDESK_WRITTEN'] = '1'
other = os.environ.get('HOME')
"""
    assert environment_reads(source) == {'TAPDESK_A', 'TAPDESK_B', 'TAPDESK_C', 'TAPDESK_D', 'TAPDESK_E'}


def test_the_table_parser_reads_names_from_the_first_column_only() -> None:
    readme = '## Settings (environment)\n\n| variable | default | meaning |\n|---|---|---|\n'
    readme += '| `TAPDESK_HOST`, `TAPDESK_PORT` | `x` | like `TAPDESK_OTHER` |\n\n## Next\n| `TAPDESK_LATER` | | |\n'
    assert readme_settings(readme) == {'TAPDESK_HOST', 'TAPDESK_PORT'}


def test_the_cli_and_follow_up_settings_come_from_the_settings_object(monkeypatch: pytest.MonkeyPatch) -> None:
    from models import settings

    for name, value in {'TAPDESK_HOST': '0.0.0.0', 'TAPDESK_PORT': '9000', 'TAPDESK_FOLLOWUPS': '0'}.items():
        monkeypatch.setenv(name, value)
    s = settings.load()
    assert (s.host, s.port, s.followups) == ('0.0.0.0', 9000, False)
