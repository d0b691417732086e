"""The technicians' queue: unassigned, mine, all open; filters and search; live. Overdue and at-risk
tickets come first, then priority, then age."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

import pwa
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
        chosen = sum(1 for key in ('service_id', 'priority') if filters[key])
        count.set_text(str(chosen))
        count.visible = bool(chosen)
        unfold.props(f'aria-label="Filters, {chosen} chosen"' if chosen else 'aria-label=Filters')
        await reload()

    def fold(open_: bool) -> None:
        panel.set_visibility(open_)
        unfold.props(f'aria-expanded={str(open_).lower()}')

    ui.add_css(CSS)
    with frame('Queue', viewer):
        ui.toggle(
            {v: label for v, label in VIEWS.items()},
            value=filters['view'],
            on_change=lambda e: set_filter('view', e.value),
        ).props('spread no-caps unelevated').classes('full-width').mark('view')
        # Search stays in sight; the rarer filters fold into one button, so a phone shows the tickets.
        with ui.row().classes('full-width no-wrap items-center td-queue-tools'):
            ui.input(placeholder='Number or words', on_change=lambda e: set_filter('search', e.value or '')).props(
                'outlined dense clearable debounce=300 aria-label="Search the queue"'
            ).classes('col').mark('search').add_slot('prepend', '<q-icon name="search" />')
            with (
                ui.button('Filters', icon='tune', on_click=lambda: fold(not panel.visible))
                .props('outline no-caps aria-expanded=false aria-label=Filters')
                .mark('filters') as unfold
            ):
                count = ui.badge('0').props('floating').classes('td-filter-count').mark('filter-count')
                count.visible = False
        with ui.row().classes('full-width no-wrap q-gutter-x-sm') as panel:
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
        panel.visible = False
        with ui.element('div').classes('full-width td-queue-rows'):
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
    ui.add_body_html(pwa.preview(items.first_rows()))  # readable on a slow phone before the script has run
    live(events.QUEUE, lambda e: items.changed(e.ticket_id, e))
    return None


# Denser rows than elsewhere: a phone shows six or more tickets under the view and the search (a title and its
# facts in two lines each, the status in three at most).
CSS = """
.td-queue-tools { gap: 8px; }
.td-queue-tools .q-btn { min-height: 40px; padding: 4px 12px; }
.td-filter-count { font-size: 0.75rem; }
.td-queue-rows .td-row { padding: 5px 4px; min-height: 0; }
.td-queue-rows .td-row-title { font-size: 0.95rem; line-height: 1.25; }
.td-queue-rows .td-row-meta { font-size: 0.8rem; line-height: 1.25; }
.td-queue-rows .td-row-meta, .td-queue-rows .td-row-side .td-chip {
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden;
}
.td-queue-rows .td-row-side .td-chip { -webkit-line-clamp: 3; }  /* "Visit planned Mon 30 Nov, 09:00–11:00" */
"""
EMPTY = {
    QueueView.UNASSIGNED: 'Nothing waiting here. Nice work.',
    QueueView.MINE: 'Nothing assigned to you right now.',
    QueueView.OPEN: 'No open tickets.',
}


def queue_order(ticket: Ticket, facts: RowFacts) -> tuple:
    return queue.order(ticket, facts.due)
