"""Unit-test fixtures: a ticket to work on."""

from __future__ import annotations

from types import SimpleNamespace

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
