"""Tickets out of Tapdesk: one CSV row per ticket reported in a period, with its computed measures, for a
manager's spreadsheet.

Rows are read in batches by id (keyset pagination), so a year of tickets streams out without ever being held in
memory. A cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) is
written with a leading apostrophe: a requester's title is text, never a formula on a manager's computer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime

from .catalog import Priority
from .errors import Invalid, require
from .ratings import SCALE, Rating
from .records import Ticket, status_words
from .users import User

BATCH = 2000
HEADER = [
    'number', 'title', 'service', 'requester group', 'technician', 'priority', 'status', 'received (UTC)',
    'first answer (UTC)', 'fixed (UTC)', 'hours to first answer', 'hours to fix', 'needed by (UTC)',
    'needed sooner than the target', 'times reopened', 'rating', 'rating words', 'rating comment',
]  # fmt: skip
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


async def csv_lines(actor: User, since: datetime, until: datetime) -> AsyncIterator[str]:
    """The CSV text, a batch of lines at a time (the header first)."""
    require(actor.is_manager, 'Only managers can export tickets.')
    if since >= until:
        raise Invalid('The period has to end after it starts.', field='until')
    yield _line(HEADER)
    after = 0
    while True:
        batch = await (
            Ticket.filter(created_at__gte=since, created_at__lt=until, id__gt=after)
            .order_by('id')
            .limit(BATCH)
            .select_related('service', 'assignee', 'requester__category')
        )
        if not batch:
            return
        rated = {r.ticket_id: r for r in await Rating.filter(ticket_id__in=[t.id for t in batch])}
        out = io.StringIO()
        writer = csv.writer(out, lineterminator='\r\n')
        for t in batch:
            writer.writerow([safe_cell(cell) for cell in _row(t, rated.get(t.id), actor)])
        yield out.getvalue()
        after = batch[-1].id


def _row(t: Ticket, rating: Rating | None, reader: User) -> list[object]:
    category = t.requester.category.name if t.requester.category else ''
    return [
        t.number, t.title, t.service.name, category, t.assignee.name if t.assignee else '',
        Priority(t.priority).words, status_words(t, viewer=reader), _at(t.created_at), _at(t.first_response_at),
        _at(t.resolved_at), _hours(t.created_at, t.first_response_at), _hours(t.created_at, t.resolved_at),
        _at(t.needed_by), 'yes' if t.needs_sooner else 'no', t.reopen_count,
        rating.score if rating else '', SCALE[rating.score] if rating else '', rating.comment if rating else '',
    ]  # fmt: skip


def _at(moment: datetime | None) -> str:
    return moment.strftime('%Y-%m-%d %H:%M') if moment else ''


def _hours(start: datetime, end: datetime | None) -> str:
    return f'{(end - start).total_seconds() / 3600:.2f}' if end else ''


def safe_cell(cell: object) -> object:
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator='\r\n').writerow(cells)
    return out.getvalue()
