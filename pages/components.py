"""Pieces shared by screens: a ticket row that updates in place, and a list that stays live."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import events, ui

from models import errors, photos, tickets
from models.tickets import Ticket
from models.users import User

from .layout import STATUS_COLOURS, field_error, when


async def received_photo(e: events.UploadEventArguments, inputs: dict[str, ui.element]) -> photos.PhotoIn | None:
    """Read and check one uploaded photo; a refusal is shown next to the photo field."""
    photo = photos.PhotoIn(await e.file.read(), e.file.name)
    try:
        photos.check(photo)
    except errors.Invalid as error:
        field_error(inputs, error)
        return None
    e.sender.reset()  # type: ignore[attr-defined]  # what was picked is listed by the form itself
    return photo


class TicketRow:
    """One tappable row: number and title, status in plain words, service and last activity.

    Updates change the existing labels (no rebuild), so a live list costs a few bytes per change.
    """

    def __init__(self, ticket: Ticket, viewer: User, *, staff_view: bool = False) -> None:
        self.viewer = viewer
        self.staff_view = staff_view
        self.ticket = ticket
        self.item = (
            ui.item().props(f'clickable tag=a href=/t/{ticket.id}').classes('td-row').mark(f'ticket-{ticket.id}')
        )
        with self.item:
            with ui.item_section():
                self.title = ui.label().classes('td-row-title ellipsis-2-lines')
                self.meta = ui.label().classes('td-row-meta')
            with ui.item_section().props('side top'):
                self.chip = ui.label().classes('td-chip text-white')
        self.update(ticket)

    def update(self, ticket: Ticket) -> None:
        old = self.ticket.status
        self.ticket = ticket
        self.title.set_text(f'{ticket.number} {ticket.title}')
        who = f'{ticket.requester.name} · ' if self.staff_view else ''
        priority = f' · {ticket.priority.words}' if self.staff_view else ''
        self.meta.set_text(f'{who}{ticket.service.name}{priority} · {when(ticket.updated_at, self.viewer)}')
        self.chip.set_text(tickets.status_words(ticket, viewer=self.viewer))
        self.chip.classes(remove=f'bg-{STATUS_COLOURS[old]}', add=f'bg-{STATUS_COLOURS[ticket.status]}')


class LiveList:
    """A list of TicketRows kept in order; `changed(id)` re-reads one ticket and moves only its row."""

    def __init__(
        self,
        viewer: User,
        load_one: Callable[[int], Awaitable[Ticket | None]],
        sort_key: Callable[[Ticket], tuple],
        *,
        staff_view: bool = False,
        empty_text: str = 'Nothing here.',
    ) -> None:
        self.viewer = viewer
        self.load_one = load_one
        self.sort_key = sort_key
        self.staff_view = staff_view
        self.rows: dict[int, TicketRow] = {}
        self.empty = ui.label(empty_text).classes('text-grey-7 q-pa-md').mark('empty')
        self.container = ui.list().props('separator').classes('full-width td-list')

    def show(self, items: list[Ticket]) -> None:
        self.container.clear()
        self.rows.clear()
        with self.container:
            for ticket in items:
                self.rows[ticket.id] = TicketRow(ticket, self.viewer, staff_view=self.staff_view)
        self.empty.visible = not self.rows

    async def changed(self, ticket_id: int) -> None:
        ticket = await self.load_one(ticket_id)
        row = self.rows.get(ticket_id)
        if ticket is None:
            if row is not None:
                self.container.remove(row.item)
                del self.rows[ticket_id]
        elif row is None:
            with self.container:
                self.rows[ticket_id] = TicketRow(ticket, self.viewer, staff_view=self.staff_view)
            self._place(ticket_id)
        else:
            row.update(ticket)
            self._place(ticket_id)
        self.empty.visible = not self.rows

    def _place(self, ticket_id: int) -> None:
        order = sorted(self.rows, key=lambda i: self.sort_key(self.rows[i].ticket))
        index = order.index(ticket_id)
        row = self.rows[ticket_id]
        if self.container.default_slot.children.index(row.item) != index:
            row.item.move(self.container, target_index=index)
