"""A photo that is refused (too big, not a photo) is never dropped silently: every place that picks photos says
why, in the same words whether the browser or the server refused it, and keeps what the person typed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from models import tickets
from models.tickets import EventKind, TicketEvent

from .conftest import sign_in

MB = 1024 * 1024
TOO_BIG = 'This photo is 20 MB; the limit is 15 MB. Try a smaller one.'


@pytest.mark.parametrize('how', ['browser', 'server'])
async def test_a_too_big_photo_in_a_new_request_says_why_and_keeps_the_text(
    user: User, people: SimpleNamespace, how: str
) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open('/new')
    user.find(marker=f'service-{people.wifi.id}').click()
    user.find(marker='title').type('Wi-Fi drops in room 3')
    await too_big_photo(user, 'photos', how)
    await user.should_see(TOO_BIG)
    assert user.find(marker='title').elements.pop().value == 'Wi-Fi drops in room 3'


@pytest.mark.parametrize('how', ['browser', 'server'])
async def test_a_too_big_photo_in_the_reply_box_says_why_and_keeps_the_text(
    user: User, people: SimpleNamespace, how: str
) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='reply').type('Here is the router')
    await too_big_photo(user, 'reply-photos', how)
    await user.should_see(TOO_BIG)
    assert user.find(marker='reply').elements.pop().value == 'Here is the router'
    assert not await TicketEvent.filter(ticket_id=ticket.id, kind=EventKind.REPLY).exists()


@pytest.mark.parametrize('marker', ['photos', 'reply-photos'])
async def test_a_file_the_browser_refuses_as_not_an_image_is_named(
    user: User, people: SimpleNamespace, marker: str
) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await sign_in(user, 'alex@example.com')
    await user.open('/new' if marker == 'photos' else f'/t/{ticket.id}')
    if marker == 'photos':
        user.find(marker=f'service-{people.wifi.id}').click()
    user.find(marker=marker).trigger('rejected', [{'name': 'notes.txt', 'size': 120, 'why': 'accept'}])
    await user.should_see('"notes.txt" is not a photo we can read (JPEG, PNG, WebP or GIF).')


async def too_big_photo(user: User, marker: str, how: str) -> None:
    if how == 'browser':  # what the page's `rejected` handler receives from Quasar in the browser
        user.find(marker=marker).trigger('rejected', [{'name': 'huge.jpg', 'size': 20 * MB, 'why': 'max-file-size'}])
    else:  # it reached the server anyway (an old browser, a script): the server's check says the same
        upload = user.find(marker=marker).elements.pop()
        await upload.handle_uploads([SmallFileUpload('huge.jpg', 'image/jpeg', b'\xff' * (20 * MB))])
