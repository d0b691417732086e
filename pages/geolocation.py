"""Asking the phone where it is: only from a tap ("Use my location", "Arrived"), never as a page loads.

The browser asks its owner the first time; the answer comes back as a `Position` (checked like any input)
or as the reason there is none, in words the page can show.
"""

from __future__ import annotations

from enum import StrEnum

from nicegui import ui

from models import position
from models.position import Position

# Resolves to {latitude, longitude, accuracy} or {problem}. Its own timer, because the browser's `timeout`
# starts only once permission is given: a question left unanswered on screen must not hold the page up.
ASK = """new Promise((resolve) => {
  if (!navigator.geolocation) return resolve({problem: 'unsupported'});
  const timer = setTimeout(() => resolve({problem: 'timeout'}), %(ms)d);
  navigator.geolocation.getCurrentPosition(
    (p) => { clearTimeout(timer); resolve({latitude: p.coords.latitude, longitude: p.coords.longitude,
                                           accuracy: p.coords.accuracy}); },
    (e) => {
      clearTimeout(timer);
      resolve({problem: e.code === 1 ? 'denied' : e.code === 3 ? 'timeout' : 'unavailable'});
    },
    {enableHighAccuracy: true, timeout: %(ms)d, maximumAge: 60000});
})"""


class Problem(StrEnum):
    DENIED = 'denied'
    UNAVAILABLE = 'unavailable'
    TIMEOUT = 'timeout'
    UNSUPPORTED = 'unsupported'


WORDS = {
    Problem.DENIED: 'Your location was not shared: this browser said no. '
    'You can allow it in the browser’s site settings, or just say where in the box above.',
    Problem.UNAVAILABLE: 'Your phone could not tell where it is right now. Say where in the box above, or try again.',
    Problem.TIMEOUT: 'Your phone took too long to say where it is. Say where in the box above, or try again.',
    Problem.UNSUPPORTED: 'This browser cannot share a location. Say where in the box above.',
}


async def ask(*, within: float) -> Position | Problem:
    """Where the phone is, if it says so within `within` seconds."""
    try:
        answer = await ui.run_javascript(ASK % {'ms': int(within * 1000)}, timeout=within + 1)
    except TimeoutError:  # the page went away or the socket dropped meanwhile
        return Problem.TIMEOUT
    found = position.from_browser(answer)
    if found is not None:
        return found
    problem = answer.get('problem') if isinstance(answer, dict) else None
    return Problem(problem) if problem in set(Problem) else Problem.UNAVAILABLE
