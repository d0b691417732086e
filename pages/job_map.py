"""The map of today's jobs on /today: one marker per job whose requester shared a place.

The list is the page; the map is a help beside it. It is built only once the page is up (Leaflet's 150 KB
load after the list has shown, not before it) and only when a job has a place. Map tiles come from the
internet (TAPDESK_MAP_TILES): when none loads (no network, a basement), the map goes and a sentence says so.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from nicegui import events, ui

from models import settings
from models.today import Job

TILES_WAIT_MS = 10_000  # no tile within this long: the map is no use here
NO_ANSWER_SECONDS = 20  # Leaflet itself never started (its script did not load): same sentence
UNAVAILABLE = 'Map unavailable here — every job is in the list.'

# Told by the tile layer: the first tile that loads means the map works; an error with no tile loaded
# shortly after, or nothing at all in TILES_WAIT_MS, means it does not. `%(map)d` is the map element's id.
WATCH_TILES = """(() => {
  const map = getElement(%(map)d);
  let told = false;
  const tell = (ok) => { if (!told && map) { told = true; map.$emit('tiles', {ok}); } };
  setTimeout(() => tell(false), %(wait)d);
  return {tileload: () => tell(true), tileerror: () => setTimeout(() => tell(false), 1500)};
})()"""


@dataclass(frozen=True)
class Place:
    ticket_id: int
    latitude: float
    longitude: float
    words: str  # '#12 Printer jams', shown as text, never as HTML


def places(jobs: list[Job]) -> tuple[Place, ...]:
    found = []
    for job in jobs:
        t, where = job.ticket, job.ticket.position
        if where is not None:
            found.append(Place(t.id, where.latitude, where.longitude, f'{t.number} {t.title}'))
    return tuple(found)


class JobMap:
    """A container on the page; `show(jobs)` (re)builds the map only when the places changed."""

    def __init__(self) -> None:
        self.area = ui.column().classes('full-width td-map-area').mark('map-area')
        self.shown: tuple[Place, ...] = ()
        self.map: ui.leaflet | None = None
        self.answered = False

    def show(self, jobs: list[Job]) -> None:
        found = places(jobs)
        if found == self.shown:
            return
        self.shown = found
        self.area.clear()
        self.map = None
        if found and settings.settings.map_tiles:
            with self.area:
                self._build(found)

    def _build(self, found: tuple[Place, ...]) -> None:
        middle = (sum(p.latitude for p in found) / len(found), sum(p.longitude for p in found) / len(found))
        self.answered = False
        m = self.map = ui.leaflet(center=middle, zoom=14).classes('td-map').mark('today-map')
        m.remove_layer(m.layers[0])  # NiceGUI's own OpenStreetMap layer: ours comes from the settings
        tiles = m.tile_layer(
            url_template=settings.settings.map_tiles,
            options={'attribution': html.escape(settings.settings.map_attribution), 'maxZoom': 19},
        )
        markers = [m.generic_layer(name='circleMarker', args=[[p.latitude, p.longitude], MARKER_STYLE]) for p in found]

        def started() -> None:  # after NiceGUI's own init step has added the layers
            m.run_layer_method(tiles.id, ':on', WATCH_TILES % {'map': m.id, 'wait': TILES_WAIT_MS})
            for place, marker in zip(found, markers, strict=True):
                m.run_layer_method(marker.id, 'bindPopup', popup(place))
            if len(found) > 1:
                bounds = [[p.latitude, p.longitude] for p in found]
                m.run_map_method('fitBounds', bounds, {'padding': [24, 24], 'maxZoom': 16})

        m.on('init', started)
        m.on('tiles', self.tiles_answered)
        ui.timer(NO_ANSWER_SECONDS, self._no_answer, once=True)

    def tiles_answered(self, e: events.GenericEventArguments) -> None:
        self.answered = True
        if not (isinstance(e.args, dict) and e.args.get('ok')):
            self.unavailable()

    def _no_answer(self) -> None:
        if self.map is not None and not self.answered:
            self.unavailable()

    def unavailable(self) -> None:
        """No tiles: the map goes (it would be a grey box); the list has every job anyway."""
        self.area.clear()
        self.map = None
        with self.area:
            with ui.row().classes('items-center no-wrap td-map-unavailable').mark('map-unavailable'):
                ui.icon('map', color='grey-7')
                ui.label(UNAVAILABLE).classes('text-body2 text-grey-8')


MARKER_STYLE = {'radius': 14, 'weight': 3, 'color': '#ffffff', 'fillColor': '#1565c0', 'fillOpacity': 1}


def popup(place: Place) -> str:
    """The marker's popup: a link to the job; the title escaped (Leaflet shows popups as HTML)."""
    return f'<a href="/t/{int(place.ticket_id)}">{html.escape(place.words)}</a>'
