"""Superusers' screens: the requests they may help with (live), their choices, one request with an answer box;
the requester's "This fixed it" on their own page."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from nicegui.testing import User

from models import superusers, tickets
from models.records import EventKind, TicketEvent

from .conftest import sign_in


async def ask(people: SimpleNamespace, title: str = 'Printer jams on tray 2', *, allowed: bool = True) -> int:
    ticket = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title=title, details='Every job since Monday',
        peers_may_help=allowed,
    )  # fmt: skip
    return ticket.id


async def test_a_superuser_sees_requests_to_help_with_live_and_chooses_how_involved(
    user: User, people: SimpleNamespace
) -> None:
    await superusers.grant(people.manager, people.colleague.id, [people.printer.id])
    first = await ask(people)
    await ask(people, 'Private trouble', allowed=False)
    await sign_in(user, 'casey@example.com')
    await user.open('/helping')
    await user.should_see(marker=f'help-{first}')
    await user.should_not_see('Private trouble')
    await user.should_see('Colleagues')  # their tab in the bottom bar
    later = await ask(people, 'Toner streaks')  # arrives while the page is open
    await user.should_see(marker=f'help-{later}')
    user.find(marker=f'notify-{people.printer.id}').click()
    for _ in range(50):
        if not (await superusers.mine(people.colleague))[0].notify:
            break
        await asyncio.sleep(0.1)
    assert not (await superusers.mine(people.colleague))[0].notify
    user.find(marker=f'helping-{people.printer.id}').click()
    await user.should_not_see(marker=f'help-{first}', retries=50)


async def test_a_requester_who_is_not_a_superuser_is_told_what_this_is_and_sees_no_tab(
    user: User, people: SimpleNamespace
) -> None:
    allowed = await ask(people)
    await sign_in(user, 'casey@example.com')
    await user.open('/helping')
    await user.should_see(marker='not-superuser')
    await user.should_not_see('Colleagues')
    await user.open(f'/helping/{allowed}')
    await user.should_see(marker='not-available')
    await user.should_not_see('Printer jams on tray 2')


async def test_a_superuser_answers_and_sees_no_internal_note(user: User, people: SimpleNamespace) -> None:
    await superusers.grant(people.manager, people.colleague.id, [people.printer.id])
    ticket = await ask(people)
    await tickets.take(ticket, technician=people.technician)
    await tickets.reply(ticket, 'Roller worn, ordering one', author=people.technician, internal=True)
    await sign_in(user, 'casey@example.com')
    await user.open(f'/helping/{ticket}')
    await user.should_see('Printer jams on tray 2')
    await user.should_see('Every job since Monday')
    await user.should_not_see('Roller worn')
    user.find(marker='send-answer').click()
    await user.should_see('Write your answer first.')
    user.find(marker='answer').type('Open the side door and pull the sheet towards you.')
    user.find(marker='send-answer').click()
    await user.should_see(marker='event-peer_answer')
    [answer] = await TicketEvent.filter(ticket_id=ticket, kind=EventKind.PEER_ANSWER)
    assert answer.actor_id == people.colleague.id
    await tickets.resolve(ticket, 'New roller fitted', actor=people.technician)  # fixed: nothing more to answer
    await user.should_see(marker='answer-box', retries=1)
    await user.should_see('no longer open')


async def test_the_requester_marks_an_answer_this_fixed_it_and_the_request_is_fixed(
    user: User, people: SimpleNamespace
) -> None:
    await superusers.grant(people.manager, people.colleague.id, [people.printer.id])
    ticket = await ask(people)
    answer = await superusers.answer(people.colleague, ticket, 'Pull the green lever first.')
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket}')
    await user.should_see('Pull the green lever first.')
    user.find(marker=f'accept-{answer.id}').click()
    await user.should_see(marker=f'fixed-{answer.id}')
    assert (await tickets.get_for(people.requester, ticket)).status == tickets.Status.RESOLVED
    await user.should_see(marker='rating-card')  # asked how it went, as after any fix


async def test_a_manager_makes_a_requester_a_superuser_for_services_they_may_use(
    user: User, people: SimpleNamespace
) -> None:
    await sign_in(user, 'maria@example.com')
    await user.open('/manage')
    user.find(marker=f'person-{people.outsider.id}').click()  # a contractor: may ask for printers, not Wi-Fi
    await user.should_see(marker='superuser-services')
    [select] = user.find(marker='superuser-services').elements
    assert set(select.options) == {people.printer.id}  # type: ignore[attr-defined]
    select.set_value([people.printer.id])  # type: ignore[attr-defined]
    user.find(marker='save-person').click()
    await user.should_see(marker=f'superuser-{people.outsider.id}')
    assert [e.service_id for e in await superusers.mine(people.outsider)] == [people.printer.id]
    user.find(marker=f'person-{people.technician.id}').click()  # staff help already: no such choice
    await user.should_see(marker='active')
    await user.should_not_see(marker='superuser-services')
