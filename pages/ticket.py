"""One request, shared live by everyone who has it open: what was reported (title, details, photos), service level
and the next step (staff; pages/ticket_actions.py), rating, the requester's actions, timeline, reply box."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import Request
from nicegui import ui

from models import (
    clock,
    deflections,
    errors,
    events,
    expectations,
    followups,
    photos,
    presence,
    ratings,
    sla,
    superusers,
    tickets,
)
from models.tickets import Attachment, EventKind, Status, Ticket, TicketEvent
from models.users import User
from models.when import date_words, time_of_day
from models.when import window as time_window

from . import article_links, drafts, offline_api
from .checklist import ChecklistCard
from .checklist import headline as checklist_headline
from .components import face_scale, marker_chip, photo_picker, rating_words
from .layout import (
    STATUS_COLOURS,
    clear_errors,
    dialog_buttons,
    field_error,
    frame,
    live,
    shared_read,
    signed_in,
    tell,
    when,
)
from .settings import push_prompt
from .ticket_actions import StaffActions
from .visit_panel import VisitPanel, visit_headline

SLA_REFRESH_SECONDS = 60  # how often an open page re-checks the service level as time passes
# Changes after which the visit card is read again (a window offered or chosen, on the way, arrived, left).
VISIT_KINDS = {'visit', 'status', 'assigned', 'resolved', 'reopened'}
# A long description shows its first lines and "Show all": the next step stays within a thumb's reach.
LONG_DETAILS, CLAMP_LINES = 320, 6
CLAMP = f'display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: {CLAMP_LINES}; overflow: hidden'
THUMB = 'width: 88px; height: 88px; margin-top: 0'  # the request's photos as thumbnails (a tap opens one)
# The element may arrive in the same update as this script: wait a few frames for it.
SCROLL_INTO_VIEW = """(function go(n) {
  const e = getHtmlElement(%d);
  if (e) e.scrollIntoView({block: 'center'}); else if (n > 0) setTimeout(() => go(n - 1), 50);
})(40)"""


@ui.page('/t/{ticket_id}', response_timeout=10)
@signed_in()
async def ticket_page(request: Request, viewer: User, ticket_id: str, sent: int = 0) -> None:
    try:
        ticket = await tickets.get_for(viewer, ticket_id)  # the address's text: models/ids.py checks it
    except errors.NotFound as e:
        with frame('Not found', viewer, back='/'):
            ui.label(str(e)).classes('text-body1')
        return None
    view = TicketView(viewer, ticket)
    # The header says what the page is, not only its number (the title itself leads the summary below).
    heading = f'Ticket {ticket.number}' if viewer.can_work_tickets else f'Request {ticket.number}'
    with frame(heading, viewer, back='/queue' if viewer.can_work_tickets else '/requests'):
        if sent:
            with ui.card().classes('td-sent full-width bg-green-1 text-green-10').mark('sent'):
                ui.label(f'Thanks! Your request {ticket.number} is in. Updates will show here.')
            await push_prompt(viewer)
        await view.load_facts()
        entries = await view.load_timeline()
        view.build()
        view.append(entries)
    view.go_live()
    return None


class TicketView:
    def __init__(self, viewer: User, ticket: Ticket) -> None:
        self.viewer = viewer
        self.ticket = ticket
        self.staff = tickets.audience(viewer) == tickets.Audience.STAFF
        self.last_event_id = 0
        self.client = ui.context.client
        self.due: sla.Due | None = None  # staff only: due times and the marker
        self.rating: ratings.Rating | None = None
        self.rating_until: datetime | None = None  # the rating can be changed until then
        self.comment_input: ui.input | None = None
        self.rating_error: ui.label | None = None
        self._draft: str | None = None  # a comment being typed survives the card's redraw
        self.visit = VisitPanel(viewer, ticket)
        self.checklist = ChecklistCard(viewer, ticket)
        self.read_first: list[str] = []  # staff: articles the requester read before filing
        self.asked: tuple[str, str] | None = None  # the staff's latest public reply: (who, what), the question
        self.answers: dict[int, tuple[ui.label, ui.button | None]] = {}  # colleagues' answers: shown, "This fixed it"
        self.report_photos: list[Attachment] = []  # the photos the requester sent with the request
        self.sent_id: int | None = None  # the reply just sent here: scrolled into view once it is on the timeline
        self.shown: dict[int, ui.element] = {}  # each timeline entry's element, by its id
        self.staff_actions = StaffActions(self)

    # ---- building ---------------------------------------------------------------------------------

    def build(self) -> None:
        """What the requester wrote comes first, for everyone. Then, for staff, the one next step (issue 13: a
        technician's phone shows the description and what to do next without scrolling); for the requester,
        what is asked of them (a question, a visit time, a rating) before their own buttons."""
        with ui.card().classes('full-width td-summary').mark('summary'):
            self.summary()
            self.service_level()
            self.presence_label = ui.label().classes('td-presence text-caption').mark('presence')
            self.presence_label.visible = False
        if self.staff:
            self.actions()
        self.question()
        self.visit.card()
        self.rating_card()
        if not self.staff:
            self.actions()
        self.checklist.card()
        if self.staff:
            offline_api.panel(self.viewer, self.ticket)  # shows instead of the actions and reply box while offline
        self.timeline = ui.column().classes('full-width td-timeline').mark('timeline')
        self.reply_box()

    @ui.refreshable_method
    def summary(self) -> None:
        t = self.ticket
        ui.label(t.title).classes('text-h6 td-break').style('line-height: 1.3').mark('title')
        with ui.row().classes('items-center').style('gap: 4px 8px'):  # wrapped, the service stays close
            ui.label(self._status_words()).classes(f'td-chip bg-{STATUS_COLOURS[t.status]} text-white').mark('status')
            ui.label(f'{t.service.name} · {t.priority.words} priority' if self.staff else t.service.name).classes(
                'text-caption'
            )
        self._description()
        facts = [
            f'From {t.requester.name}' if self.staff else '',
            f'Where: {t.location}' if t.location else '',
            _shared_place(t),
            f'With {t.assignee.name}' if t.assignee_id and t.assignee else 'Not assigned yet',
            f'Sent {when(t.created_at, self.viewer)}',
        ]
        if t.status == Status.RESOLVED and t.resolution:
            facts.append(f'Fix: {t.resolution}')
        ui.label(' · '.join(f for f in facts if f)).classes('text-body2 text-grey-8 td-break').mark('facts')
        if self.staff and t.needed_by is not None:
            need = expectations.need_words(t.needed_by, self.viewer.timezone, clock.now())
            sooner = ' · sooner than the target' if t.needs_sooner else ''
            ui.label(f'{need}{sooner}').classes(
                'td-chip td-need-flag' if t.needs_sooner else 'text-body2 text-weight-medium'
            ).mark('need')
        if self.staff and t.expected:
            ui.label(f'They read: “{t.expected}”').classes('text-body2 text-grey-8 td-break').mark('they-read')
        if self.read_first:
            ui.label('Read before asking: ' + ', '.join(f'“{title}”' for title in self.read_first)).classes(
                'text-body2 text-grey-8 td-break'
            ).mark('read-first')

    def _description(self) -> None:
        """The details and photos the requester sent (the timeline's first entry keeps only who and when). A long
        text shows its first lines and "Show all", so the next step stays in reach."""
        t = self.ticket
        if t.details:
            text = ui.label(t.details).classes('text-body1 td-break').mark('details')
            if len(t.details) > LONG_DETAILS or t.details.count('\n') >= CLAMP_LINES:
                text.style(CLAMP)
                ui.button('Show all', on_click=lambda e: (text.style(remove=CLAMP), e.sender.delete())).props(
                    'flat dense no-caps'
                ).classes('self-start').mark('show-all')
        if self.report_photos:
            with ui.row().classes('q-gutter-xs td-report-photos').mark('report-photos'):
                for att in self.report_photos:
                    with ui.link(target=f'/files/{att.id}/full', new_tab=True):
                        ui.image(f'/files/{att.id}/preview').classes('td-photo').props(
                            f'alt="{_alt(att.original_name)}" fit=cover ratio=1'
                        ).style(THUMB)

    def _status_words(self) -> str:
        """The status as the viewer reads it; once the requester rated this fix, it no longer asks how it went."""
        t = self.ticket
        if t.status == Status.RESOLVED and ratings.of_current_fix(t, self.rating) is not None:
            return 'Fixed'
        return tickets.status_words(t, viewer=self.viewer)

    @ui.refreshable_method
    def question(self) -> None:
        """The requester's request waits for their reply: the question comes first, not at the timeline's end."""
        t = self.ticket
        if self.staff or t.status != Status.WAITING or self.asked is None:
            return
        who, text = self.asked
        with ui.card().classes('full-width td-question').mark('question'):
            ui.label(f'{who} asks:').classes('text-subtitle2')
            ui.label(text).classes('text-body1 td-break').mark('asked')
            ui.button('Answer', icon='reply', on_click=self.to_reply).props('unelevated no-caps').mark('answer')

    def to_reply(self) -> None:
        self.reply_input.run_method('focus')
        self.client.run_javascript(f'getHtmlElement({self.reply_card.id}).scrollIntoView({{block: "center"}})')

    @ui.refreshable_method
    def actions(self) -> None:
        """Only the moves the status rules allow right now: for staff the next step and "More"
        (pages/ticket_actions.py), for the requester confirming or reopening a fix."""
        t = self.ticket
        wrap = 'no-wrap' if self.staff else ''  # a next step and "More" share one row; a requester's two stack
        with ui.row().classes(f'full-width {wrap} q-gutter-sm td-actions').mark('actions') as row:
            # What the offline panel (static/js/offline-queue.js) needs to offer only the moves allowed now.
            row.props['data-td-status'] = t.status.value
            row.props['data-td-works'] = '1' if tickets.may_work(self.viewer, t) else '0'
            row.props['data-td-onsite'] = '1' if self.visit.checked_in else '0'
            if self.staff:
                self.staff_actions.draw()
            elif t.status == Status.RESOLVED:
                ui.button(
                    "Yes, it's fixed", icon='check', on_click=lambda: self.act(tickets.close(t.id, actor=self.viewer))
                ).props('unelevated no-caps').mark('confirm-fixed')
                if not self._rating_offers_reopen():  # else the rating card's "Reopen this request" is the one way
                    ui.button('Still a problem? Reopen', icon='replay', on_click=self.reopen_dialog).props(
                        'outline no-caps'
                    ).mark('reopen')
            elif t.status == Status.CLOSED and not self._rating_offers_reopen():
                ui.button('It came back: reopen', icon='replay', on_click=self.reopen_dialog).props(
                    'outline no-caps'
                ).mark('reopen')

    def _rating_offers_reopen(self) -> bool:
        rating = ratings.of_current_fix(self.ticket, self.rating)
        return rating is not None and rating.offers_reopen

    @ui.refreshable_method
    def service_level(self) -> None:
        """Staff: "Reply due by 14:05 · Fix due by Tue 24 Nov, 17:00" and the marker, in plain words."""
        t, due = self.ticket, self.due
        if due is None or due.state is None:
            return
        with ui.row().classes('items-center no-wrap td-sla').mark('sla'):
            if t.is_open:
                marker_chip(due, t)
            else:
                met = due.state != sla.SlaState.BREACHED
                ui.label('Target met' if met else 'Target missed').classes(
                    f'td-chip td-marker text-white bg-{"green-8" if met else "red-8"}'
                ).mark('service-level')
            parts = []
            if due.first_response and t.first_response_at is None:
                parts.append(f'Reply due by {when(due.first_response, self.viewer)}')
            if due.resolution and t.is_open:
                paused = ' (paused while we wait for the requester)' if t.status == Status.WAITING else ''
                parts.append(f'Fix due by {when(due.resolution, self.viewer)}{paused}')
            ui.label(' · '.join(parts)).classes('text-body2 td-break').mark('due')

    @ui.refreshable_method
    def rating_card(self) -> None:
        """The requester rates a fix with one tap; staff see the rating arrive live."""
        t = self.ticket
        fixed = t.status in (Status.RESOLVED, Status.CLOSED)
        if self.viewer.id == t.requester_id and fixed:
            with ui.card().classes('full-width td-rating').mark('rating-card'):
                self._rate_this_fix(ratings.of_current_fix(t, self.rating))
        elif self.staff and (fixed or self.rating is not None):
            with ui.card().classes('full-width td-rating').mark('rating-card'):
                self._show_rating(ratings.of_current_fix(t, self.rating))

    def _rate_this_fix(self, rating: ratings.Rating | None) -> None:
        self.comment_input = None
        can_change = rating is None or (self.rating_until is not None and clock.now() < self.rating_until)
        if rating is not None and not can_change:  # the window is over: read only
            rating_words(rating, f'You rated this fix · {when(rating.rated_at, self.viewer)}')
            if rating.comment:
                ui.label(rating.comment).classes('td-break text-body2').mark('rating-comment')
            self._reopen_offer(rating)
            return
        sorry = 'Sorry it was not right. Thanks for telling us.'
        thanks = 'Thanks for rating!' if rating is None or rating.score >= 3 else sorry
        ui.label('How did we do?' if rating is None else thanks).classes('text-subtitle1 text-weight-medium')
        face_scale(self.rate, chosen=rating.score if rating else None)
        self.rating_error = ui.label().classes('text-negative text-body2').mark('rating-error')
        if rating is None:
            ui.label('One tap is enough.').classes('text-caption text-grey-7')
            return
        with ui.row().classes('full-width items-center no-wrap td-comment-row'):
            self.comment_input = (
                ui.input(placeholder='What could we do better?', value=self._draft or rating.comment)
                .props('outlined dense maxlength=200 aria-label="What could we do better?"')
                .classes('col')
                .mark('rating-comment-input')
            )
            self.comment_input.on('keydown.enter', self.send_comment)
            ui.button('Send', on_click=self.send_comment).props('outline no-caps').mark('send-comment')
        self._draft = None
        ui.label(f'You can change this until {when(self.rating_until, self.viewer)}.').classes(
            'text-caption text-grey-7'
        ).mark('rating-window')
        self._reopen_offer(rating)

    def _reopen_offer(self, rating: ratings.Rating) -> None:
        if rating.offers_reopen:
            with ui.row().classes('full-width items-center td-reopen-offer'):
                ui.label('Still not right?').classes('text-body2')
                ui.button(
                    'Reopen this request',
                    icon='replay',
                    on_click=lambda: self.reopen_dialog(self._comment_so_far(rating)),
                ).props('unelevated no-caps color=negative').mark('rating-reopen')

    def _comment_so_far(self, rating: ratings.Rating) -> str:
        """What the requester wrote (sent or not): it becomes the reason to reopen, ready to edit."""
        typed = self.comment_input.value if self.comment_input is not None else ''
        return typed or rating.comment

    def _show_rating(self, rating: ratings.Rating | None) -> None:
        if rating is None:
            if self.rating is None:
                ui.label('Not rated yet').classes('text-body2 text-grey-8').mark('not-rated')
            else:  # reopened, or fixed again: the verdict on the earlier fix
                earlier = f'Earlier fix rated: {self.rating.words}'
                ui.label(earlier).classes('text-body2 text-grey-8').mark('rating-words')
            return
        rating_words(rating, f'{self.ticket.requester.first_name} rated the fix · {when(rating.rated_at, self.viewer)}')
        if rating.comment:
            ui.label(rating.comment).classes('td-break text-body2').mark('rating-comment')

    def reply_box(self) -> None:
        """At the end of the timeline, in the page's flow (never over the actions or the text). Staff choose
        first whether they write to the requester or a private note, and a private note looks like one."""
        self.pending: list[photos.PhotoIn] = []
        with ui.card().classes('full-width td-reply').mark('reply-box') as self.reply_card:
            self.kind = None
            if self.staff:
                self.kind = (
                    ui.toggle({'reply': 'Reply to requester', 'note': 'Private note'}, value='reply')
                    .props('no-caps unelevated spread toggle-color=primary')
                    .classes('full-width td-reply-kind')
                    .mark('reply-kind')
                )
                self.kind.on_value_change(lambda _: self._show_kind())
            self.reply_input = (
                ui.textarea(placeholder=self._placeholder())
                .props('outlined autogrow rows=1')
                .classes('full-width')
                .mark('reply')
            )
            self.reply_draft = drafts.keep(self.reply_input, self.viewer, f't{self.ticket.id}:reply')
            self.photo_error = ui.label().classes('text-negative text-body2').mark('photo-error')
            with ui.row().classes('full-width items-center no-wrap'):
                # A refusal (too big, not a photo) is said under the text, which stays as typed.
                self.upload = photo_picker(self.add_photo, lambda refusal: field_error(self.inputs, refusal))
                self.upload.props('flat').classes('hidden').mark('reply-photos')
                ui.button(icon='add_a_photo', on_click=lambda: self.upload.run_method('pickFiles')).props(
                    'flat round aria-label="Add photo"'
                )
                if self.staff:
                    ui.button(icon='menu_book', on_click=self.link_article_dialog).props(
                        'flat round aria-label="Link an article"'
                    ).mark('link-article')
                self.photo_count = ui.label().classes('text-caption')
                ui.space()
                self.send_button = (
                    ui.button('Send', icon='send', on_click=self.send).props('unelevated no-caps').mark('send-reply')
                )
        self.inputs = {'reply': self.reply_input, 'photos': self.photo_error}
        self._show_closed()

    @property
    def internal(self) -> bool:
        return self.kind is not None and self.kind.value == 'note'

    def _placeholder(self) -> str:
        if self.internal:
            return 'Private note: only the IT team sees this'
        who = self.ticket.requester.first_name
        return f'Write to {who}…' if self.staff else 'Write a reply…'

    def _show_kind(self) -> None:
        note = self.internal
        self.reply_card.classes(add='td-reply-note') if note else self.reply_card.classes(remove='td-reply-note')
        self.reply_input.props(f'placeholder="{self._placeholder()}"')
        self.send_button.set_text('Add private note' if note else 'Send')
        # Dark text on the note's amber (white on it is too faint to read: 2.3:1), white on the reply's blue.
        colours = 'color=amber-9 text-color=black' if note else 'color=primary text-color=white'
        self.send_button.props(f'icon={"lock" if note else "send"} {colours}')

    def _show_closed(self) -> None:
        """A closed request takes no reply from its requester (it is reopened instead): no box to type into."""
        self.reply_card.visible = self.staff or self.ticket.status != Status.CLOSED

    # ---- timeline ---------------------------------------------------------------------------------

    async def load_facts(self) -> None:
        """What the page shows besides the ticket: its rating, and for staff its service level."""
        self.rating, self.rating_until = await self._read_rating()
        await self.visit.load()
        self.due = await sla.due_for(self.viewer, self.ticket, clock.now())
        await self.checklist.load()
        if self.staff:  # what the requester read before asking: no need to suggest it again
            self.read_first = [a.title for a in await deflections.seen_before_filing(self.viewer, self.ticket.id)]

    async def _read_rating(self) -> tuple[ratings.Rating | None, datetime | None]:
        rating = await ratings.rating_for(self.viewer, self.ticket.id)
        return rating, (await ratings.change_until(rating) if rating else None)

    async def load_timeline(self) -> list[TicketEvent]:
        """The timeline as it is now, for the page's first build; the request's photos lead the summary."""
        entries = await tickets.timeline_for(self.viewer, self.ticket.id, after_id=self.last_event_id)
        reported = next((e for e in entries if e.kind == EventKind.CREATED), None)
        self.report_photos = list(reported.attachments) if reported else []  # type: ignore[attr-defined]
        return entries

    def append(self, entries: list[TicketEvent]) -> None:
        """Add only what is new since the last entry shown: an update never redraws the rest."""
        asked = self.asked
        with self.timeline:
            for entry in entries:
                if entry.id > self.last_event_id:  # two quick changes may bring the same entry twice
                    self.shown[entry.id] = self.entry(entry)
                    self.last_event_id = entry.id
                    if entry.kind == EventKind.REPLY and entry.body and entry.actor and entry.actor.can_work_tickets:
                        self.asked = (entry.actor.first_name, entry.body)
        if self.asked != asked and not self.staff:
            self.question.refresh()
        self._show_sent()

    def _show_sent(self) -> None:
        """The reply sent from this page, once it is on the timeline: scrolled into view (issue 13)."""
        element = self.shown.get(self.sent_id or 0)
        if element is not None:
            self.sent_id = None
            self.client.run_javascript(SCROLL_INTO_VIEW % element.id)

    def entry(self, e: TicketEvent) -> ui.element:
        """One element per entry: every open page holds every entry, so each element saved here is saved
        N times. The head line (who, what, when) is an attribute that CSS shows above the text, so a long
        head wraps as one small line; the text itself is a label's text: user text is never HTML."""
        who = e.actor.name if e.actor else 'Tapdesk'
        head = f'{who} · {_headline(e, self.viewer)} · {when(e.created_at, self.viewer)}'
        if e.internal:
            head += ' · only staff can see this'
        css = 'td-entry' + (' td-internal' if e.internal else '') + (' td-mine' if e.actor_id == self.viewer.id else '')
        attachments = list(e.attachments)  # type: ignore[attr-defined]
        if e.kind == EventKind.PEER_ANSWER:
            return self._peer_answer(e, css, head)
        if e.kind == EventKind.CREATED:  # what was reported leads the page (`_description`): here who and when
            return self._head_only(e, css, head)
        if e.kind == EventKind.ACCEPTED:
            self._mark_accepted(e.data.get('answer_id'))
        linked = article_links.found_in(e.body) if e.kind in (EventKind.REPLY, EventKind.NOTE) else []
        if not attachments and not linked:
            entry = ui.label(e.body).classes(css).mark(f'event-{e.kind.value}')
            entry.props['data-head'] = head
            return entry
        with ui.element('div').classes(css).mark(f'event-{e.kind.value}') as entry:
            entry.props['data-head'] = head
            if e.body:
                ui.label(e.body)
            article_links.show(linked)
            for att in attachments:
                with ui.link(target=f'/files/{att.id}/full', new_tab=True):
                    ui.image(f'/files/{att.id}/preview').classes('td-photo').props(
                        f'alt="{_alt(att.original_name)}" loading=lazy'
                    )
        return entry

    def _head_only(self, e: TicketEvent, css: str, head: str) -> ui.element:
        entry = ui.label().classes(css).mark(f'event-{e.kind.value}')
        entry.props['data-head'] = head
        return entry

    def _peer_answer(self, e: TicketEvent, css: str, head: str) -> ui.element:
        """A colleague's answer, with "This fixed it" for the requester and staff until one marks it."""
        with ui.element('div').classes(css + ' td-peer').mark(f'event-{e.kind.value}') as entry:
            entry.props['data-head'] = head
            ui.label(e.body)
            fixed = ui.label('✓ This fixed it').classes('td-chip bg-green-8 text-white').mark(f'fixed-{e.id}')
            fixed.visible = False
            button = None
            if self.staff or self.viewer.id == self.ticket.requester_id:
                button = (
                    ui.button('This fixed it', icon='check_circle', on_click=lambda: self.accept(e.id))
                    .props('outline no-caps')
                    .mark(f'accept-{e.id}')
                )
        self.answers[e.id] = (fixed, button)
        return entry

    def _mark_accepted(self, answer_id: object) -> None:
        for key, (fixed, button) in self.answers.items():
            if key == answer_id:
                fixed.visible = True
            if button is not None and (key == answer_id or not self.staff):
                button.visible = False  # the requester marks one answer; staff may mark another too

    async def accept(self, answer_id: int) -> None:
        await self.act(superusers.accept(self.viewer, self.ticket.id, answer_id))

    # ---- live -----------------------------------------------------------------------------------------

    def go_live(self) -> None:
        live(events.ticket(self.ticket.id), self.changed)
        if self.staff:
            presence.enter(self.ticket.id, self.client.id, self.viewer.id, self.viewer.first_name)
            live(events.presence(self.ticket.id), lambda _: self.show_presence())
            # Gone when the page goes (navigating away, closing the tab), not when NiceGUI drops the client a
            # reconnect timeout later; back when the same page reconnects.
            self.client.on_disconnect(lambda: presence.leave(self.ticket.id, self.client.id))
            self.client.on_connect(
                lambda: presence.enter(self.ticket.id, self.client.id, self.viewer.id, self.viewer.first_name)
            )
            self.client.on_delete(lambda: presence.leave(self.ticket.id, self.client.id))
            self.show_presence()
            if self.due is not None and self.due.state is not None:
                ui.timer(SLA_REFRESH_SECONDS, self.tick, immediate=False)

    async def changed(self, event: events.TicketChanged) -> None:
        """One change wakes every open page of this ticket: they share one read per audience."""
        reader = 'staff' if self.staff else self.viewer.id  # a requester reads only their own ticket
        fresh = await shared_read(event, ('ticket', reader), lambda: tickets.get_for(self.viewer, self.ticket.id))
        old, self.ticket = self.ticket, fresh
        if _summary_key(fresh) != _summary_key(old):
            self.summary.refresh()
            self.actions.refresh()
            self.question.refresh()
            self._show_closed()
        if event.kind == EventKind.RATED.value or (fresh.status, fresh.resolved_at) != (old.status, old.resolved_at):
            self._set_rating(*await shared_read(event, ('rating', reader), self._read_rating))
        if event.kind in VISIT_KINDS:
            await self.visit.refresh(fresh)
            self.actions.refresh()
        if self.staff and _sla_key(fresh) != _sla_key(old):
            self.due = await shared_read(event, ('sla',), lambda: sla.due_for(self.viewer, fresh, clock.now()))
            self.service_level.refresh()
        await self.checklist.changed(event, fresh)
        after = self.last_event_id
        readers = tickets.audience(self.viewer)
        entries = await shared_read(
            event,
            ('timeline', readers, after),
            lambda: tickets.timeline_of(self.ticket.id, readers, after_id=after),
        )
        self.append(entries)

    async def tick(self) -> None:
        """Time passes: an open ticket turns at risk or overdue without any change to it."""
        if self.ticket.is_open:
            due = await sla.due_for(self.viewer, self.ticket, clock.now())
            if due != self.due:
                self.due = due
                self.service_level.refresh()

    def show_presence(self) -> None:
        names = presence.others(self.ticket.id, self.viewer.id)
        self.presence_label.set_text(_viewing(names))
        self.presence_label.visible = bool(names)

    # ---- doing --------------------------------------------------------------------------------------

    async def act(self, operation: object) -> bool:
        """Run one domain verb; a refusal becomes a message, never a crash. The bus redraws the page."""
        try:
            await operation  # type: ignore[misc]
        except errors.DomainError as e:
            tell(self.client, str(e), type='negative')  # the button may be gone: the live update redrew it
            return False
        return True

    async def rate(self, score: int) -> None:
        """One tap records the rating; the card then offers a comment, the change window and maybe a reopen."""
        try:
            rating = await ratings.rate(self.ticket.id, score, actor=self.viewer)
        except errors.DomainError as e:
            field_error({'score': self.rating_error} if self.rating_error else {}, e, client=self.client)
            return
        self._set_rating(rating, await ratings.change_until(rating))

    async def send_comment(self) -> None:
        if self.comment_input is None:
            return
        try:
            rating = await ratings.comment(self.ticket.id, self.comment_input.value or '', actor=self.viewer)
        except errors.DomainError as e:
            fields = {'comment': self.comment_input, 'score': self.rating_error} if self.rating_error else {}
            field_error(fields, e, client=self.client)
            return
        self.comment_input = None  # sent: nothing left to keep
        self._set_rating(rating, self.rating_until)
        tell(self.client, 'Thanks for telling us.', type='positive')

    def _set_rating(self, rating: ratings.Rating | None, until: datetime | None) -> None:
        if self.comment_input is not None:
            self._draft = self.comment_input.value
        rated_before, offered_before = self.rating is not None, self._rating_offers_reopen()
        self.rating, self.rating_until = rating, until
        self.rating_card.refresh()
        if offered_before != self._rating_offers_reopen():
            self.actions.refresh()  # one way to reopen: the rating card's, when it offers one
        if rated_before != (rating is not None):
            self.summary.refresh()  # the status chip stops asking "how did we do?" once it is answered

    async def move(self, to: Status, **kwargs: object) -> bool:
        return await self.act(tickets.set_status(self.ticket.id, to, actor=self.viewer, **kwargs))

    async def send(self) -> None:
        clear_errors(self.inputs)
        internal = self.internal
        try:
            sent = await tickets.reply(
                self.ticket.id,
                self.reply_input.value or '',
                author=self.viewer,
                internal=internal,
                photos_in=self.pending,
            )
        except errors.DomainError as e:
            field_error(self.inputs, e, client=self.client)
            return
        self.reply_input.set_value('')
        drafts.forget(self.reply_draft)
        self.pending.clear()
        self.photo_count.set_text('')
        if self.kind is not None:
            self.kind.set_value('reply')  # the next one is a reply again unless chosen otherwise
        self.sent_id = sent.id  # the live update brings it to the timeline (it may have already)
        self._show_sent()

    def add_photo(self, photo: photos.PhotoIn) -> None:
        self.pending.append(photo)
        self.photo_count.set_text(f'{len(self.pending)} photo{"s" if len(self.pending) > 1 else ""}')

    def link_article_dialog(self) -> None:
        """Staff: put the link of an article the requester may read into the reply."""

        def pick(link: str) -> None:
            typed = (self.reply_input.value or '').rstrip()
            self.reply_input.set_value(f'{typed}\n{link}' if typed else link)

        article_links.choose(self.ticket.requester, self.ticket.service_id, pick)

    def reopen_dialog(self, reason_text: str = '') -> None:
        with ui.dialog() as dialog, ui.card().classes('td-dialog'):
            ui.label('What is still wrong?').classes('text-h6')
            reason = (
                ui.textarea(value=reason_text)
                .props('outlined autogrow autofocus aria-label="What is still wrong?"')
                .classes('full-width')
            )
            reason.mark('reason')

            async def go() -> None:
                try:
                    await tickets.reopen(self.ticket.id, reason.value or '', actor=self.viewer)
                except errors.DomainError as e:
                    reason.error = str(e)
                    return
                dialog.close()

            dialog_buttons(dialog, 'Reopen', go, marker='reopen-confirm')
        dialog.open()


# ---- helpers ------------------------------------------------------------------------------------------


def _sla_key(t: Ticket) -> tuple:
    return (t.status, t.first_response_at, t.resolved_at, t.priority, t.service_id)


def _summary_key(t: Ticket) -> tuple:
    return (t.status, t.assignee_id, t.eta, t.visit_start, t.visit_end, t.resolution, t.priority, t.title)


LATE_WARNINGS = {  # the service-level warnings' timeline heads (the text says by when)
    followups.JobKind.REPLY_AT_RISK.value: 'warned: a reply is due soon',
    followups.JobKind.REPLY_OVERDUE.value: 'warned: the reply is late',
    followups.JobKind.FIX_AT_RISK.value: 'warned: the fix is due soon',
    followups.JobKind.FIX_OVERDUE.value: 'warned: the fix is late',
}


def _headline(e: TicketEvent, viewer: User) -> str:
    words = tickets.STAFF_WORDS
    if e.kind == EventKind.CREATED:
        return 'reported this'
    if e.kind == EventKind.REPLY:
        return 'replied'
    if e.kind == EventKind.NOTE:
        return 'internal note'
    if e.kind == EventKind.ASSIGNED and e.data.get('assignee_id') == e.actor_id:
        return 'took this'
    if e.kind == EventKind.ASSIGNED:
        return f'assigned to {e.data.get("assignee", "someone")}'
    if e.kind == EventKind.PHOTO:
        return 'added photos'
    if e.kind == EventKind.RESOLVED:
        return 'marked this fixed'
    if e.kind == EventKind.CHECKLIST:
        return checklist_headline(e)
    if e.kind == EventKind.REOPENED:
        return 'reopened this'
    if e.kind == EventKind.RATED and e.data.get('comment'):
        return 'added a comment to the rating'
    if e.kind == EventKind.RATED:
        changed = ' (changed)' if e.data.get('previous') else ''
        return f'rated the fix: {ratings.SCALE.get(int(e.data.get("score") or 0), "no score")}{changed}'
    if e.kind == EventKind.REMINDER and e.data.get('rule') in LATE_WARNINGS:
        return LATE_WARNINGS[e.data['rule']]
    if e.kind == EventKind.REMINDER:
        return 'sent a reminder'
    if e.kind == EventKind.VISIT:
        return visit_headline(e.data, viewer)
    if e.kind == EventKind.PEER_ANSWER:
        return 'answered (a colleague who knows this well)'
    if e.kind == EventKind.ACCEPTED:
        return "said a colleague's answer fixed it"
    to = Status(e.data.get('to', Status.IN_PROGRESS))
    if to == Status.ON_THE_WAY and e.data.get('eta'):
        return f'is on the way, arrives ~{time_of_day(datetime.fromisoformat(e.data["eta"]), viewer.timezone)}'
    if to == Status.WAITING:
        return 'is waiting for a reply' if viewer.can_work_tickets else 'needs your reply'
    if to == Status.VISIT_PLANNED and e.data.get('visit'):
        start, end = (datetime.fromisoformat(v) for v in e.data['visit'])
        return f'planned a visit {time_window(start, end, viewer.timezone)}'
    if to == Status.IN_PROGRESS and e.data.get('from') == Status.ON_THE_WAY.value:
        return 'arrived'
    if to == Status.WAITING_PART and e.data.get('part_expected'):
        return f'is waiting for a part, expected {date_words(date.fromisoformat(e.data["part_expected"]))}'
    if e.data.get('auto'):
        return 'answered, back to the technician'
    return f'status: {words[to]}'


def _viewing(names: list[str]) -> str:
    if not names:
        return ''
    if len(names) == 1:
        return f'{names[0]} is viewing'
    return f'{", ".join(names[:-1])} and {names[-1]} are viewing'


def _alt(name: str) -> str:
    return ''.join(c for c in name if c.isalnum() or c in ' ._-')[:60]


def _shared_place(t: Ticket) -> str:
    """'Place shared from the phone (±18 m)': the requester tapped "Use my location"."""
    place = t.position
    if place is None:
        return ''
    how_close = f' ({place.accuracy_words})' if place.accuracy_words else ''
    return f'Place shared from the phone{how_close}'
