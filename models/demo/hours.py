"""When people are at work: technicians on shift in desk time, requesters awake in their own; visit windows."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DESK_TZ = ZoneInfo('Europe/London')  # where the technicians work: their actions fall in their working hours


def working_time(t: datetime, rng: random.Random) -> datetime:
    """The same day (or the Friday before a weekend), at a time someone is at work."""
    local = t.astimezone(DESK_TZ)
    day = local.date()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    minutes = rng.uniform(8 * 60 + 15, 17 * 60 + 30)
    return _at(day, minutes)


def on_shift(t: datetime, rng: random.Random) -> datetime:
    """Technicians work weekdays 08:00–18:30 (desk time): later moves to the next working morning."""
    if is_on_shift(t):
        return t
    local = t.astimezone(DESK_TZ)
    day = local.date() if local.time() < time(8) else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return _at(day, rng.uniform(8 * 60 + 5, 9 * 60 + 15))


def is_on_shift(t: datetime) -> bool:
    local = t.astimezone(DESK_TZ)
    return local.weekday() < 5 and time(8) <= local.time() <= time(18, 30)


def last_on_shift(t: datetime) -> datetime:
    """`t` if technicians are at work then, else the end of their last working day."""
    if is_on_shift(t):
        return t
    local = t.astimezone(DESK_TZ)
    day = local.date() if local.time() > time(18, 30) else local.date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return _at(day, 18 * 60 + 30)


def awake(t: datetime, tz: ZoneInfo, rng: random.Random) -> datetime:
    """Requesters answer between 07:00 and 22:00 their time: later moves to the next morning."""
    local = t.astimezone(tz)
    if time(7) <= local.time() < time(22):
        return t
    day = local.date() if local.time() < time(7) else local.date() + timedelta(days=1)
    return datetime.combine(day, time(7), tzinfo=tz).astimezone(UTC) + timedelta(minutes=rng.uniform(10, 100))


def awake_before(t: datetime, tz: ZoneInfo, rng: random.Random) -> datetime:
    """A report made at night moves back to the evening before."""
    local = t.astimezone(tz)
    if time(7) <= local.time() < time(22):
        return t
    day = local.date() - timedelta(days=1) if local.time() < time(7) else local.date()
    return datetime.combine(day, time(20), tzinfo=tz).astimezone(UTC) + timedelta(minutes=rng.uniform(0, 110))


def _at(day: date, minutes: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=DESK_TZ).astimezone(UTC) + timedelta(minutes=minutes)


def window(t: datetime, tz: ZoneInfo, rng: random.Random) -> tuple[datetime, datetime]:
    """A two-hour visit window on the next working day (or this afternoon when asked early)."""
    local = t.astimezone(tz)
    if local.weekday() < 5 and local.hour < 10 and rng.random() < 0.5:
        day, hour = local.date(), 14
    else:
        day, hour = local.date() + timedelta(days=1), rng.choice([9, 9, 11, 13, 14])
        while day.weekday() >= 5:
            day += timedelta(days=1)
    start = datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)
    return start, start + timedelta(hours=2)


def when(window: tuple[datetime, datetime], said_at: datetime, tz: ZoneInfo) -> str:
    start, end = window[0].astimezone(tz), window[1].astimezone(tz)
    today = said_at.astimezone(tz).date()
    day = {today: 'today', today + timedelta(days=1): 'tomorrow'}.get(start.date(), f'on {start:%A %d %B}')
    return f'{day} between {start:%H:%M} and {end:%H:%M}'


def floor(t: datetime, minutes: int) -> datetime:
    return t.replace(minute=t.minute - t.minute % minutes, second=0, microsecond=0).astimezone(UTC)


def ceil(t: datetime, minutes: int) -> datetime:
    floored = floor(t, minutes)
    return floored if floored == t else floored + timedelta(minutes=minutes)
