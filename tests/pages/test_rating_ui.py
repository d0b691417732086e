"""Rating a fix on screen: one tap, a comment, the change window, the reopen offer, staff see it live."""

from __future__ import annotations

from types import SimpleNamespace

from nicegui import ui
from nicegui.testing import User

from models import ratings, tickets
from models.ratings import Rating
from models.tickets import Status, Ticket
from tests.conftest import FrozenClock

from .conftest import sign_in


async def fixed(people: SimpleNamespace, title: str = 'Printer jams') -> Ticket:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title=title)
    await tickets.take(ticket.id, technician=people.technician)
    return await tickets.resolve(ticket.id, 'Removed a stuck label', actor=people.technician)


async def open_as_requester(user: User, ticket: Ticket) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('How did we do?')


async def score_of(ticket: Ticket) -> int | None:
    rating = await Rating.get_or_none(ticket_id=ticket.id)
    return rating.score if rating else None


# ---- the ticket page ---------------------------------------------------------------------------------


async def test_one_tap_on_a_face_records_the_rating(user: User, people: SimpleNamespace) -> None:
    ticket = await fixed(people)
    await open_as_requester(user, ticket)
    user.find(marker='face-5').click()
    await user.should_see('Thanks for rating!')
    await user.should_see('You can change this until')
    assert await score_of(ticket) == 5


async def test_each_face_has_a_spoken_name_and_its_word_under_it(user: User, people: SimpleNamespace) -> None:
    ticket = await fixed(people)
    await open_as_requester(user, ticket)
    for score, word in ratings.SCALE.items():
        face = user.find(marker=f'face-{score}').elements.pop()
        assert face.props['aria-label'] == f'{word} ({score} of 5)'
        assert face.props['label'] == word


async def test_a_comment_can_follow_the_tap_but_is_never_required(user: User, people: SimpleNamespace) -> None:
    ticket = await fixed(people)
    await open_as_requester(user, ticket)
    user.find(marker='face-4').click()
    await user.should_see(marker='rating-comment-input')
    assert await score_of(ticket) == 4  # recorded before any comment
    user.find(marker='rating-comment-input').type('Could have been quicker')
    user.find(marker='send-comment').click()
    await user.should_see('Thanks for telling us.')
    assert (await Rating.get(ticket_id=ticket.id)).comment == 'Could have been quicker'


async def test_the_rating_can_be_changed_within_the_window(user: User, people: SimpleNamespace) -> None:
    ticket = await fixed(people)
    await open_as_requester(user, ticket)
    user.find(marker='face-2').click()
    await user.should_see('Sorry it was not right. Thanks for telling us.')  # a poor rating is not thanked as good
    user.find(marker='face-5').click()
    await user.should_see('Thanks for rating!')
    await user.should_not_see('Reopen this request')
    await user.should_see('Fixed')
    await user.should_not_see('Fixed — how did we do?')  # answered: the chip no longer asks
    assert await score_of(ticket) == 5


async def test_once_the_window_is_over_the_rating_is_shown_read_only(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    ticket = await fixed(people)
    await ratings.rate(ticket.id, 4, actor=people.requester)
    await ratings.comment(ticket.id, 'Friendly and fast', actor=people.requester)
    clock.advance(hours=25)
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('You rated this fix')
    await user.should_see('Friendly and fast')
    await user.should_not_see(marker='face-1')
    await user.should_not_see(marker='rating-comment-input')


async def test_a_tap_after_the_window_closed_says_so_in_plain_words(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    ticket = await fixed(people)
    await open_as_requester(user, ticket)
    user.find(marker='face-3').click()
    await user.should_see('Thanks for rating!')
    clock.advance(hours=25)  # the page stayed open all the while
    user.find(marker='face-1').click()
    await user.should_see('This rating is final now')
    assert await score_of(ticket) == 3


async def test_a_poor_rating_offers_to_reopen_and_reopening_counts_a_callback(
    user: User, people: SimpleNamespace
) -> None:
    ticket = await fixed(people)
    await open_as_requester(user, ticket)
    user.find(marker='face-2').click()
    await user.should_see('Reopen this request')
    user.find(marker='rating-comment-input').type('Still jams on tray 2')
    user.find(marker='rating-reopen').click()
    await user.should_see('What is still wrong?')
    assert user.find(marker='reason').elements.pop().value == 'Still jams on tray 2'  # what they wrote is kept
    user.find(marker='reopen-confirm').click()
    await user.should_see('Reopened')
    assert (await Ticket.get(id=ticket.id)).status == Status.REOPENED
    assert await ratings.callbacks_of(ticket.id) == 1


async def test_a_good_rating_does_not_offer_to_reopen(user: User, people: SimpleNamespace) -> None:
    ticket = await fixed(people)
    await open_as_requester(user, ticket)
    user.find(marker='face-4').click()
    await user.should_see('Thanks for rating!')
    await user.should_not_see('Reopen this request')
    await user.should_see('Still a problem? Reopen')  # the one way to reopen, beside "Yes, it's fixed"


async def test_a_poor_rating_leaves_one_way_to_reopen(user: User, people: SimpleNamespace) -> None:
    """Issue 13: "one screen shows three reopen buttons". Once a poor rating offers "Reopen this request", the
    actions' own "Still a problem? Reopen" goes (and comes back when the rating is changed to a good one)."""
    ticket = await fixed(people)
    await open_as_requester(user, ticket)
    await user.should_see(marker='reopen')
    user.find(marker='face-1').click()
    await user.should_see(marker='rating-reopen')
    await user.should_not_see(marker='reopen', retries=50)
    await user.should_see(marker='confirm-fixed')
    user.find(marker='face-5').click()
    await user.should_not_see(marker='rating-reopen', retries=50)
    await user.should_see(marker='reopen')


async def test_staff_see_the_rating_arrive_without_reload(user: User, people: SimpleNamespace) -> None:
    ticket = await fixed(people)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('Not rated yet')
    await ratings.rate(ticket.id, 1, actor=people.requester)
    await user.should_see('Alex rated the fix')
    await user.should_see('Very poor')
    await ratings.comment(ticket.id, 'The printer still eats paper', actor=people.requester)
    await user.should_see('The printer still eats paper')
    await user.should_not_see(marker='face-1')  # staff cannot rate


async def test_the_timeline_says_what_was_rated_in_words(user: User, people: SimpleNamespace) -> None:
    ticket = await fixed(people)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await ratings.rate(ticket.id, 5, actor=people.requester)
    await user.should_see(marker='event-rated')
    [entry] = user.find(marker='event-rated').elements
    assert 'rated the fix: Great' in entry.props['data-head']


async def test_the_rating_card_waits_until_the_request_is_fixed(user: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Jam')
    await tickets.take(ticket.id, technician=people.technician)
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('Assigned to Sam')
    await user.should_not_see(marker='rating-card')
    await tickets.resolve(ticket.id, 'Cleared it', actor=people.technician)
    await user.should_see('How did we do?')


# ---- My requests -----------------------------------------------------------------------------------


async def test_a_fixed_request_is_rated_right_in_my_requests(user: User, people: SimpleNamespace) -> None:
    ticket = await fixed(people)
    await sign_in(user, 'alex@example.com')
    await user.open('/requests')
    await user.should_see('Fixed — how did we do?')
    user.find(marker=f'row-face-{ticket.id}-1').click()
    await user.should_see('You rated: Very poor')
    assert 'td-rated-poor' in user.find(marker=f'rated-{ticket.id}').elements.pop().classes  # not in green
    await user.should_not_see('Fixed — how did we do?')  # answered: the chip no longer asks
    await user.should_not_see(marker=f'row-face-{ticket.id}-1')
    assert await score_of(ticket) == 1


async def test_the_faces_of_a_row_are_not_inside_its_link(user: User, people: SimpleNamespace) -> None:
    ticket = await fixed(people)
    await sign_in(user, 'alex@example.com')
    await user.open('/requests')
    await user.should_see(marker=f'row-face-{ticket.id}-3')
    face = user.find(marker=f'row-face-{ticket.id}-3').elements.pop()
    link = user.find(marker=f'ticket-{ticket.id}').elements.pop()
    assert link not in ancestors(face)  # a tap rates; it does not open the ticket


async def test_a_row_shows_a_rating_made_on_another_screen(user: User, people: SimpleNamespace) -> None:
    ticket = await fixed(people)
    await sign_in(user, 'alex@example.com')
    await user.open('/requests')
    await user.should_see(marker=f'row-face-{ticket.id}-4')
    await ratings.rate(ticket.id, 4, actor=people.requester)
    await user.should_see('You rated: Good')
    await user.should_not_see(marker=f'row-face-{ticket.id}-4')


async def test_rows_that_are_not_fixed_offer_no_faces(user: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Jam')
    await sign_in(user, 'alex@example.com')
    await user.open('/requests')
    await user.should_see('Received')
    await user.should_not_see(marker=f'row-face-{ticket.id}-5')


def ancestors(element: ui.element) -> list[ui.element]:
    found = []
    while element.parent_slot is not None:
        element = element.parent_slot.parent
        found.append(element)
    return found
