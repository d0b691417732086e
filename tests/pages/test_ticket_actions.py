"""The technician's ticket (issue 13): one next step per status, every other allowed move under "More", no move
the domain would refuse; the request's description leads the page; a sent reply is scrolled into view."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from types import SimpleNamespace

import pytest
from nicegui import ElementFilter, ui
from nicegui.testing import User

from models import clock, photos, tickets, visits
from models.tickets import Status, Ticket
from tests.images import jpeg

from .conftest import sign_in

Setup = Callable[[SimpleNamespace], Awaitable[Ticket]]


async def new(people: SimpleNamespace) -> Ticket:
    return await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Printer jams')


async def taken(people: SimpleNamespace) -> Ticket:
    ticket = await new(people)
    return await tickets.take(ticket.id, technician=people.technician)


async def answered(people: SimpleNamespace) -> Ticket:
    ticket = await taken(people)
    await tickets.reply(ticket.id, 'Looking at it now', author=people.technician)
    return ticket


async def moved(people: SimpleNamespace, to: Status, **kwargs: object) -> Ticket:
    ticket = await taken(people)
    return await tickets.set_status(ticket.id, to, actor=people.technician, **kwargs)


async def in_progress(people: SimpleNamespace) -> Ticket:
    return await moved(people, Status.IN_PROGRESS)


async def waiting(people: SimpleNamespace) -> Ticket:
    return await moved(people, Status.WAITING)


async def waiting_part(people: SimpleNamespace) -> Ticket:
    return await moved(people, Status.WAITING_PART, part_expected=clock.now().date() + timedelta(days=2))


async def visit_planned(people: SimpleNamespace) -> Ticket:
    start = clock.now() + timedelta(days=1)
    return await moved(people, Status.VISIT_PLANNED, visit=(start, start + timedelta(hours=2)))


async def on_the_way(people: SimpleNamespace) -> Ticket:
    return await moved(people, Status.ON_THE_WAY, eta=clock.now() + timedelta(minutes=20))


async def on_site(people: SimpleNamespace) -> Ticket:
    ticket = await on_the_way(people)
    await visits.check_in(ticket.id, actor=people.technician)
    return ticket


async def fixed(people: SimpleNamespace) -> Ticket:
    ticket = await taken(people)
    return await tickets.resolve(ticket.id, 'New fuser', actor=people.technician)


async def reopened(people: SimpleNamespace) -> Ticket:
    ticket = await fixed(people)
    return await tickets.reopen(ticket.id, 'Jams again', actor=people.requester)


async def priyas(people: SimpleNamespace) -> Ticket:
    ticket = await new(people)
    return await tickets.take(ticket.id, technician=people.technician2)


MOVES = {  # every move's label: what the domain refuses must not be among those shown
    'Assign to me', 'Reply to Alex', 'Start work', 'Back to work', 'Part arrived', 'Check in on site',
    'Leaving: check out', 'On my way', 'New arrival time', 'Offer visit times', 'Waiting for a part',
    'Wait for Alex to reply', 'Mark fixed', 'Hand over…', 'Assign to someone…', 'Reopen', 'Turn into an article',
}  # fmt: skip
CASES: list[tuple[Setup, str | None, list[str]]] = [
    (new, 'Assign to me', ['Assign to someone…']),
    (taken, 'Reply to Alex', ['Start work', 'On my way', 'Offer visit times', 'Waiting for a part',
                              'Wait for Alex to reply', 'Mark fixed', 'Hand over…']),
    (answered, 'Start work', ['On my way', 'Offer visit times', 'Waiting for a part', 'Wait for Alex to reply',
                              'Mark fixed', 'Hand over…']),
    (in_progress, 'Mark fixed', ['On my way', 'Offer visit times', 'Waiting for a part', 'Wait for Alex to reply',
                                 'Hand over…']),
    (waiting, 'Reply to Alex', ['Back to work', 'Offer visit times', 'Mark fixed', 'Hand over…']),
    (waiting_part, 'Part arrived', ['Offer visit times', 'Wait for Alex to reply', 'Mark fixed', 'Hand over…']),
    (visit_planned, 'On my way', ['Check in on site', 'Offer visit times', 'Waiting for a part',
                                  'Wait for Alex to reply', 'Mark fixed', 'Hand over…']),
    (on_the_way, 'Check in on site', ['New arrival time', 'Offer visit times', 'Mark fixed', 'Hand over…']),
    (on_site, 'Leaving: check out', ['On my way', 'Offer visit times', 'Waiting for a part',
                                     'Wait for Alex to reply', 'Mark fixed', 'Hand over…']),
    (fixed, None, ['Reopen', 'Turn into an article']),
    (reopened, 'Start work', ['On my way', 'Offer visit times', 'Waiting for a part', 'Wait for Alex to reply',
                              'Mark fixed', 'Hand over…']),
    (priyas, None, ['Hand over…']),  # Priya's ticket: Sam may not move it, only hand it over (or reply)
]  # fmt: skip


def shown_moves(user: User) -> tuple[list[str], list[str]]:
    """The next-step buttons and the labels under "More", as the page has them now."""
    with user.client:  # type: ignore[union-attr]
        first = [b.text for b in ElementFilter(kind=ui.button, marker='next-step', local_scope=False)]
        menu = ElementFilter(kind=ui.button, local_scope=False).within(marker='more-actions')
        return first, [b.text for b in menu if b.text != 'More']


async def moves_settle(user: User, expected: tuple[list[str], list[str]]) -> tuple[list[str], list[str]]:
    shown = shown_moves(user)
    for _ in range(50):  # a live update may still be redrawing the actions
        if shown == expected:
            break
        await asyncio.sleep(0.1)
        shown = shown_moves(user)
    return shown


@pytest.mark.parametrize(('setup', 'first', 'more'), CASES, ids=[case[0].__name__ for case in CASES])
async def test_each_status_leads_with_one_next_step_and_offers_only_allowed_moves(
    user: User, people: SimpleNamespace, setup: Setup, first: str | None, more: list[str]
) -> None:
    ticket = await setup(people)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see(marker='actions')
    expected = ([first] if first else [], more)
    assert await moves_settle(user, expected) == expected
    assert set(expected[0] + expected[1]) <= MOVES  # a label renamed here must be renamed in MOVES too


async def test_the_next_step_follows_the_ticket_live(user: User, people: SimpleNamespace) -> None:
    ticket = await taken(people)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('Reply to Alex')
    await tickets.set_status(ticket.id, Status.IN_PROGRESS, actor=people.technician)
    more = ['On my way', 'Offer visit times', 'Waiting for a part', 'Wait for Alex to reply', 'Hand over…']
    assert await moves_settle(user, (['Mark fixed'], more)) == (['Mark fixed'], more)


async def test_the_next_step_takes_an_unassigned_ticket(user: User, people: SimpleNamespace) -> None:
    ticket = await new(people)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='next-step').click()
    await user.should_see('Assigned to Sam')
    assert (await Ticket.get(id=ticket.id)).assignee_id == people.technician.id


async def test_a_move_under_more_still_works(user: User, people: SimpleNamespace) -> None:
    ticket = await in_progress(people)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='waiting').click()  # "Wait for Alex to reply", in the menu
    await user.should_see('Waiting for requester')
    assert (await Ticket.get(id=ticket.id)).status == Status.WAITING


async def test_the_part_arrived_puts_the_ticket_back_in_progress(user: User, people: SimpleNamespace) -> None:
    ticket = await waiting_part(people)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='next-step').click()
    await user.should_see('Being worked on')
    assert (await Ticket.get(id=ticket.id)).status == Status.IN_PROGRESS


async def test_the_requesters_description_and_photos_lead_the_page(user: User, people: SimpleNamespace) -> None:
    photo = photos.PhotoIn(jpeg(), 'jam.jpg')
    ticket = await tickets.create_ticket(
        requester=people.requester,
        service_id=people.printer.id,
        title='Printer jams',
        details='Paper stuck in tray 2',
        photos_in=[photo],
    )
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    with user.scope(marker='summary'):
        await user.should_see('Paper stuck in tray 2')
        await user.should_see(marker='report-photos')
    [created] = user.find(marker='event-created').elements
    assert created.text == '' and 'reported this' in created.props['data-head']  # said once, at the top


async def test_a_long_description_shows_its_first_lines_and_all_of_it_on_a_tap(
    user: User, people: SimpleNamespace
) -> None:
    details = '\n'.join(f'Step {n}: tried again, still jams.' for n in range(12))
    ticket = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title='Printer jams', details=details
    )
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    [text] = user.find(marker='details').elements
    assert 'line-clamp' in str(text.style)
    user.find(marker='show-all').click()
    await user.should_not_see(marker='show-all', retries=50)
    assert 'line-clamp' not in str(text.style)


async def test_a_requester_sees_their_own_description_first_too(user: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title='Printer jams', details='Tray 2 again'
    )
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    with user.scope(marker='summary'):
        await user.should_see('Tray 2 again')
    await user.should_not_see(marker='next-step', retries=50)
    await user.should_not_see(marker='more-actions', retries=50)


@pytest.mark.parametrize('email', ['sam@example.com', 'alex@example.com'])
async def test_a_sent_reply_is_scrolled_into_view(user: User, people: SimpleNamespace, email: str) -> None:
    ticket = await taken(people)
    await sign_in(user, email)
    await user.open(f'/t/{ticket.id}')
    scripts: list[str] = []
    original = user.client.run_javascript  # type: ignore[union-attr]
    user.client.run_javascript = lambda code, **kw: scripts.append(code) or original(code, **kw)  # type: ignore[method-assign,union-attr,func-returns-value]
    user.find(marker='reply').type('Still jams')
    user.find(marker='send-reply').click()
    await user.should_see(marker='event-reply')
    entry = next(e for e in user.find(marker='event-reply').elements if e.text == 'Still jams')  # type: ignore[attr-defined]
    for _ in range(50):
        if any(f'getHtmlElement({entry.id})' in s and 'scrollIntoView' in s for s in scripts):
            break
        await asyncio.sleep(0.1)
    assert any(f'getHtmlElement({entry.id})' in s and 'scrollIntoView' in s for s in scripts)
