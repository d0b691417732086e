"""The technicians' queue: unassigned, mine, all open; filters and search; live. Overdue and at-risk
tickets come first, then priority, then age."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from models import catalog, clock, events, queue, tickets
from models.catalog import Priority
from models.tickets import QueueView, Ticket
from models.users import User

from .components import LiveList, RowFacts, service_level_facts
from .layout import STAFF, frame, live, signed_in

MARKER_REFRESH_SECONDS = 60  # a ticket turns at risk or overdue as time passes, without any change
VIEWS = {QueueView.UNASSIGNED: 'Unassigned', QueueView.MINE: 'Mine', QueueView.OPEN: 'All open'}


@ui.page('/queue')
@signed_in(roles=STAFF, otherwise='/requests')
async def queue_page(request: Request, viewer: User, view: str = 'unassigned') -> None:
    services = await catalog.all_services(actor=viewer)
    filters: dict = {
        'view': QueueView(view) if view in VIEWS else QueueView.UNASSIGNED,
        'service_id': None,
        'priority': None,
        'search': '',
    }

    async def load_one(ticket_id: int) -> Ticket | None:
        return await tickets.queue_item(viewer, ticket_id, **filters)

    async def reload() -> None:
        searching = filters['search'] or filters['service_id'] or filters['priority']
        items.empty.set_text('No tickets match this search.' if searching else EMPTY[filters['view']])
        found, levels = await queue.first_rows(viewer, now=clock.now(), **filters)  # late ones first
        await items.show(found, {ticket_id: RowFacts(due=due) for ticket_id, due in levels.items()})

    async def set_filter(name: str, value: object) -> None:
        filters[name] = value
        await reload()

    with frame('Queue', viewer):
        ui.toggle(
            {v: label for v, label in VIEWS.items()},
            value=filters['view'],
            on_change=lambda e: set_filter('view', e.value),
        ).props('spread no-caps unelevated').classes('full-width').mark('view')
        ui.input(
            placeholder='Search by number or words', on_change=lambda e: set_filter('search', e.value or '')
        ).props('outlined dense clearable debounce=300').classes('full-width').mark('search').add_slot(
            'prepend', '<q-icon name="search" />'
        )
        with ui.row().classes('full-width no-wrap q-gutter-x-sm'):
            ui.select(
                {0: 'All services', **{s.id: s.name for s in services}},
                value=0,
                on_change=lambda e: set_filter('service_id', e.value or None),
            ).props('outlined dense options-dense').classes('col').mark('service-filter')
            ui.select(
                {0: 'Any priority', **{p.value: p.words for p in Priority}},
                value=0,
                on_change=lambda e: set_filter('priority', Priority(e.value) if e.value else None),
            ).props('outlined dense options-dense').classes('col').mark('priority-filter')
        items = LiveList(
            viewer,
            load_one,
            queue_order,
            facts=service_level_facts(viewer),
            facts_shared=True,
            empty_text='Nothing waiting here. Nice work.',
        )
        await reload()
        ui.timer(MARKER_REFRESH_SECONDS, items.refresh_facts, immediate=False)
    live(events.QUEUE, lambda e: items.changed(e.ticket_id, e))
    return None


EMPTY = {
    QueueView.UNASSIGNED: 'Nothing waiting here. Nice work.',
    QueueView.MINE: 'Nothing assigned to you right now.',
    QueueView.OPEN: 'No open tickets.',
}


def queue_order(ticket: Ticket, facts: RowFacts) -> tuple:
    return queue.order(ticket, facts.due)
