"""Pieces shared by screens: a ticket row that updates in place, a list that stays live, the rating faces
and the service-level marker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nicegui import events, ui

import pwa
from models import clock, errors, expectations, photos, ratings, settings, sla, tickets, visits
from models.ratings import Rating
from models.sla import SlaState
from models.tickets import Status, Ticket
from models.users import User
from models.visits import VisitWindow, Windows

from .layout import STATUS_COLOURS, field_error, shared_read, when
from .visit_panel import visit_words, window_choice

FACES = {
    1: 'sentiment_very_dissatisfied',
    2: 'sentiment_dissatisfied',
    3: 'sentiment_neutral',
    4: 'sentiment_satisfied',
    5: 'sentiment_very_satisfied',
}
# The marker of an open ticket's service level, in plain words, and its colour.
MARKERS = {
    SlaState.ON_TRACK: ('On track', 'green-8'),
    SlaState.AT_RISK: ('At risk', 'orange-9'),
    SlaState.BREACHED: ('Overdue', 'red-8'),
}


@dataclass(frozen=True)
class RowFacts:
    """What a row shows besides the ticket itself, read for the whole list at once."""

    due: sla.Due | None = None
    rating: Rating | None = None
    visit: Windows | None = None  # a requester's own row: times to pick, or the chosen one

    @property
    def needs_a_pick(self) -> bool:
        return bool(self.visit and self.visit.offered)


NO_FACTS = RowFacts()
FactsReader = Callable[[list[Ticket]], Awaitable[dict[int, RowFacts]]]


# Quasar refuses a file at selection (too big, or not an image for `accept`) and never sends it: tell the server
# which and how big, so the person reads why (else the photo just vanishes and the form goes without it).
_REJECTED_JS = (
    '(rejected) => emit(rejected.map((r) => ({name: r.file.name, size: r.file.size, why: r.failedPropValidation})))'
)


def photo_picker(
    on_photo: Callable[[photos.PhotoIn], Any], on_refused: Callable[[errors.Invalid], Any], *, label: str = ''
) -> ui.upload:
    """Picking photos, the same in every form. The browser refuses a file over the limit before sending it and the
    server checks size and content again; either way `on_refused` gets the same words (models/photos.py), and
    nothing else on the form changes."""

    async def received(e: events.UploadEventArguments) -> None:
        photo = photos.PhotoIn(await e.file.read(), e.file.name)
        try:
            photos.check(photo)
        except errors.Invalid as refusal:
            on_refused(refusal)
            return
        e.sender.reset()  # type: ignore[attr-defined]  # what was picked is listed by the form itself
        on_photo(photo)

    def rejected(e: events.GenericEventArguments) -> None:
        for file in e.args if isinstance(e.args, list) else [{}]:
            on_refused(_refusal(file if isinstance(file, dict) else {}))

    limit = settings.settings.max_upload_bytes
    upload = ui.upload(label=label, multiple=True, auto_upload=True, max_file_size=limit, on_upload=received)
    upload.props('accept=image/*').on('rejected', rejected, js_handler=_REJECTED_JS)
    return upload


def _refusal(file: dict) -> errors.Invalid:
    """Why the browser refused a file, in the words the server would use."""
    size = file.get('size')
    if file.get('why') == 'accept':
        return photos.not_a_photo(str(file.get('name') or 'photo'))
    return photos.too_big(size if isinstance(size, int) else None)


def face_scale(on_pick: Callable[[int], Any], *, chosen: int | None = None, marker: str = 'face') -> ui.row:
    """Five big faces, the plain word under each; one tap calls `on_pick(score)`."""
    with ui.row().classes('td-faces no-wrap full-width') as row:
        row.props['role'] = 'group'
        row.props['aria-label'] = 'How did we do?'
        for score, word in ratings.SCALE.items():
            face = ui.button(word, icon=FACES[score], color=None, on_click=lambda s=score: on_pick(s))
            face.props('flat stack no-caps').classes(f'td-face td-face-{score}').mark(f'{marker}-{score}')
            face.props['aria-label'] = f'{word} ({score} of 5)'
            face.props['aria-pressed'] = 'true' if score == chosen else 'false'
            if score == chosen:
                face.classes('td-face-chosen')
    return row


def rating_words(rating: Rating, caption: str) -> ui.row:
    """A rating as read back: its face, its word and a caption (the comment is a label of its own: user text)."""
    with ui.row().classes('td-rated items-center no-wrap') as row:
        ui.icon(FACES[rating.score]).classes(f'td-rated-face td-face-{rating.score}')
        with ui.column().classes('td-rated-text'):
            ui.label(rating.words).classes('text-h6').mark('rating-words')
            ui.label(caption).classes('text-caption text-grey-8')
    return row


def marker_chip(due: sla.Due | None, ticket: Ticket) -> ui.label | None:
    """ "On track" / "At risk" / "Overdue" for an open ticket with a service-level target; nothing otherwise."""
    if due is None or due.state is None or not ticket.is_open:
        return None
    words, colour = MARKERS[due.state]
    return ui.label(words).classes(f'td-chip td-marker bg-{colour} text-white').mark('service-level')


def service_level_facts(viewer: User) -> FactsReader:
    """Due times and markers for a whole list (staff only, the domain decides): one read, not one per row."""

    async def read(ticket_list: list[Ticket]) -> dict[int, RowFacts]:
        levels = await sla.levels_for(viewer, ticket_list, clock.now())
        return {ticket_id: RowFacts(due=due) for ticket_id, due in levels.items()}

    return read


def requester_facts(viewer: User) -> FactsReader:
    """A requester's rows: the rating of each fix, and visit times to pick or the chosen one."""

    async def read(ticket_list: list[Ticket]) -> dict[int, RowFacts]:
        ids = [t.id for t in ticket_list]
        rated = await ratings.ratings_of(viewer, ids)
        planned = await visits.of_my_requests(viewer, ids)
        return {i: RowFacts(rating=rated.get(i), visit=planned.get(i)) for i in {*rated, *planned}}

    return read


class TicketRow:
    """One tappable row: number and title, status in plain words, service and last activity; for staff
    the service-level marker; for the requester of a fixed ticket, the faces to rate it right there.

    Updates change the existing labels (no rebuild), so a live list costs a few bytes per change. The
    faces sit outside the row's link, so a tap on them rates and does not open the ticket.
    """

    def __init__(self, ticket: Ticket, viewer: User, *, facts: RowFacts = NO_FACTS) -> None:
        self.viewer = viewer
        self.staff_view = tickets.audience(viewer) == tickets.Audience.STAFF  # requester names, priority, markers
        self.ticket = ticket
        self.facts = facts
        self.client = ui.context.client  # a refusal is told through the page, not the row a live update may redraw
        self.element = ui.element('div').classes('td-row-wrap').props('role=listitem')  # the faces are in the item
        with self.element:
            self.item = (
                ui.item()
                .props(f'clickable tag=a href=/t/{ticket.id} role=link')  # inside the listitem: a link, as <a>
                .classes('td-row' if self.staff_view else 'td-row td-row-mine')
                .mark(f'ticket-{ticket.id}')
            )
            with self.item:
                with ui.item_section():
                    self.title = ui.label().classes('td-row-title ellipsis-2-lines')
                    self.meta = ui.label().classes('td-row-meta')
                with ui.item_section().props('side top').classes('td-row-side'):
                    self.chip = ui.label().classes('td-chip text-white')
                    self.marker = ui.label().classes('td-chip td-marker text-white').mark(f'marker-{ticket.id}')
                    self.need = ui.label().classes('td-chip td-need-flag').mark(f'need-{ticket.id}')
            if not self.staff_view:  # only a requester's own rows can be rated
                self.visit_area = ui.element('div').classes('td-row-visit td-visit').mark(f'row-visit-{ticket.id}')
                self.visit_area.visible = False
                self.rating_area = ui.element('div').classes('td-row-rating').mark(f'row-rating-{ticket.id}')
                self.rating_area.visible = False
        self.marker.visible = False
        self.need.visible = False
        self._rating_key: tuple | None = None
        self._visit_key: tuple | None = None
        self.update(ticket, facts)

    def update(self, ticket: Ticket, facts: RowFacts | None = None) -> None:
        old = self.ticket.status
        self.ticket = ticket
        self.title.set_text(f'{ticket.number} {ticket.title}')
        who = f'{ticket.requester.name} · ' if self.staff_view else ''
        if self.staff_view and ticket.assignee_id and ticket.assignee:  # "All open": who has each ticket
            who += f'with {ticket.assignee.first_name} · '
        priority = f' · {ticket.priority.words}' if self.staff_view else ''
        self.meta.set_text(f'{who}{ticket.service.name}{priority} · {when(ticket.updated_at, self.viewer)}')
        self.chip.set_text(tickets.status_words(ticket, viewer=self.viewer))
        self.chip.classes(remove=f'bg-{STATUS_COLOURS[old]}', add=f'bg-{STATUS_COLOURS[ticket.status]}')
        self.set_facts(facts or self.facts)

    def preview(self) -> pwa.PreviewRow:
        chip = self.chip.text, f'bg-{STATUS_COLOURS[self.ticket.status]}'
        state = self._marker_state(self.facts.due)
        marker = (MARKERS[state][0], f'bg-{MARKERS[state][1]}') if state is not None else None
        href = f'/t/{self.ticket.id}'
        return pwa.PreviewRow(href, self.title.text, self.meta.text, chip, marker, mine=not self.staff_view)

    def set_facts(self, facts: RowFacts) -> None:
        self.facts = facts
        if self.staff_view:
            self._show_marker(facts.due)
            self._show_need()
        else:
            self._show_visit(facts.visit if self.ticket.is_open else None)
            rating = ratings.of_current_fix(self.ticket, facts.rating)
            self._show_rating(rating)
            if rating is not None and self.ticket.status == Status.RESOLVED:  # rated: the chip stops asking
                self.chip.set_text('Fixed')

    def _marker_state(self, due: sla.Due | None) -> SlaState | None:
        return due.state if due is not None and self.ticket.is_open else None

    def _show_marker(self, due: sla.Due | None) -> None:
        state = self._marker_state(due)
        self.marker.visible = state is not None
        if state is not None:
            words, colour = MARKERS[state]
            self.marker.set_text(words)
            self.marker.classes(remove=' '.join(f'bg-{c}' for _, c in MARKERS.values()), add=f'bg-{colour}')

    def _show_need(self) -> None:
        """Staff: the requester needs it sooner than the target ("Needed today by 17:00")."""
        t = self.ticket
        flagged = t.needs_sooner and t.is_open and t.needed_by is not None
        self.need.visible = flagged
        if flagged and t.needed_by is not None:
            self.need.set_text(expectations.need_words(t.needed_by, self.viewer.timezone, clock.now()))

    def _show_rating(self, rating: Rating | None) -> None:
        """The faces while a fixed ticket waits for its rating, then "You rated: Great"; rebuilt only on change."""
        ask = rating is None and self.ticket.status == Status.RESOLVED
        key = (ask, rating.score if rating else None)
        if key == self._rating_key:
            return
        self._rating_key = key
        self.rating_area.clear()
        self.rating_area.visible = ask or rating is not None
        with self.rating_area:
            if rating is not None:
                ui.label(f'You rated: {rating.words}').classes(
                    f'td-row-rated td-rated-{"good" if rating.score >= 4 else "poor" if rating.score <= 2 else "ok"}'
                ).mark(f'rated-{self.ticket.id}')
            elif ask:
                face_scale(self.rate, marker=f'row-face-{self.ticket.id}')
                self.rating_error = ui.label().classes('text-negative text-body2')

    def _show_visit(self, planned: Windows | None) -> None:
        """The offered times as buttons (one tap picks), or the chosen visit in words; rebuilt only on change."""
        offered = planned.offered if planned else ()
        chosen = planned.chosen if planned and not offered else None
        key = (tuple(w.id for w in offered), chosen.id if chosen else None)
        if key == self._visit_key:
            return
        self._visit_key = key
        self.visit_area.clear()
        self.visit_area.visible = bool(offered or chosen)
        with self.visit_area:
            if offered:
                tid, client = self.ticket.id, self.client
                window_choice(self.viewer, tid, offered, client=client, on_chosen=self.chosen, heading='td-row-ask')
            elif chosen is not None:
                words = visit_words(chosen, chosen.technician.first_name, self.viewer)
                ui.label(words).classes('td-row-planned').mark(f'visit-{self.ticket.id}')

    def chosen(self, window: VisitWindow) -> None:
        """Picked here: shown at once (the live update that follows finds nothing new)."""
        self.set_facts(RowFacts(rating=self.facts.rating, visit=Windows(chosen=window)))

    async def rate(self, score: int) -> None:
        try:
            rating = await ratings.rate(self.ticket.id, score, actor=self.viewer)
        except errors.DomainError as e:
            field_error({'score': self.rating_error}, e, client=self.client)
            return
        self.set_facts(RowFacts(rating=rating))


class LiveList:
    """A list of TicketRows kept in order; `changed(id)` re-reads one ticket and moves only its row.

    `facts` reads what rows show besides the ticket (ratings, service levels) for many tickets at once;
    the sort key sees them too, so a queue can put at-risk tickets first. `facts_shared`: they do not
    depend on the viewer (service levels), so one change costs one read for every open list.
    """

    def __init__(
        self,
        viewer: User,
        load_one: Callable[[int], Awaitable[Ticket | None]],
        sort_key: Callable[[Ticket, RowFacts], tuple],
        *,
        facts: FactsReader | None = None,
        facts_shared: bool = False,
        empty_text: str = 'Nothing here.',
    ) -> None:
        self.viewer = viewer
        self.load_one = load_one
        self.sort_key = sort_key
        self.facts = facts
        self.facts_shared = facts_shared
        self.rows: dict[int, TicketRow] = {}
        self.empty = ui.label(empty_text).classes('text-grey-7 q-pa-md').mark('empty')
        self.container = ui.list().classes('full-width td-list')

    async def show(self, items: list[Ticket], facts: dict[int, RowFacts] | None = None) -> None:
        """Show these rows (`facts`: already read for them, or None to read them now)."""
        found = facts if facts is not None else await self._read_facts(items)
        self.container.clear()
        self.rows.clear()
        with self.container:
            for ticket in sorted(items, key=lambda t: self.sort_key(t, found.get(t.id, NO_FACTS))):
                self.rows[ticket.id] = self._row(ticket, found.get(ticket.id, NO_FACTS))
        self.empty.visible = not self.rows

    def first_rows(self, limit: int = 12) -> list[pwa.PreviewRow]:
        """The first rows as they read now, for the page's HTML (`pwa.preview`): a slow phone shows them before
        its script has run."""
        rows = [self.rows[i] for i in self.order()[:limit]]
        return [row.preview() for row in rows]

    def order(self) -> list[int]:
        return sorted(self.rows, key=lambda i: self.sort_key(self.rows[i].ticket, self.rows[i].facts))

    async def changed(self, ticket_id: int, event: object | None = None) -> None:
        ticket = await self.load_one(ticket_id)
        row = self.rows.get(ticket_id)
        if ticket is None:
            if row is not None:
                self.container.remove(row.element)
                del self.rows[ticket_id]
        else:
            facts = (await self._facts_of(ticket, event)).get(ticket_id, NO_FACTS)
            if ticket_id not in self.rows:  # the row may have come meanwhile (two quick changes)
                with self.container:
                    self.rows[ticket_id] = self._row(ticket, facts)
            else:
                self.rows[ticket_id].update(ticket, facts)
            self._place(ticket_id)
        self.empty.visible = not self.rows

    async def refresh_facts(self) -> None:
        """Time passes: re-read every row's facts in one go (a ticket becomes at risk without any change)."""
        if not self.facts or not self.rows:
            return
        found = await self.facts([row.ticket for row in self.rows.values()])
        for ticket_id, row in list(self.rows.items()):
            row.set_facts(found.get(ticket_id, NO_FACTS))
        for ticket_id in self.order():
            self._place(ticket_id)  # in the new order: each move leaves the rows before it in place

    def _row(self, ticket: Ticket, facts: RowFacts) -> TicketRow:
        return TicketRow(ticket, self.viewer, facts=facts)

    async def _facts_of(self, ticket: Ticket, event: object | None) -> dict[int, RowFacts]:
        if event is None or not self.facts_shared:
            return await self._read_facts([ticket])
        readers = tickets.audience(self.viewer)
        return await shared_read(event, ('row-facts', readers, ticket.id), lambda: self._read_facts([ticket]))

    async def _read_facts(self, items: list[Ticket]) -> dict[int, RowFacts]:
        return await self.facts(items) if self.facts and items else {}

    def _place(self, ticket_id: int) -> None:
        index = self.order().index(ticket_id)
        row = self.rows[ticket_id]
        if self.container.default_slot.children.index(row.element) != index:
            row.element.move(self.container, target_index=index)
