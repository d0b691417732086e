"""The tickets behind a figure, as a manager opens them from the measures."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from nicegui.testing import User

from models import clock, ratings, tickets

from .conftest import sign_in


async def test_a_manager_opens_the_poorly_rated_fixes_with_what_people_said(
    user: User, people: SimpleNamespace
) -> None:
    fixed = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Jam')
    await tickets.take(fixed.id, technician=people.technician)
    await tickets.resolve(fixed.id, 'Cleared', actor=people.technician)
    await ratings.rate(fixed.id, 2, actor=people.requester)
    await ratings.comment(fixed.id, 'It jammed again an hour later', actor=people.requester)
    await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    today = clock.now().date()
    await sign_in(user, 'maria@example.com')
    await user.open(f'/measures/tickets?what=poor&since={today - timedelta(days=6)}&until={today + timedelta(days=1)}')
    await user.should_see('Rated poor or very poor')
    await user.should_see('· 1 ticket')
    await user.should_see(marker=f'ticket-{fixed.id}')
    await user.should_see('Rated Poor: “It jammed again an hour later”')
    await user.should_not_see('No Wi-Fi')
    await user.open('/measures/tickets?what=received&since=yesterday')
    await user.should_see('The days in the address are not dates (YYYY-MM-DD).')


async def test_a_count_on_the_measures_opens_the_tickets_behind_it(user: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Jam')
    await sign_in(user, 'maria@example.com')
    await user.open('/measures')
    await user.should_see(marker='received-value')
    [count] = user.find(marker='received-value').elements
    address = count.props['href']
    assert address.startswith('/measures/tickets?what=received&since=')
    await user.open(address)
    await user.should_see('Received')
    await user.should_see(marker=f'ticket-{ticket.id}')
