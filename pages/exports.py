"""Downloads for managers, as CSV:

- `/export/tickets.csv?days=N`: the tickets reported in the last N days, with their measures
  (models/ticket_export.py), streamed as it is read;
- `/export/measures.csv?period=30&by=service|technician|category`: /measures' breakdown, one line per group;
- `/export/trend.csv?period=30`: /measures' trend, one line per day (7 days) or week (longer periods);
- `/export/gaps.csv?period=30&by=service|category|technician`: /gaps, one line per gap.

`period` is the screens' own: 7, 30, 90 or month (models/table_export.py lays the tables out; the domain
calls it makes refuse anyone but a manager)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, Response, StreamingResponse

from models import clock, db, errors, sla, table_export, ticket_export
from models.measures import GroupBy
from models.users import User

from . import who
from .measures import PERIODS, local_days, window

MAX_DAYS = 366
NOT_MANAGER = 'Only managers can export the measures.'

Table = Callable[[User, datetime, datetime, GroupBy], Awaitable[str]]


def setup(api: FastAPI) -> None:
    @api.get('/export/tickets.csv', include_in_schema=False)
    async def tickets_csv(days: str = '30') -> Response:
        await db.ready()
        viewer = await who.viewer()
        if viewer is None or not viewer.is_manager:
            return PlainTextResponse('Only managers can export tickets.', status_code=403)
        if not days.isdecimal() or not 1 <= int(days) <= MAX_DAYS:
            return PlainTextResponse(f'Choose from 1 to {MAX_DAYS} days.', status_code=400)
        until = clock.now()
        since = until - timedelta(days=int(days))
        name = f'tapdesk-tickets-{since:%Y-%m-%d}-to-{until:%Y-%m-%d}.csv'
        return StreamingResponse(
            ticket_export.csv_lines(viewer, since, until),
            media_type='text/csv; charset=utf-8',
            headers=_download(name),
        )

    @api.get('/export/measures.csv', include_in_schema=False)
    async def measures_csv(period: str = '30', by: str = 'service') -> Response:
        async def table(viewer: User, since: datetime, until: datetime, _: GroupBy) -> str:
            return await table_export.measures_csv(actor=viewer, since=since, until=until, group_by=by)

        return await _table(table, period, f'measures-by-{by}')

    @api.get('/export/trend.csv', include_in_schema=False)
    async def trend_csv(period: str = '30') -> Response:
        async def table(viewer: User, since: datetime, until: datetime, step: GroupBy) -> str:
            return await table_export.trend_csv(actor=viewer, since=since, until=until, step=step)

        return await _table(table, period, 'trend')

    @api.get('/export/gaps.csv', include_in_schema=False)
    async def gaps_csv(period: str = '30', by: str = 'service') -> Response:
        async def table(viewer: User, since: datetime, until: datetime, _: GroupBy) -> str:
            return await table_export.gaps_csv(actor=viewer, since=since, until=until, group_by=by)

        return await _table(table, period, f'gaps-by-{by}')


async def _table(table: Table, period: str, what: str) -> Response:
    """One of the screens' tables over one of their periods, as a CSV file; the domain decides who may have it."""
    await db.ready()
    viewer = await who.viewer()
    if viewer is None:
        return PlainTextResponse(NOT_MANAGER, status_code=403)
    if period not in PERIODS:
        return PlainTextResponse('Choose a period of 7, 30 or 90 days, or month.', status_code=400)
    zone = ZoneInfo((await sla.working_calendar()).timezone)
    since, until, step = window(period, clock.now(), zone)  # the days /measures and /gaps show for `period`
    try:
        text = await table(viewer, since, until, step)
    except errors.Forbidden as e:
        return PlainTextResponse(str(e), status_code=403)
    except errors.Invalid as e:
        return PlainTextResponse(str(e), status_code=400)
    first, last = local_days(since, until, zone)
    name = f'tapdesk-{what}-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv'  # `what` is one of ours once the domain took it
    return Response(text, media_type='text/csv; charset=utf-8', headers=_download(name))


def _download(name: str) -> dict[str, str]:
    return {'Content-Disposition': f'attachment; filename="{name}"', 'Cache-Control': 'private, no-store'}
