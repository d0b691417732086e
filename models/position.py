"""A place on the map, as a phone reported it: latitude, longitude and how sure it is (metres).

Base floor: tickets (the requester's tap on "Use my location") and visits (the technician's "Arrived") both
keep one. A position is only ever one a person chose to share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import Invalid

MAX_ACCURACY_M = 100_000.0  # beyond this a phone is guessing from its network: not a place worth keeping


@dataclass(frozen=True)
class Position:
    """Where a phone says it is (only when its owner chose to share it)."""

    latitude: float
    longitude: float
    accuracy: float | None = None  # metres, as the phone reported it

    def __post_init__(self) -> None:
        lat, lng = self.latitude, self.longitude
        if not (_number(lat) and _number(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
            raise Invalid('That place is not on the map.', field='position')
        if self.accuracy is not None and not (_number(self.accuracy) and 0 <= self.accuracy <= MAX_ACCURACY_M):
            raise Invalid('The phone could not tell the place closely enough.', field='position')

    @property
    def accuracy_words(self) -> str:
        """'±20 m', '±1.5 km' (empty when the phone did not say)."""
        if self.accuracy is None:
            return ''
        if self.accuracy < 1000:
            return f'±{max(1, round(self.accuracy))} m'
        return f'±{self.accuracy / 1000:.1f} km'.replace('.0 km', ' km')


def from_parts(latitude: float | None, longitude: float | None, accuracy: float | None = None) -> Position | None:
    """Both coordinates or neither: a stored or submitted pair becomes a Position (or None)."""
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        raise Invalid('A place needs both its latitude and its longitude.', field='position')
    return Position(latitude, longitude, accuracy)


def from_browser(answer: object) -> Position | None:
    """What the page's geolocation call answered (`{latitude, longitude, accuracy}`), checked like any input:
    None unless it is a real place."""
    if not isinstance(answer, dict):
        return None
    values = [answer.get(k) for k in ('latitude', 'longitude', 'accuracy')]
    if not all(v is None or _number(v) for v in values):
        return None
    try:
        return from_parts(*values)
    except Invalid:
        return None


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
