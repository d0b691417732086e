"""Work with no signal: actions queued on a phone are applied once, in order, or refused in a sentence."""

from __future__ import annotations

import asyncio
import base64
import uuid
from datetime import timedelta
from typing import Any

import pytest

from models import events, offline, tickets
from models.errors import Invalid
from models.offline import AppliedAction, Result
from models.tickets import EventKind, Status, Ticket, TicketEvent
from models.users import User
from tests.conftest import FrozenClock
from tests.images import jpeg


def action(ticket: Ticket, type_: str, **payload: Any) -> offline.Action:
    return offline.parse({'id': str(uuid.uuid4()), 'ticket_id': ticket.id, 'type': type_, 'payload': payload})


def data_url(data: bytes) -> str:
    return 'data:image/jpeg;base64,' + base64.b64encode(data).decode()


async def kinds(ticket: Ticket) -> list[EventKind]:
    return [e.kind for e in await TicketEvent.filter(ticket_id=ticket.id).order_by('id')]


# ---- each type applies ------------------------------------------------------------------------------------


async def test_a_queued_public_reply_is_sent_as_the_technician(taken: Ticket, technician: User) -> None:
    outcome = await offline.apply(technician, action(taken, 'note', text='Swapped the cable'))
    assert (outcome.result, outcome.sentence) == (Result.APPLIED, f'Your reply for #{taken.id} was sent.')
    reply = await TicketEvent.filter(ticket_id=taken.id, kind=EventKind.REPLY).get()
    assert (reply.body, reply.actor_id, reply.internal) == ('Swapped the cable', technician.id, False)


async def test_a_queued_internal_note_stays_internal(taken: Ticket, technician: User) -> None:
    await offline.apply(technician, action(taken, 'note', text='Router is old', internal=True))
    note = await TicketEvent.filter(ticket_id=taken.id, kind=EventKind.NOTE).get()
    assert (note.body, note.internal) == ('Router is old', True)


async def test_a_queued_photo_is_added_to_the_ticket(taken: Ticket, technician: User) -> None:
    outcome = await offline.apply(technician, action(taken, 'photo', photo=data_url(jpeg()), filename='rack.jpg'))
    assert outcome.result == Result.APPLIED
    event = await TicketEvent.filter(ticket_id=taken.id, kind=EventKind.PHOTO).prefetch_related('attachments').get()
    assert [a.original_name for a in event.attachments] == ['rack.jpg']  # type: ignore[attr-defined]


async def test_on_my_way_counts_the_minutes_from_when_it_was_tapped(
    taken: Ticket, technician: User, clock: FrozenClock
) -> None:
    tapped = clock.now
    clock.advance(minutes=5)  # sent five minutes later, when the signal came back
    queued = offline.parse(
        {
            'id': str(uuid.uuid4()),
            'ticket_id': taken.id,
            'type': 'on_the_way',
            'payload': {'minutes': 20},
            'made_at': tapped.isoformat(),
        }
    )
    assert (await offline.apply(technician, queued)).result == Result.APPLIED
    ticket = await Ticket.get(id=taken.id)
    assert (ticket.status, ticket.eta) == (Status.ON_THE_WAY, tapped + timedelta(minutes=20))


async def test_arrived_after_on_my_way_starts_the_work(taken: Ticket, technician: User) -> None:
    await offline.apply(technician, action(taken, 'on_the_way', minutes=10))
    outcome = await offline.apply(technician, action(taken, 'arrived'))
    assert outcome.result == Result.APPLIED
    ticket = await Ticket.get(id=taken.id)
    assert (ticket.status, ticket.eta) == (Status.IN_PROGRESS, None)


async def test_a_queued_resolve_resolves_with_its_summary(taken: Ticket, technician: User) -> None:
    outcome = await offline.apply(technician, action(taken, 'resolve', summary='New access point'))
    assert outcome.result == Result.APPLIED
    ticket = await Ticket.get(id=taken.id)
    assert (ticket.status, ticket.resolution) == (Status.RESOLVED, 'New access point')


async def test_the_change_is_published_only_after_it_is_stored(taken: Ticket, technician: User) -> None:
    seen: list[bool] = []
    events.bus.subscribe(events.ticket(taken.id), lambda _: seen.append(True))
    queued = action(taken, 'note', text='On it')
    await offline.apply(technician, queued)
    assert seen == [True]
    assert await AppliedAction.exists(id=queued.id)


# ---- once, and only once -------------------------------------------------------------------------------------


async def test_the_same_action_sent_twice_applies_once(taken: Ticket, technician: User) -> None:
    queued = action(taken, 'note', text='Swapped the cable')
    first = await offline.apply(technician, queued)
    again = await offline.apply(technician, queued)
    assert await TicketEvent.filter(ticket_id=taken.id, kind=EventKind.REPLY).count() == 1
    assert (again.result, again.sentence, again.duplicate) == (first.result, first.sentence, True)
    assert not first.duplicate


async def test_two_retries_racing_apply_once(taken: Ticket, technician: User) -> None:
    queued = action(taken, 'note', text='Swapped the cable')
    outcomes = await asyncio.gather(*(offline.apply(technician, queued) for _ in range(3)))
    assert await TicketEvent.filter(ticket_id=taken.id, kind=EventKind.REPLY).count() == 1
    assert sorted(o.duplicate for o in outcomes) == [False, True, True]
    assert {o.result for o in outcomes} == {Result.APPLIED}


async def test_an_action_that_fails_to_be_recorded_changes_nothing(
    taken: Ticket, technician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verb's change and the record of it commit together: no record, no change (a retry applies it once)."""
    original = AppliedAction.save

    async def crash(self: AppliedAction, *args: Any, **kwargs: Any) -> None:
        await original(self, *args, **kwargs)
        raise ConnectionError('the database went away')

    monkeypatch.setattr(AppliedAction, 'save', crash)
    queued = action(taken, 'note', text='Swapped the cable')
    with pytest.raises(ConnectionError):
        await offline.apply(technician, queued)
    assert await kinds(taken) == [EventKind.CREATED, EventKind.ASSIGNED]
    monkeypatch.setattr(AppliedAction, 'save', original)
    assert (await offline.apply(technician, queued)).result == Result.APPLIED
    assert await TicketEvent.filter(ticket_id=taken.id, kind=EventKind.REPLY).count() == 1


async def test_someone_else_cannot_replay_an_action_id(taken: Ticket, technician: User, technician2: User) -> None:
    queued = action(taken, 'note', text='Swapped the cable', internal=True)
    await offline.apply(technician, queued)
    with pytest.raises(Invalid, match='used already'):
        await offline.apply(technician2, queued)


# ---- refusals: said in a sentence, the text given back ---------------------------------------------------------


async def test_a_fix_for_a_ticket_resolved_meanwhile_by_someone_else_is_refused_with_its_text(
    taken: Ticket, technician: User, manager: User
) -> None:
    await tickets.resolve(taken.id, 'Fixed remotely', actor=manager)
    queued = action(taken, 'resolve', summary='Replaced the router')
    outcome = await offline.apply(technician, queued)
    assert outcome.result == Result.REFUSED
    assert outcome.sentence == (
        f'Your fix summary for #{taken.id} was not sent: the request was resolved by Maria meanwhile.'
    )
    assert outcome.text == 'Replaced the router'
    again = await offline.apply(technician, queued)
    assert (again.result, again.sentence, again.text, again.duplicate) == (
        Result.REFUSED,
        outcome.sentence,
        'Replaced the router',
        True,
    )


async def test_on_my_way_for_a_ticket_given_to_someone_else_is_refused(
    taken: Ticket, technician: User, technician2: User, manager: User
) -> None:
    await tickets.assign(taken.id, assignee_id=technician2.id, actor=manager)
    outcome = await offline.apply(technician, action(taken, 'on_the_way', minutes=15))
    assert outcome.result == Result.REFUSED
    assert outcome.sentence == (
        f'Your "On my way" for #{taken.id} was not applied: the request was given to Priya meanwhile.'
    )
    assert (await Ticket.get(id=taken.id)).status == Status.ASSIGNED


async def test_a_refusal_leaves_nothing_half_done(taken: Ticket, technician: User, manager: User) -> None:
    await tickets.resolve(taken.id, 'Fixed remotely', actor=manager)
    before = await kinds(taken)
    await offline.apply(technician, action(taken, 'arrived'))
    assert await kinds(taken) == before
    assert await AppliedAction.filter(result=Result.REFUSED).count() == 1


async def test_a_requester_cannot_add_internal_notes_through_the_queue(ticket: Ticket, requester: User) -> None:
    outcome = await offline.apply(requester, action(ticket, 'note', text='psst', internal=True))
    assert (outcome.result, outcome.text) == (Result.REFUSED, 'psst')
    assert outcome.sentence == f'Your note for #{ticket.id} was not sent: only staff can add internal notes.'
    assert await kinds(ticket) == [EventKind.CREATED]


async def test_a_requester_cannot_resolve_their_own_ticket_through_the_queue(taken: Ticket, requester: User) -> None:
    outcome = await offline.apply(requester, action(taken, 'resolve', summary='It works now'))
    assert outcome.result == Result.REFUSED
    assert outcome.sentence.endswith('only technicians can resolve tickets.')
    assert (await Ticket.get(id=taken.id)).status == Status.ASSIGNED


async def test_a_requester_cannot_write_on_someone_elses_ticket(ticket: Ticket, colleague: User) -> None:
    outcome = await offline.apply(colleague, action(ticket, 'note', text='hello'))
    assert outcome.result == Result.REFUSED
    assert outcome.sentence == f'Your note for #{ticket.id} was not sent: there is no request #{ticket.id} for you.'
    assert await kinds(ticket) == [EventKind.CREATED]


async def test_another_technician_cannot_resolve_a_ticket_that_is_not_theirs(taken: Ticket, technician2: User) -> None:
    outcome = await offline.apply(technician2, action(taken, 'resolve', summary='Done'))
    assert outcome.result == Result.REFUSED
    assert 'given to Sam' in outcome.sentence
    assert (await Ticket.get(id=taken.id)).status == Status.ASSIGNED


async def test_an_empty_note_is_refused_with_a_sentence(taken: Ticket, technician: User) -> None:
    outcome = await offline.apply(technician, action(taken, 'note', text='   '))
    assert outcome.sentence == f'Your note for #{taken.id} was not sent: write something first.'


async def test_a_file_that_is_not_a_photo_is_refused(taken: Ticket, technician: User) -> None:
    outcome = await offline.apply(technician, action(taken, 'photo', photo=data_url(b'%PDF-1.4 not a photo')))
    assert outcome.result == Result.REFUSED
    assert 'is not a photo we can read' in outcome.sentence


async def test_a_photo_over_the_limit_is_refused_before_it_is_decoded(
    taken: Ticket, technician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv('TAPDESK_MAX_UPLOAD_MB', '0.0001')  # 104 bytes
    from models import settings

    settings.reload()
    outcome = await offline.apply(technician, action(taken, 'photo', photo=data_url(jpeg((800, 600)))))
    assert outcome.result == Result.REFUSED
    assert 'the limit is 0 MB. Try a smaller one.' in outcome.sentence


@pytest.mark.parametrize(
    ('data', 'words'),
    [
        ({'id': 'not-a-uuid', 'ticket_id': 1, 'type': 'note', 'payload': {}}, 'its own id'),
        ({'id': str(uuid.uuid4()), 'ticket_id': '1', 'type': 'note', 'payload': {}}, 'by number'),
        ({'id': str(uuid.uuid4()), 'ticket_id': True, 'type': 'note', 'payload': {}}, 'by number'),
        ({'id': str(uuid.uuid4()), 'ticket_id': 1, 'type': 'dance', 'payload': {}}, 'Unknown action type'),
        ({'id': str(uuid.uuid4()), 'ticket_id': 1, 'type': 'note', 'payload': []}, 'must be an object'),
        ({'id': str(uuid.uuid4()), 'ticket_id': 1, 'type': 'note', 'made_at': 'yesterday'}, 'made_at'),
        ({'id': str(uuid.uuid4()), 'ticket_id': 1, 'type': 'note', 'extra': 1}, 'Unknown field'),
    ],
)
def test_a_badly_shaped_action_gets_a_sentence(data: dict[str, Any], words: str) -> None:
    with pytest.raises(Invalid, match=words):
        offline.parse(data)


@pytest.mark.parametrize(
    ('type_', 'payload', 'words'),
    [
        ('on_the_way', {'minutes': 0}, 'whole number from 1 to 720'),
        ('on_the_way', {'minutes': '20'}, 'whole number'),
        ('on_the_way', {'eta': 'soon'}, 'date and time'),
        ('note', {'text': 5}, 'must be text'),
        ('note', {'text': 'x', 'internal': 'yes'}, 'true or false'),
        ('photo', {'photo': 'http://example.com/x.jpg'}, 'data URL'),
        ('photo', {'photo': 'data:image/jpeg;base64,@@@@'}, 'damaged'),
    ],
)
async def test_a_bad_payload_is_refused_in_a_sentence_and_applies_nothing(
    taken: Ticket, technician: User, type_: str, payload: dict[str, Any], words: str
) -> None:
    outcome = await offline.apply(technician, action(taken, type_, **payload))
    assert outcome.result == Result.REFUSED
    assert words in outcome.sentence
    assert await kinds(taken) == [EventKind.CREATED, EventKind.ASSIGNED]


async def test_more_action_types_can_be_registered(taken: Ticket, technician: User) -> None:
    @offline.handles('wave', what='wave', done='waved')
    async def wave(viewer: User, ticket_id: int, payload: dict[str, Any], now: Any, made_at: Any) -> str:
        await tickets.reply(ticket_id, 'Hello!', author=viewer, now=now)
        return 'Waved.'

    try:
        outcome = await offline.apply(technician, action(taken, 'wave'))
    finally:
        offline._handlers.pop('wave')
    assert (outcome.result, outcome.sentence) == (Result.APPLIED, 'Waved.')
