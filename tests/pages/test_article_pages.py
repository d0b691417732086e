"""Staff write self-help articles on the phone: write, preview, publish, retire; a fixed ticket becomes a draft."""

from __future__ import annotations

from types import SimpleNamespace

from nicegui import ui
from nicegui.testing import User

from models import articles, tickets
from models.articles import Article, State

from .conftest import sign_in


async def test_a_technician_writes_and_publishes_an_article_and_requesters_find_it(
    user: User, people: SimpleNamespace
) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open('/articles')
    user.find(marker='new-article').click()
    await user.should_see(marker='article-title', retries=50)
    user.find(marker='article-title').type('Clear a paper jam')
    user.find(marker='article-body').type('1. Open **tray 2**\n2. Pull slowly')
    user.find(marker='publish').click()
    await user.should_see('Published: requesters can find it now.', retries=50)
    [article] = await Article.all()
    assert article.state == State.PUBLISHED and article.author_id == people.technician.id
    assert [a.id for a in await articles.suggest(people.requester, 'paper jam')] == [article.id]
    html = user.find(ui.html).elements.pop()
    assert '<strong>tray 2</strong>' in html.content


async def test_an_empty_title_is_told_and_the_steps_are_kept(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open('/articles/new')
    user.find(marker='article-body').type('Steps that must not be lost')
    user.find(marker='save-article').click()
    await user.should_see('Give the article a title.', retries=50)
    assert user.find(marker='article-body').elements.pop().value == 'Steps that must not be lost'
    assert await Article.all().count() == 0


async def test_a_fixed_ticket_becomes_a_draft_in_one_tap(user: User, people: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Tray 2 jams')
    await tickets.take(ticket.id, technician=people.technician)
    await tickets.resolve(ticket.id, 'Replaced the pickup roller', actor=people.technician)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='to-article').click()
    await user.should_see(marker='article-title', retries=50)
    [draft] = await Article.all()
    assert draft.state == State.DRAFT and 'Replaced the pickup roller' in draft.body
    assert user.find(marker='article-title').elements.pop().value == 'Tray 2 jams'
