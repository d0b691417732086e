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


# ---- superusers draft and suggest; staff decide ------------------------------------------------------------------


async def superuser(people: SimpleNamespace) -> None:
    """Casey (Staff) knows the printers well."""
    from models import superusers

    await superusers.grant(people.manager, people.colleague.id, [people.printer.id])


async def test_a_superuser_writes_a_draft_for_their_service_and_sees_it_under_your_drafts(
    user: User, people: SimpleNamespace
) -> None:
    await superuser(people)
    staffs = await articles.write(people.technician, title='Staff only draft', body='Steps')
    await sign_in(user, 'casey@example.com')
    await user.open('/help')
    user.find(marker='your-drafts').click()
    await user.should_see(marker='no-drafts', retries=50)
    await user.should_not_see('Staff only draft')
    user.find(marker='new-article').click()
    await user.should_see(marker='article-title', retries=50)
    await user.should_not_see(marker='publish')
    await user.should_not_see(marker='retire')
    services = user.find(marker='article-services').elements.pop()
    assert services.options == {people.printer.id: 'Printer'}  # only the service Casey knows
    assert services.value == [people.printer.id]
    user.find(marker='article-title').type('Clear a paper jam')
    user.find(marker='article-body').type('1. Open tray 2')
    user.find(marker='save-article').click()
    await user.should_see('Saved.', retries=50)
    [draft] = await Article.filter(author_id=people.colleague.id)
    assert (draft.state, draft.owner_id) == (State.DRAFT, people.colleague.id)
    await user.open('/articles')
    await user.should_see(marker=f'article-{draft.id}', retries=50)
    await user.open(f'/articles/{staffs.id}')  # someone else's draft is not hers to open
    await user.should_see(marker='not-found', retries=50)
    await user.should_not_see('Staff only draft')


async def test_a_technician_publishes_a_superusers_draft_and_becomes_its_owner(
    user: User, people: SimpleNamespace
) -> None:
    await superuser(people)
    draft = await articles.write(
        people.colleague, title='Clear a paper jam', body='1. Open tray 2', service_ids=[people.printer.id]
    )
    await sign_in(user, 'sam@example.com')
    await user.open(f'/articles/{draft.id}')
    await user.should_see('Written by Casey Lee', retries=50)
    user.find(marker='publish').click()
    await user.should_see('Published: requesters can find it now.', retries=50)
    article = await Article.get(id=draft.id)
    assert (article.state, article.owner_id, article.author_id) == (
        State.PUBLISHED,
        people.technician.id,
        people.colleague.id,
    )


async def test_a_superuser_suggests_a_change_and_a_technician_applies_it(
    user: User, create_user: object, people: SimpleNamespace
) -> None:
    from models.article_edits import ArticleEdit, EditState

    await superuser(people)
    written = await articles.write(
        people.technician, title='Clear a paper jam', body='1. Open tray 2\n2. Pull', service_ids=[people.printer.id]
    )
    article = await articles.publish(people.technician, written.id)
    await sign_in(user, 'casey@example.com')
    page = await user.http_client.get(f'/help/a/{article.id}')
    assert f'href="/articles/{article.id}/suggest"' in page.text
    await user.open(f'/articles/{article.id}/suggest')
    await user.should_see(marker='suggest-body', retries=50)
    assert user.find(marker='suggest-title').elements.pop().value == 'Clear a paper jam'  # prefilled
    user.find(marker='suggest-body').clear().type('1. Lift the <b>green</b> lever\n2. Pull')
    user.find(marker='suggest-why').type('The printer has a lever now')
    user.find(marker='send-suggestion').click()
    await user.should_see(marker='suggestion-sent', retries=50)
    [edit] = await ArticleEdit.all()
    assert (edit.state, edit.author_id) == (EditState.OPEN, people.colleague.id)
    assert (await Article.get(id=article.id)).body == '1. Open tray 2\n2. Pull'

    sam = create_user()  # type: ignore[operator]
    await sign_in(sam, 'sam@example.com')
    await sam.open('/articles')
    await sam.should_see('Suggested changes (1)', retries=50)
    await sam.should_see('“The printer has a lever now”')
    removed = [e.text for e in sam.find(marker='removed').elements]
    added = [e.text for e in sam.find(marker='added').elements]
    assert (removed, added) == (['− 1. Open tray 2'], ['+ 1. Lift the <b>green</b> lever'])  # text, never HTML
    sam.find(marker=f'apply-{edit.id}').click()
    await sam.should_see('Applied: the article says it now.', retries=50)
    assert (await Article.get(id=article.id)).body == '1. Lift the <b>green</b> lever\n2. Pull'
    assert (await ArticleEdit.get(id=edit.id)).decided_by_id == people.technician.id
    await sam.should_not_see(marker='suggested-changes', retries=50)


async def test_a_technician_declines_a_suggestion_on_the_articles_own_page(user: User, people: SimpleNamespace) -> None:
    from models import article_suggestions
    from models.article_edits import ArticleEdit, EditState

    await superuser(people)
    written = await articles.write(people.technician, title='Clear a paper jam', body='1. Open tray 2')
    article = await articles.publish(people.technician, written.id)
    edit = await article_suggestions.suggest_edit(people.technician2, article.id, 'Paper jams', '1. Shout at it')
    await sign_in(user, 'sam@example.com')
    await user.open(f'/articles/{article.id}')
    await user.should_see('Suggested changes (1)', retries=50)
    await user.should_see('− Title: Clear a paper jam')
    user.find(marker=f'decline-{edit.id}').click()
    await user.should_see('Declined.', retries=50)
    assert (await ArticleEdit.get(id=edit.id)).state == EditState.DECLINED
    assert (await Article.get(id=article.id)).body == '1. Open tray 2'


async def test_a_superuser_may_not_suggest_changes_to_another_services_article(
    user: User, people: SimpleNamespace
) -> None:
    await superuser(people)
    written = await articles.write(
        people.technician, title='Join the Wi-Fi', body='Steps', service_ids=[people.wifi.id]
    )
    article = await articles.publish(people.technician, written.id)
    await sign_in(user, 'casey@example.com')
    assert '/suggest' not in (await user.http_client.get(f'/help/a/{article.id}')).text
    await user.open(f'/articles/{article.id}/suggest')
    await user.should_see(marker='refused', retries=50)
    await user.should_not_see(marker='suggest-body')
