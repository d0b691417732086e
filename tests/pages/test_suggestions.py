"""Answers while typing on the new-request form: suggestions for the service and the person, an article
opened in place, "This solved it" (no request, a confirmed deflection) and "Still need help" (everything kept;
the technician sees what was read)."""

from __future__ import annotations

from types import SimpleNamespace

from nicegui.testing import User

from models import articles, deflections
from models.tickets import Ticket

from .conftest import sign_in

STEPS = 'Open **tray 2**, pull the paper out slowly.\n\n<script>alert(1)</script>'


async def publish(people: SimpleNamespace, title: str, **audience: list[int]) -> articles.Article:
    technician = people.technician
    article = await articles.write(technician, title=title, body=STEPS, **audience)
    return await articles.publish(technician, article.id)


async def typed_in_form(user: User, people: SimpleNamespace, title: str) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open('/new')
    user.find(marker=f'service-{people.printer.id}').click()
    user.find(marker='title').type(title)


async def test_matching_articles_appear_while_typing_and_this_solved_it_files_nothing(
    user: User, people: SimpleNamespace
) -> None:
    jam = await publish(people, 'Clear a paper jam', service_ids=[people.printer.id])
    await publish(people, 'Join the office Wi-Fi', service_ids=[people.wifi.id])  # another service: not shown
    await typed_in_form(user, people, 'paper jam on floor 2')
    await user.should_see(marker=f'suggestion-{jam.id}', retries=50)
    await user.should_not_see('Join the office Wi-Fi')
    user.find(marker=f'suggestion-{jam.id}').click()
    await user.should_see(marker='article-body', retries=50)
    await user.should_see('tray 2')
    await user.should_not_see(marker='send')  # the form makes way for the article
    user.find(marker='solved').click()
    await user.should_see(marker='deflected', retries=50)
    assert await Ticket.all().count() == 0
    [deflection] = await deflections.Deflection.all()
    assert (deflection.article_id, deflection.service_id) == (jam.id, people.printer.id)
    assert deflection.typed == 'paper jam on floor 2'


async def test_still_need_help_keeps_what_was_typed_and_the_technician_sees_what_was_read(
    user: User, people: SimpleNamespace
) -> None:
    jam = await publish(people, 'Clear a paper jam', service_ids=[people.printer.id])
    await typed_in_form(user, people, 'paper jam again')
    user.find(marker='details').type('The article did not help')
    await user.should_see(marker=f'suggestion-{jam.id}', retries=50)
    user.find(marker=f'suggestion-{jam.id}').click()
    await user.should_see(marker='still-need-help', retries=50)
    user.find(marker='still-need-help').click()
    await user.should_see(marker='send', retries=50)
    assert user.find(marker='title').elements.pop().value == 'paper jam again'
    assert user.find(marker='details').elements.pop().value == 'The article did not help'
    user.find(marker='send').click()
    await user.should_see(marker='sent', retries=50)
    ticket = await Ticket.get(title='paper jam again')
    assert [a.id for a in await deflections.seen_before_filing(people.technician, ticket.id)] == [jam.id]


async def test_nothing_is_suggested_before_the_third_character_nor_what_the_person_may_not_read(
    user: User, people: SimpleNamespace
) -> None:
    await publish(people, 'Staff-only printer trick', category_ids=[people.contractors.id])  # not Alex's group
    await typed_in_form(user, people, 'pr')
    await user.should_not_see(marker='suggestions', retries=10)
    user.find(marker='title').type('inter trick')
    await user.should_not_see('Staff-only printer trick', retries=10)


async def test_the_technician_sees_what_the_requester_read_before_asking(user: User, people: SimpleNamespace) -> None:
    jam = await publish(people, 'Clear a paper jam', service_ids=[people.printer.id])
    ticket = await deflections.file_anyway(
        requester=people.requester, seen_article_ids=[jam.id], service_id=people.printer.id, title='Still jams'
    )
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('Read before asking: “Clear a paper jam”', retries=50)


async def test_a_colleagues_answer_shows_on_the_requesters_open_page_without_reload(
    user: User, people: SimpleNamespace
) -> None:
    from models import superusers, tickets

    await superusers.grant(people.manager, people.colleague.id, [people.printer.id])
    ticket = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title='Printer jams', peers_may_help=True
    )
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_see('Printer jams', retries=50)
    await superusers.answer(people.colleague, ticket.id, 'Open the side door and pull towards you.')
    await user.should_see('Open the side door and pull towards you.', retries=50)


async def test_colleagues_may_help_starts_as_the_service_says_and_the_requester_decides(
    user: User, people: SimpleNamespace
) -> None:
    from models import catalog

    await catalog.save_service(
        actor=None, service_id=people.printer.id, name='Printer', category_ids=[people.staff.id], peers_may_help=True
    )
    await sign_in(user, 'alex@example.com')
    await user.open('/new')
    user.find(marker=f'service-{people.printer.id}').click()
    await user.should_see(marker='peers-may-help', retries=50)
    box = user.find(marker='peers-may-help').elements.pop()
    assert box.value is True
    user.find(marker='title').type('Printer jams')
    user.find(marker='send').click()
    await user.should_see(marker='sent', retries=50)
    assert (await Ticket.get(title='Printer jams')).peers_may_help is True
    await user.open('/new')
    user.find(marker=f'service-{people.printer.id}').click()
    await user.should_see(marker='peers-may-help', retries=50)
    user.find(marker='peers-may-help').click()  # untick: not this time
    user.find(marker='title').type('Private printer trouble')
    user.find(marker='send').click()
    await user.should_see(marker='sent', retries=50)
    assert (await Ticket.get(title='Private printer trouble')).peers_may_help is False
