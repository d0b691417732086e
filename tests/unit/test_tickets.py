"""Reporting, reading and replying: who sees what on a ticket."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from models import catalog, tickets
from models.catalog import Priority, Service
from models.errors import Forbidden, Invalid, NotFound
from models.photos import PhotoIn
from models.tickets import EventKind, Status, Ticket, TicketEvent
from models.users import User
from tests.conftest import FrozenClock
from tests.images import jpeg


async def test_a_reported_ticket_is_committed_new_with_a_created_event(
    requester: User, wifi: Service, clock: FrozenClock
) -> None:
    ticket = await tickets.create_ticket(
        requester=requester, service_id=wifi.id, title='  No Wi-Fi  ', details='Since this morning'
    )
    stored = await Ticket.get(id=ticket.id)
    assert (stored.title, stored.status, stored.requester_id, stored.created_at) == (
        'No Wi-Fi',
        Status.NEW,
        requester.id,
        clock.now,
    )
    assert ticket.number == f'#{ticket.id}'
    events = await TicketEvent.filter(ticket_id=ticket.id)
    assert [(e.kind, e.actor_id, e.body) for e in events] == [(EventKind.CREATED, requester.id, 'Since this morning')]


async def test_a_ticket_takes_its_services_default_priority(
    manager: User, requester: User, people: SimpleNamespace
) -> None:
    await catalog.save_service(
        actor=manager,
        service_id=people.wifi.id,
        name='Wi-Fi',
        icon='wifi',
        default_priority=Priority.URGENT,
        category_ids=[people.staff.id],
    )
    ticket = await tickets.create_ticket(requester=requester, service_id=people.wifi.id, title='No Wi-Fi')
    assert ticket.priority == Priority.URGENT


async def test_an_empty_title_is_refused(requester: User, wifi: Service) -> None:
    with pytest.raises(Invalid, match='short title') as error:
        await tickets.create_ticket(requester=requester, service_id=wifi.id, title='   ')
    assert error.value.field == 'title'
    assert await Ticket.all().count() == 0


async def test_a_too_long_title_is_refused_with_its_length(requester: User, wifi: Service) -> None:
    with pytest.raises(Invalid, match=r'under 120 characters \(it has 121\)') as error:
        await tickets.create_ticket(requester=requester, service_id=wifi.id, title='x' * 121)
    assert error.value.field == 'title'


async def test_a_title_of_exactly_the_limit_is_fine(requester: User, wifi: Service) -> None:
    ticket = await tickets.create_ticket(requester=requester, service_id=wifi.id, title='x' * tickets.MAX_TITLE)
    assert len((await Ticket.get(id=ticket.id)).title) == tickets.MAX_TITLE


# ---- who sees a ticket ----------------------------------------------------------------------------


async def test_the_requester_reads_their_own_ticket(requester: User, ticket: Ticket) -> None:
    assert (await tickets.get_for(requester, ticket.id)).id == ticket.id


async def test_requester_cannot_read_someone_elses_ticket(outsider: User, ticket: Ticket) -> None:
    with pytest.raises(NotFound, match=f'no request #{ticket.id}'):
        await tickets.get_for(outsider, ticket.id)


async def test_a_colleague_in_the_same_category_still_cannot_read_the_ticket(colleague: User, ticket: Ticket) -> None:
    with pytest.raises(NotFound):
        await tickets.get_for(colleague, ticket.id)
    with pytest.raises(NotFound):
        await tickets.timeline_for(colleague, ticket.id)


async def test_a_colleague_cannot_reply_to_someone_elses_ticket(colleague: User, ticket: Ticket) -> None:
    with pytest.raises(NotFound):
        await tickets.reply(ticket.id, 'Me too!', author=colleague)
    assert await TicketEvent.filter(ticket_id=ticket.id).count() == 1


async def test_a_requester_cannot_reopen_or_close_someone_elses_ticket(colleague: User, ticket: Ticket) -> None:
    with pytest.raises(NotFound):
        await tickets.reopen(ticket.id, 'Broken again', actor=colleague)
    with pytest.raises(NotFound):
        await tickets.close(ticket.id, actor=colleague)


async def test_a_technician_reads_every_ticket(technician: User, ticket: Ticket) -> None:
    assert (await tickets.get_for(technician, ticket.id)).requester.name == 'Alex Kim'


async def test_my_requests_lists_only_my_own_newest_activity_first(
    requester: User, colleague: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    first = await tickets.create_ticket(requester=requester, service_id=people.wifi.id, title='First')
    clock.advance(minutes=1)
    second = await tickets.create_ticket(requester=requester, service_id=people.printer.id, title='Second')
    await tickets.create_ticket(requester=colleague, service_id=people.printer.id, title='Not mine')
    assert [t.id for t in await tickets.my_requests(requester)] == [second.id, first.id]
    clock.advance(minutes=1)
    await tickets.reply(first.id, 'Still broken', author=requester)
    assert [t.id for t in await tickets.my_requests(requester)] == [first.id, second.id]


# ---- replies and internal notes ---------------------------------------------------------------------


async def test_internal_notes_never_reach_the_requester(requester: User, technician: User, ticket: Ticket) -> None:
    await tickets.reply(ticket.id, 'Router in room 3 is old', author=technician, internal=True)
    await tickets.reply(ticket.id, 'Looking into it', author=technician)
    assert [e.body for e in await tickets.timeline_for(requester, ticket.id)] == [
        'Every ten minutes or so',
        'Looking into it',
    ]
    assert [e.kind for e in await tickets.timeline_for(technician, ticket.id)] == [
        EventKind.CREATED,
        EventKind.NOTE,
        EventKind.REPLY,
    ]


async def test_a_requester_cannot_write_an_internal_note(requester: User, ticket: Ticket) -> None:
    with pytest.raises(Forbidden):
        await tickets.reply(ticket.id, 'Psst', author=requester, internal=True)
    assert await TicketEvent.filter(ticket_id=ticket.id).count() == 1


async def test_a_photo_on_an_internal_note_is_not_found_for_the_requester(
    requester: User, technician: User, ticket: Ticket
) -> None:
    note = await tickets.reply(
        ticket.id, 'The cabling', author=technician, internal=True, photos_in=[PhotoIn(jpeg(), 'cabling.jpg')]
    )
    [attachment] = await tickets.Attachment.filter(event_id=note.id)
    assert attachment.internal
    with pytest.raises(NotFound):
        await tickets.attachment_for(requester, attachment.id)
    assert (await tickets.attachment_for(technician, attachment.id)).id == attachment.id


async def test_a_photo_on_a_ticket_is_not_found_for_another_requester(
    requester: User, colleague: User, wifi: Service
) -> None:
    ticket = await tickets.create_ticket(
        requester=requester, service_id=wifi.id, title='Socket', photos_in=[PhotoIn(jpeg(), 'socket.jpg')]
    )
    [attachment] = await tickets.Attachment.filter(ticket_id=ticket.id)
    assert (await tickets.attachment_for(requester, attachment.id)).id == attachment.id
    with pytest.raises(NotFound):
        await tickets.attachment_for(colleague, attachment.id)


async def test_an_empty_reply_is_refused(requester: User, ticket: Ticket) -> None:
    with pytest.raises(Invalid) as error:
        await tickets.reply(ticket.id, '  ', author=requester)
    assert error.value.field == 'reply'


async def test_a_reply_may_be_only_a_photo(requester: User, ticket: Ticket) -> None:
    event = await tickets.reply(ticket.id, '', author=requester, photos_in=[PhotoIn(jpeg(), 'more.jpg')])
    assert await tickets.Attachment.filter(event_id=event.id).count() == 1


async def test_a_requesters_reply_to_waiting_hands_the_ticket_back(
    requester: User, technician: User, taken: Ticket
) -> None:
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)
    await tickets.reply(taken.id, 'It is room 3B', author=requester)
    assert (await Ticket.get(id=taken.id)).status == Status.IN_PROGRESS
    last = (await tickets.timeline_for(technician, taken.id))[-1]
    assert (last.kind, last.actor_id, last.data) == (
        EventKind.STATUS,
        requester.id,
        {'from': 'waiting', 'to': 'in_progress', 'auto': True},
    )


async def test_a_staff_reply_to_waiting_leaves_it_waiting(technician: User, taken: Ticket) -> None:
    await tickets.set_status(taken.id, Status.WAITING, actor=technician)
    await tickets.reply(taken.id, 'Any news?', author=technician)
    assert (await Ticket.get(id=taken.id)).status == Status.WAITING


async def test_a_staff_public_reply_is_the_first_response(technician: User, ticket: Ticket, clock: FrozenClock) -> None:
    clock.advance(minutes=7)
    await tickets.reply(ticket.id, 'On it', author=technician)
    assert (await Ticket.get(id=ticket.id)).first_response_at == clock.now


async def test_an_internal_note_is_not_a_first_response(technician: User, ticket: Ticket) -> None:
    await tickets.reply(ticket.id, 'Check the router', author=technician, internal=True)
    assert (await Ticket.get(id=ticket.id)).first_response_at is None


async def test_the_first_response_time_is_kept_by_later_replies(
    technician: User, ticket: Ticket, clock: FrozenClock
) -> None:
    await tickets.reply(ticket.id, 'On it', author=technician)
    first = clock.now
    clock.advance(minutes=5)
    await tickets.reply(ticket.id, 'Still on it', author=technician)
    stored = await Ticket.get(id=ticket.id)
    assert (stored.first_response_at, stored.updated_at) == (first, clock.now)


async def test_a_requester_cannot_reply_to_a_closed_ticket(requester: User, technician: User, taken: Ticket) -> None:
    await tickets.resolve(taken.id, 'New access point', actor=technician)
    await tickets.close(taken.id, actor=requester)
    with pytest.raises(Invalid, match='closed'):
        await tickets.reply(taken.id, 'Broken again', author=requester)


async def test_add_photos_needs_at_least_one(technician: User, ticket: Ticket) -> None:
    with pytest.raises(Invalid) as error:
        await tickets.add_photos(ticket.id, [], actor=technician)
    assert error.value.field == 'photos'
