"""An article linked in a reply: staff pick one the requester may read (the domain's suggestion, as that
requester), its address goes into the reply's text, and the timeline shows a "Read the article" link under it.

The link is built from the article's number only, never from the reply's text, and the article page checks
who may read it like every other read."""

from __future__ import annotations

import re
from collections.abc import Callable

from nicegui import ui

from models import articles
from models.users import User

from .help_centre import ARTICLE_PATH

LINK = re.compile(re.escape(ARTICLE_PATH) + r'([1-9][0-9]{0,8})\b')


def found_in(text: str) -> list[int]:
    """The articles a reply links, once each, in order."""
    return list(dict.fromkeys(int(n) for n in LINK.findall(text)))


def show(numbers: list[int]) -> None:
    for number in numbers:
        with ui.link(target=f'{ARTICLE_PATH}{number}').classes('td-help-link').mark(f'linked-{number}'):
            ui.icon('menu_book')
            ui.label('Read the article')


def choose(requester: User, service_id: int, pick: Callable[[str], None]) -> None:
    """A dialog: search the articles this requester may read (for this service or for any), tap one to link it."""
    with ui.dialog() as dialog, ui.card().classes('td-dialog'):
        ui.label(f'Link an article {requester.first_name} can read').classes('text-h6')
        search = (
            ui.input('Search the articles', placeholder='e.g. paper jam')
            .props('outlined clearable autofocus debounce=300')
            .classes('full-width')
            .mark('article-search')
        )
        found = ui.column().classes('full-width q-gutter-y-xs').mark('article-choices')

        async def show_matches(text: str) -> None:
            choices = await articles.suggest(requester, text, service_id=service_id)
            found.clear()
            with found:
                if text.strip() and not choices:
                    ui.label('No article the requester can read matches that.').classes('text-body2')
                for article in choices:
                    ui.button(article.title, icon='link', on_click=lambda a=article: chosen(a)).props(
                        'flat no-caps align=left'
                    ).classes('full-width td-break').mark(f'pick-{article.id}')

        def chosen(article: articles.Article) -> None:
            pick(f'“{article.title}”: {ARTICLE_PATH}{article.id}')
            dialog.close()

        search.on_value_change(lambda e: show_matches(e.value or ''))
        ui.button('Cancel', on_click=dialog.close).props('flat no-caps')
    dialog.open()
