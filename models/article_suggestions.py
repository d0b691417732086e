"""Suggested edits, the verbs: a superuser (or anyone on staff) proposes new words for a published article;
a technician applies them (through `articles.edit`, so the search index and the review reminder follow) or
declines them. The suggestion itself is `ArticleEdit` (models/article_edits.py).

Each suggestion is decided once: the decision is a conditional UPDATE (`state = open`), so two technicians
tapping at the same moment decide it once and the slower one is told.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from . import articles, clock
from .article_edits import ArticleEdit, EditState
from .articles import Article, State
from .errors import Conflict, Invalid, NotFound, require
from .text import normalise
from .users import User

MAX_WHY = 300


async def may_suggest(actor: User, article: Article) -> bool:
    """Staff, or a superuser for one of the article's services (an article for no service in particular is
    for the staff to change)."""
    if actor.can_work_tickets:
        return True
    mine = set(await articles.expert_services(actor))
    return bool(mine) and await article.services.filter(id__in=mine).exists()


async def suggest_edit(
    actor: User, article_id: int, title: str, body: str, why: str = '', *, now: datetime | None = None
) -> ArticleEdit:
    """New words for a published article this person may read, for a technician to apply or decline."""
    article = await articles.get_for(actor, article_id)  # NotFound for what they may not read
    require(await may_suggest(actor, article), 'Only colleagues who know this service well can suggest changes.')
    if article.state != State.PUBLISHED:
        raise Invalid('Only a published article takes suggestions: edit the draft itself.')
    title, body = articles.checked(title, body)
    if (title, body) == (article.title, article.body):
        raise Invalid('Change something first: these are the words it has now.', field='body')
    why = normalise(why, one_line=True)
    if len(why) > MAX_WHY:
        raise Invalid(f'Keep the reason under {MAX_WHY} characters.', field='why')
    return await ArticleEdit.create(
        article=article, author=actor, title=title, body=body, why=why, created_at=now or clock.now()
    )


async def open_edits(actor: User, *, article_id: int | None = None) -> list[ArticleEdit]:
    """Suggestions waiting for a decision (of one article, if given), newest first, with article and author."""
    require(actor.can_work_tickets, 'Only staff decide on suggested changes.')
    waiting = ArticleEdit.filter(state=EditState.OPEN)
    if article_id is not None:
        waiting = waiting.filter(article_id=article_id)
    return await waiting.select_related('article', 'author').order_by('-created_at', '-id')


async def get_open(actor: User, edit_id: int) -> ArticleEdit:
    require(actor.can_work_tickets, 'Only staff decide on suggested changes.')
    edit = await ArticleEdit.get_or_none(id=edit_id).select_related('article', 'author')
    if edit is None:
        raise NotFound('No such suggestion.')
    return edit


async def apply(actor: User, edit_id: int, *, now: datetime | None = None) -> Article:
    """The suggested words become the article's (its services and readers stay as they are)."""
    require(actor.can_work_tickets, 'Only staff can apply suggested changes.')
    now = now or clock.now()
    async with in_transaction():
        edit = await _decide(actor, edit_id, EditState.APPLIED, now)
        return await articles.edit(actor, edit.article_id, title=edit.title, body=edit.body, now=now)


async def decline(actor: User, edit_id: int, *, now: datetime | None = None) -> ArticleEdit:
    """The article stays as it is; the suggestion is kept, marked declined."""
    require(actor.can_work_tickets, 'Only staff can decline suggested changes.')
    return await _decide(actor, edit_id, EditState.DECLINED, now or clock.now())


async def suggestions_by(person: User) -> list[ArticleEdit]:
    """What this person suggested and what became of it, newest first."""
    return await ArticleEdit.filter(author_id=person.id).select_related('article').order_by('-created_at', '-id')


async def _decide(actor: User, edit_id: int, state: EditState, now: datetime) -> ArticleEdit:
    decided = await ArticleEdit.filter(id=edit_id, state=EditState.OPEN).update(
        state=state, decided_by_id=actor.id, decided_at=now
    )
    edit = await ArticleEdit.get_or_none(id=edit_id)
    if edit is None:
        raise NotFound('No such suggestion.')
    if not decided:
        raise Conflict(f'Someone already {edit.state.value} this suggestion.')
    return edit
