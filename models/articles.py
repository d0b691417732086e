"""Self-help articles: written by staff, read by the requesters they are meant for, found while typing.

An article is Markdown, rendered on the server by markdown-it (CommonMark, raw HTML off) and then sanitised by
nh3 (the Rust `ammonia` sanitiser): no script, no HTML from the author, links only to http(s) and mailto.
Who may read it is decided here: staff read every article; a requester reads a published one when it is for
their category (or for everyone) and for a service they may use (or for no service in particular).

Who writes: staff write, edit, publish, retire and mark reviewed. A superuser (a requester with expertise in a
service, models/superusers.py) drafts articles for their own services and edits their own drafts until staff
publish them; a published article changes through a suggested edit (models/article_suggestions.py). Publishing a
superuser's draft hands it to the publishing technician (owners are reminded to review, so they are staff); the
superuser stays its author. Floors above hear of every change through `when_changed` (the review reminders,
models/article_reviews.py, which stands above this module and so cannot be called from here).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from enum import StrEnum

import nh3
from markdown_it import MarkdownIt
from tortoise import fields
from tortoise.expressions import Q, Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from . import article_index, clock, queries
from .catalog import Service
from .errors import Forbidden, Invalid, NotFound, require
from .records import Ticket
from .superusers import Expertise
from .text import normalise
from .users import Category, Role, User

MAX_TITLE = 120
MAX_BODY = 20_000
REVIEW_AFTER = timedelta(days=180)  # an article not looked at for this long reminds its owner


class State(StrEnum):
    DRAFT = 'draft'
    PUBLISHED = 'published'
    RETIRED = 'retired'


STATE_WORDS = {State.DRAFT: 'Draft', State.PUBLISHED: 'Published', State.RETIRED: 'Retired'}


class Article(Model):
    """A self-help article: how to fix one thing, for the people and services it names."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=MAX_TITLE)
    body = fields.TextField()
    state = fields.CharEnumField(State, max_length=12, default=State.DRAFT)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='articles_written', on_delete=fields.RESTRICT
    )
    author_id: int
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='articles_owned', on_delete=fields.RESTRICT
    )
    owner_id: int
    services: fields.ManyToManyRelation[Service] = fields.ManyToManyField(
        'models.Service', related_name='articles', through='article_service'
    )
    categories: fields.ManyToManyRelation[Category] = fields.ManyToManyField(
        'models.Category', related_name='articles', through='article_category'
    )
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    published_at = fields.DatetimeField(null=True)
    reviewed_at = fields.DatetimeField()

    class Meta:
        table = 'article'
        indexes = (('state', 'reviewed_at'),)


# ---- writing ---------------------------------------------------------------------------------------------------


async def write(
    actor: User,
    *,
    title: str,
    body: str,
    service_ids: list[int] | None = None,
    category_ids: list[int] | None = None,
    now: datetime | None = None,
) -> Article:
    """A new draft. Staff write articles; a superuser drafts one for services they know well."""
    if not actor.can_work_tickets:
        await _check_superuser_services(actor, service_ids or [])
    now = now or clock.now()
    title, body = checked(title, body)
    async with in_transaction():
        article = await Article.create(
            title=title, body=body, author=actor, owner=actor, created_at=now, updated_at=now, reviewed_at=now
        )
        await _set_audience(article, service_ids or [], category_ids or [])
    return article


async def edit(
    actor: User,
    article_id: int,
    *,
    title: str,
    body: str,
    service_ids: list[int] | None = None,
    category_ids: list[int] | None = None,
    now: datetime | None = None,
) -> Article:
    """Change an article; a published one stays published and is found by its new words at once. A superuser
    edits only their own drafts. Services or groups left out (None) stay as they are."""
    now = now or clock.now()
    async with in_transaction():
        article = await _get(article_id) if actor.can_work_tickets else await _own_draft(actor, article_id)
        if not actor.can_work_tickets and service_ids is not None:
            await _check_superuser_services(actor, service_ids)
        title, body = checked(title, body)
        article.title, article.body, article.updated_at, article.reviewed_at = title, body, now, now
        await article.save(update_fields=['title', 'body', 'updated_at', 'reviewed_at'])
        await _set_audience(article, service_ids, category_ids)
        await article_index.update(article.id, article.title, article.body, listed=article.state == State.PUBLISHED)
        await _changed(article, now)
    return article


async def draft_from_fix(actor: User, ticket_id: int, *, now: datetime | None = None) -> Article:
    """Turn a fixed ticket into a draft article in one step: its title and the fix as the steps, for its
    service and for everyone. Nothing about the requester is carried over (not their name, words or photos)."""
    require(actor.can_work_tickets, 'Only staff can write articles.')
    ticket = await Ticket.get_or_none(id=ticket_id)
    if ticket is None:
        raise NotFound('No such ticket.')
    require(ticket.resolution, 'Only a fixed ticket can become an article: it has no fix written yet.')
    body = f'## What you notice\n\n{ticket.title}\n\n## What fixes it\n\n{ticket.resolution}\n'
    return await write(actor, title=ticket.title, body=body, service_ids=[ticket.service_id], now=now)


async def publish(actor: User, article_id: int, *, now: datetime | None = None) -> Article:
    require(actor.can_work_tickets, 'Only staff can publish articles.')
    now = now or clock.now()
    async with in_transaction():
        article = await _get(article_id)
        require(article.state != State.PUBLISHED, 'This article is already published.')
        article.state, article.published_at, article.reviewed_at, article.updated_at = State.PUBLISHED, now, now, now
        if not await User.filter(id=article.owner_id, role__in=[Role.TECHNICIAN, Role.MANAGER]).exists():
            article.owner_id = actor.id  # a superuser's draft: whoever publishes it looks after it from now on
        await article.save(update_fields=['state', 'published_at', 'reviewed_at', 'updated_at', 'owner_id'])
        await article_index.update(article.id, article.title, article.body, listed=True)
        await _changed(article, now)
    return article


async def retire(actor: User, article_id: int, *, now: datetime | None = None) -> Article:
    """No longer shown to requesters nor suggested; staff still find it, and can publish it again."""
    require(actor.can_work_tickets, 'Only staff can retire articles.')
    now = now or clock.now()
    async with in_transaction():
        article = await _get(article_id)
        require(article.state == State.PUBLISHED, 'Only a published article can be retired.')
        article.state, article.updated_at = State.RETIRED, now
        await article.save(update_fields=['state', 'updated_at'])
        await article_index.update(article.id, article.title, article.body, listed=False)
        await _changed(article, now)
    return article


async def mark_reviewed(actor: User, article_id: int, *, now: datetime | None = None) -> Article:
    """ "Still right": the owner (or any staff) looked at it again."""
    require(actor.can_work_tickets, 'Only staff can review articles.')
    now = now or clock.now()
    async with in_transaction():
        article = await _get(article_id)
        article.reviewed_at = now
        await article.save(update_fields=['reviewed_at'])
        await _changed(article, now)
    return article


async def due_for_review(now: datetime, *, after: timedelta = REVIEW_AFTER) -> list[Article]:
    """Published articles nobody has looked at for `after`: their owners are reminded."""
    return await Article.filter(state=State.PUBLISHED, reviewed_at__lte=now - after).order_by('reviewed_at', 'id')


# ---- what follows a change (the floors above) ----------------------------------------------------------------

Step = Callable[[Article, datetime], Awaitable[None]]
_steps: list[Step] = []


def when_changed(step: Step) -> None:
    """Run `step(article, now)` inside the transaction of every publish, edit, retire and review (registered once,
    at import, by the module above that needs it)."""
    if step not in _steps:
        _steps.append(step)


async def _changed(article: Article, now: datetime) -> None:
    for step in _steps:
        await step(article, now)


# ---- superusers -------------------------------------------------------------------------------------------------


async def expert_services(person: User) -> list[int]:
    """The services this person may draft articles for: a superuser's own (none for anyone else)."""
    if person.role != Role.REQUESTER:
        return []
    return await queries.column(Expertise.filter(user_id=person.id).order_by('service_id'), 'service_id')


async def may_write(person: User) -> bool:
    """Staff, and superusers (for their services)."""
    return person.can_work_tickets or bool(await expert_services(person))


async def drafts_by(person: User) -> list[Article]:
    """What this person wrote, newest first: their drafts, and what became of them (published or retired)."""
    return await Article.filter(author_id=person.id).order_by('-updated_at', '-id').prefetch_related('services')


async def get_for_editing(actor: User, article_id: int) -> Article:
    """The article as its editor opens it: staff open any, a superuser only their own drafts."""
    if actor.can_work_tickets:
        return await _get(article_id)
    return await _own_draft(actor, article_id)


# ---- reading ---------------------------------------------------------------------------------------------------


def readable_by(viewer: User) -> QuerySet[Article]:
    """Every article this person may read (the one rule, used by every read)."""
    if viewer.can_work_tickets:
        return Article.all()
    category = viewer.category_id or -1
    for_my_category = Q(categories__id__isnull=True) | Q(categories__id=category)
    usable_services = Subquery(Service.filter(active=True, categories__id=category).values('id'))
    for_my_services = Q(services__id__isnull=True) | Q(services__id__in=usable_services)
    return Article.filter(Q(state=State.PUBLISHED), for_my_category, for_my_services).distinct()


async def get_for(viewer: User, article_id: int) -> Article:
    article = await readable_by(viewer).filter(id=article_id).first()
    if article is None:
        raise NotFound('This article is not available to you.')
    return article


async def suggest(viewer: User, text: str, *, service_id: int | None = None, limit: int = 5) -> list[Article]:
    """The best published articles for what this person is typing, among those they may read; with a service
    chosen, only articles for that service or for none in particular."""
    ranked = await article_index.search(text, limit=max(50, limit * 10))
    if not ranked:
        return []
    query = readable_by(viewer).filter(id__in=ranked, state=State.PUBLISHED)
    if service_id is not None:
        query = query.filter(Q(services__id__isnull=True) | Q(services__id=service_id))
    allowed = {a.id: a for a in await query}
    return [allowed[i] for i in ranked if i in allowed][:limit]


def render(body: str) -> str:
    """The article's Markdown as safe HTML: the author's HTML is shown as text, never run."""
    html = _markdown.render(body)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={'a': {'href', 'title'}, 'img': {'src', 'alt', 'title'}, 'code': {'class'}},
        url_schemes={'http', 'https', 'mailto'},
        link_rel='noopener noreferrer nofollow',
    )


ALLOWED_TAGS = {
    'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'strong', 'em', 'code', 'pre', 'blockquote',
    'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
}  # fmt: skip
_markdown = MarkdownIt('commonmark', {'html': False, 'linkify': False, 'typographer': False}).enable('table')


# ---- helpers ---------------------------------------------------------------------------------------------------


async def _get(article_id: int) -> Article:
    article = await Article.get_or_none(id=article_id)
    if article is None:
        raise NotFound('No such article.')
    return article


async def _check_superuser_services(actor: User, service_ids: list[int]) -> None:
    mine = await expert_services(actor)
    require(mine, 'Only staff, and colleagues who know a service well, can write articles.')
    if not service_ids:
        raise Invalid('Choose the service this article helps with.', field='services')
    if not set(service_ids) <= set(mine):
        raise Forbidden('You can write articles only for the services you know well.')


async def _own_draft(actor: User, article_id: int) -> Article:
    """A superuser's own draft, for editing; someone else's is not found, a published one is refused."""
    require(await expert_services(actor), 'Only staff, and colleagues who know a service well, can edit articles.')
    article = await Article.get_or_none(id=article_id, author_id=actor.id)
    if article is None:
        raise NotFound('No such draft of yours.')
    require(article.state == State.DRAFT, 'A technician looks after this article now: suggest a change instead.')
    return article


def checked(title: str, body: str) -> tuple[str, str]:
    """An article's title and steps, tidied, or Invalid naming the field (suggested edits are checked alike)."""
    title = normalise(title, one_line=True)
    body = normalise(body)
    if not title:
        raise Invalid('Give the article a title.', field='title')
    if len(title) > MAX_TITLE:
        raise Invalid(f'Keep the title under {MAX_TITLE} characters.', field='title')
    if not body:
        raise Invalid('Write the steps that fix it.', field='body')
    if len(body) > MAX_BODY:
        raise Invalid(f'Keep the article under {MAX_BODY:,} characters.', field='body')
    return title, body


async def _set_audience(article: Article, service_ids: list[int] | None, category_ids: list[int] | None) -> None:
    """Replace the services and groups given (None: leave that one as it is)."""
    services = await Service.filter(id__in=service_ids) if service_ids is not None else None
    categories = await Category.filter(id__in=category_ids) if category_ids is not None else None
    if services is not None and len(services) != len(set(service_ids or [])):
        raise Invalid('One of the services does not exist.', field='services')
    if categories is not None and len(categories) != len(set(category_ids or [])):
        raise Invalid('One of the groups of people does not exist.', field='categories')
    if services is not None:
        await article.services.clear()
        if services:
            await article.services.add(*services)
    if categories is not None:
        await article.categories.clear()
        if categories:
            await article.categories.add(*categories)
