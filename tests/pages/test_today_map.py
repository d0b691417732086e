"""Today's map: today's jobs with a shared place as markers below the list; without tiles a sentence, the list stays."""

from __future__ import annotations

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from nicegui import ui
from nicegui.testing import User

from models import settings, tickets, visits
from models.position import Position
from models.records import Ticket
from tests.conftest import FrozenClock

from .conftest import sign_in

SHED = Position(51.5072, -0.1276, 12)


async def job_today(
    people: SimpleNamespace, clock: FrozenClock, title: str, place: Position | None, *, hours: int = 3
) -> Ticket:
    """Alex's request (with the place Alex shared, if any), taken by Sam, visit booked for this afternoon."""
    ticket = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title=title, position=place
    )
    await tickets.take(ticket.id, technician=people.technician)
    start = clock.now + timedelta(hours=hours)
    [w] = await visits.propose(ticket.id, [(start, start + timedelta(hours=2))], actor=people.technician)
    await visits.choose(w.id, actor=people.requester)
    return ticket


def the_map(user: User) -> ui.leaflet:
    [found] = user.find(marker='today-map').elements
    assert isinstance(found, ui.leaflet)
    return found


async def test_todays_jobs_with_a_shared_place_are_markers_on_the_map(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    await job_today(people, clock, 'Printer jams', SHED)
    await job_today(people, clock, 'Scanner dead', None, hours=6)
    await sign_in(user, 'sam@example.com')
    await user.open('/today')
    await user.should_see(marker='today-map')
    layers = [layer.to_dict() for layer in the_map(user).layers]
    assert [layer['args'][0] for layer in layers if layer['type'] == 'circleMarker'] == [[51.5072, -0.1276]]
    assert [layer['args'][0] for layer in layers if layer['type'] == 'tileLayer'] == [settings.DEFAULT_MAP_TILES]


async def test_no_map_when_no_job_has_a_place(user: User, people: SimpleNamespace, clock: FrozenClock) -> None:
    ticket = await job_today(people, clock, 'Scanner dead', None)
    await sign_in(user, 'sam@example.com')
    await user.open('/today')
    await user.should_see(f'#{ticket.id} Scanner dead')
    await user.should_not_see(marker='today-map')
    await user.should_not_see(marker='map-unavailable')


async def test_when_no_tile_loads_the_page_says_so_and_keeps_the_list(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    ticket = await job_today(people, clock, 'Printer jams', SHED)
    await sign_in(user, 'sam@example.com')
    await user.open('/today')
    await user.should_see(marker='today-map')
    user.find(marker='today-map').trigger('tiles', {'ok': False})  # what the tile layer tells with no network
    await user.should_see('Map unavailable here — every job is in the list.')
    await user.should_not_see(marker='today-map')
    await user.should_see(f'#{ticket.id} Printer jams')


async def test_a_map_that_never_starts_is_said_unavailable_too(
    user: User, people: SimpleNamespace, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_map = importlib.import_module('pages.job_map')  # the app's own import (the user fixture loads the app)
    monkeypatch.setattr(job_map, 'NO_ANSWER_SECONDS', 0.2)
    await job_today(people, clock, 'Printer jams', SHED)
    await sign_in(user, 'sam@example.com')
    await user.open('/today')
    await user.should_see('Map unavailable here', retries=30)


async def test_a_map_whose_tiles_load_stays(user: User, people: SimpleNamespace, clock: FrozenClock) -> None:
    await job_today(people, clock, 'Printer jams', SHED)
    await sign_in(user, 'sam@example.com')
    await user.open('/today')
    await user.should_see(marker='today-map')
    user.find(marker='today-map').trigger('tiles', {'ok': True})
    await user.should_see(marker='today-map')
    await user.should_not_see('Map unavailable')


async def test_no_map_when_tiles_are_switched_off(
    user: User, people: SimpleNamespace, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('TAPDESK_MAP_TILES', '')
    settings.reload()
    ticket = await job_today(people, clock, 'Printer jams', SHED)
    await sign_in(user, 'sam@example.com')
    await user.open('/today')
    await user.should_see(f'#{ticket.id} Printer jams')
    await user.should_not_see(marker='today-map')


async def test_a_popup_shows_the_title_as_text_never_as_html(user: User) -> None:
    job_map = importlib.import_module('pages.job_map')

    place = job_map.Place(7, 51.5, -0.1, '#7 <img src=x onerror=alert(1)> & co')
    assert job_map.popup(place) == '<a href="/t/7">#7 &lt;img src=x onerror=alert(1)&gt; &amp; co</a>'
