"""The technicians' queue: unassigned, mine, all open; filters and search; live."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from models import catalog, events, tickets
from models.catalog import Priority
from models.tickets import QueueView, Ticket

from .components import LiveList
from .layout import current_user, frame, live, to_login

VIEWS = {QueueView.UNASSIGNED: 'Unassigned', QueueView.MINE: 'Mine', QueueView.OPEN: 'All open'}


@ui.page('/queue')
async def queue_page(request: Request, view: str = 'unassigned') -> RedirectResponse | None:
    viewer = await current_user(request)
    if viewer is None:
        return to_login(request)
    if not viewer.can_work_tickets:
        return RedirectResponse('/requests', status_code=303)
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
        items.show(await tickets.queue(viewer, **filters))

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
            lambda t: (-t.priority, t.created_at.timestamp(), t.id),
            staff_view=True,
            empty_text='Nothing waiting here. Nice work.',
        )
        await reload()
    live(events.QUEUE, lambda e: items.changed(e.ticket_id))
    return None
