"""Every verb that takes text stores the same normalised text on SQLite and PostgreSQL."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from models import catalog, ratings, tickets, users
from models.catalog import Service
from models.errors import Invalid
from models.tickets import MAX_TITLE, Ticket, TicketEvent
from models.users import Category, User

ZERO_WIDTH = '\u200b\u200c\u200d\u2060\ufeff\u00ad'


async def report(requester: User, wifi: Service, **text: str) -> Ticket:
    text.setdefault('title', 'Wi-Fi drops')
    ticket = await tickets.create_ticket(requester=requester, service_id=wifi.id, **text)
    return await Ticket.get(id=ticket.id)


async def test_a_title_of_zero_width_spaces_is_refused_like_an_empty_one(requester: User, wifi: Service) -> None:
    with pytest.raises(Invalid) as error:
        await report(requester, wifi, title=ZERO_WIDTH * 3)
    assert (str(error.value), error.value.field) == ('Please give your request a short title.', 'title')
    assert await Ticket.all().count() == 0


async def test_nul_and_controls_are_removed_from_a_ticket_before_it_is_stored(requester: User, wifi: Service) -> None:
    ticket = await report(
        requester, wifi, title='Wi-Fi\x00 drops\x07', details='Line one\x00\r\nLine\x1b two\x85', location='Room\x003'
    )
    assert (ticket.title, ticket.details, ticket.location) == ('Wi-Fi drops', 'Line one\nLine two', 'Room3')


async def test_title_and_location_become_one_line_and_lose_direction_overrides(requester: User, wifi: Service) -> None:
    ticket = await report(requester, wifi, title='Invoice\n\t\u202egpj.exe', location='Room 3\r\n\u2066B\u2069')
    assert (ticket.title, ticket.location) == ('Invoice gpj.exe', 'Room 3 B')


async def test_details_keep_their_lines_and_tabs(requester: User, wifi: Service) -> None:
    ticket = await report(requester, wifi, details='1.\tRestart\r\n2.\tStill down')
    assert ticket.details == '1.\tRestart\n2.\tStill down'


async def test_the_title_limit_counts_the_normalised_text(requester: User, wifi: Service) -> None:
    padded = ZERO_WIDTH + 'e\u0301' * MAX_TITLE + '\x00' * 10  # 120 letters once composed and cleaned
    ticket = await report(requester, wifi, title=padded)
    assert ticket.title == 'é' * MAX_TITLE
    with pytest.raises(Invalid, match=rf'under {MAX_TITLE} characters \(it has {MAX_TITLE + 1}\)'):
        await report(requester, wifi, title='e\u0301' * (MAX_TITLE + 1))


async def test_replies_and_notes_are_cleaned_and_an_invisible_reply_is_empty(
    ticket: Ticket, requester: User, technician: User
) -> None:
    with pytest.raises(Invalid, match='Write something first'):
        await tickets.reply(ticket.id, ZERO_WIDTH + ' \x00 ', author=requester)
    await tickets.reply(ticket.id, 'Still\x00 down\r\nsince 9', author=requester)
    await tickets.reply(ticket.id, 'Check\x00 the AP\u202e', author=technician, internal=True)
    bodies = (
        await TicketEvent.filter(ticket_id=ticket.id, kind__in=['reply', 'note'])
        .order_by('id')
        .values_list('body', flat=True)
    )
    assert bodies == ['Still down\nsince 9', 'Check the AP']


async def test_resolution_and_reopen_reason_are_cleaned(taken: Ticket, requester: User, technician: User) -> None:
    with pytest.raises(Invalid, match='summary of the fix'):
        await tickets.resolve(taken.id, ZERO_WIDTH, actor=technician)
    resolved = await tickets.resolve(taken.id, 'New\x00 access point', actor=technician)
    assert resolved.resolution == 'New access point'
    with pytest.raises(Invalid, match='still wrong'):
        await tickets.reopen(taken.id, '\u2060\ufeff', actor=requester)
    await tickets.reopen(taken.id, 'Down\x00 again', actor=requester)
    reason = await TicketEvent.filter(ticket_id=taken.id, kind='reopened').values_list('body', flat=True)
    assert reason == ['Down again']


async def test_a_rating_comment_is_cleaned_to_one_line(taken: Ticket, requester: User, technician: User) -> None:
    await tickets.resolve(taken.id, 'Fixed', actor=technician)
    await ratings.rate(taken.id, 4, actor=requester)
    rating = await ratings.comment(taken.id, 'Slow\x00\r\nbut \u202efine', actor=requester)
    assert rating.comment == 'Slow but fine'


async def test_names_of_people_categories_and_services_are_cleaned(manager: User, people: SimpleNamespace) -> None:
    with pytest.raises(Invalid, match='enter a name'):
        await users.create_user(email='jo@example.com', name=ZERO_WIDTH, password='long enough', actor=manager)
    jo = await users.create_user(
        email='\u200bjo@example.com\x00', name='Jo\x00\n\u202eParker', password='long enough', actor=manager
    )
    assert ((await User.get(id=jo.id)).email, (await User.get(id=jo.id)).name) == ('jo@example.com', 'Jo Parker')
    with pytest.raises(Invalid, match='enter a name'):
        await users.update_user(jo.id, actor=manager, name='\ufeff')
    with pytest.raises(Invalid, match='enter a name'):
        await users.create_category('\u200d\u200d', actor=manager)
    site = await users.create_category('Field\x00\tsites', actor=manager)
    assert (await Category.get(id=site.id)).name == 'Field sites'
    with pytest.raises(Invalid, match='give the service a name'):
        await catalog.save_service(actor=manager, name=ZERO_WIDTH, category_ids=[people.staff.id])
    service = await catalog.save_service(
        actor=manager, name='VPN\x00\n', description='Remote\x00 access', category_ids=[people.staff.id]
    )
    stored = await Service.get(id=service.id)
    assert (stored.name, stored.description) == ('VPN', 'Remote access')


async def test_searching_the_queue_with_a_nul_finds_the_ticket(ticket: Ticket, technician: User) -> None:
    found = await tickets.queue(technician, search='Wi-\x00Fi')
    assert [t.id for t in found] == [ticket.id]
