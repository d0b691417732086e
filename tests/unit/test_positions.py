"""Places on the map: only real ones, both coordinates or neither, and kept on the ticket only when shared."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from models import position, tickets, visits
from models.errors import Invalid
from models.position import Position
from models.records import EventKind, Status, Ticket, TicketEvent
from models.users import User
from tests.conftest import FrozenClock

LONDON = Position(51.5072, -0.1276, 18.5)


@pytest.mark.parametrize(
    ('latitude', 'longitude'), [(90.5, 0), (-91, 0), (0, 180.1), (0, -181), (math.nan, 0), (0, math.inf)]
)
def test_a_place_off_the_map_is_refused(latitude: float, longitude: float) -> None:
    with pytest.raises(Invalid, match='not on the map'):
        Position(latitude, longitude)


@pytest.mark.parametrize('accuracy', [-1, math.nan, 250_000])
def test_an_accuracy_that_is_no_measure_is_refused(accuracy: float) -> None:
    with pytest.raises(Invalid, match='closely enough'):
        Position(51.5, 0, accuracy)


def test_the_edges_of_the_map_are_on_it() -> None:
    assert Position(-90, 180, 0) == Position(-90.0, 180.0, 0.0)


def test_a_place_needs_both_coordinates_or_neither() -> None:
    assert position.from_parts(None, None) is None
    assert position.from_parts(51.5, -0.1, 12) == Position(51.5, -0.1, 12)
    with pytest.raises(Invalid, match='both'):
        position.from_parts(51.5, None)


@pytest.mark.parametrize(
    'answer',
    [
        None,
        'London',
        {'latitude': '51.5', 'longitude': 0},
        {'latitude': True, 'longitude': 0},
        {'latitude': 51.5},
        {'latitude': 99, 'longitude': 0},
        {'latitude': 51.5, 'longitude': 0, 'accuracy': -3},
    ],
)
def test_what_a_browser_answers_becomes_a_place_only_when_it_is_one(answer: object) -> None:
    assert position.from_browser(answer) is None


def test_a_browsers_answer_with_a_real_place_is_kept() -> None:
    answer = {'latitude': 51.5072, 'longitude': -0.1276, 'accuracy': 18.5}
    assert position.from_browser(answer) == LONDON


@pytest.mark.parametrize(('accuracy', 'words'), [(18.4, '±18 m'), (0.2, '±1 m'), (1500, '±1.5 km'), (2000, '±2 km')])
def test_accuracy_reads_in_metres_or_kilometres(accuracy: float, words: str) -> None:
    assert Position(0, 0, accuracy).accuracy_words == words


async def test_a_request_keeps_the_place_the_requester_shared(requester: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(
        requester=requester, service_id=people.wifi.id, title='No Wi-Fi in the shed', position=LONDON
    )
    stored = await Ticket.get(id=ticket.id)
    assert (stored.latitude, stored.longitude, stored.accuracy_m) == (51.5072, -0.1276, 18.5)
    assert stored.position == LONDON


async def test_a_request_without_a_shared_place_has_none(ticket: Ticket) -> None:
    stored = await Ticket.get(id=ticket.id)
    assert (stored.latitude, stored.longitude, stored.accuracy_m, stored.position) == (None, None, None, None)


async def test_arrived_keeps_the_technicians_place_with_its_accuracy(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    visit = await visits.check_in(taken.id, actor=technician, position=LONDON)
    assert (visit.latitude, visit.longitude, visit.accuracy_m) == (51.5072, -0.1276, 18.5)
    line = await TicketEvent.get(ticket_id=taken.id, kind=EventKind.VISIT)
    assert line.data == {'what': 'arrived', 'position': True}
    assert (await Ticket.get(id=taken.id)).status == Status.IN_PROGRESS


async def test_arrived_without_a_place_keeps_none(taken: Ticket, technician: User) -> None:
    visit = await visits.check_in(taken.id, actor=technician)
    assert (visit.latitude, visit.longitude, visit.accuracy_m) == (None, None, None)
