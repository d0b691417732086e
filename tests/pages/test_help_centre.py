"""The help centre: browse and search what this person may read; an article is a plain page (cacheable by the
service worker), its text escaped and its body sanitised; "Was this helpful?" is a same-origin form."""

from __future__ import annotations

from types import SimpleNamespace

from nicegui.testing import User

from models import article_votes, articles, deflections

from .conftest import sign_in


async def publish(people: SimpleNamespace, title: str, body: str = 'Pull slowly.', **audience: list[int]) -> int:
    article = await articles.write(people.technician, title=title, body=body, **audience)
    return (await articles.publish(people.technician, article.id)).id


async def test_requesters_browse_by_service_and_search_what_they_may_read(user: User, people: SimpleNamespace) -> None:
    jam = await publish(people, 'Clear a paper jam', service_ids=[people.printer.id])
    await publish(people, 'Contractors only', category_ids=[people.contractors.id])
    await sign_in(user, 'alex@example.com')
    await user.open('/help')
    await user.should_see(marker=f'help-{jam}', retries=50)
    await user.should_see('Printer')
    await user.should_not_see('Contractors only')
    user.find(marker='help-search').type('zebra')
    await user.should_see(marker='help-nothing', retries=50)


async def test_an_article_is_a_plain_page_with_the_title_escaped_and_the_body_sanitised(
    user: User, people: SimpleNamespace
) -> None:
    article = await publish(people, 'Fix <b>this</b> & that', body='**Bold** <script>alert(1)</script>')
    await sign_in(user, 'alex@example.com')
    response = await user.http_client.get(f'/help/a/{article}')
    assert response.status_code == 200
    page = response.text
    assert 'Fix &lt;b&gt;this&lt;/b&gt; &amp; that' in page and '<b>this</b>' not in page
    assert '<strong>Bold</strong>' in page and '<script>alert' not in page
    assert '_nicegui' not in page  # no NiceGUI client in it: the service worker may keep it
    assert await deflections.ArticleView.filter(article_id=article).count() == 1  # a requester's reading counts


async def test_an_article_someone_may_not_read_is_not_found_and_strangers_sign_in_first(
    user: User, people: SimpleNamespace
) -> None:
    hidden = await publish(people, 'Contractors only', category_ids=[people.contractors.id])
    response = await user.http_client.get(f'/help/a/{hidden}', follow_redirects=False)
    assert response.status_code == 303 and response.headers['location'].startswith('/login?next=')
    await sign_in(user, 'alex@example.com')
    assert (await user.http_client.get(f'/help/a/{hidden}')).status_code == 404
    assert (await user.http_client.get('/help/a/not-a-number')).status_code == 404


async def test_was_this_helpful_is_recorded_from_this_site_only(user: User, people: SimpleNamespace) -> None:
    article = await publish(people, 'Clear a paper jam')
    await sign_in(user, 'alex@example.com')
    form = {'helpful': 'no', 'why': 'My printer has no tray 2'}
    refused = await user.http_client.post(
        f'/help/a/{article}/vote', data=form, headers={'Origin': 'https://evil.example', 'Sec-Fetch-Site': 'cross-site'}
    )
    assert refused.status_code == 403
    assert await article_votes.tally(article) == (0, 0)
    sent = await user.http_client.post(
        f'/help/a/{article}/vote', data=form, headers={'Sec-Fetch-Site': 'same-origin'}, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers['location'] == f'/help/a/{article}?thanks=1'
    assert await article_votes.tally(article) == (0, 1)
    [vote] = await article_votes.reasons(people.technician, article)
    assert vote.why == 'My printer has no tray 2'
