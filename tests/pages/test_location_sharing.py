"""The new-request form's "Use my location": the phone is asked only on the tap, and the place goes with the request."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

from nicegui.testing import User

from models import clock, tickets
from models.position import Position
from models.tickets import Status, Ticket
from models.visits import SiteVisit

from .conftest import sign_in

ASKED = re.compile(r'(?s).*getCurrentPosition')


def phone_answers(user: User, answer: object) -> list[str]:
    """The browser's geolocation call, as the phone would answer it; returns the list of times it was asked."""
    asked: list[str] = []

    def reply(match: re.Match) -> object:
        asked.append(match.group(0))
        return answer

    user.javascript_rules[ASKED] = reply
    return asked


async def open_form(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open('/new')
    user.find(marker=f'service-{people.wifi.id}').click()
    user.find(marker='title').type('No Wi-Fi in the shed')


async def test_the_form_never_asks_where_the_phone_is_until_the_tap(user: User, people: SimpleNamespace) -> None:
    asked = phone_answers(user, {'latitude': 51.5072, 'longitude': -0.1276, 'accuracy': 18.4})
    await open_form(user, people)
    await user.should_see('Use my location')
    assert asked == []
    user.find(marker='send').click()
    await user.should_see(marker='sent')
    assert asked == []
    assert (await Ticket.get(title='No Wi-Fi in the shed')).position is None


async def test_a_tap_on_use_my_location_sends_the_place_with_the_request(user: User, people: SimpleNamespace) -> None:
    asked = phone_answers(user, {'latitude': 51.5072, 'longitude': -0.1276, 'accuracy': 18.4})
    await open_form(user, people)
    user.find(marker='use-location').click()
    await user.should_see('Location added (±18 m)')
    assert len(asked) == 1
    await user.should_not_see(marker='use-location')
    user.find(marker='send').click()
    await user.should_see(marker='sent')
    stored = await Ticket.get(title='No Wi-Fi in the shed')
    assert (stored.latitude, stored.longitude, stored.accuracy_m) == (51.5072, -0.1276, 18.4)


async def test_a_place_removed_again_is_not_sent(user: User, people: SimpleNamespace) -> None:
    phone_answers(user, {'latitude': 51.5072, 'longitude': -0.1276, 'accuracy': 18.4})
    await open_form(user, people)
    user.find(marker='use-location').click()
    await user.should_see('Location added (±18 m)')
    user.find(marker='remove-location').click()
    await user.should_not_see('Location added')
    await user.should_see(marker='use-location')
    user.find(marker='send').click()
    await user.should_see(marker='sent')
    assert (await Ticket.get(title='No Wi-Fi in the shed')).position is None


async def test_a_refusal_is_explained_and_the_request_still_goes(user: User, people: SimpleNamespace) -> None:
    phone_answers(user, {'problem': 'denied'})
    await open_form(user, people)
    user.find(marker='use-location').click()
    await user.should_see('Your location was not shared: this browser said no.')
    await user.should_see(marker='use-location')
    user.find(marker='send').click()
    await user.should_see(marker='sent')
    assert (await Ticket.get(title='No Wi-Fi in the shed')).position is None


async def test_a_phone_that_cannot_tell_says_so(user: User, people: SimpleNamespace) -> None:
    phone_answers(user, {'problem': 'unavailable'})
    await open_form(user, people)
    user.find(marker='use-location').click()
    await user.should_see('Your phone could not tell where it is right now.')


async def test_an_answer_that_is_not_a_place_is_not_kept(user: User, people: SimpleNamespace) -> None:
    phone_answers(user, {'latitude': 123, 'longitude': 'somewhere', 'accuracy': 5})
    await open_form(user, people)
    user.find(marker='use-location').click()
    await user.should_see('Your phone could not tell where it is right now.')
    user.find(marker='send').click()
    await user.should_see(marker='sent')
    assert (await Ticket.get(title='No Wi-Fi in the shed')).position is None


async def test_the_ticket_says_a_place_was_shared(user: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(
        requester=people.requester, service_id=people.wifi.id, title='Shed', position=Position(51.5, -0.1, 18.4)
    )
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('Place shared from the phone (±18 m)')


def visit_line(user: User) -> str:
    [line] = user.find(marker='event-visit').elements
    return line.props['data-head'].split(' · ')[1]


async def on_the_way(people: SimpleNamespace, title: str) -> Ticket:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title=title)
    await tickets.take(ticket.id, technician=people.technician)
    eta = clock.now() + timedelta(minutes=20)
    await tickets.set_status(ticket.id, Status.ON_THE_WAY, actor=people.technician, eta=eta)
    return ticket


async def test_arrived_checks_in_with_the_place_the_phone_shares(user: User, people: SimpleNamespace) -> None:
    ticket = await on_the_way(people, 'Jam on floor 2')
    phone_answers(user, {'latitude': 51.5072, 'longitude': -0.1276, 'accuracy': 9})
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='start').click()
    await user.should_see(marker='event-visit')
    assert 'checked in on site (position shared)' in visit_line(user)
    [visit] = await SiteVisit.filter(ticket_id=ticket.id)
    assert (visit.latitude, visit.longitude, visit.accuracy_m) == (51.5072, -0.1276, 9)


async def test_arrived_checks_in_all_the_same_when_the_phone_will_not_say(user: User, people: SimpleNamespace) -> None:
    ticket = await on_the_way(people, 'Jam on floor 2')
    phone_answers(user, {'problem': 'timeout'})
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='start').click()
    await user.should_see(marker='event-visit')
    assert visit_line(user).endswith('checked in on site')
    [visit] = await SiteVisit.filter(ticket_id=ticket.id)
    assert visit.arrived_at is not None and visit.latitude is None
