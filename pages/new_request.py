"""Report an issue from a phone: pick a service, say what is wrong, add photos, send."""

from __future__ import annotations

from fastapi import Request
from nicegui import background_tasks, ui

from models import catalog, clock, deflections, errors, ids, photos
from models.position import Position
from models.users import User

from . import drafts, geolocation
from .components import photo_picker
from .expectation import Expectation
from .layout import clear_errors, field_error, frame, signed_in
from .suggestions import Suggestions


@ui.page('/new')
@signed_in()
async def new_request(request: Request, viewer: User, service: str = '') -> None:
    services = await catalog.services_by_use(viewer, now=clock.now())  # most used first, "Something else" last
    ui.add_css(CSS)
    with frame('New request', viewer, back='/requests'):
        if not services:
            ui.label('There are no services for you yet. Ask your IT team to add you to a category.').classes(
                'text-body1'
            )
            return None
        form = RequestForm(viewer, services)
        chosen = next((s for s in services if s.id == ids.parse(service)), None)
        if chosen is not None:  # /new?service=ID: a reload (e.g. after a long outage) comes back to the form
            form.pick(chosen)
    return None


class RequestForm:
    """Step 1: big service tiles. Step 2: the form. What was typed survives any error."""

    def __init__(self, viewer: User, services: list[catalog.Service]) -> None:
        self.viewer = viewer
        self.service: catalog.Service | None = None
        self.pending: list[photos.PhotoIn] = []
        self.position: Position | None = None  # only after the requester tapped "Use my location"
        self.tiles = ui.column().classes('full-width q-gutter-y-sm')
        with self.tiles:
            ui.label('What do you need help with?').classes('text-h6')
            with ui.element('div').classes('td-tiles').mark('tiles'):
                for service in services:
                    self._tile(service)
        self.form = ui.column().classes('full-width q-gutter-y-md')
        self.form.visible = False
        with self.form:
            self._build_form()
        self.suggestions.reader_here()

    def _tile(self, service: catalog.Service) -> None:
        with (
            ui.button(on_click=lambda s=service: self.pick(s))
            .props('outline no-caps align=left')
            .classes('td-tile')
            .mark(f'service-{service.id}')
        ):
            ui.icon(service.icon).classes('td-tile-icon')
            with ui.column().classes('q-gutter-none items-start'):
                ui.label(service.name).classes('td-tile-name')
                ui.label(service.description).classes('td-tile-desc')

    def _build_form(self) -> None:
        with ui.row().classes('items-center no-wrap full-width'):
            self.service_label = ui.label().classes('text-subtitle1 text-weight-medium col')
            ui.button('Change', on_click=self.back).props('flat no-caps').mark('change-service')
        self.expect = Expectation(self.viewer)  # what to expect from this service, in plain words
        self.title = (
            ui.input('Short title', placeholder='e.g. Printer on floor 2 jams')
            .props('outlined counter maxlength=120')
            .classes('full-width')
            .mark('title')
        )
        self.details = (
            ui.textarea('What is happening?', placeholder='What did you try? Any error message?')
            .props('outlined autogrow')
            .classes('full-width')
            .mark('details')
        )
        self.suggestions = Suggestions(
            self.viewer,
            typed=lambda: f'{self.title.value or ""} {self.details.value or ""}',
            service=lambda: self.service.id if self.service else None,
            form=self.form,
            done=lambda: drafts.forget(*self.drafts),
        )
        self.title.on_value_change(self.suggestions.changed)
        self.details.on_value_change(self.suggestions.changed)
        self.location = (
            ui.input('Where? (optional)', placeholder='Building, floor, room')
            .props('outlined')
            .classes('full-width')
            .mark('location')
        )
        self._place_row()
        # The picker itself stays hidden: one plain button opens the camera or the gallery, and what was picked
        # shows as thumbnails (never file names such as IMG_2041.jpg).
        self.upload = (
            photo_picker(self.add_photo, lambda refusal: field_error(self.inputs, refusal))
            .classes('hidden')
            .mark('photos')
        )
        # The button, a refusal and the thumbnails close together (empty, the last two take no room).
        with ui.column().classes('full-width td-photos'):
            with ui.row().classes('items-center'):
                ui.button('Add photos', icon='add_a_photo', on_click=lambda: self.upload.run_method('pickFiles')).props(
                    'outline no-caps'
                ).mark('add-photos')
                ui.label('optional').classes('text-caption text-grey-8 self-center')
            self.photo_error = ui.label().classes('text-negative text-body2').mark('photo-error')
            self.photo_list = ui.row().classes('td-thumbs')
        self.keep_gps = ui.checkbox('Share where the photos were taken with the technician').mark('keep-gps')
        self.keep_gps.visible = False  # only once there is a photo
        self.expect.picker()
        # Where it starts is the service's (set by a manager); the requester decides for this request.
        self.peers = ui.checkbox('Colleagues who know this may help').mark('peers-may-help')
        self.drafts = [
            drafts.keep(self.title, self.viewer, 'new:title'),
            drafts.keep(self.details, self.viewer, 'new:details'),
            drafts.keep(self.location, self.viewer, 'new:location'),
        ]
        self.inputs = {
            'title': self.title,
            'details': self.details,
            'location': self.location,
            'photos': self.photo_error,
            'need': self.expect.error,
        }
        # Always in reach: the bar stays above the bottom navigation however far the form scrolls.
        with (
            ui.page_sticky(position='bottom', expand=True).classes('td-send-bar') as bar,
            ui.element('div').classes('td-send-inner'),
        ):
            self.send_button = (
                ui.button('Send request', icon='send', on_click=self.send)
                .props('unelevated size=lg no-caps')
                .classes('full-width')
                .mark('send')
            )
        bar.bind_visibility_from(self.form, 'visible')  # not while choosing a service or reading an article
        ui.element('div').classes('td-send-space')  # the end of the form scrolls clear of the bar

    def _place_row(self) -> None:
        """ "Use my location": the phone is asked only on this tap; what it said can be taken back."""
        self.use_place = (
            ui.button('Use my location', icon='my_location', on_click=self.use_my_location)
            .props('outline no-caps')
            .mark('use-location')
        )
        with ui.row().classes('items-center no-wrap full-width q-gutter-x-sm') as self.place_added:
            ui.icon('place', color='positive')
            self.place_words = ui.label().classes('text-body2 col').mark('location-added')
            ui.button('Remove', on_click=self.forget_place).props('flat dense no-caps').mark('remove-location')
        self.place_added.visible = False
        self.place_problem = ui.label().classes('text-body2 text-grey-8').mark('location-problem')
        self.place_problem.visible = False

    async def use_my_location(self) -> None:
        self.use_place.disable()
        self.place_problem.visible = False
        try:
            found = await geolocation.ask(within=20)
        finally:
            self.use_place.enable()
        if isinstance(found, geolocation.Problem):
            self.place_problem.set_text(geolocation.WORDS[found])
            self.place_problem.visible = True
            return
        self.position = found
        accuracy = f' ({found.accuracy_words})' if found.accuracy_words else ''
        self.place_words.set_text(f'Location added{accuracy}')
        self.place_added.visible = True
        self.use_place.visible = False

    def forget_place(self) -> None:
        self.position = None
        self.place_added.visible = False
        self.use_place.visible = True

    def pick(self, service: catalog.Service) -> None:
        self.service = service
        self.peers.value = service.peers_may_help
        self.suggestions.changed()  # what fits depends on the service
        self.service_label.set_text(service.name)
        self.tiles.visible = False
        self.form.visible = True
        background_tasks.create(self.expect.show(service), name='expectations')
        ui.run_javascript(f"history.replaceState(history.state, '', '/new?service={service.id}')")

    def back(self) -> None:
        self.form.visible = False
        self.tiles.visible = True
        ui.run_javascript("history.replaceState(history.state, '', '/new')")

    def add_photo(self, photo: photos.PhotoIn) -> None:
        self.pending.append(photo)
        self._show_photos()

    def _show_photos(self) -> None:
        self.photo_list.clear()
        with self.photo_list:
            for n, photo in enumerate(self.pending, start=1):
                with ui.element('div').classes('td-thumb').mark('photo-thumb'):
                    ui.image(photos.thumbnail_data_url(photo)).props(f'alt="Photo {n}" fit=cover')
                    ui.button(icon='close', on_click=lambda p=photo: self._remove(p)).props(
                        f'round dense unelevated size=sm color=grey-9 aria-label="Remove photo {n}"'
                    ).classes('td-thumb-remove')
        self.keep_gps.visible = bool(self.pending)

    def _remove(self, photo: photos.PhotoIn) -> None:
        self.pending.remove(photo)
        self._show_photos()

    async def send(self) -> None:
        clear_errors(self.inputs)
        if self.service is None:
            return
        self.send_button.disable()
        try:
            ticket = await deflections.file_anyway(
                seen_article_ids=self.suggestions.seen,
                requester=self.viewer,
                service_id=self.service.id,
                title=self.title.value or '',
                details=self.details.value or '',
                location=self.location.value or '',
                photos_in=self.pending,
                share_location=bool(self.keep_gps.value),
                position=self.position,
                peers_may_help=bool(self.peers.value),
                need=self.expect.need,
                need_day=self.expect.day,
            )
        except errors.DomainError as e:
            field_error(self.inputs, e)
            return
        finally:
            self.send_button.enable()
        drafts.forget(*self.drafts)
        ui.navigate.to(f'/t/{ticket.id}?sent=1')


CSS = """
.td-tiles { grid-auto-rows: 1fr; }  /* every tile the size of the tallest */
.td-tiles .td-tile { height: 100%; align-items: stretch; }
.td-tiles .td-tile .q-btn__content {
  justify-content: flex-start; align-items: flex-start; text-align: left; flex-wrap: nowrap;
}
.td-tiles .td-tile .nicegui-column { width: 100%; gap: 4px; }
.td-tiles .td-tile-name { text-align: left; }
.td-tiles .td-tile-desc { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.td-send-bar { z-index: 2; background: #ffffff; box-shadow: 0 -1px 4px rgba(0, 0, 0, 0.12); }
.body--dark .td-send-bar { background: var(--q-dark-page); }
.td-send-inner { width: 100%; max-width: var(--td-max); padding: 8px 12px; }
.td-send-space { height: 72px; }
.td-photos { gap: 8px; }
.td-photos > .text-negative:empty, .td-photos > .td-thumbs:empty { display: none; }
.td-thumbs { gap: 8px; }
"""
