"""The help centre: browse and search the articles this person may read (/help), and read one (/help/a/<id>).

An article is a plain HTML page, not a NiceGUI page: NiceGUI pages embed a client id and must never be cached
by the service worker, while this page may be, so an article once opened is readable with no signal
(pwa/sw.js keeps it in its own cache, forgotten at sign-out). "Was this helpful?" is a plain form too.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from nicegui import ui

from models import article_suggestions, article_votes, articles, db, deflections, errors, ids
from models.catalog import Service
from models.users import User
from pwa import assets

from . import who
from .guards import Refused, check_same_origin
from .layout import frame, signed_in

ARTICLE_PATH = '/help/a/'
MAX_FORM = 2048  # bytes: the vote and a line of why not
# Where the keyboard is, plain to see on an article link (here, and the cards of pages/article_pages.py): the blue
# of links, dark mode's light blue.
LINK_FOCUS_CSS = """
.td-help-link:focus-visible, .td-link-card:focus-visible { outline: 3px solid #1565c0; outline-offset: 2px; }
.body--dark .td-help-link:focus-visible, .body--dark .td-link-card:focus-visible { outline-color: #90caf9; }
"""


@ui.page('/help')
@signed_in()
async def help_centre(request: Request, viewer: User, q: str = '') -> None:
    ui.add_css(LINK_FOCUS_CSS)
    with frame('Help', viewer):
        if not viewer.can_work_tickets and await articles.may_write(viewer):  # a superuser writes help too
            ui.button('Your drafts', icon='edit_note', on_click=lambda: ui.navigate.to('/articles')).props(
                'outline no-caps'
            ).classes('full-width').mark('your-drafts')
        search = (
            ui.input('Search the help', value=q, placeholder='e.g. printer jam, password, VPN')
            .props('outlined clearable debounce=300')
            .classes('full-width')
            .mark('help-search')
        )
        results = ui.column().classes('full-width q-gutter-y-xs').mark('help-results')

        async def show(text: str) -> None:
            results.clear()
            with results:
                await _listing(viewer, text)

        search.on_value_change(lambda e: show(e.value or ''))
        await show(q)


async def _listing(viewer: User, text: str) -> None:
    if text.strip():
        found = await articles.suggest(viewer, text, limit=20)
        if not found:
            ui.label('No article matches that yet. Try other words, or report it as a new request.').classes(
                'text-body1'
            ).mark('help-nothing')
        for article in found:
            _link(article)
        return
    readable = await articles.readable_by(viewer).filter(state=articles.State.PUBLISHED).prefetch_related('services')
    by_service: dict[str, list[articles.Article]] = {}
    for article in readable:
        names = [s.name for s in article.services] or ['For everyone']
        for name in names:
            by_service.setdefault(name, []).append(article)
    if not by_service:
        ui.label('No help articles yet.').classes('text-body1')
    for name in sorted(by_service, key=lambda n: (n == 'For everyone', n)):
        ui.label(name).classes('text-subtitle2 text-weight-medium q-mt-sm')
        for article in sorted(by_service[name], key=lambda a: a.title):
            _link(article)


def _link(article: articles.Article) -> None:
    with ui.link(target=f'{ARTICLE_PATH}{article.id}').classes('td-help-link').mark(f'help-{article.id}'):
        ui.icon('menu_book')
        ui.label(article.title).classes('td-break')


def setup(api: FastAPI) -> None:
    @api.get(ARTICLE_PATH + '{number}', include_in_schema=False)
    async def article_page(request: Request, number: str, thanks: str = '') -> Response:
        await db.ready()
        viewer = await who.viewer()
        if viewer is None:
            return RedirectResponse(f'/login?next={quote(request.url.path, safe="")}', status_code=303)
        try:
            article = await deflections.opened(viewer, ids.parse(number) or -1)
        except errors.NotFound:
            return HTMLResponse(_page('Not found', '<p>This article is not available to you.</p>'), status_code=404)
        services = await Service.filter(articles__id=article.id).values_list('name', flat=True)
        may_change = await article_suggestions.may_suggest(viewer, article)
        change = _change_link(article, staff=viewer.can_work_tickets) if may_change else ''
        return HTMLResponse(
            _page(article.title, _article(article, [str(s) for s in services], thanked=thanks == '1') + change),
            headers={'Cache-Control': 'private, no-cache'},
        )

    @api.post(ARTICLE_PATH + '{number}/vote', include_in_schema=False)
    async def vote(request: Request, number: str) -> Response:
        await db.ready()
        try:
            check_same_origin(request, 'This form only works on this site.')
        except Refused as e:
            return HTMLResponse(_page('Refused', f'<p>{html.escape(str(e))}</p>'), status_code=e.status)
        viewer = await who.viewer()
        if viewer is None:
            return RedirectResponse('/login', status_code=303)
        if int(request.headers.get('content-length') or 0) > MAX_FORM:
            return HTMLResponse(_page('Too long', '<p>Keep it to a line or two.</p>'), status_code=413)
        form = await request.form()
        article_id = ids.parse(number) or -1
        try:
            await article_votes.vote(
                viewer, article_id, helpful=form.get('helpful') == 'yes', why=str(form.get('why') or '')
            )
        except errors.NotFound:
            return HTMLResponse(_page('Not found', '<p>This article is not available to you.</p>'), status_code=404)
        return RedirectResponse(f'{ARTICLE_PATH}{article_id}?thanks=1', status_code=303)


def _article(article: articles.Article, services: list[str], *, thanked: bool) -> str:
    about = html.escape(', '.join(services) or 'For everyone')
    if thanked:
        feedback = '<p class="td-help-thanks" role="status">Thank you: the team reads every answer.</p>'
    else:
        feedback = (
            f'<form class="td-help-vote" method="post" action="{ARTICLE_PATH}{article.id}/vote">'
            '<p>Was this helpful?</p>'
            '<button name="helpful" value="yes" type="submit">Yes</button>'
            '<label>If not, why not? (optional)'
            '<input name="why" maxlength="300" autocomplete="off"></label>'
            '<button name="helpful" value="no" type="submit">No</button>'
            '</form>'
        )
    return (
        f'<p class="td-help-about">{about}</p>'
        f'<article class="td-article-body">{articles.render(article.body)}</article>'  # sanitised: articles.render
        f'{feedback}'
        '<p><a href="/new">Still need help? Report it</a></p>'
    )


def _change_link(article: articles.Article, *, staff: bool) -> str:
    """Staff edit the article; a superuser for its service suggests a change (a technician decides)."""
    if staff:
        return f'<p class="td-help-change"><a href="/articles/{article.id}">Edit this article</a></p>'
    return f'<p class="td-help-change"><a href="/articles/{article.id}/suggest">Suggest a change</a></p>'


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">'
        f'<title>{html.escape(title)} · Tapdesk help</title>'
        f'<link rel="stylesheet" href="{assets.url("tapdesk.css")}">'
        f'<link rel="manifest" href="/manifest.webmanifest"></head>'
        '<body class="td-help"><header class="td-help-bar"><a href="/help" aria-label="Back to help">←</a>'
        '<span>Help</span></header>'
        f'<main class="td-help-main"><h1>{html.escape(title)}</h1>{body}</main></body></html>'
    )
