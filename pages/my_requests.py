"""A requester's own requests, live: those waiting for them to pick a visit time first, then newest activity first.
A visit time is picked and a fixed request rated right in the list."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from models import errors, events, tickets
from models.tickets import Ticket
from models.users import User

from .components import LiveList, RowFacts, requester_facts
from .layout import frame, live, signed_in


@ui.page('/requests')
@signed_in()
async def my_requests(request: Request, viewer: User) -> None:

    async def load_one(ticket_id: int) -> Ticket | None:
        try:
            return await tickets.get_for(viewer, ticket_id)
        except errors.NotFound:
            return None

    with frame('My requests', viewer):
        ui.button('Report an issue', icon='add', on_click=lambda: ui.navigate.to('/new')).props(
            'unelevated no-caps size=lg'
        ).classes('full-width').mark('report')
        requests = LiveList(
            viewer,
            load_one,
            first_what_needs_me,
            facts=requester_facts(
                viewer
            ),  # a rating or pick made elsewhere shows here too (its event reaches this list)
            empty_text='No requests yet. Tap "Report an issue" when something is wrong.',
        )
        await requests.show(await tickets.my_requests(viewer))
    live(events.user_list(viewer.id), lambda e: requests.changed(e.ticket_id))
    return None


def first_what_needs_me(ticket: Ticket, facts: RowFacts) -> tuple:
    """Requests with visit times to pick come first; then the newest activity."""
    return (not facts.needs_a_pick, -ticket.updated_at.timestamp(), -ticket.id)
