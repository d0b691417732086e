"""Dates, times and durations in words, the one way Tapdesk shows them ("Tue 1 Dec", "10:25", "2 h 5 min").

A base module: plain functions of aware datetimes and a time zone (a `ZoneInfo` or its name; none is UTC).
Nothing here reads the clock: "today" is the `now` passed in. English names, whatever the process locale.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

DAYS = ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')
MONTHS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')

Zone = tzinfo | str | None


def zone(tz: Zone) -> tzinfo:
    """A time zone from a viewer's setting: a name such as 'Europe/Berlin', a tzinfo, or None for UTC."""
    if tz is None or tz == '':
        return UTC
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def day(dt: datetime, tz: Zone = None) -> str:
    """'Tue 1 Dec': the day of `dt` where the reader is."""
    local = dt.astimezone(zone(tz))
    return f'{DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]}'


def date_words(d: date) -> str:
    """'Thu 3 Dec' for a calendar day (no time zone: a day is the same day everywhere it is read)."""
    return f'{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]}'


def time_of_day(dt: datetime, tz: Zone = None) -> str:
    """'10:25' (24-hour clock) where the reader is."""
    return f'{dt.astimezone(zone(tz)):%H:%M}'


def moment(dt: datetime, now: datetime, tz: Zone = None) -> str:
    """'10:25' when `dt` falls on the reader's today, else 'Tue 1 Dec 10:25'."""
    z = zone(tz)
    if dt.astimezone(z).date() == now.astimezone(z).date():
        return time_of_day(dt, z)
    return f'{day(dt, z)} {time_of_day(dt, z)}'


def window(start: datetime, end: datetime, tz: Zone = None) -> str:
    """'Tue 1 Dec, 10:00–12:00'; a window past midnight names both days: 'Tue 1 Dec, 22:00 – Wed 2 Dec, 02:00'."""
    z = zone(tz)
    if start.astimezone(z).date() == end.astimezone(z).date():
        return f'{day(start, z)}, {time_of_day(start, z)}–{time_of_day(end, z)}'
    return f'{day(start, z)}, {time_of_day(start, z)} – {day(end, z)}, {time_of_day(end, z)}'


def dates(first: datetime, last: datetime) -> str:
    """A run of calendar days, as given (no time zone shift): '1 Dec', '1–7 Dec', '28 Nov–4 Dec'."""
    if first.date() == last.date():
        return f'{first.day} {MONTHS[first.month - 1]}'
    start = str(first.day) if (first.year, first.month) == (last.year, last.month) else dates(first, first)
    return f'{start}–{dates(last, last)}'


def span(seconds: float) -> str:
    """A duration: 'under 1 min', '45 min', '2 h', '2 h 5 min', '1 day 3 h', '3 days' (hours rounded from a day)."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return 'under 1 min'
    if minutes < 60:
        return f'{minutes} min'
    hours, rest = divmod(minutes, 60)
    if hours < 24:
        return f'{hours} h {rest} min' if rest else f'{hours} h'
    days, hours = divmod(round(seconds / 3600), 24)
    in_days = f'{days} day' + ('' if days == 1 else 's')
    return f'{in_days} {hours} h' if hours else in_days
