"""Staff's self-help articles: the list (/articles), and writing one (/articles/new, /articles/<id>): title,
steps in Markdown with a preview, the services it helps with and who may read it; publish, retire, "still
right". A fixed ticket becomes a draft in one tap from its page (`to_article`), then opens here."""

from __future__ import annotations

from fastapi import Request
from nicegui import Client, ui

from models import article_votes, articles, catalog, clock, errors, ids, users
from models.articles import STATE_WORDS, Article, State
from models.users import User

from .layout import STAFF, clear_errors, field_error, frame, signed_in, tell
from .layout import when as when_words

STATE_COLOURS = {State.DRAFT: 'grey-7', State.PUBLISHED: 'green-8', State.RETIRED: 'brown-6'}


@ui.page('/articles')
@signed_in(roles=STAFF)
async def article_list(request: Request, viewer: User) -> None:
    with frame('Articles', viewer):
        ui.button('Write an article', icon='edit_note', on_click=lambda: ui.navigate.to('/articles/new')).props(
            'unelevated no-caps'
        ).classes('full-width').mark('new-article')
        due = {a.id for a in await articles.due_for_review(clock.now())}
        listed = await Article.all().order_by('state', '-updated_at').prefetch_related('services')
        if not listed:
            ui.label('No articles yet. Write the first one, or turn a fixed ticket into one.').classes('text-body1')
        for article in listed:
            with (
                ui.card()
                .classes('full-width td-card cursor-pointer')
                .on('click', lambda a=article.id: ui.navigate.to(f'/articles/{a}'))
                .mark(f'article-{article.id}')
            ):
                ui.label(article.title).classes('text-subtitle1 text-weight-medium td-break')
                with ui.row().classes('items-center q-gutter-sm'):
                    ui.label(STATE_WORDS[article.state]).classes(
                        f'td-chip bg-{STATE_COLOURS[article.state]} text-white'
                    )
                    services = ', '.join(s.name for s in article.services) or 'Any service'
                    ui.label(services).classes('text-caption')
                    if article.id in due:
                        ui.label('Needs a review').classes('text-caption text-negative').mark('needs-review')


@ui.page('/articles/new')
@signed_in(roles=STAFF)
async def new_article(request: Request, viewer: User) -> None:
    with frame('New article', viewer, back='/articles'):
        await ArticleEditor(viewer, None).build()


@ui.page('/articles/{number}')
@signed_in(roles=STAFF)
async def edit_article(request: Request, viewer: User, number: str) -> None:
    article = await Article.get_or_none(id=ids.parse(number) or -1)
    with frame('Article', viewer, back='/articles'):
        if article is None:
            ui.label('No such article.').classes('text-body1').mark('not-found')
            return
        await ArticleEditor(viewer, article).build()


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
        services = {s.id: s.name for s in await catalog.all_services(actor=self.viewer)}
        groups = {c.id: c.name for c in await users.categories()}
        chosen_services = [s.id for s in await a.services.all()] if a else []
        chosen_groups = [c.id for c in await a.categories.all()] if a else []
        if a is not None:
            helpful, unhelpful = await article_votes.tally(a.id)
            ui.label(
                f'{STATE_WORDS[a.state]} · last checked {when_words(a.reviewed_at, self.viewer)} · '
                f'helpful {helpful}, not helpful {unhelpful}'
            ).classes('text-body2 text-grey-8').mark('article-facts')
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
        self.services = (
            ui.select(services, value=chosen_services, multiple=True, label='Helps with (none: any service)')
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
        self.inputs = {'title': self.title, 'body': self.body, 'services': self.services, 'categories': self.groups}
        with ui.row().classes('full-width q-gutter-sm'):
            ui.button('Save', icon='save', on_click=self.save).props('unelevated no-caps').mark('save-article')
            if a is None or a.state != State.PUBLISHED:
                ui.button('Publish', icon='publish', on_click=self.publish).props('outline no-caps').mark('publish')
            else:
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

    async def save(self) -> Article | None:
        clear_errors(self.inputs)
        fields = {
            'title': self.title.value or '',
            'body': self.body.value or '',
            'service_ids': list(self.services.value or []),
            'category_ids': list(self.groups.value or []),
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
