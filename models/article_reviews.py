"""Article review reminders: a durable job per published article, due when it has gone unreviewed for the
managers' chosen time; its owner is reminded (and again after the same time, until someone looks)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from .articles import Article


class ReviewState(StrEnum):
    PENDING = 'pending'
    RUNNING = 'running'
    DONE = 'done'
    CANCELLED = 'cancelled'
    FAILED = 'failed'


class ReviewJob(Model):
    """One reminder to review an article, claimed like every follow-up (models/claims.py)."""

    id = fields.IntField(primary_key=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        'models.Article', related_name='review_jobs', on_delete=fields.CASCADE
    )
    article_id: int
    due_at = fields.DatetimeField()
    state = fields.CharEnumField(ReviewState, max_length=12, default=ReviewState.PENDING)
    claimed_by = fields.CharField(max_length=32, null=True)
    claimed_until = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=300, default='')
    created_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = 'article_review_job'
        indexes = (('state', 'due_at'), ('article_id', 'state'))
