"""Unit-test fixtures: a ticket to work on."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from types import ModuleType, SimpleNamespace

import pytest

from models import tickets
from models.tickets import Ticket


@pytest.fixture
async def ticket(people: SimpleNamespace) -> Ticket:
    """Alex's Wi-Fi ticket, just reported."""
    return await tickets.create_ticket(
        requester=people.requester,
        service_id=people.wifi.id,
        title='Wi-Fi drops in room 3',
        details='Every ten minutes or so',
        location='Room 3',
    )


@pytest.fixture
async def taken(ticket: Ticket, people: SimpleNamespace) -> Ticket:
    """The same ticket, taken by Sam."""
    return await tickets.take(ticket.id, technician=people.technician)


@pytest.fixture
def web_module() -> Iterator[Callable[[str], ModuleType]]:
    """Import a module of pages/ for this test only. Importing the `pages` package registers every screen, which
    NiceGUI's `user` fixture (tests/pages) must do itself when it runs main.py: a `pages` left imported by a unit
    test would leave the next page test with no screens, so it is forgotten again afterwards (as that fixture does)."""
    before = set(sys.modules)
    yield lambda name: importlib.import_module(f'pages.{name}')
    for name in [m for m in sys.modules if m not in before and (m == 'pages' or m.startswith('pages.'))]:
        sys.modules.pop(name)
