"""Expectation gaps worth reading: "Email & calendar" is fixed on time but people are unhappy (quick fixes, no
word on what was wrong); "Phone & mobile" is slow but people are happy (kept posted, a spare phone meanwhile).
Three tickets only: the demo keeps to about sixty (tests/unit/test_demo.py), and the month's stories add to both.
Maria has recorded one improvement action from the email gap, which Sam owns.

Written through the verbs with `now=` times on working days before the demo's moment, after the service levels
are set (so each fix is judged against its target), and each rated with a comment within the rating window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .. import improvements, ratings, tickets
from ..catalog import Service
from ..measures import GroupBy
from ..users import User
from .hours import DESK_TZ

RECORDED_DAYS_AGO = 2  # working days: after the last of the fixes below (4 working days ago)
PERIOD_DAYS = 30  # the gap the action was recorded from was read over the last 30 days, like the screen's default


@dataclass(frozen=True)
class _Fix:
    requester: str
    service: str
    technician: str
    title: str
    days_ago: int  # working days before the demo's day
    reported: float  # local hour
    working_hours: float  # from report to fix, in the desk's working hours (09:00–17:00)
    score: int
    comment: str


FIXES = [
    _Fix('alex', 'email', 'sam', 'Out-of-office reply will not switch off', 9, 9.5, 2, 2,
         'Fixed fast, but nobody told me what was wrong. It will happen again.'),
    _Fix('chris', 'email', 'sam', 'Cannot open the shared Finance mailbox', 4, 13, 1.5, 1,
         'It works now, but the reply was one line and I had to guess what to do.'),
    _Fix('dave', 'phone', 'priya', 'Work phone restarts by itself', 12, 9, 34, 5,
         'It took a week, but Priya told me every day where it stood, and lent me a spare phone.'),
]  # fmt: skip

ACTION = 'Explain the cause and ask "Did this fix it?" before closing email requests'


async def seed_gaps(people: dict[str, User], services: dict[str, Service], now: datetime) -> None:
    for fix in FIXES:
        await _fixed(fix, people, services, now)
    # Maria read the gap two working days ago (after the last of these fixes) and recorded what Sam will change.
    day = _working_day(now, RECORDED_DAYS_AGO)
    recorded, until = _at(day, 10), _midnight(day + timedelta(days=1))
    review_on = await improvements.suggested_review_day(recorded)
    await improvements.record(
        actor=people['manager'], kind=improvements.GapKind.ON_TIME_UNHAPPY, group_by=GroupBy.SERVICE,
        key=services['email'].id, what=ACTION, owner_id=people['sam'].id, review_on=review_on,
        since=until - timedelta(days=PERIOD_DAYS), until=until, now=recorded,
    )  # fmt: skip


async def _fixed(fix: _Fix, people: dict[str, User], services: dict[str, Service], now: datetime) -> None:
    reported = _at(_working_day(now, fix.days_ago), fix.reported)
    tech, who = people[fix.technician], people[fix.requester]
    ticket = await tickets.create_ticket(
        requester=who, service_id=services[fix.service].id, title=fix.title, now=reported
    )
    await tickets.take(ticket.id, technician=tech, now=reported + timedelta(minutes=20))
    await tickets.reply(ticket.id, 'Looking at it now.', author=tech, now=reported + timedelta(minutes=25))
    fixed = _working_hours_later(reported, fix.working_hours)
    await tickets.resolve(ticket.id, 'Sorted.', actor=tech, now=fixed)
    await ratings.rate(ticket.id, fix.score, actor=who, now=fixed + timedelta(hours=1))
    await ratings.comment(ticket.id, fix.comment, actor=who, now=fixed + timedelta(hours=1, minutes=2))


def _working_day(now: datetime, back: int) -> date:
    """The working day `back` working days before the demo's day (where the desk is)."""
    day = now.astimezone(DESK_TZ).date()
    while back:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            back -= 1
    return day


def _working_hours_later(start: datetime, hours: float) -> datetime:
    """`hours` of the desk's working time (weekdays 09:00–17:00) after `start`."""
    moment, left = start.astimezone(DESK_TZ), hours
    while True:
        end = moment.replace(hour=17, minute=0, second=0, microsecond=0)
        if moment.weekday() < 5 and moment < end:
            span = (end - moment).total_seconds() / 3600
            if left <= span:
                return moment + timedelta(hours=left)
            left -= span
        moment = _at(moment.date() + timedelta(days=1), 9)


def _at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=DESK_TZ) + timedelta(hours=hour)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=DESK_TZ)
