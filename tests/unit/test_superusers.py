"""Superusers: a manager chooses them per service, they choose how involved to be, and what they may see of a
colleague's request is decided in the domain: only open requests of their services whose requester allowed it,
never internal notes, never the requester's other requests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from models import notifications, settings, superusers, tickets
from models.errors import Forbidden, Invalid, NotFound
from models.outbox import PushMessage
from models.photos import PhotoIn
from models.records import Attachment, EventKind
from models.users import User
from tests.images import jpeg
from tests.push_service import BrowserDevice


@pytest.fixture
async def casey(people: SimpleNamespace, manager: User) -> User:
    """Casey (Staff) knows the printers well."""
    await superusers.grant(manager, people.colleague.id, [people.printer.id])
    return people.colleague


async def request(people: SimpleNamespace, *, allowed: bool, title: str = 'Printer jams', **more: object) -> int:
    ticket = await tickets.create_ticket(
        requester=people.requester, service_id=more.pop('service_id', people.printer.id), title=title,
        details='Every job since Monday', peers_may_help=allowed, **more,  # type: ignore[arg-type]
    )  # fmt: skip
    return ticket.id


async def test_only_managers_choose_superusers_and_only_among_requesters(
    people: SimpleNamespace, manager: User, technician: User, requester: User, outsider: User
) -> None:
    with pytest.raises(Forbidden):
        await superusers.grant(technician, requester.id, [people.printer.id])
    with pytest.raises(Invalid, match='requesters'):
        await superusers.grant(manager, technician.id, [people.printer.id])
    with pytest.raises(NotFound):  # Wi-Fi is for Staff only: a contractor cannot help with it
        await superusers.grant(manager, outsider.id, [people.wifi.id])
    made = await superusers.grant(manager, requester.id, [people.printer.id, people.printer.id])
    assert [e.service_id for e in made] == [people.printer.id]


async def test_a_superuser_sees_open_requests_of_their_services_that_allowed_it_and_nothing_else(
    people: SimpleNamespace, casey: User, technician: User
) -> None:
    allowed = await request(people, allowed=True)
    await request(people, allowed=False, title='Private printer trouble')
    wifi = await request(people, allowed=True, title='Wi-Fi', service_id=people.wifi.id)  # not their service
    own = await tickets.create_ticket(
        requester=casey, service_id=people.printer.id, title='My own', peers_may_help=True
    )  # their own request: they follow it as its requester
    closed = await request(people, allowed=True, title='Fixed already')
    await tickets.take(closed, technician=technician)
    await tickets.resolve(closed, 'Done', actor=technician)
    assert [t.id for t in await superusers.requests_to_help(casey)] == [allowed]
    for hidden in (wifi, own.id, closed):
        with pytest.raises(NotFound):
            await superusers.what_they_see(casey, hidden)
    with pytest.raises(NotFound):  # a superuser is still a requester: the ticket itself is not theirs
        await tickets.get_for(casey, allowed)


async def test_a_superuser_never_sees_internal_notes(people: SimpleNamespace, casey: User, technician: User) -> None:
    ticket = await request(people, allowed=True)
    await tickets.take(ticket, technician=technician)
    await tickets.reply(ticket, 'Tray 2 roller is worn', author=technician, internal=True)
    await tickets.reply(ticket, 'Trying a new roller tomorrow', author=technician)
    _, timeline, _ = await superusers.what_they_see(casey, ticket)
    bodies = [e.body for e in timeline]
    assert 'Trying a new roller tomorrow' in bodies and 'Tray 2 roller is worn' not in bodies
    assert all(not e.internal for e in timeline)


async def test_a_superuser_sees_the_requests_photos_but_never_one_sent_with_an_internal_note(
    people: SimpleNamespace, casey: User, technician: User
) -> None:
    ticket = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title='Printer jams', peers_may_help=True,
        photos_in=[PhotoIn(jpeg(), 'jam.jpg')],
    )  # fmt: skip
    await tickets.take(ticket.id, technician=technician)
    note = await tickets.reply(
        ticket.id, 'Serial plate', author=technician, internal=True, photos_in=[PhotoIn(jpeg(), 'plate.jpg')]
    )
    _, _, shown = await superusers.what_they_see(casey, ticket.id)
    assert [a.original_name for a in shown] == ['jam.jpg']
    assert (await superusers.photo_for(casey, shown[0].id)).id == shown[0].id
    [internal] = await Attachment.filter(event_id=note.id)
    with pytest.raises(NotFound):
        await superusers.photo_for(casey, internal.id)
    await superusers.choose(casey, people.printer.id, helping=False)
    with pytest.raises(NotFound):  # stepped back: not even the request's own photos
        await superusers.photo_for(casey, shown[0].id)


async def test_stepping_back_hides_the_requests_and_only_the_superuser_chooses(
    people: SimpleNamespace, casey: User, requester: User
) -> None:
    ticket = await request(people, allowed=True)
    await superusers.choose(casey, people.printer.id, helping=False)
    assert await superusers.requests_to_help(casey) == []
    with pytest.raises(NotFound):
        await superusers.answer(casey, ticket, 'Try this')
    with pytest.raises(NotFound):  # someone else cannot choose for them
        await superusers.choose(requester, people.printer.id, helping=True)
    await superusers.choose(casey, people.printer.id, helping=True)
    assert [t.id for t in await superusers.requests_to_help(casey)] == [ticket]


async def test_an_answer_reaches_the_requester_with_a_push_and_this_fixed_it_is_recorded_once(
    people: SimpleNamespace, casey: User, requester: User, technician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')  # nothing listens: the outbox is what is checked
    settings.reload()
    device = BrowserDevice('http://127.0.0.1:9/push/alex-phone')
    await notifications.subscribe(requester, endpoint=device.endpoint, keys=device.keys())
    ticket = await request(people, allowed=True)
    answer = await superusers.answer(casey, ticket, '  Open the side door and pull the sheet towards you.  ')
    assert answer.kind == EventKind.PEER_ANSWER and answer.body == 'Open the side door and pull the sheet towards you.'
    timeline = await tickets.timeline_for(requester, ticket)
    assert answer.id in [e.id for e in timeline]
    [push] = await PushMessage.filter(user_id=requester.id, ticket_id=ticket)
    assert 'Casey' in push.payload['title']
    with pytest.raises(Invalid, match='Write your answer'):
        await superusers.answer(casey, ticket, '   ')
    with pytest.raises(NotFound):  # someone else's request: only its requester or staff may accept
        await superusers.accept(casey, ticket, answer.id)
    accepted = await superusers.accept(requester, ticket, answer.id)
    assert accepted.data == {'answer_id': answer.id, 'helper_id': casey.id}
    with pytest.raises(Invalid, match='already'):
        await superusers.accept(technician, ticket, answer.id)


async def test_superusers_who_chose_to_hear_are_told_of_a_new_request_they_may_help_with(
    people: SimpleNamespace, casey: User, manager: User, requester: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    settings.reload()
    device = BrowserDevice('http://127.0.0.1:9/push/casey-phone')
    await notifications.subscribe(casey, endpoint=device.endpoint, keys=device.keys())
    told = await request(people, allowed=True, title='Printer shows paper jam')
    await request(people, allowed=False, title='Private printer trouble')  # the requester did not allow it
    [push] = await PushMessage.filter(user_id=casey.id)
    assert push.ticket_id == told and push.kind == notifications.Kind.HELP_WANTED
    assert push.payload['title'] == 'A colleague could use your help · Printer'
    assert push.payload['body'] == 'Printer shows paper jam' and push.payload['url'] == f'/helping/{told}'
    await superusers.choose(casey, people.printer.id, notify=False)  # still helping, not told
    await request(people, allowed=True, title='Toner low')
    await superusers.choose(casey, people.printer.id, notify=True, helping=False)  # stepped back: not told
    await request(people, allowed=True, title='Toner empty')
    assert await PushMessage.filter(user_id=casey.id).count() == 1
    assert [t.title for t in await superusers.requests_to_help(casey)] == []
    await superusers.choose(casey, people.printer.id, helping=True)
    newest_first = ['Toner empty', 'Toner low', 'Printer shows paper jam']
    assert [t.title for t in await superusers.requests_to_help(casey)] == newest_first


async def test_the_requesters_this_fixed_it_resolves_the_request_and_thanks_the_colleague(
    people: SimpleNamespace, casey: User, requester: User, technician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    settings.reload()
    for person in (casey, technician):
        device = BrowserDevice(f'http://127.0.0.1:9/push/{person.id}')
        await notifications.subscribe(person, endpoint=device.endpoint, keys=device.keys())
    ticket = await request(people, allowed=True)
    await tickets.take(ticket, technician=technician)
    answer = await superusers.answer(casey, ticket, 'Pull the green lever, then the sheet.')
    await superusers.accept(requester, ticket, answer.id)
    fixed = await tickets.get_for(requester, ticket)
    assert fixed.status == tickets.Status.RESOLVED and fixed.resolution == 'Pull the green lever, then the sheet.'
    kinds = [e.kind for e in await tickets.timeline_for(technician, ticket)]
    assert kinds[-2:] == [EventKind.ACCEPTED, EventKind.RESOLVED]
    told = await PushMessage.filter(user_id=casey.id, kind=notifications.Kind.HELP_WANTED).order_by('id')
    assert [p.payload['url'] for p in told] == [f'/helping/{ticket}', '/me']  # asked, then thanked
    assert told[1].payload['title'] == 'Your answer fixed it · ' + fixed.number
    assert await PushMessage.filter(user_id=technician.id, kind=notifications.Kind.STATUS).exists()
    # Staff marking an answer leaves the status to them.
    other = await request(people, allowed=True, title='Scanner')
    await tickets.take(other, technician=technician)
    second = await superusers.answer(casey, other, 'Restart the scanner.')
    await superusers.accept(technician, other, second.id)
    assert (await tickets.get_for(technician, other)).status == tickets.Status.ASSIGNED


async def test_a_manager_sets_a_superusers_services_in_one_go_and_their_own_choices_stay(
    people: SimpleNamespace, manager: User, technician: User, requester: User
) -> None:
    await superusers.set_services(manager, requester.id, [people.printer.id, people.wifi.id])
    await superusers.choose(requester, people.printer.id, notify=False)
    kept = await superusers.set_services(manager, requester.id, [people.printer.id])
    assert [(e.service_id, e.notify) for e in kept] == [(people.printer.id, False)]  # Wi-Fi gone, choice kept
    assert await superusers.experts_by_person() == {requester.id: ['Printer']}
    with pytest.raises(Forbidden):
        await superusers.set_services(technician, requester.id, [])
    assert await superusers.set_services(manager, requester.id, []) == []
    assert not await superusers.is_superuser(requester)
