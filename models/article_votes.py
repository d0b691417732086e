"""'Was this helpful?' under every article: one vote per person and article (they may change their mind), with
an optional line saying why not. Authors and staff read the reasons; requesters only give them."""

from __future__ import annotations

from datetime import datetime

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from . import articles, clock
from .articles import Article
from .errors import require
from .text import normalise
from .users import User

MAX_WHY = 300


class ArticleVote(Model):
    id = fields.IntField(primary_key=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        'models.Article', related_name='votes', on_delete=fields.CASCADE
    )
    article_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='article_votes', on_delete=fields.CASCADE
    )
    user_id: int
    helpful = fields.BooleanField()
    why = fields.CharField(max_length=MAX_WHY, default='')
    at = fields.DatetimeField()

    class Meta:
        table = 'article_vote'
        unique_together = (('article_id', 'user_id'),)


async def vote(
    viewer: User, article_id: int, *, helpful: bool, why: str = '', now: datetime | None = None
) -> ArticleVote:
    """Record (or change) this person's vote; a reason is kept only with "not helpful"."""
    article = await articles.get_for(viewer, article_id)
    why = normalise(why, one_line=True)[:MAX_WHY] if not helpful else ''
    now = now or clock.now()
    for _ in range(3):  # two taps at once: the second updates the row the first made
        changed = await ArticleVote.filter(article_id=article.id, user_id=viewer.id).update(
            helpful=helpful, why=why, at=now
        )
        if changed:
            return await ArticleVote.get(article_id=article.id, user_id=viewer.id)
        try:
            return await ArticleVote.create(article=article, user=viewer, helpful=helpful, why=why, at=now)
        except IntegrityError:
            continue
    raise RuntimeError('could not record the vote')


async def tally(article_id: int) -> tuple[int, int]:
    """(helpful, not helpful) votes."""
    helpful = await ArticleVote.filter(article_id=article_id, helpful=True).count()
    return helpful, await ArticleVote.filter(article_id=article_id, helpful=False).count()


async def reasons(actor: User, article_id: int, *, limit: int = 20) -> list[ArticleVote]:
    """Why people found it unhelpful, newest first: for staff, who can fix the article."""
    require(actor.can_work_tickets, 'Only staff can read why people found an article unhelpful.')
    return await ArticleVote.filter(article_id=article_id, helpful=False).exclude(why='').order_by('-at').limit(limit)
