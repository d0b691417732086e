"""Edges of the ticket verbs: what must not leak, linger or be left behind."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace

import pytest

from models import events, settings, tickets
from models.errors import Invalid
from models.photos import PhotoIn
from models.tickets import Status, Ticket
from tests.conftest import FrozenClock
from tests.images import jpeg


async def test_an_internal_note_does_not_move_the_requesters_list(
    taken: Ticket, people: SimpleNamespace, clock: FrozenClock
) -> None:
    seen: list[events.TicketChanged] = []
    events.bus.subscribe(events.user_list(people.requester.id), seen.append)
    before = (await Ticket.get(id=taken.id)).updated_at
    clock.advance(minutes=5)
    await tickets.reply(taken.id, 'probably the access point', author=people.technician, internal=True)
    await asyncio.sleep(0)
    assert (await Ticket.get(id=taken.id)).updated_at == before
    assert seen == []


async def test_a_failed_report_leaves_no_photo_files_behind(people: SimpleNamespace) -> None:
    good, bad = PhotoIn(jpeg(), 'ok.jpg'), PhotoIn(b'not a photo', 'bad.jpg')
    with pytest.raises(Invalid):
        await tickets.create_ticket(
            requester=people.requester, service_id=people.wifi.id, title='x', photos_in=[good, bad]
        )
    upload_dir = settings.settings.upload_dir
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


async def test_a_requester_cannot_add_photos_to_a_closed_request(taken: Ticket, people: SimpleNamespace) -> None:
    await tickets.resolve(taken.id, 'Rebooted the access point', actor=people.technician)
    await tickets.close(taken.id, actor=people.requester)
    with pytest.raises(Invalid, match='closed'):
        await tickets.add_photos(taken.id, [PhotoIn(jpeg(), 'again.jpg')], actor=people.requester)


async def test_arriving_clears_the_eta(taken: Ticket, people: SimpleNamespace, clock: FrozenClock) -> None:
    await tickets.set_status(
        taken.id, Status.ON_THE_WAY, actor=people.technician, eta=clock.now + timedelta(minutes=20)
    )
    arrived = await tickets.set_status(taken.id, Status.IN_PROGRESS, actor=people.technician)
    assert arrived.eta is None


async def test_reopening_clears_the_old_fix_but_keeps_it_in_the_timeline(
    taken: Ticket, people: SimpleNamespace
) -> None:
    await tickets.resolve(taken.id, 'Rebooted the access point', actor=people.technician)
    reopened = await tickets.reopen(taken.id, 'Dropping again', actor=people.requester)
    assert reopened.resolution == ''
    timeline = await tickets.timeline_for(people.requester, taken.id)
    assert any(e.body == 'Rebooted the access point' for e in timeline)
