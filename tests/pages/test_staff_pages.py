"""Technician and manager screens: queue, working a ticket, presence, catalog and people."""

from __future__ import annotations

import asyncio
import contextlib
from types import SimpleNamespace

from nicegui.testing import User

from models import tickets
from models.catalog import Service
from models.tickets import Status, Ticket
from models.users import User as Person

from .conftest import sign_in


async def report(people: SimpleNamespace, title: str = 'Printer jams') -> Ticket:
    return await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title=title)


async def test_a_new_ticket_appears_in_an_open_queue_without_reload(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open('/queue')
    await user.should_see('Nothing waiting here')
    ticket = await report(people, 'Toner everywhere')
    await user.should_see(f'#{ticket.id} Toner everywhere')


async def test_technician_takes_a_ticket_and_it_leaves_the_unassigned_view(user: User, people: SimpleNamespace) -> None:
    ticket = await report(people)
    await sign_in(user, 'sam@example.com')
    await user.open('/queue')
    await user.should_see(f'#{ticket.id} Printer jams')
    await tickets.take(ticket.id, technician=people.technician2)
    await user.should_not_see(f'#{ticket.id} Printer jams')


async def test_queue_search_finds_by_number_and_words(user: User, people: SimpleNamespace) -> None:
    first = await report(people, 'Printer jams')
    second = await report(people, 'Scanner sends blank pages')
    await sign_in(user, 'sam@example.com')
    await user.open('/queue')
    user.find(marker='search').type('blank')
    await user.should_see(f'#{second.id} Scanner')
    await user.should_not_see(f'#{first.id} Printer')
    user.find(marker='search').clear().type('zebra')
    await user.should_see('No tickets match this search.')  # not "Nice work": it is the search that found nothing
    await user.should_not_see('Nothing waiting here. Nice work.')


async def test_queue_filters_fold_into_one_button_that_counts_them(user: User, people: SimpleNamespace) -> None:
    printer = await report(people, 'Printer jams')
    wifi = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await sign_in(user, 'sam@example.com')
    await user.open('/queue')
    await user.should_see(f'#{wifi.id} No Wi-Fi')
    await user.should_not_see(marker='service-filter', retries=50)  # folded away
    await user.should_not_see(marker='filter-count', retries=50)
    user.find(marker='filters').click()
    user.find(marker='service-filter').elements.pop().set_value(people.wifi.id)  # type: ignore[attr-defined]
    await user.should_not_see(f'#{printer.id} Printer jams', retries=50)
    await user.should_see(f'#{wifi.id} No Wi-Fi')
    assert user.find(marker='filter-count').elements.pop().text == '1'  # type: ignore[attr-defined]


async def test_technician_works_a_ticket_from_take_to_resolve(user: User, people: SimpleNamespace) -> None:
    ticket = await report(people)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='take').click()
    await user.should_see('Assigned to Sam')
    user.find(marker='start').click()
    await user.should_see('Being worked on')
    user.find(marker='reply').type('Cleared the paper path')
    user.find(marker='send-reply').click()
    await user.should_see('Cleared the paper path')
    user.find(marker='resolve').click()
    user.find(marker='resolution').type('Removed a stuck label from the roller')
    user.find(marker='resolve-confirm').click()
    await user.should_see('Fix: Removed a stuck label from the roller')
    fresh = await Ticket.get(id=ticket.id)
    assert fresh.status == Status.RESOLVED and fresh.first_response_at is not None


async def test_an_internal_note_is_marked_for_staff_only(user: User, people: SimpleNamespace) -> None:
    ticket = await report(people)
    await tickets.take(ticket.id, technician=people.technician)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='reply').type('Needs a new fuser')
    user.find(marker='reply-kind').elements.pop().set_value('note')  # type: ignore[attr-defined]
    await user.should_see('Add private note')  # the button says what is being written
    user.find(marker='send-reply').click()
    await user.should_see(marker='event-note')
    event = await tickets.TicketEvent.get(body='Needs a new fuser')
    assert event.internal


async def test_resolving_without_a_summary_is_refused_with_a_message(user: User, people: SimpleNamespace) -> None:
    ticket = await report(people)
    await tickets.take(ticket.id, technician=people.technician)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='resolve').click()
    user.find(marker='resolve-confirm').click()
    await user.should_see('Write a short summary of the fix.')
    assert (await Ticket.get(id=ticket.id)).status == Status.ASSIGNED


async def test_two_technicians_see_each_other_on_the_same_ticket(
    user: User, create_user: object, people: SimpleNamespace
) -> None:
    ticket = await report(people)
    priya = create_user()  # type: ignore[operator]
    await sign_in(priya, 'priya@example.com')
    await priya.open(f'/t/{ticket.id}')
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('Priya is viewing')
    await priya.should_see('Sam is viewing')


async def test_a_requester_cannot_open_the_queue(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open('/queue')
    await user.should_see('My requests')
    await user.should_not_see(marker='search')


async def test_manager_adds_a_person_with_a_role_and_category(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    await user.open('/manage')
    user.find(marker='add-person').click()
    user.find(marker='new-name').type('Nina New')
    user.find(marker='new-email').type('nina@example.com')
    user.find(marker='new-password').type('a long password')
    user.find(marker='save-person').click()
    await user.should_see('Nina New can sign in now.')
    assert (await Person.get(email='nina@example.com')).role == 'requester'


async def test_manager_adds_a_service(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    await user.open('/manage')
    user.find(marker='add-service').click()
    user.find(marker='service-name').type('Badge access')
    user.find(marker='service-icon').elements.pop().set_value('badge')  # type: ignore[attr-defined]
    user.find(marker='service-peers').click()  # colleagues who know badges may help, unless the requester says no
    user.find(marker='save-service').click()
    await user.should_see('seen by nobody yet')
    assert (await Service.get(name='Badge access')).peers_may_help is True


async def test_a_technician_cannot_open_manage(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open('/manage')
    await user.should_not_see(marker='add-person')


async def test_technician_offers_visit_times_and_the_requester_chooses_one_with_a_tap(
    user: User, create_user: object, people: SimpleNamespace
) -> None:
    ticket = await report(people)
    await tickets.take(ticket.id, technician=people.technician)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='plan-visit').click()
    user.find(marker='window-day-0').clear().type('2026-11-30')
    user.find(marker='window-from-0').clear().type('09:30')
    user.find(marker='window-to-0').clear().type('11:00')
    user.find(marker='window-day-1').clear().type('2026-12-01')
    user.find(marker='window-from-1').clear().type('14:00')
    user.find(marker='window-to-1').clear().type('16:00')
    user.find(marker='offer-windows').click()
    await user.should_see('Waiting for Alex to choose: Mon 30 Nov, 09:30–11:00 · Tue 1 Dec, 14:00–16:00')
    alex = create_user()  # type: ignore[operator]
    await sign_in(alex, 'alex@example.com')
    await alex.open(f'/t/{ticket.id}')
    await alex.should_see('Pick a time for the visit')
    alex.find('Mon 30 Nov, 09:30–11:00').click()
    await alex.should_see('Visit planned Mon 30 Nov, 09:30–11:00')
    await alex.should_see('Visit on Mon 30 Nov, 09:30–11:00 with Sam')
    await user.should_see('Visit on Mon 30 Nov, 09:30–11:00 with Sam')  # live on the technician's open page
    heads: list[str] = []
    for _ in range(100):  # the timeline's entry follows the visit card within the same live update
        with contextlib.suppress(AssertionError):  # none yet
            heads = [e.props['data-head'] for e in alex.find(marker='event-visit').elements]
        if any('chose the visit Mon 30 Nov, 09:30–11:00' in head for head in heads):
            break
        await asyncio.sleep(0.05)
    assert any('chose the visit Mon 30 Nov, 09:30–11:00' in head for head in heads)


async def test_a_window_in_the_past_is_refused_in_the_offer_dialog(user: User, people: SimpleNamespace) -> None:
    ticket = await report(people)
    await tickets.take(ticket.id, technician=people.technician)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='plan-visit').click()
    user.find(marker='window-day-0').clear().type('2026-11-23')
    user.find(marker='offer-windows').click()
    await user.should_see('Mon 23 Nov, 09:00–11:00 has already begun; offer times from now on.')


async def test_a_rating_shows_on_the_technicians_open_page_live(user: User, people: SimpleNamespace) -> None:
    from models import ratings

    ticket = await report(people)
    await tickets.take(ticket.id, technician=people.technician)
    await tickets.resolve(ticket.id, 'Cleaned the rollers', actor=people.technician)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await ratings.rate(ticket.id, 5, actor=people.requester)
    await user.should_see(marker='event-rated')
    event = await tickets.TicketEvent.get(ticket_id=ticket.id, kind='rated')
    assert event.data['score'] == 5


async def test_all_open_shows_who_has_each_ticket(user: User, people: SimpleNamespace) -> None:
    taken = await report(people, 'Printer jams')
    await tickets.take(taken.id, technician=people.technician2)
    await tickets.set_status(taken.id, tickets.Status.IN_PROGRESS, actor=people.technician2)
    await sign_in(user, 'sam@example.com')
    await user.open('/queue?view=open')
    await user.should_see(f'#{taken.id} Printer jams')
    await user.should_see('Alex Kim · with Priya · Printer')
