"""Self-help articles: the list (/articles), and writing one (/articles/new, /articles/<id>): title,
steps in Markdown with a preview, the services it helps with and who may read it; publish, retire, "still
right". A fixed ticket becomes a draft in one tap from its page (`to_article`), then opens here.

Staff see every article and the suggested changes waiting for them (Apply / Decline, with what changes shown as
plain text). A superuser (a requester who knows a service well) sees "Your drafts", drafts for their own
services and edits them until a technician publishes; on a published article of theirs they suggest a change
(/articles/<id>/suggest, linked from the help centre's article page). Everyone else is refused here."""

from __future__ import annotations

import difflib
from datetime import timedelta

from fastapi import Request
from nicegui import Client, ui

from models import (
    article_suggestions,
    article_votes,
    articles,
    catalog,
    clock,
    errors,
    help_settings,
    ids,
    superusers,
    users,
)
from models.article_edits import ArticleEdit, EditState
from models.articles import STATE_WORDS, Article, State
from models.users import User

from .help_centre import LINK_FOCUS_CSS
from .layout import clear_errors, field_error, frame, signed_in, tell
from .layout import when as when_words

STATE_COLOURS = {State.DRAFT: 'grey-7', State.PUBLISHED: 'green-8', State.RETIRED: 'brown-6'}
EDIT_WORDS = {EditState.OPEN: 'Waiting', EditState.APPLIED: 'Applied', EditState.DECLINED: 'Declined'}
REFUSAL = 'Articles are written by the IT team and by colleagues who know a service well.'
HELP_ARTICLE = '/help/a/'  # the reader's page of an article (pages/help_centre.py)


@ui.page('/articles')
@signed_in()  # staff, and superusers (decided in the page: who is one is in the database)
async def article_list(request: Request, viewer: User) -> None:
    if not viewer.can_work_tickets:
        await _superuser_list(viewer)
        return
    with frame('Articles', viewer):
        ui.button('Write an article', icon='edit_note', on_click=lambda: ui.navigate.to('/articles/new')).props(
            'unelevated no-caps'
        ).classes('full-width').mark('new-article')
        await suggested_changes(viewer, back='/articles')
        review = timedelta(days=(await help_settings.current()).review_days)
        due = {a.id for a in await articles.due_for_review(clock.now(), after=review)}
        listed = await Article.all().order_by('state', '-updated_at').prefetch_related('services')
        ui.add_css(LINK_FOCUS_CSS)
        if not listed:
            ui.label('No articles yet. Write the first one, or turn a fixed ticket into one.').classes('text-body1')
        for article in listed:
            with card_link(f'/articles/{article.id}').mark(f'article-{article.id}'):
                ui.label(article.title).classes('text-subtitle1 text-weight-medium td-break')
                with ui.row().classes('items-center q-gutter-sm'):
                    ui.label(STATE_WORDS[article.state]).classes(
                        f'td-chip bg-{STATE_COLOURS[article.state]} text-white'
                    )
                    services = ', '.join(s.name for s in article.services) or 'Any service'
                    ui.label(services).classes('text-caption')
                    if article.id in due:
                        ui.label('Needs a review').classes('text-caption text-negative').mark('needs-review')


def card_link(target: str) -> ui.card:
    """A card that is a real link (an `<a href>`): Tab reaches it, Enter opens it, a screen reader says "link" and
    reads what the card says; a tap anywhere on it opens it, as before. The page adds LINK_FOCUS_CSS once."""
    return ui.card().props(f'tag=a href="{target}"').classes('full-width td-card td-card-link td-link-card')


async def _superuser_list(viewer: User) -> None:
    """A superuser's own drafts and what became of them, and the changes they suggested."""
    with frame('Your drafts', viewer, back='/help'):
        if not await articles.may_write(viewer):
            ui.label(REFUSAL).classes('text-body1').mark('refused')
            return
        ui.button('Write a draft', icon='edit_note', on_click=lambda: ui.navigate.to('/articles/new')).props(
            'unelevated no-caps'
        ).classes('full-width').mark('new-article')
        ui.label('A technician reads each draft and publishes it; you keep the credit.').classes(
            'text-body2 text-grey-8'
        )
        written = await articles.drafts_by(viewer)
        ui.add_css(LINK_FOCUS_CSS)
        if not written:
            ui.label('No drafts yet. Write down a fix you know well: colleagues find it while they type.').classes(
                'text-body1'
            ).mark('no-drafts')
        for article in written:
            target = f'/articles/{article.id}' if article.state == State.DRAFT else f'{HELP_ARTICLE}{article.id}'
            with card_link(target).mark(f'article-{article.id}'):
                ui.label(article.title).classes('text-subtitle1 text-weight-medium td-break')
                with ui.row().classes('items-center q-gutter-sm'):
                    ui.label(STATE_WORDS[article.state]).classes(
                        f'td-chip bg-{STATE_COLOURS[article.state]} text-white'
                    )
                    ui.label(', '.join(s.name for s in article.services)).classes('text-caption')
        suggested = await article_suggestions.suggestions_by(viewer)
        if suggested:
            ui.label('Your suggested changes').classes('text-subtitle2 q-mt-md')
        for edit in suggested:
            with ui.row().classes('full-width items-center no-wrap q-gutter-sm').mark(f'my-edit-{edit.id}'):
                ui.label(EDIT_WORDS[edit.state]).classes('td-chip bg-grey-3')
                ui.label(edit.article.title).classes('text-body2 td-break')


@ui.page('/articles/new')
@signed_in()
async def new_article(request: Request, viewer: User) -> None:
    with frame('New article' if viewer.can_work_tickets else 'New draft', viewer, back='/articles'):
        if not await articles.may_write(viewer):
            ui.label(REFUSAL).classes('text-body1').mark('refused')
            return
        await ArticleEditor(viewer, None).build()


@ui.page('/articles/{number}')
@signed_in()
async def edit_article(request: Request, viewer: User, number: str) -> None:
    with frame('Article', viewer, back='/articles'):
        if not await articles.may_write(viewer):
            ui.label(REFUSAL).classes('text-body1').mark('refused')
            return
        try:
            article = await articles.get_for_editing(viewer, ids.require(number, 'No such article.'))
        except errors.DomainError:  # someone else's, or no longer a draft of theirs: the same answer
            ui.label('No such article.').classes('text-body1').mark('not-found')
            return
        if viewer.can_work_tickets:
            await suggested_changes(viewer, back=f'/articles/{article.id}', article_id=article.id)
        await ArticleEditor(viewer, article).build()


@ui.page('/articles/{number}/suggest')
@signed_in()
async def suggest_change(request: Request, viewer: User, number: str) -> None:
    """New words for a published article, sent to the technicians (the article stays as it is until then)."""
    with frame('Suggest a change', viewer, back='/help'):
        if not await articles.may_write(viewer):
            ui.label(REFUSAL).classes('text-body1').mark('refused')
            return
        try:
            article = await articles.get_for(viewer, ids.require(number, 'No such article.'))
        except errors.NotFound:
            ui.label('This article is not available to you.').classes('text-body1').mark('not-found')
            return
        if not await article_suggestions.may_suggest(viewer, article) or article.state != State.PUBLISHED:
            ui.label('Only colleagues who know this service well can suggest changes to it.').classes(
                'text-body1'
            ).mark('refused')
            return
        await SuggestionForm(viewer, article).build()


async def to_article(viewer: User, ticket_id: int, client: Client) -> None:
    """The ticket's fix as a new draft article (a tap, not an address: opening a page never writes)."""
    try:
        draft = await articles.draft_from_fix(viewer, ticket_id)
    except errors.DomainError as e:
        tell(client, str(e), type='warning')
        return
    with client:
        ui.navigate.to(f'/articles/{draft.id}')


class ArticleEditor:
    """One form for a new or an existing article; the preview shows what requesters will read."""

    def __init__(self, viewer: User, article: Article | None) -> None:
        self.viewer = viewer
        self.article = article
        self.client = ui.context.client

    async def build(self) -> None:
        a = self.article
        staff = self.viewer.can_work_tickets
        services = await self._services()
        groups = {c.id: c.name for c in await users.categories()} if staff else {}
        chosen_services = [s.id for s in await a.services.all()] if a else []
        chosen_groups = [c.id for c in await a.categories.all()] if a else []
        if a is not None and staff:
            helpful, unhelpful = await article_votes.tally(a.id)
            ui.label(
                f'{STATE_WORDS[a.state]} · last checked {when_words(a.reviewed_at, self.viewer)} · '
                f'helpful {helpful}, not helpful {unhelpful}'
            ).classes('text-body2 text-grey-8').mark('article-facts')
            if a.author_id != self.viewer.id:
                author = await User.get(id=a.author_id)
                ui.label(f'Written by {author.name}').classes('text-body2 text-grey-8').mark('article-author')
        elif not staff:
            ui.label('Your draft: a technician reads it, then publishes it for colleagues.').classes(
                'text-body2 text-grey-8'
            ).mark('article-facts')
        self.title = (
            ui.input('Title', value=a.title if a else '', placeholder='e.g. Clear a paper jam in the office printer')
            .props('outlined counter maxlength=120')
            .classes('full-width')
            .mark('article-title')
        )
        self.body = (
            ui.textarea('Steps (Markdown: **bold**, 1. lists, [links](https://…))', value=a.body if a else '')
            .props('outlined autogrow')
            .classes('full-width')
            .mark('article-body')
        )
        if not staff and not chosen_services and len(services) == 1:
            chosen_services = list(services)  # one service they know: already chosen
        self.services = (
            ui.select(
                services,
                value=chosen_services,
                multiple=True,
                label='Helps with (none: any service)' if staff else 'Helps with',
            )
            .props('outlined use-chips')
            .classes('full-width')
            .mark('article-services')
        )
        self.groups = (
            ui.select(groups, value=chosen_groups, multiple=True, label='Who may read it (none: everyone)')
            .props('outlined use-chips')
            .classes('full-width')
            .mark('article-groups')
        )
        self.groups.set_visibility(staff)  # who may read it is for the technician who publishes to decide
        self.inputs = {'title': self.title, 'body': self.body, 'services': self.services, 'categories': self.groups}
        with ui.row().classes('full-width q-gutter-sm'):
            ui.button('Save' if staff else 'Save draft', icon='save', on_click=self.save).props(
                'unelevated no-caps'
            ).mark('save-article')
            if staff and (a is None or a.state != State.PUBLISHED):  # superusers draft; a technician publishes
                ui.button('Publish', icon='publish', on_click=self.publish).props('outline no-caps').mark('publish')
            elif staff:
                ui.button('Still right', icon='verified', on_click=self.reviewed).props('outline no-caps').mark(
                    'reviewed'
                )
                ui.button('Retire', icon='archive', on_click=self.retire).props('flat no-caps').mark('retire')
        ui.label('Preview').classes('text-subtitle2 q-mt-md')
        # Sanitised on the server (articles.render): what requesters will see, and nothing more.
        self.preview = ui.html(articles.render(a.body) if a else '', sanitize=False).classes('td-article-body')
        self.body.on_value_change(lambda e: self.preview.set_content(articles.render(e.value or '')))
        if a is not None:
            reasons = await article_votes.reasons(self.viewer, a.id)
            if reasons:
                ui.label('Why people found it unhelpful').classes('text-subtitle2 q-mt-md')
                for vote in reasons:
                    ui.label(f'“{vote.why}”').classes('text-body2 td-break').mark('unhelpful-why')

    async def _services(self) -> dict[int, str]:
        """Staff choose among every service; a superuser among the services they know well."""
        if self.viewer.can_work_tickets:
            return {s.id: s.name for s in await catalog.all_services(actor=self.viewer)}
        return {e.service_id: e.service.name for e in await superusers.mine(self.viewer)}

    async def save(self) -> Article | None:
        clear_errors(self.inputs)
        fields = {
            'title': self.title.value or '',
            'body': self.body.value or '',
            'service_ids': list(self.services.value or []),
            'category_ids': list(self.groups.value or []) if self.viewer.can_work_tickets else None,
        }
        try:
            if self.article is None:
                self.article = await articles.write(self.viewer, **fields)
            else:
                self.article = await articles.edit(self.viewer, self.article.id, **fields)
        except errors.DomainError as e:
            field_error(self.inputs, e, client=self.client)
            return None
        tell(self.client, 'Saved.', type='positive')
        return self.article

    async def publish(self) -> None:
        article = await self.save()
        if article is None:
            return
        await self._then(articles.publish(self.viewer, article.id), 'Published: requesters can find it now.')

    async def retire(self) -> None:
        if self.article is not None:
            await self._then(articles.retire(self.viewer, self.article.id), 'Retired: no longer suggested.')

    async def reviewed(self) -> None:
        if self.article is not None:
            await self._then(articles.mark_reviewed(self.viewer, self.article.id), 'Marked as still right.')

    async def _then(self, operation: object, said: str) -> None:
        try:
            article = await operation  # type: ignore[misc]
        except errors.DomainError as e:
            tell(self.client, str(e), type='warning')
            return
        tell(self.client, said, type='positive')
        ui.navigate.to(f'/articles/{article.id}')


# ---- suggested changes: staff decide ---------------------------------------------------------------------------


async def suggested_changes(viewer: User, *, back: str, article_id: int | None = None) -> None:
    """ "Suggested changes (n)": what colleagues proposed, each with what it changes and Apply / Decline."""
    waiting = await article_suggestions.open_edits(viewer, article_id=article_id)
    if not waiting:
        return
    ui.label(f'Suggested changes ({len(waiting)})').classes('text-subtitle1 text-weight-medium').mark(
        'suggested-changes'
    )
    client = ui.context.client
    for edit in waiting:
        _suggestion_card(viewer, edit, client, back=back, linked=article_id is None)


def _suggestion_card(viewer: User, edit: ArticleEdit, client: Client, *, back: str, linked: bool) -> None:
    article = edit.article

    async def decide(verb: object, said: str) -> None:
        try:
            await verb(viewer, edit.id)  # type: ignore[operator]
        except errors.DomainError as e:
            tell(client, str(e), type='warning')
            return
        tell(client, said, type='positive')
        with client:
            ui.navigate.to(back)

    with ui.card().classes('full-width td-card').mark(f'suggestion-{edit.id}'):
        if linked:  # a real link: Tab reaches it and Enter opens the article (a thumb's height to tap)
            ui.link(article.title, f'/articles/{article.id}').classes(
                'text-subtitle1 text-weight-medium td-break td-card-link'
            ).style('display: flex; align-items: center; min-height: 44px')
        else:
            ui.label(article.title).classes('text-subtitle1 text-weight-medium td-break')
        ui.label(f'From {edit.author.name} · {when_words(edit.created_at, viewer)}').classes('text-caption')
        if edit.why:
            ui.label(f'“{edit.why}”').classes('text-body2 td-break').mark('suggestion-why')
        if article.updated_at > edit.created_at:
            ui.label('The article changed after this was suggested: applying replaces those changes.').classes(
                'text-caption text-negative'
            )
        _changes(article, edit)
        with ui.expansion('The whole suggested text').classes('full-width').props('dense'):
            ui.label(edit.body).classes('text-body2 td-break').mark('suggestion-body')
        with ui.row().classes('full-width td-card-actions'):
            ui.button(
                'Apply',
                icon='done',
                on_click=lambda: decide(article_suggestions.apply, 'Applied: the article says it now.'),
            ).props('unelevated no-caps').mark(f'apply-{edit.id}')
            ui.button('Decline', icon='close', on_click=lambda: decide(article_suggestions.decline, 'Declined.')).props(
                'outline no-caps'
            ).mark(f'decline-{edit.id}')


def _changes(article: Article, edit: ArticleEdit) -> None:
    """Before and after, line by line, as plain text: removed lines struck in red, added ones in green."""
    with ui.column().classes('full-width q-gutter-y-none td-diff').mark('suggestion-changes'):
        if edit.title != article.title:
            ui.label(f'− Title: {article.title}').classes('text-body2 td-break text-negative')
            ui.label(f'+ Title: {edit.title}').classes('text-body2 td-break text-positive')
        before, after = article.body.splitlines(), edit.body.splitlines()
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
            if tag == 'equal':
                continue
            for line in filter(str.strip, before[i1:i2]):  # blank lines only space paragraphs: not shown
                ui.label(f'− {line}').classes('text-body2 td-break text-negative').mark('removed')
            for line in filter(str.strip, after[j1:j2]):
                ui.label(f'+ {line}').classes('text-body2 td-break text-positive').mark('added')


# ---- suggesting a change: superusers -------------------------------------------------------------------------


class SuggestionForm:
    """The article's words, ready to change, and why; sent to the technicians."""

    def __init__(self, viewer: User, article: Article) -> None:
        self.viewer = viewer
        self.article = article
        self.client = ui.context.client

    async def build(self) -> None:
        a = self.article
        ui.label(f'Change what "{a.title}" says. A technician reads your suggestion and decides; the article stays '
                 'as it is until then.').classes('text-body2 text-grey-8 td-break')  # fmt: skip
        with ui.column().classes('full-width q-gutter-y-sm') as self.form:
            self.title = (
                ui.input('Title', value=a.title).props('outlined counter maxlength=120').classes('full-width')
            ).mark('suggest-title')
            self.body = (
                ui.textarea('Steps (Markdown)', value=a.body).props('outlined autogrow').classes('full-width')
            ).mark('suggest-body')
            self.why = (
                ui.input('Why (optional)', placeholder='e.g. The menu is called Settings now')
                .props('outlined counter maxlength=300')
                .classes('full-width')
                .mark('suggest-why')
            )
            self.inputs = {'title': self.title, 'body': self.body, 'why': self.why}
            ui.button('Send suggestion', icon='send', on_click=self.send).props('unelevated no-caps').classes(
                'full-width'
            ).mark('send-suggestion')
            ui.label('Preview').classes('text-subtitle2 q-mt-md')
            # Sanitised on the server (articles.render), like the article itself.
            preview = ui.html(articles.render(a.body), sanitize=False).classes('td-article-body')
            self.body.on_value_change(lambda e: preview.set_content(articles.render(e.value or '')))

    async def send(self) -> None:
        clear_errors(self.inputs)
        try:
            await article_suggestions.suggest_edit(
                self.viewer, self.article.id, self.title.value or '', self.body.value or '', self.why.value or ''
            )
        except errors.DomainError as e:
            field_error(self.inputs, e, client=self.client)
            return
        self.form.clear()
        with self.form:
            ui.label('Sent: a technician will look at it. Thank you.').classes('text-body1').mark('suggestion-sent')
            ui.link('Back to the article', f'{HELP_ARTICLE}{self.article.id}').classes('text-body1')
