"""Suggested edits: a superuser (or anyone on staff) proposes new words for a published article, and a
technician applies or declines them. The article changes only when staff apply the suggestion."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from .articles import Article
from .users import User


class EditState(StrEnum):
    OPEN = 'open'
    APPLIED = 'applied'
    DECLINED = 'declined'


class ArticleEdit(Model):
    """New words proposed for an article, waiting for a technician."""

    id = fields.IntField(primary_key=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        'models.Article', related_name='suggested_edits', on_delete=fields.CASCADE
    )
    article_id: int
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='article_edits', on_delete=fields.CASCADE
    )
    author_id: int
    title = fields.CharField(max_length=120)
    body = fields.TextField()
    why = fields.CharField(max_length=300, default='')
    state = fields.CharEnumField(EditState, max_length=10, default=EditState.OPEN)
    created_at = fields.DatetimeField()
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='article_edits_decided', on_delete=fields.SET_NULL, null=True
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'article_edit'
        indexes = (('state', 'article_id'),)
