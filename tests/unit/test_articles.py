"""Self-help articles: who writes and publishes, who may read which, and bodies that can never run code."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from models import article_votes, articles, tickets
from models.articles import State
from models.catalog import Service
from models.errors import Forbidden, Invalid, NotFound
from models.users import User
from tests.conftest import FrozenClock

STEPS = '1. Open the tray.\n2. Pull the paper out **slowly**.\n3. Close the tray.'


async def published(author: User, title: str, body: str = STEPS, **audience: list[int]) -> articles.Article:
    article = await articles.write(author, title=title, body=body, **audience)
    return await articles.publish(author, article.id)


async def test_staff_write_a_draft_and_publish_it_requesters_cannot(
    technician: User, requester: User, printer: Service
) -> None:
    with pytest.raises(Forbidden):
        await articles.write(requester, title='My own tip', body=STEPS)
    draft = await articles.write(technician, title='Clear a paper jam', body=STEPS, service_ids=[printer.id])
    assert draft.state == State.DRAFT and draft.owner_id == technician.id
    with pytest.raises(NotFound):  # a draft is not for requesters yet
        await articles.get_for(requester, draft.id)
    with pytest.raises(Forbidden):
        await articles.publish(requester, draft.id)
    await articles.publish(technician, draft.id)
    assert (await articles.get_for(requester, draft.id)).title == 'Clear a paper jam'


async def test_a_retired_article_is_gone_for_requesters_and_from_suggestions(technician: User, requester: User) -> None:
    article = await published(technician, 'Clear a paper jam')
    assert [a.id for a in await articles.suggest(requester, 'paper jam')] == [article.id]
    await articles.retire(technician, article.id)
    with pytest.raises(NotFound):
        await articles.get_for(requester, article.id)
    assert await articles.suggest(requester, 'paper jam') == []
    assert (await articles.get_for(technician, article.id)).state == State.RETIRED  # staff still find it
    await articles.publish(technician, article.id)
    assert [a.id for a in await articles.suggest(requester, 'paper jam')] == [article.id]


async def test_an_edit_is_found_by_its_new_words_at_once(technician: User, requester: User) -> None:
    article = await published(technician, 'Clear a paper jam')
    await articles.edit(technician, article.id, title='Toner streaks on every page', body='Shake the cartridge.')
    assert await articles.suggest(requester, 'paper jam') == []
    assert [a.id for a in await articles.suggest(requester, 'toner streaks')] == [article.id]


async def test_requesters_read_only_articles_for_their_category_and_services(
    people: SimpleNamespace, technician: User, requester: User, outsider: User
) -> None:
    everyone = await published(technician, 'Restart your laptop properly')
    staff_only = await published(technician, 'Staff VPN settings', category_ids=[people.staff.id])
    wifi = await published(technician, 'Join the office Wi-Fi', service_ids=[people.wifi.id])  # Staff's service
    printing = await published(technician, 'Print from your laptop', service_ids=[people.printer.id])  # both
    readable = {a.id for a in await articles.readable_by(requester)}
    assert readable == {everyone.id, staff_only.id, wifi.id, printing.id}
    readable = {a.id for a in await articles.readable_by(outsider)}  # a contractor
    assert readable == {everyone.id, printing.id}
    for hidden in (staff_only, wifi):
        with pytest.raises(NotFound):
            await articles.get_for(outsider, hidden.id)


async def test_suggestions_fit_the_chosen_service_and_the_reader(
    people: SimpleNamespace, technician: User, requester: User, outsider: User
) -> None:
    wifi = await published(technician, 'Laptop cannot connect to Wi-Fi', service_ids=[people.wifi.id])
    general = await published(technician, 'Laptop cannot connect to anything: restart it')
    printer = await published(technician, 'Laptop cannot connect to the printer', service_ids=[people.printer.id])
    found = await articles.suggest(requester, 'laptop cannot connect', service_id=people.wifi.id)
    assert {a.id for a in found} == {wifi.id, general.id}
    found = await articles.suggest(outsider, 'laptop cannot connect')
    assert {a.id for a in found} == {general.id, printer.id}  # the Wi-Fi article is not for contractors


async def test_at_most_five_suggestions_and_nothing_for_empty_or_stop_words(technician: User, requester: User) -> None:
    for n in range(8):
        await published(technician, f'Printer problem number {n}')
    assert len(await articles.suggest(requester, 'printer problem')) == 5
    assert await articles.suggest(requester, '   ') == []
    assert await articles.suggest(requester, 'the and of') == []


async def test_typed_search_syntax_is_only_words(technician: User, requester: User) -> None:
    article = await published(technician, 'Clear a paper jam')
    for typed in ('paper" OR "x', 'paper*) NEAR(', "jam'; DROP TABLE article; --", 'paper & !jam | (', 'title:jam'):
        found = await articles.suggest(requester, typed)
        assert [a.id for a in found] == [article.id], typed


# ---- the body as HTML -----------------------------------------------------------------------------------------


def test_markdown_is_rendered_and_html_from_the_author_is_only_text() -> None:
    html = articles.render('# Steps\n\n1. Open **the tray**\n2. [Guide](https://example.org/guide)')
    assert '<h1>Steps</h1>' in html and '<strong>the tray</strong>' in html
    assert '<a href="https://example.org/guide" rel="noopener noreferrer nofollow">Guide</a>' in html
    html = articles.render('Hi <script>alert(1)</script> <img src=x onerror=alert(1)> <b>bold</b>')
    assert '<script' not in html and '<img' not in html and '<b>' not in html
    assert '&lt;script&gt;' in html  # shown as text


@pytest.mark.parametrize(
    'body',
    [
        '[click](javascript:alert(1))',
        '[click](JaVaScRiPt:alert(1))',
        '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
        '[click](vbscript:msgbox(1))',
        '![x](javascript:alert(1))',
        '<a href="javascript:alert(1)">click</a>',
    ],
)
def test_links_go_only_to_http_https_and_mailto(body: str) -> None:
    html = articles.render(body)
    addresses = re.findall(r'<[a-z]+\s[^>]*?(?:href|src)\s*=\s*"([^"]*)"', html, flags=re.I)  # in real tags
    assert all(a.startswith(('http://', 'https://', 'mailto:')) for a in addresses), html
    assert 'click' in html or 'x' in html  # what was written is still there, as text


def test_mailto_and_https_links_stay() -> None:
    html = articles.render('[Mail us](mailto:it@example.org) or [the portal](https://it.example.org)')
    assert 'href="mailto:it@example.org"' in html and 'href="https://it.example.org"' in html


# ---- checks and reviews -----------------------------------------------------------------------------------------


async def test_a_title_and_steps_are_needed_and_limits_are_told(technician: User) -> None:
    with pytest.raises(Invalid, match='title'):
        await articles.write(technician, title='  ', body=STEPS)
    with pytest.raises(Invalid, match='steps'):
        await articles.write(technician, title='Something', body='')
    with pytest.raises(Invalid, match='under 120'):
        await articles.write(technician, title='x' * 121, body=STEPS)
    with pytest.raises(Invalid, match='services'):
        await articles.write(technician, title='Something', body=STEPS, service_ids=[9999])


async def test_articles_not_reviewed_for_long_are_due_for_review(technician: User, clock: FrozenClock) -> None:
    old = await published(technician, 'Old article')
    clock.advance(days=100)
    fresh = await published(technician, 'Fresh article')
    clock.advance(days=81)  # old: 181 days, fresh: 81 days
    assert [a.id for a in await articles.due_for_review(clock.now)] == [old.id]
    await articles.mark_reviewed(technician, old.id)
    assert await articles.due_for_review(clock.now) == []
    assert fresh.id  # still published, not due


# ---- "Was this helpful?" ----------------------------------------------------------------------------------------


async def test_one_vote_per_person_they_may_change_and_only_staff_read_why_not(
    technician: User, requester: User, colleague: User
) -> None:
    article = await published(technician, 'Clear a paper jam')
    await article_votes.vote(requester, article.id, helpful=False, why='  The tray on my printer is different ')
    await article_votes.vote(colleague, article.id, helpful=True, why='ignored when helpful')
    assert await article_votes.tally(article.id) == (1, 1)
    [reason] = await article_votes.reasons(technician, article.id)
    assert reason.why == 'The tray on my printer is different'
    with pytest.raises(Forbidden):
        await article_votes.reasons(requester, article.id)
    await article_votes.vote(requester, article.id, helpful=True)  # changed their mind
    assert await article_votes.tally(article.id) == (2, 0)
    assert await article_votes.reasons(technician, article.id) == []


async def test_nobody_votes_on_an_article_they_may_not_read(technician: User, requester: User) -> None:
    draft = await articles.write(technician, title='Not yet', body=STEPS)
    with pytest.raises(NotFound):
        await article_votes.vote(requester, draft.id, helpful=True)


# ---- from a fix to an article -------------------------------------------------------------------------------------


async def test_a_fixed_ticket_becomes_a_draft_with_nothing_about_the_requester(
    technician: User, requester: User, printer: Service
) -> None:
    ticket = await tickets.create_ticket(
        requester=requester, service_id=printer.id, title='Printer on floor 2 jams',
        details='Alex Kim here, my badge 4711, it jams on every job', location='Desk 12, Alex Kim',
    )  # fmt: skip
    with pytest.raises(Forbidden, match='no fix written yet'):
        await articles.draft_from_fix(technician, ticket.id)
    await tickets.take(ticket.id, technician=technician)
    await tickets.resolve(ticket.id, 'Replaced the worn pickup roller in tray 2', actor=technician)
    with pytest.raises(Forbidden):
        await articles.draft_from_fix(requester, ticket.id)
    draft = await articles.draft_from_fix(technician, ticket.id)
    assert draft.state == State.DRAFT and draft.title == 'Printer on floor 2 jams'
    assert 'Replaced the worn pickup roller in tray 2' in draft.body
    for personal in ('Alex', 'Kim', '4711', 'Desk 12', 'badge'):
        assert personal not in draft.body and personal not in draft.title
    assert [s.id for s in await draft.services.all()] == [printer.id]
