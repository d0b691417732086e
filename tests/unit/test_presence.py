"""Who is viewing a ticket, across instances: each instance tells the others on the bus, and what an instance
has not repeated in time is forgotten (an instance that died leaves nobody behind)."""

from __future__ import annotations

import asyncio

import pytest

from models import events, presence
from models.events import Bus, PresenceChanged
from models.presence import Presence


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def linked(clock: Clock, count: int = 2) -> list[Presence]:
    """Instances whose buses reach each other (as models/pg_bus.py makes them on PostgreSQL), sharing presence."""
    buses = [Bus() for _ in range(count)]
    for bus in buses:
        others = [b for b in buses if b is not bus]
        bus.link = lambda topic, event, others=others: [b.deliver(topic, event) for b in others]  # type: ignore[misc]
    made = [Presence(bus, f'instance-{n}', clock) for n, bus in enumerate(buses)]
    for p in made:
        p._stop = p.bus.subscribe(events.PRESENCE_BEATS, p._heard)  # share() without its beat task
    return made


def told(p: Presence, ticket_id: int) -> list[events.Event]:
    seen: list[events.Event] = []
    p.bus.subscribe(events.presence(ticket_id), seen.append)
    return seen


def test_a_viewer_on_one_instance_shows_on_the_others_pages_at_once(clock: Clock) -> None:
    a, b = linked(clock)
    pages_on_b = told(b, 7)
    a.enter(7, 'tab-1', 11, 'Sam')
    assert b.others(7, 12) == ['Sam']
    assert pages_on_b == [PresenceChanged(7)]
    assert b.others(7, 11) == []  # Sam's own second tab, on another instance, is not "someone"


def test_viewers_of_every_instance_are_named_once(clock: Clock) -> None:
    a, b, c = linked(clock, 3)
    a.enter(7, 'tab-1', 11, 'Sam')
    b.enter(7, 'tab-2', 11, 'Sam')
    b.enter(7, 'tab-3', 13, 'Priya')
    assert c.others(7, 99) == ['Priya', 'Sam']
    assert a.others(7, 11) == ['Priya']


def test_leaving_shows_on_the_others_at_once(clock: Clock) -> None:
    a, b = linked(clock)
    a.enter(7, 'tab-1', 11, 'Sam')
    pages_on_b = told(b, 7)
    a.leave(7, 'tab-1')
    assert b.others(7, 12) == []
    assert pages_on_b == [PresenceChanged(7)]


def test_an_instance_that_died_is_forgotten_after_it_stops_repeating_itself(clock: Clock) -> None:
    a, b = linked(clock)
    a.enter(7, 'tab-1', 11, 'Sam')
    clock.now += presence.BEAT
    a.remind_and_forget()  # a beat: still there
    b.remind_and_forget()
    clock.now += presence.EXPIRES - 1
    b.remind_and_forget()
    assert b.others(7, 12) == ['Sam']
    a.bus.link = None  # a dies: no more beats, no goodbye
    pages_on_b = told(b, 7)
    clock.now += 2
    assert b.others(7, 12) == []  # expired: not shown even before b's next beat
    b.remind_and_forget()
    assert pages_on_b == [PresenceChanged(7)]  # b's open pages drop the name


def test_a_repeated_beat_does_not_redraw_pages(clock: Clock) -> None:
    a, b = linked(clock)
    a.enter(7, 'tab-1', 11, 'Sam')
    pages_on_b = told(b, 7)
    a.remind_and_forget()
    a.remind_and_forget()
    assert pages_on_b == []


async def test_an_instance_stopping_says_its_viewers_are_gone(clock: Clock) -> None:
    a, b = linked(clock)
    a.enter(7, 'tab-1', 11, 'Sam')
    await a.stop()
    assert b.others(7, 12) == []


async def test_share_beats_on_its_own(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(presence, 'BEAT', 0.01)
    a, b = linked(clock)
    a._stop()  # type: ignore[misc]
    a._stop = None
    a.share()
    a.enter(7, 'tab-1', 11, 'Sam')
    seen: list[events.Event] = []
    b.bus.subscribe(events.PRESENCE_BEATS, seen.append)
    await asyncio.sleep(0.1)
    await a.stop()
    assert len(seen) >= 3  # reminders every BEAT, then the goodbye
    assert seen[-1] == events.PresenceBeat('instance-0', 7, [])


def test_on_one_instance_nothing_is_told_beyond_it(clock: Clock) -> None:
    bus = Bus()
    beats: list[events.Event] = []
    bus.subscribe(events.PRESENCE_BEATS, beats.append)
    alone = Presence(bus, 'only', clock)
    alone.enter(7, 'tab-1', 11, 'Sam')
    assert (alone.others(7, 12), beats) == (['Sam'], [])
