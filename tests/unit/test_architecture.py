"""The house: models/ stands in floors with no import cycle, and the domain never imports the UI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from models import changes

MODELS = Path(__file__).resolve().parents[2] / 'models'


def module_name(path: Path) -> str:
    parts = path.relative_to(MODELS.parent).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def imports_of(path: Path) -> set[str]:
    """Every module this file imports, anywhere in it (a function-level import counts too)."""
    package = module_name(path) if path.name == '__init__.py' else module_name(path).rsplit('.', 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                anchor = package.split('.')[: len(package.split('.')) - (node.level - 1)]
                base = '.'.join(anchor + ([base] if base else []))
            if node.module:  # `from . import tickets` names submodules, not the package it stands in
                found.add(base)
            found |= {f'{base}.{alias.name}' for alias in node.names}
    return found


def domain_graph() -> dict[str, set[str]]:
    files = [p for p in MODELS.rglob('*.py') if 'migrations' not in p.parts]
    names = {module_name(p) for p in files}
    graph = {}
    for path in files:
        me = module_name(path)
        graph[me] = {m for m in imports_of(path) if m in names and m != me and m != 'models'}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_models_have_no_import_cycle() -> None:
    assert find_cycle(domain_graph()) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check above can fail: a loop of three is found, with its path."""
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': set()}) == ['a', 'b', 'c', 'a']


def test_the_graph_sees_relative_and_function_level_imports(tmp_path: Path) -> None:
    graph = domain_graph()
    assert 'models.records' in graph['models.tickets']  # `from .records import ...`
    assert 'models.changes' in graph['models.notifications']  # `from . import changes`


@pytest.mark.parametrize('path', sorted(p for p in MODELS.rglob('*.py') if 'migrations' not in p.parts), ids=str)
def test_the_domain_never_imports_the_ui(path: Path) -> None:
    ui = {m for m in imports_of(path) if m.split('.')[0] in ('nicegui', 'pages', 'pwa', 'fastapi', 'starlette')}
    assert not ui, f'{path.name} imports {sorted(ui)}'


def test_the_ticket_verbs_stand_below_what_follows_a_change() -> None:
    """tickets.py asks the floors above through registered steps; it never imports them."""
    above = {'models.notifications', 'models.followups', 'models.ratings', 'models.sla', 'models.measures'}
    assert not (domain_graph()['models.tickets'] & above)


async def test_every_floor_above_has_its_step_after_a_ticket_change(db: None) -> None:
    assert changes.step_names() == [
        'models.checklists.gate',
        'models.notifications.after_change',
        'models.visits.after_change',
        'models.ratings.after_change',
        'models.followups.after_change',
    ]


def test_no_test_module_imports_the_screens_at_its_top() -> None:
    """Importing `pages` registers every @ui.page; done while pytest collects (before NiceGUI's test app runs),
    the registrations land outside the app and every page test after it answers 404. Import it inside a test."""
    tests = MODELS.parent / 'tests'
    offenders = []
    for path in tests.rglob('test_*.py'):
        for node in ast.parse(path.read_text()).body:  # module level only
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or '']
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            if any(name == 'pages' or name.startswith('pages.') for name in names):
                offenders.append(f'{path.relative_to(tests)}:{node.lineno}')
    assert offenders == []
