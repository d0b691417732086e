"""A technician links an article in a reply: only articles the requester may read are offered, and the
requester's timeline shows a link that opens it."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from nicegui.testing import User

from models import articles, tickets
from models.records import EventKind, TicketEvent

from .conftest import sign_in


async def publish(people: SimpleNamespace, title: str, **audience: list[int]) -> int:
    article = await articles.write(people.technician, title=title, body='Open tray 2, pull slowly.', **audience)
    return (await articles.publish(people.technician, article.id)).id


async def test_a_technician_links_an_article_the_requester_may_read(user: User, people: SimpleNamespace) -> None:
    jam = await publish(people, 'Clear a paper jam', service_ids=[people.printer.id])
    hidden = await publish(people, 'Paper jam on the contractors printer', category_ids=[people.contractors.id])
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Jammed')
    await tickets.take(ticket.id, technician=people.technician)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='reply').type('This usually does it:')
    user.find(marker='link-article').click()
    user.find(marker='article-search').type('paper jam')
    await user.should_see(marker=f'pick-{jam}')
    await user.should_not_see(marker=f'pick-{hidden}')  # Alex cannot read it: not offered
    user.find(marker=f'pick-{jam}').click()
    user.find(marker='send-reply').click()
    for _ in range(50):
        reply = await TicketEvent.get_or_none(ticket_id=ticket.id, kind=EventKind.REPLY)
        if reply is not None:
            break
        await asyncio.sleep(0.1)
    assert reply is not None and reply.body == f'This usually does it:\n“Clear a paper jam”: /help/a/{jam}'
    await user.should_see(marker=f'linked-{jam}')


async def test_links_are_found_by_number_only(user: User) -> None:
    from pages import article_links  # only once the app runs: importing `pages` registers its routes

    assert article_links.found_in('see /help/a/12 and /help/a/12, then /help/a/3') == [12, 3]
    assert article_links.found_in('/help/a/0 /help/a/x /help/a/12abc /helping/5') == []
