"""Requests self-help avoided, measured: articles opened while reporting, "This solved it", and the articles a
request was filed after (the technician sees them).

- A **confirmed deflection** is a requester tapping "This solved it" under an article: who, which service,
  which article, and what they had typed. No ticket is made.
- A **potential deflection** is a requester who opened an article and filed no request (and confirmed
  nothing) in the next 24 hours. It can only be counted once those 24 hours have passed.
Only requesters count: staff reading an article is not a request avoided.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tortoise import connections, fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from . import articles, clock, events, tickets
from .articles import Article
from .catalog import Service, usable_service
from .errors import NotFound, require
from .text import normalise
from .tickets import Ticket
from .users import User

WINDOW = timedelta(hours=24)  # opened an article, then no request for this long: a potential deflection
MAX_TYPED = 500


class ArticleView(Model):
    """A requester opened an article from the new-request form or the help centre."""

    id = fields.IntField(primary_key=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        'models.Article', related_name='views', on_delete=fields.CASCADE
    )
    article_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='article_views', on_delete=fields.CASCADE
    )
    user_id: int
    service: fields.ForeignKeyNullableRelation[Service] = fields.ForeignKeyField(
        'models.Service', related_name='article_views', null=True, on_delete=fields.SET_NULL
    )
    service_id: int | None
    typed = fields.CharField(max_length=MAX_TYPED, default='')
    viewed_at = fields.DatetimeField()

    class Meta:
        table = 'article_view'
        indexes = (('user_id', 'viewed_at'), ('viewed_at',))


class Deflection(Model):
    """ "This solved it": a request nobody had to file."""

    id = fields.IntField(primary_key=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        'models.Article', related_name='deflections', on_delete=fields.CASCADE
    )
    article_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        'models.User', related_name='deflections', on_delete=fields.CASCADE
    )
    user_id: int
    service: fields.ForeignKeyNullableRelation[Service] = fields.ForeignKeyField(
        'models.Service', related_name='deflections', null=True, on_delete=fields.SET_NULL
    )
    service_id: int | None
    typed = fields.CharField(max_length=MAX_TYPED, default='')
    at = fields.DatetimeField()

    class Meta:
        table = 'deflection'
        indexes = (('user_id', 'at'), ('at',))


class SeenArticle(Model):
    """An article the requester opened before filing this request anyway ("Still need help")."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        'models.Ticket', related_name='seen_articles', on_delete=fields.CASCADE
    )
    ticket_id: int
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        'models.Article', related_name='seen_in', on_delete=fields.CASCADE
    )
    article_id: int

    class Meta:
        table = 'seen_article'
        unique_together = (('ticket_id', 'article_id'),)


# ---- what requesters do --------------------------------------------------------------------------------------


async def opened(
    viewer: User, article_id: int, *, service_id: int | None = None, typed: str = '', now: datetime | None = None
) -> Article:
    """The article, for reading; a requester's opening is remembered (a potential deflection until they file)."""
    article = await articles.get_for(viewer, article_id)
    if not viewer.can_work_tickets:
        await ArticleView.create(
            article=article, user=viewer, service_id=await _service(viewer, service_id), typed=_typed(typed),
            viewed_at=now or clock.now(),
        )  # fmt: skip
    return article


async def solved(
    viewer: User, article_id: int, *, service_id: int | None = None, typed: str = '', now: datetime | None = None
) -> Deflection | None:
    """ "This solved it": the flow ends with no ticket, and a confirmed deflection is recorded (for requesters)."""
    article = await articles.get_for(viewer, article_id)
    if viewer.can_work_tickets:
        return None
    return await Deflection.create(
        article=article, user=viewer, service_id=await _service(viewer, service_id), typed=_typed(typed),
        at=now or clock.now(),
    )  # fmt: skip


async def file_anyway(*, requester: User, seen_article_ids: list[int], **request: object) -> Ticket:
    """ "Still need help": the request is filed with everything typed, remembering the articles seen first
    (only those the requester may read; others are dropped, never an error)."""
    readable = set(await articles.readable_by(requester).filter(id__in=seen_article_ids).values_list('id', flat=True))
    async with events.after_commit(), in_transaction():  # told to open pages once all of it is committed
        ticket = await tickets.create_ticket(requester=requester, **request)  # type: ignore[arg-type]
        for article_id in dict.fromkeys(seen_article_ids):
            if article_id in readable:
                await SeenArticle.create(ticket_id=ticket.id, article_id=article_id)
    return ticket


async def seen_before_filing(viewer: User, ticket_id: int) -> list[Article]:
    """What the requester read before filing: for the technician (and the requester themself)."""
    await tickets.get_for(viewer, ticket_id)  # may this person see the ticket at all?
    return await Article.filter(seen_in__ticket_id=ticket_id).order_by('seen_in__id')


# ---- counting (SQL aggregates, the same on SQLite and PostgreSQL) ----------------------------------------------


async def confirmed_by_service(start: datetime, end: datetime) -> dict[int | None, int]:
    rows = await _query(
        'SELECT service_id, COUNT(*) AS n FROM deflection WHERE {at} >= {p1} AND {at} < {p2} GROUP BY service_id',
        [start, end],
        at='at',
    )
    return {r['service_id']: int(r['n']) for r in rows}


async def potential_by_service(start: datetime, end: datetime, *, now: datetime) -> dict[int | None, int]:
    """Requesters who opened an article in [start, end) and, in the 24 hours after, neither filed a request nor
    confirmed a deflection; each person and article once. Views younger than 24 hours are not counted yet."""
    rows = await _query(
        'SELECT service_id, COUNT(*) AS n FROM ('
        ' SELECT DISTINCT v.service_id, v.user_id, v.article_id FROM article_view v'
        ' WHERE {viewed} >= {p1} AND {viewed} < {p2} AND {viewed} <= {p3}'
        ' AND NOT EXISTS (SELECT 1 FROM ticket t WHERE t.requester_id = v.user_id'
        '  AND {created} >= {viewed} AND {created} < {viewed_plus})'
        ' AND NOT EXISTS (SELECT 1 FROM deflection d WHERE d.user_id = v.user_id'
        '  AND {deflected} >= {viewed} AND {deflected} < {viewed_plus})'
        ') AS quiet GROUP BY service_id',
        [start, end, now - WINDOW],
        viewed='v.viewed_at',
        created='t.created_at',
        deflected='d.at',
    )
    return {r['service_id']: int(r['n']) for r in rows}


async def by_service(*, actor: User, since: datetime, until: datetime, now: datetime) -> list[dict[str, Any]]:
    """For the managers' measures: per service (most avoided first), confirmed and potential deflections."""
    require(actor.is_manager, 'Only managers can see the measures.')
    confirmed = await confirmed_by_service(since, until)
    potential = await potential_by_service(since, until, now=now)
    keys = set(confirmed) | set(potential)
    names = {s.id: s.name for s in await Service.filter(id__in=[k for k in keys if k is not None])}
    rows = [
        {
            'service_id': key,
            'label': names.get(key, 'No service chosen') if key is not None else 'No service chosen',
            'confirmed': confirmed.get(key, 0),
            'potential': potential.get(key, 0),
        }
        for key in keys
    ]
    return sorted(rows, key=lambda r: (-(r['confirmed'] + r['potential']), r['label']))


async def _query(sql: str, params: list[datetime], **columns: str) -> list[dict]:
    """`sql` with {column} and {pN} filled in for this database: SQLite keeps times as ISO text (compared as
    julian days), PostgreSQL as timestamptz."""
    db = connections.get('default')
    postgres = db.capabilities.dialect == 'postgres'
    names: dict[str, str] = {}
    for key, column in columns.items():
        names[key] = column if postgres else f'julianday({column})'
    viewed = columns.get('viewed')
    if viewed:
        names['viewed_plus'] = f"({viewed} + interval '24 hours')" if postgres else f'(julianday({viewed}) + 1.0)'
    for n in range(1, len(params) + 1):
        names[f'p{n}'] = f'${n}' if postgres else 'julianday(?)'
    values: list[object] = list(params) if postgres else [p.isoformat() for p in params]
    return await db.execute_query_dict(sql.format(**names), values)


async def _service(viewer: User, service_id: int | None) -> int | None:
    if service_id is None:
        return None
    try:
        return (await usable_service(viewer, service_id)).id
    except NotFound:
        return None  # a service they cannot use is not one they were reporting on


def _typed(text: str) -> str:
    return normalise(text, one_line=True)[:MAX_TYPED]
