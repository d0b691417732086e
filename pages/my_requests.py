"""A requester's own requests, live: what needs them first (a visit time, a question, a fix to rate), then the open
ones, then the closed. A visit time is picked and a fixed request rated right in the list."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

import pwa
from models import errors, events, ratings, tickets
from models.tickets import Status, Ticket
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
        requests = LiveList(
            viewer,
            load_one,
            first_what_needs_me,
            facts=requester_facts(
                viewer
            ),  # a rating or pick made elsewhere shows here too (its event reaches this list)
            empty_text='No requests yet. Tap "New request" below when something is wrong.',
        )
        await requests.show(await tickets.my_requests(viewer))
    ui.add_body_html(pwa.preview(requests.first_rows()))  # readable on a slow phone before the script has run
    live(events.user_list(viewer.id), lambda e: requests.changed(e.ticket_id))
    return None


def first_what_needs_me(ticket: Ticket, facts: RowFacts) -> tuple:
    """What needs the requester first (a visit time to pick, a question to answer, a fix to rate), then the
    open requests, then the closed ones; newest activity first within each."""
    unrated_fix = ticket.status == Status.RESOLVED and ratings.of_current_fix(ticket, facts.rating) is None
    needs_me = facts.needs_a_pick or ticket.status == Status.WAITING or unrated_fix
    return (not needs_me, not ticket.is_open, -ticket.updated_at.timestamp(), -ticket.id)
