"""Dates, times and durations in words (models/when.py): time zones, DST, midnight."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from models import when

BERLIN = ZoneInfo('Europe/Berlin')
NEW_YORK = 'America/New_York'


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_day_has_no_leading_zero_and_follows_the_readers_zone() -> None:
    assert when.day(utc(2026, 12, 1, 10, 25)) == 'Tue 1 Dec'
    assert when.day(utc(2026, 12, 1, 3, 0), NEW_YORK) == 'Mon 30 Nov'  # still the evening before there
    assert when.day(utc(2026, 12, 1, 23, 30), BERLIN) == 'Wed 2 Dec'


def test_no_time_zone_means_utc() -> None:
    assert when.time_of_day(utc(2026, 12, 1, 9, 5), None) == when.time_of_day(utc(2026, 12, 1, 9, 5), '') == '09:05'


def test_time_of_day_follows_daylight_saving_time() -> None:
    assert when.time_of_day(utc(2026, 3, 29, 0, 30), BERLIN) == '01:30'  # CET, +1
    assert when.time_of_day(utc(2026, 3, 29, 1, 30), BERLIN) == '03:30'  # CEST from 01:00 UTC, +2
    assert when.time_of_day(utc(2026, 10, 25, 0, 30), 'Europe/Berlin') == '02:30'  # the first 02:30 (CEST)
    assert when.time_of_day(utc(2026, 10, 25, 1, 30), 'Europe/Berlin') == '02:30'  # and the second (CET)


def test_a_moment_today_is_only_a_time_and_any_other_day_names_the_day() -> None:
    now = utc(2026, 12, 1, 15, 0)
    assert when.moment(utc(2026, 12, 1, 10, 25), now) == '10:25'
    assert when.moment(utc(2026, 11, 30, 10, 25), now) == 'Mon 30 Nov 10:25'
    assert when.moment(utc(2026, 12, 2, 0, 0), now) == 'Wed 2 Dec 00:00'


def test_today_is_the_readers_today_not_utcs() -> None:
    now = utc(2026, 12, 1, 3, 0)  # 22:00 on Mon 30 Nov in New York
    assert when.moment(utc(2026, 12, 1, 1, 0), now, NEW_YORK) == '20:00'
    assert when.moment(utc(2026, 12, 1, 5, 0), now, NEW_YORK) == 'Tue 1 Dec 00:00'  # midnight there: tomorrow
    assert when.moment(utc(2026, 11, 30, 4, 59), now, NEW_YORK) == 'Sun 29 Nov 23:59'


def test_a_window_names_its_day_once() -> None:
    assert when.window(utc(2026, 12, 1, 9, 0), utc(2026, 12, 1, 11, 0), BERLIN) == 'Tue 1 Dec, 10:00–12:00'


def test_a_window_past_midnight_names_both_days() -> None:
    start, end = utc(2026, 12, 1, 21, 0), utc(2026, 12, 2, 1, 0)
    assert when.window(start, end, BERLIN) == 'Tue 1 Dec, 22:00 – Wed 2 Dec, 02:00'


def test_a_window_across_the_spring_change_shows_the_clock_on_the_wall() -> None:
    assert when.window(utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30), BERLIN) == 'Sun 29 Mar, 01:30–03:30'


def test_a_run_of_days_names_the_month_once_when_it_can() -> None:
    assert when.dates(utc(2026, 12, 1), utc(2026, 12, 1)) == '1 Dec'
    assert when.dates(utc(2026, 12, 1), utc(2026, 12, 7)) == '1–7 Dec'
    assert when.dates(utc(2026, 11, 28), utc(2026, 12, 4)) == '28 Nov–4 Dec'
    assert when.dates(utc(2026, 12, 29), utc(2027, 1, 4)) == '29 Dec–4 Jan'


@pytest.mark.parametrize(
    ('seconds', 'words'),
    [
        (0, 'under 1 min'),
        (29, 'under 1 min'),
        (45 * 60, '45 min'),
        (59 * 60 + 40, '1 h'),
        (3600, '1 h'),
        (2 * 3600 + 5 * 60, '2 h 5 min'),
        (23 * 3600 + 59 * 60 + 50, '1 day'),
        (25 * 3600 + 600, '1 day 1 h'),
        (3 * 86400, '3 days'),
        (3 * 86400 + 5 * 3600, '3 days 5 h'),
    ],
)
def test_a_span_in_words(seconds: float, words: str) -> None:
    assert when.span(seconds) == words


def test_a_span_takes_a_timedelta_in_seconds() -> None:
    assert when.span(timedelta(hours=8).total_seconds()) == '8 h'


def test_the_names_do_not_depend_on_the_locale() -> None:
    assert [when.day(utc(2026, 11, 30) + timedelta(days=i)) for i in range(7)] == [
        'Mon 30 Nov', 'Tue 1 Dec', 'Wed 2 Dec', 'Thu 3 Dec', 'Fri 4 Dec', 'Sat 5 Dec', 'Sun 6 Dec'
    ]  # fmt: skip


def test_when_is_a_base_module_without_ui_or_other_models() -> None:
    tree = ast.parse(Path(when.__file__).read_text())
    imported = {'.' * n.level + (n.module or '') for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.startswith(('models', 'nicegui', 'pages', '.'))}
