"""Requester screens: report, follow, reply; and what they may not see."""

from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from PIL import Image

from models import catalog, tickets, visits
from models.tickets import EventKind, Status, Ticket, TicketEvent
from models.visits import VisitWindow, WindowState
from tests.conftest import FrozenClock

from .conftest import sign_in


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new('RGB', (800, 600), 'orange').save(buffer, 'JPEG')
    return buffer.getvalue()


async def test_signing_in_with_a_wrong_password_says_so(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'alex@example.com', 'not the password')
    await user.should_see('Wrong email or password.')


async def test_a_stranger_is_sent_to_sign_in(user: User, people: SimpleNamespace) -> None:
    await user.open('/requests')
    await user.should_see(marker='sign-in')


async def test_requester_reports_an_issue_and_sees_its_number_at_once(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open('/new')
    await user.should_not_see('Printer & scanner')
    user.find(marker=f'service-{people.wifi.id}').click()
    user.find(marker='title').type('Wi-Fi drops in room 3')
    user.find(marker='details').type('Every ten minutes or so')
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([SmallFileUpload('door.jpg', 'image/jpeg', jpeg())])
    user.find(marker='send').click()
    await user.should_see(marker='sent')
    ticket = await Ticket.get(title='Wi-Fi drops in room 3')
    await user.should_see(f'Your request #{ticket.id} is in')
    await user.should_see('Received')
    assert await ticket.attachments.all().count() == 1


async def test_service_tiles_come_most_used_first_and_something_else_last(user: User, people: SimpleNamespace) -> None:
    other = await catalog.save_service(actor=None, name='Something else', category_ids=[people.staff.id])
    for service, times in ((other, 3), (people.printer, 2), (people.wifi, 1)):
        for n in range(times):
            await tickets.create_ticket(requester=people.colleague, service_id=service.id, title=f'Request {n}')
    await sign_in(user, 'alex@example.com')
    await user.open('/new')
    await user.should_see(marker=f'service-{other.id}')
    [tiles] = user.find(marker='tiles').elements
    assert [tile._markers for tile in tiles.default_slot.children] == [
        [f'service-{people.printer.id}'],
        [f'service-{people.wifi.id}'],
        [f'service-{other.id}'],
    ]


async def test_an_empty_title_gets_a_message_and_keeps_what_was_typed(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open('/new')
    user.find(marker=f'service-{people.wifi.id}').click()
    user.find(marker='details').type('Keeps dropping')
    user.find(marker='send').click()
    await user.should_see('Please give your request a short title.')
    await user.should_see('Keeps dropping')
    assert await Ticket.all().count() == 0


async def test_a_file_that_is_not_a_photo_is_refused_next_to_the_field(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open('/new')
    user.find(marker=f'service-{people.wifi.id}').click()
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([SmallFileUpload('notes.jpg', 'image/jpeg', b'this is text, not a photo')])
    await user.should_see('is not a photo we can read')


async def test_requester_list_updates_live_when_a_technician_replies(user: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await sign_in(user, 'alex@example.com')
    await user.open('/requests')
    await user.should_see('Received')
    await tickets.take(ticket.id, technician=people.technician)
    await user.should_see('Assigned to Sam')


async def test_ticket_page_shows_a_reply_live_without_wiping_what_i_type(user: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='reply').type('half a thought')
    await tickets.take(ticket.id, technician=people.technician)
    await tickets.reply(ticket.id, 'Have you tried the other network?', author=people.technician)
    await user.should_see('Have you tried the other network?')
    await user.should_see('half a thought')


async def test_requester_never_sees_internal_notes(user: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await tickets.take(ticket.id, technician=people.technician)
    await tickets.reply(ticket.id, 'requester seems confused', author=people.technician, internal=True)
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('No Wi-Fi')
    await user.should_not_see('requester seems confused')


async def test_someone_elses_ticket_is_not_found(user: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(requester=people.colleague, service_id=people.wifi.id, title='Secret thing')
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see(f'There is no request #{ticket.id} for you.')
    await user.should_not_see('Secret thing')


async def test_requester_replies_to_a_question_and_it_goes_back_to_the_technician(
    user: User, people: SimpleNamespace
) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await tickets.take(ticket.id, technician=people.technician)
    await tickets.set_status(ticket.id, Status.WAITING, actor=people.technician)
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('Waiting for your reply')
    user.find(marker='reply').type('It is the guest network')
    user.find(marker='send-reply').click()
    await user.should_see('Being worked on')
    assert (await Ticket.get(id=ticket.id)).status == Status.IN_PROGRESS


async def test_one_change_is_read_once_for_every_open_page_of_the_same_audience(
    user: User, create_user: object, people: SimpleNamespace, monkeypatch: object
) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await tickets.take(ticket.id, technician=people.technician)
    second_tab = create_user()  # type: ignore[operator]
    for tab in (user, second_tab):
        await sign_in(tab, 'alex@example.com')
        await tab.open(f'/t/{ticket.id}')
    reads: list[int] = []
    original = tickets.timeline_of

    async def counting(ticket_id: int, *args: object, **kwargs: object) -> list:
        reads.append(ticket_id)
        return await original(ticket_id, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tickets, 'timeline_of', counting)  # type: ignore[attr-defined]
    await tickets.reply(ticket.id, 'Try the other access point', author=people.technician)
    for tab in (user, second_tab):
        await tab.should_see('Try the other access point')
    assert reads == [ticket.id]


# ---- picking a visit time in My requests -------------------------------------------------------------------


async def offered_visit(people: SimpleNamespace, clock: FrozenClock) -> tuple[Ticket, list[VisitWindow]]:
    """Alex's printer request, with Sam's two windows: Wed 25 Nov 10:00-12:00 and 14:00-16:00 (UTC)."""
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Jams')
    await tickets.take(ticket.id, technician=people.technician)
    times = [(clock.now + timedelta(hours=h), clock.now + timedelta(hours=h + 2)) for h in (25, 29)]
    return ticket, await visits.propose(ticket.id, times, actor=people.technician)


def row_order(user: User) -> list[str]:
    (rows,) = [e for e in user.find(ui.list).elements if 'td-list' in e.classes]
    return [wrap.default_slot.children[0].props['href'] for wrap in rows.default_slot.children]


async def test_my_requests_offers_the_visit_times_first_and_one_tap_plans_the_visit(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    ticket, offer = await offered_visit(people, clock)
    clock.advance(minutes=5)
    newer = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await sign_in(user, 'alex@example.com')
    await user.open('/requests')
    await user.should_see('Pick a time for the visit')
    assert row_order(user) == [f'/t/{ticket.id}', f'/t/{newer.id}']  # it waits for Alex: first
    await user.should_see('Wed 25 Nov, 14:00–16:00')
    user.find(marker=f'window-{offer[0].id}').click()
    await user.should_see('Visit on Wed 25 Nov, 10:00–12:00 with Sam')
    await user.should_not_see('Pick a time for the visit')
    assert (await VisitWindow.get(id=offer[0].id)).state == WindowState.CONFIRMED
    assert (await Ticket.get(id=ticket.id)).status == Status.VISIT_PLANNED


async def test_none_of_these_work_asks_for_other_times_from_my_requests(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    ticket, offer = await offered_visit(people, clock)
    await sign_in(user, 'alex@example.com')
    await user.open('/requests')
    user.find(marker=f'ask-again-{ticket.id}').click()
    user.find(marker='ask-again-note').type('Any morning next week')
    user.find(marker='ask-again-send').click()
    await user.should_not_see('Pick a time for the visit', retries=50)  # a loaded machine redraws later
    assert {w.state for w in await VisitWindow.filter(ticket_id=ticket.id)} == {WindowState.DECLINED}
    lines = await TicketEvent.filter(ticket_id=ticket.id, kind=EventKind.VISIT).order_by('id')
    assert (lines[-1].data['what'], lines[-1].body) == ('asked_again', 'Any morning next week')


async def test_a_visit_time_that_has_passed_is_refused_in_plain_words(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    _, offer = await offered_visit(people, clock)
    await sign_in(user, 'alex@example.com')
    await user.open('/requests')
    await user.should_see('Pick a time for the visit')
    clock.advance(hours=28)  # the page stayed open: the first window is over
    user.find(marker=f'window-{offer[0].id}').click()
    await user.should_see('That window has passed; choose another or ask for other times.')
    assert (await VisitWindow.get(id=offer[0].id)).state == WindowState.PROPOSED


async def test_a_visit_chosen_elsewhere_shows_in_my_requests_live(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    _, offer = await offered_visit(people, clock)
    await sign_in(user, 'alex@example.com')
    await user.open('/requests')
    await user.should_see('Pick a time for the visit')
    await visits.choose(offer[1].id, actor=people.requester)  # from the notification, say
    await user.should_see('Visit on Wed 25 Nov, 14:00–16:00 with Sam')
    await user.should_not_see('Pick a time for the visit')


async def test_a_closed_request_offers_no_reply_box_until_it_is_reopened(user: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Jam')
    await tickets.take(ticket.id, technician=people.technician)
    await tickets.resolve(ticket.id, 'Cleared', actor=people.technician)
    await tickets.close(ticket.id, actor=people.requester)
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see(marker='reopen')
    await user.should_not_see(marker='reply')  # a reply would be refused: nothing to type into
    await tickets.reopen(ticket.id, 'It jams again', actor=people.technician)  # reopened elsewhere: back, live
    await user.should_see(marker='reply')


async def test_the_question_comes_first_while_the_request_waits_for_the_requester(
    user: User, people: SimpleNamespace
) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Jam')
    await tickets.take(ticket.id, technician=people.technician)
    await tickets.reply(ticket.id, 'Which floor is the printer on?', author=people.technician)
    await tickets.set_status(ticket.id, Status.WAITING, actor=people.technician)
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see(marker='question')
    await user.should_see('Sam asks:')
    assert user.find(marker='asked').elements.pop().text == 'Which floor is the printer on?'  # type: ignore[attr-defined]
    await tickets.reply(ticket.id, 'Third floor, by the kitchen.', author=people.requester)  # answered: gone, live
    await user.should_not_see(marker='question', retries=50)


async def test_my_requests_puts_what_needs_me_first_then_open_then_closed(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    def report(title: str) -> Ticket:
        clock.advance(minutes=5)
        return tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title=title)  # type: ignore[return-value]

    closed, to_rate, asked, open_ = [await report(t) for t in ('Closed', 'To rate', 'Asked', 'Open')]
    for t in (closed, to_rate, asked):
        await tickets.take(t.id, technician=people.technician)
    for t in (closed, to_rate):
        await tickets.resolve(t.id, 'Done', actor=people.technician)
    await tickets.set_status(asked.id, Status.WAITING, actor=people.technician)
    latest = await report('Newest, nothing to do')
    clock.advance(minutes=5)
    await tickets.close(closed.id, actor=people.requester)  # the latest activity, yet closed: last
    await sign_in(user, 'alex@example.com')
    await user.open('/requests')
    await user.should_see('Newest, nothing to do')
    assert row_order(user) == [f'/t/{t.id}' for t in (asked, to_rate, latest, open_, closed)]


async def test_the_bottom_bar_shows_where_you_are_with_one_entry_per_place(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'alex@example.com')
    for path, here in (('/requests', 'My requests'), ('/new', 'New request'), ('/help', 'Help')):
        await user.open(path)
        await user.should_see(here)
        marked = [b for b in user.find(ui.button).elements if 'td-nav-here' in b.classes]
        assert [b.props.get('label') for b in marked] == [here] and marked[0].props['aria-current'] == 'page'
    await user.should_not_see('Report an issue')  # "New request" in the bar is the one way to report
