"""/measures/tickets: the tickets behind one figure of the managers' screens (models/measure_tickets.py), newest
first, each opening its ticket; a rated one shows its score and the requester's words.

The address says which figure: `what` (received, fixed, poor, …), `since` and `until` (days, YYYY-MM-DD, the
end not included), and optionally `service`, `category`, `technician`, `score`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi import Request
from nicegui import ui

from models import clock, errors, ids, measure_tickets, when
from models.ratings import SCALE
from models.users import User

from .components import TicketRow
from .layout import MANAGERS, frame, signed_in


@ui.page('/measures/tickets')
@signed_in(roles=MANAGERS, refusal='Only managers can see the measures.', title='Measures')
async def behind_a_figure(
    request: Request,
    viewer: User,
    what: str = 'received',
    since: str = '',
    until: str = '',
    service: str = '',
    category: str = '',
    technician: str = '',
    score: str = '',
) -> None:
    with frame('Behind the figure', viewer, back='/measures'):
        try:
            start, end = _days(since, until)
            found = await measure_tickets.behind(
                viewer, what, since=start, until=end, service_id=ids.parse(service) if service else None,
                category_id=ids.parse(category) if category else None,
                technician_id=ids.parse(technician) if technician else None,
                score=int(score) if score.isdecimal() else None,
            )  # fmt: skip
        except errors.DomainError as e:
            ui.label(str(e)).classes('text-body1').mark('refused')
            return None
        words = measure_tickets.WORDS[found.figure]
        if found.figure == measure_tickets.Figure.RATED and score.isdecimal() and int(score) in SCALE:
            words = f'Rated {SCALE[int(score)]}'
        ui.label(words).classes('text-h6').mark('figure')
        shown = f' (the newest {len(found.tickets)})' if found.total > len(found.tickets) else ''
        ui.label(f'{when.dates(start, end - timedelta(days=1))} · {_tickets(found.total)}{shown}').classes(
            'text-body2 text-grey-8'
        ).mark('count')
        if not found.tickets:
            ui.label('No tickets behind this figure.').classes('text-body1 q-mt-md').mark('none')
        with ui.list().classes('full-width td-list').mark('behind'):
            for ticket in found.tickets:
                TicketRow(ticket, viewer)
                rating = found.ratings.get(ticket.id)
                if rating is not None:
                    said = f'Rated {rating.words}' + (f': “{rating.comment}”' if rating.comment else '')
                    ui.label(said).classes('text-body2 q-px-md q-pb-sm td-break').mark(f'said-{ticket.id}')
    return None


def _days(since: str, until: str) -> tuple[datetime, datetime]:
    """[since, until) from two days (UTC midnights) or two moments (as the measures screen links them, at the
    organisation's local midnights); the last 30 days when not given; a clear refusal otherwise."""
    today = clock.now().astimezone(UTC).date()
    try:
        start = _moment(since) if since else _midnight(today - timedelta(days=29))
        end = _moment(until) if until else _midnight(today + timedelta(days=1))
    except ValueError:
        raise errors.Invalid('The days in the address are not dates (YYYY-MM-DD).', field='since') from None
    return start, end


def _moment(text: str) -> datetime:
    if 'T' not in text:
        return _midnight(date.fromisoformat(text))
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError('no time zone')
    return moment


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def _tickets(n: int) -> str:
    return f'{n} ticket' if n == 1 else f'{n} tickets'
