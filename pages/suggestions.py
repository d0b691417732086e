"""Answers while typing, on the new-request form: the best five articles for what the requester has typed so
far, for the chosen service and for them. One opens in place of the form; "This solved it" ends there with no
request (a confirmed deflection), "Still need help" comes back to the form with everything typed kept, and
the request then remembers which articles were read first."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from nicegui import background_tasks, ui

from models import articles, deflections, errors
from models.users import User

START_AT = 3  # characters typed before anything is suggested
QUIET = 0.35  # seconds without a keystroke before looking (debounce)


class Suggestions:
    """Built under the form's text fields; `typed()` says what to look for, `service()` for which service."""

    def __init__(
        self,
        viewer: User,
        *,
        typed: Callable[[], str],
        service: Callable[[], int | None],
        form: ui.element,
        done: Callable[[], None],
    ) -> None:
        self.viewer = viewer
        self.typed = typed
        self.service = service
        self.form = form
        self.done = done  # "This solved it": the page forgets the draft and says so
        self.seen: list[int] = []  # articles opened before filing, in order
        self._generation = 0
        self.box = ui.column().classes('full-width q-gutter-y-xs td-suggestions').mark('suggestions')
        self.box.visible = False
        self.reader: ui.column | None = None  # placed by `reader_here`, beside the form (which it replaces)

    def reader_here(self) -> None:
        """Where an opened article shows, in place of the form: call outside the form."""
        self.reader = ui.column().classes('full-width q-gutter-y-md td-article-in-place').mark('article-in-place')
        self.reader.visible = False

    def changed(self) -> None:
        """A keystroke: look once the typing pauses."""
        self._generation += 1
        generation = self._generation
        background_tasks.create(self._after_pause(generation), name='suggest')

    async def _after_pause(self, generation: int) -> None:
        await asyncio.sleep(QUIET)
        if generation == self._generation:
            await self.refresh()

    async def refresh(self) -> None:
        text = self.typed().strip()
        if len(text) < START_AT:
            self.box.visible = False
            return
        found = await articles.suggest(self.viewer, text, service_id=self.service())
        self.box.clear()
        with self.box:
            if found:
                ui.label('These may fix it right away').classes('text-subtitle2 text-weight-medium')
                for article in found:
                    ui.button(article.title, icon='menu_book', on_click=lambda a=article.id: self.open(a)).props(
                        'flat no-caps align=left'
                    ).classes('full-width td-suggestion').mark(f'suggestion-{article.id}')
        self.box.visible = bool(found)

    async def open(self, article_id: int) -> None:
        try:
            article = await deflections.opened(self.viewer, article_id, service_id=self.service(), typed=self.typed())
        except errors.DomainError as e:
            ui.notify(str(e), type='warning')
            return
        if article_id not in self.seen:
            self.seen.append(article_id)
        assert self.reader is not None, 'reader_here() places the article reader'
        self.reader.clear()
        with self.reader:
            ui.label(article.title).classes('text-h6 td-break').mark('article-title')
            # Sanitised on the server (articles.render: markdown-it with raw HTML off, then nh3), so no
            # client-side sanitiser is sent to the phone.
            ui.html(articles.render(article.body), sanitize=False).classes('td-article-body').mark('article-body')
            ui.button('This solved it', icon='check_circle', on_click=lambda: self.solved(article_id)).props(
                'unelevated no-caps size=lg'
            ).classes('full-width').mark('solved')
            ui.button('Still need help', icon='arrow_back', on_click=self.back).props(
                'outline no-caps size=lg'
            ).classes('full-width').mark('still-need-help')
        self.form.visible = False
        self.reader.visible = True

    def back(self) -> None:
        """Back to the form, with everything typed still there."""
        if self.reader is not None:
            self.reader.visible = False
        self.form.visible = True

    async def solved(self, article_id: int) -> None:
        try:
            await deflections.solved(self.viewer, article_id, service_id=self.service(), typed=self.typed())
        except errors.DomainError as e:
            ui.notify(str(e), type='warning')
            return
        assert self.reader is not None
        self.reader.clear()
        with self.reader:
            ui.icon('check_circle', color='positive', size='3rem')
            ui.label('Glad that fixed it. No request was sent.').classes('text-h6').mark('deflected')
            ui.button('Back to my requests', on_click=lambda: ui.navigate.to('/requests')).props(
                'unelevated no-caps'
            ).classes('full-width')
        self.done()
