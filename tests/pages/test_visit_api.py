"""POST /visits/choose: a visit window chosen from the notification's button (the service worker's POST)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from nicegui.testing import User

from models import tickets, visits
from models.records import Status, Ticket
from models.visits import VisitWindow, WindowState
from tests.conftest import FrozenClock

from .conftest import sign_in

SAME_ORIGIN = {'Origin': 'http://test', 'Sec-Fetch-Site': 'same-origin'}


@pytest.fixture
async def offer(people: SimpleNamespace, clock: FrozenClock) -> list[VisitWindow]:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await tickets.take(ticket.id, technician=people.technician)
    start = clock.now + timedelta(days=1)
    return await visits.propose(
        ticket.id,
        [(start, start + timedelta(hours=2)), (start + timedelta(hours=4), start + timedelta(hours=6))],
        actor=people.technician,
    )


async def test_the_tapped_window_plans_the_visit_and_says_so(
    user: User, people: SimpleNamespace, offer: list[VisitWindow]
) -> None:
    await sign_in(user, 'alex@example.com')
    response = await user.http_client.post(
        '/visits/choose', json={'action': f'visit-{offer[1].id}'}, headers=SAME_ORIGIN
    )
    assert response.status_code == 200, response.text
    assert response.json()['title'] == f'Visit planned · #{offer[1].ticket_id}'
    assert response.json()['body'] == 'Wed 25 Nov, 13:00–15:00 with Sam. Tap to open the request.'
    assert (await VisitWindow.get(id=offer[1].id)).state == WindowState.CONFIRMED
    assert (await Ticket.get(id=offer[1].ticket_id)).status == Status.VISIT_PLANNED


async def test_another_site_cannot_choose_for_the_requester(
    user: User, people: SimpleNamespace, offer: list[VisitWindow]
) -> None:
    await sign_in(user, 'alex@example.com')
    response = await user.http_client.post(
        '/visits/choose', json={'action': f'visit-{offer[0].id}'}, headers={'Origin': 'https://evil.example'}
    )
    assert response.status_code == 403
    assert (await VisitWindow.get(id=offer[0].id)).state == WindowState.PROPOSED


async def test_without_signing_in_nothing_is_chosen(user: User, offer: list[VisitWindow]) -> None:
    response = await user.http_client.post(
        '/visits/choose', json={'action': f'visit-{offer[0].id}'}, headers=SAME_ORIGIN
    )
    assert response.status_code == 401
    assert (await VisitWindow.get(id=offer[0].id)).state == WindowState.PROPOSED


async def test_someone_else_cannot_choose_the_window(
    user: User, people: SimpleNamespace, offer: list[VisitWindow]
) -> None:
    await sign_in(user, 'casey@example.com')
    response = await user.http_client.post(
        '/visits/choose', json={'action': f'visit-{offer[0].id}'}, headers=SAME_ORIGIN
    )
    assert response.status_code == 404
    assert (await VisitWindow.get(id=offer[0].id)).state == WindowState.PROPOSED


@pytest.mark.parametrize('body', [{}, {'action': 'visit-'}, {'action': 'visit-abc'}, {'action': 5}, {'x': 1}])
async def test_a_malformed_choice_gets_a_sentence(user: User, people: SimpleNamespace, body: dict) -> None:
    await sign_in(user, 'alex@example.com')
    response = await user.http_client.post('/visits/choose', json=body, headers=SAME_ORIGIN)
    assert (response.status_code, response.json()['error']) == (400, 'Send JSON: {"action": "visit-<number>"}.')


async def test_a_replaced_offer_is_a_conflict(user: User, people: SimpleNamespace, offer: list[VisitWindow]) -> None:
    await visits.choose(offer[0].id, actor=people.requester)
    await sign_in(user, 'alex@example.com')
    response = await user.http_client.post(
        '/visits/choose', json={'action': f'visit-{offer[1].id}'}, headers=SAME_ORIGIN
    )
    assert response.status_code == 409
