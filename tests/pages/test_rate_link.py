"""Rating links: the page a link opens records nothing until the tap; the service worker's POST records once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from nicegui.testing import User

from models import clock as domain_clock
from models import ratings, tickets
from models.ratings import Rating, RatingTokenUse
from models.tickets import Ticket
from tests.conftest import FrozenClock

SAME_ORIGIN = {'Origin': 'http://test'}  # the user fixture's client talks to http://test


@pytest.fixture
async def fixed(people: SimpleNamespace) -> Ticket:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await tickets.take(ticket.id, technician=people.technician)
    return await tickets.resolve(ticket.id, 'Replaced the access point', actor=people.technician)


@pytest.fixture
async def token(fixed: Ticket, people: SimpleNamespace) -> str:
    return ratings.issue_token(fixed, people.requester, domain_clock.now())


def altered(token: str, part: int) -> str:
    """The token with one character of one part changed."""
    parts = token.split('.')
    last = parts[part][-1]
    parts[part] = parts[part][:-1] + ('1' if last != '1' else '2')
    return '.'.join(parts)


async def recorded() -> list[tuple[int, int]]:
    return [(r.ticket_id, r.score) for r in await Rating.all()]


# ---- the page ----------------------------------------------------------------------------------------


async def test_opening_the_link_shows_the_scale_and_records_nothing(user: User, fixed: Ticket, token: str) -> None:
    await user.open(f'/rate/{token}')
    await user.should_see(f'Request #{fixed.id}')
    await user.should_see('No Wi-Fi')
    await user.should_see('How did we do?')
    for value, word in ratings.SCALE.items():
        face = user.find(marker=f'face-{value}').elements.pop()
        assert face.props['aria-label'] == f'{word} ({value} of 5)'
        await user.should_see(word)
    await user.open(f'/rate/{token}')  # a link scanner, then the person: still nothing
    assert await recorded() == []
    assert await RatingTokenUse.all().count() == 0


async def test_one_tap_records_the_rating_and_thanks(user: User, fixed: Ticket, token: str) -> None:
    await user.open(f'/rate/{token}')
    user.find(marker='face-5').click()
    await user.should_see('Thanks — you rated it Great')
    await user.should_not_see(marker='sorry')
    assert user.find(marker='open-request').elements.pop().props['href'] == f'/t/{fixed.id}'
    assert await recorded() == [(fixed.id, 5)]


async def test_a_poor_rating_offers_to_reopen(user: User, fixed: Ticket, token: str) -> None:
    await user.open(f'/rate/{token}')
    user.find(marker='face-2').click()
    await user.should_see('Thanks — you rated it Poor')
    await user.should_see('Sorry it did not go well — open the request to reopen it')
    assert user.find(marker='open-request').elements.pop().props['href'] == f'/t/{fixed.id}'
    assert await recorded() == [(fixed.id, 2)]


async def test_the_score_in_the_link_preselects_a_face_but_the_tap_decides(
    user: User, fixed: Ticket, token: str
) -> None:
    await user.open(f'/rate/{token}?score=4')
    await user.should_see('Tap Good to send it.')
    assert user.find(marker='face-4').elements.pop().props['aria-pressed'] == 'true'
    assert await recorded() == []
    user.find(marker='face-3').click()
    await user.should_see('Thanks — you rated it OK')
    assert await recorded() == [(fixed.id, 3)]


async def test_a_nonsense_score_in_the_link_is_ignored(user: User, fixed: Ticket, token: str) -> None:
    await user.open(f'/rate/{token}?score=9')
    await user.should_see('One tap sends it.')


async def test_a_double_tap_records_once(user: User, fixed: Ticket, token: str) -> None:
    await user.open(f'/rate/{token}')
    user.find(marker='face-5').click()
    user.find(marker='face-1').click()
    await user.should_see('Thanks — you rated it Great')
    assert await recorded() == [(fixed.id, 5)]


async def test_a_second_tab_is_told_kindly_that_the_link_was_used(
    user: User, create_user: object, fixed: Ticket, token: str
) -> None:
    other = create_user()  # type: ignore[operator]
    await user.open(f'/rate/{token}')
    await other.open(f'/rate/{token}')
    user.find(marker='face-5').click()
    await user.should_see('Thanks — you rated it Great')
    other.find(marker='face-1').click()
    await other.should_see(ratings.USED)
    await other.should_see('Your rating is in; the request shows it.')
    assert await recorded() == [(fixed.id, 5)]


async def test_a_used_link_gets_a_friendly_page(user: User, fixed: Ticket, token: str) -> None:
    await ratings.rate_with_token(token, 4)
    await user.open(f'/rate/{token}')
    await user.should_see(ratings.USED)
    await user.should_see('Thanks — your rating is in.')
    await user.should_not_see('How did we do?')
    assert user.find(marker='open-request').elements.pop().props['href'] == f'/t/{fixed.id}'
    assert await recorded() == [(fixed.id, 4)]


@pytest.mark.parametrize('part', [0, 4], ids=['ticket id', 'signature'])
async def test_an_altered_link_gets_a_friendly_page(user: User, fixed: Ticket, token: str, part: int) -> None:
    await user.open(f'/rate/{altered(token, part)}')
    await user.should_see(ratings.NOT_VALID)
    await user.should_not_see('How did we do?')
    assert user.find(marker='open-tapdesk').elements.pop().props['href'] == '/'


async def test_a_forged_link_gets_a_friendly_page(user: User, fixed: Ticket) -> None:
    await user.open(f'/rate/{fixed.id}.1.99999999999.nonce.c2lnbmF0dXJl')
    await user.should_see(ratings.NOT_VALID)
    await user.open('/rate/not-a-token')
    await user.should_see(ratings.NOT_VALID)


async def test_an_expired_link_gets_a_friendly_page(user: User, people: SimpleNamespace, clock: FrozenClock) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await tickets.take(ticket.id, technician=people.technician)
    ticket = await tickets.resolve(ticket.id, 'Fixed', actor=people.technician)
    token = ratings.issue_token(ticket, people.requester, clock.now)
    clock.advance(days=8)
    await user.open(f'/rate/{token}')
    await user.should_see(ratings.EXPIRED)
    await user.should_not_see('How did we do?')
    response = await user.http_client.post(f'/rate/{token}', json={'score': 5}, headers=SAME_ORIGIN)
    assert (response.status_code, response.json()['error']) == (400, ratings.EXPIRED)
    assert await recorded() == []


async def test_a_link_whose_ticket_was_reopened_says_so_at_the_tap(
    user: User, people: SimpleNamespace, fixed: Ticket, token: str
) -> None:
    await user.open(f'/rate/{token}')
    await tickets.reopen(fixed.id, 'It is back', actor=people.requester)
    user.find(marker='face-5').click()
    await user.should_see('You can rate this request once it is fixed.')
    assert await recorded() == []


# ---- the service worker's POST -----------------------------------------------------------------------


async def test_a_notification_action_records_the_rating(user: User, fixed: Ticket, token: str) -> None:
    response = await user.http_client.post(f'/rate/{token}', json={'action': 'rate-good'}, headers=SAME_ORIGIN)
    assert response.status_code == 200
    assert response.json() == {'ok': True, 'score': 5, 'words': 'Great', 'ticket_id': fixed.id}
    assert await recorded() == [(fixed.id, 5)]


async def test_a_score_can_be_posted_too(user: User, fixed: Ticket, token: str) -> None:
    headers = {'Sec-Fetch-Site': 'same-origin'}  # no Origin, but the browser vouches for the request
    response = await user.http_client.post(f'/rate/{token}', json={'score': 1}, headers=headers)
    assert response.status_code == 200
    assert await recorded() == [(fixed.id, 1)]


async def test_a_replayed_post_gets_409_and_records_once(user: User, fixed: Ticket, token: str) -> None:
    first = await user.http_client.post(f'/rate/{token}', json={'action': 'rate-poor'}, headers=SAME_ORIGIN)
    again = await user.http_client.post(f'/rate/{token}', json={'action': 'rate-good'}, headers=SAME_ORIGIN)
    assert (first.status_code, again.status_code) == (200, 409)
    assert again.json() == {'ok': False, 'error': ratings.USED}
    assert await recorded() == [(fixed.id, 2)]


@pytest.mark.parametrize(
    'headers',
    [
        {},
        {'Origin': 'https://evil.example'},
        {'Origin': 'http://test.evil.example'},
        {'Origin': 'null'},
        {'Origin': 'http://test', 'Sec-Fetch-Site': 'cross-site'},
        {'Sec-Fetch-Site': 'same-site'},
    ],
    ids=['no origin', 'foreign', 'lookalike', 'null', 'cross-site fetch', 'same-site fetch'],
)
async def test_a_post_from_elsewhere_is_refused(user: User, fixed: Ticket, token: str, headers: dict) -> None:
    response = await user.http_client.post(f'/rate/{token}', json={'action': 'rate-good'}, headers=headers)
    assert response.status_code == 403
    assert await recorded() == []
    assert await RatingTokenUse.all().count() == 0


@pytest.mark.parametrize(
    'body',
    [
        b'not json',
        b'[5]',
        b'{}',
        b'{"action": "rate-great"}',
        b'{"action": ["rate-good"]}',
        b'{"score": 6}',
        b'{"score": "5"}',
        b'{"score": true}',
        b'{"score": 4.0}',
        b'{"score": 4, "action": "rate-good"}',
        b'{"score": 4, "comment": "hi"}',
        b'\xff\xfe',
    ],
)
async def test_a_bad_body_is_refused_with_a_clear_message(user: User, fixed: Ticket, token: str, body: bytes) -> None:
    headers = {**SAME_ORIGIN, 'Content-Type': 'application/json'}
    response = await user.http_client.post(f'/rate/{token}', content=body, headers=headers)
    assert response.status_code == 400
    assert response.json()['ok'] is False and response.json()['error']
    assert await recorded() == []
    assert await RatingTokenUse.all().count() == 0


async def test_a_large_body_is_refused(user: User, fixed: Ticket, token: str) -> None:
    body = b'{"action": "rate-good", "pad": "' + b'x' * 2000 + b'"}'
    response = await user.http_client.post(f'/rate/{token}', content=body, headers=SAME_ORIGIN)
    assert response.status_code == 413
    assert await recorded() == []


async def test_an_altered_or_unknown_token_is_refused(user: User, fixed: Ticket, token: str) -> None:
    response = await user.http_client.post(f'/rate/{altered(token, 4)}', json={'score': 5}, headers=SAME_ORIGIN)
    assert (response.status_code, response.json()['error']) == (400, ratings.NOT_VALID)
    assert await recorded() == []


async def test_the_page_still_answers_get_next_to_the_post_route(user: User, fixed: Ticket, token: str) -> None:
    response = await user.http_client.get(f'/rate/{token}')
    assert response.status_code == 200 and 'text/html' in response.headers['content-type']
    assert await recorded() == []
