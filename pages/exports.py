"""Downloads for managers: `/export/tickets.csv?days=N` (the tickets reported in the last N days, with their
measures; models/ticket_export.py), streamed as it is read."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, Response, StreamingResponse

from models import clock, db, ticket_export

from . import who

MAX_DAYS = 366


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
            headers={'Content-Disposition': f'attachment; filename="{name}"', 'Cache-Control': 'private, no-store'},
        )
