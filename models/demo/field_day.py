"""The technicians' day, around the moment the demo is loaded: visit times offered and chosen through the
visit verbs, a visit already done today (fixed on the first visit), one later today, one that nobody came to
(recorded by the missed-visit follow-up, as the running app would), and times waiting for a requester's pick.

Fixed stories, told on the clock of `now`: the windows sit just before and after it, so Sam's Today and the
managers' measures have something to show whenever the demo starts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from ..position import Position
from ..tickets import Status
from ..users import User
from . import hours
from .issues import Issue
from .stories import Step, Story

KEPT = Issue(
    'printer',
    'hannah',
    'Label printer in the post room prints blank labels',
    'The labels come out blank since this morning. The ribbon looks fine to me.',
    'Head office, ground floor post room',
    'The print head was dirty and set too light. Cleaned it, set the darkness back to 12 and printed a test sheet.',
    onsite=True,
    position=Position(53.3438, -6.2546, 12),
)
MISSED = Issue(
    'site_repair',
    'dave',
    'Gate barrier at the depot stays up',
    'The barrier at the lorry gate does not come down after a truck passes. We are waving drivers through by hand.',
    'Dublin depot, lorry gate',
    '',
    onsite=True,
    position=Position(53.3478, -6.1990, 25),
)
LATER = Issue(
    'wifi',
    'lena',
    'No Wi-Fi in the control room portacabin',
    'Since the cabin was moved last week the tablets in it cannot find the site Wi-Fi.',
    'Harbour Road pumping station, control room cabin',
    '',
    onsite=True,
    position=Position(53.2996, -6.1313, 18),
)
WAITING_FOR_A_PICK = Issue(
    'laptop',
    'alex',
    'Docking station does not drive the second screen',
    'With the laptop in the dock only one of my two screens lights up. Both work on their own.',
    'Head office, desk 3.21',
    '',
    onsite=True,
)

FIELD_DAY_ISSUES = [KEPT, MISSED, LATER, WAITING_FOR_A_PICK]


def field_day(people: dict[str, User], now: datetime) -> list[Story]:
    """The day's visit stories, each with its steps planned around `now` (all of them before it)."""
    t = hours.ceil(now, 30)  # the half hour the day's windows are counted from
    day_before = _working_morning_before(now)
    return [
        _kept(people, day_before, (t - timedelta(hours=2, minutes=30), t - timedelta(hours=1))),
        _missed(people, day_before + timedelta(minutes=10), (t - timedelta(hours=2), t - timedelta(hours=1))),
        _later(people, day_before + timedelta(hours=1), (t + timedelta(hours=1), t + timedelta(hours=3))),
        _waiting(people, day_before + timedelta(hours=2), now),
    ]


def _kept(people: dict[str, User], reported: datetime, window: tuple[datetime, datetime]) -> Story:
    """Hannah's label printer: Sam came this morning and fixed it on the first visit."""
    sam = people['sam']
    steps = _offered_and_chosen(KEPT, people, reported, 'sam', window)
    start = window[0]
    steps += [
        Step(start - timedelta(minutes=15), 'status', sam, to=Status.ON_THE_WAY, eta=start + timedelta(minutes=5)),
        Step(start + timedelta(minutes=5), 'arrive', sam),
        Step(start + timedelta(minutes=55), 'leave', sam, text=KEPT.fix),
    ]
    return _story(KEPT, Status.RESOLVED, steps)


def _missed(people: dict[str, User], reported: datetime, window: tuple[datetime, datetime]) -> Story:
    """Dave's gate barrier: Tom was held up on another job and nobody came in the chosen window."""
    tom = people['tom']
    steps = _offered_and_chosen(MISSED, people, reported, 'tom', window)
    checked = window[1] + timedelta(minutes=16)  # the missed-visit check runs 15 minutes after the window
    steps += [
        Step(checked, 'due'),
        Step(
            checked + timedelta(minutes=9),
            'reply',
            tom,
            text='Sorry Dave, I was held up at another site. I will offer you new times today.',
        ),
    ]
    return _story(MISSED, Status.IN_PROGRESS, steps)


def _later(people: dict[str, User], reported: datetime, window: tuple[datetime, datetime]) -> Story:
    """Lena's Wi-Fi in the cabin: Sam goes there later today."""
    return _story(LATER, Status.VISIT_PLANNED, _offered_and_chosen(LATER, people, reported, 'sam', window))


def _waiting(people: dict[str, User], reported: datetime, now: datetime) -> Story:
    """Alex's docking station: Sam offered two times for tomorrow's visit; Alex has not picked one yet."""
    sam = people['sam']
    day = _working_day_after(now)
    times = [_desk_time(day, 9), _desk_time(day, 13)]
    steps = [
        Step(reported, 'create'),
        Step(reported + timedelta(minutes=20), 'take', sam),
        Step(reported + timedelta(minutes=25), 'reply', sam, text=_ack(WAITING_FOR_A_PICK, people)),
        Step(reported + timedelta(minutes=30), 'propose', sam, windows=[(s, s + timedelta(hours=2)) for s in times]),
    ]
    return _story(WAITING_FOR_A_PICK, Status.ASSIGNED, steps)


def _offered_and_chosen(
    issue: Issue, people: dict[str, User], reported: datetime, tech: str, window: tuple[datetime, datetime]
) -> list[Step]:
    technician, requester = people[tech], people[issue.requester]
    return [
        Step(reported, 'create'),
        Step(reported + timedelta(minutes=15), 'take', technician),
        Step(reported + timedelta(minutes=20), 'reply', technician, text=_ack(issue, people)),
        Step(reported + timedelta(minutes=30), 'propose', technician, windows=[window]),
        Step(reported + timedelta(hours=2), 'choose', requester),
    ]


def _ack(issue: Issue, people: dict[str, User]) -> str:
    return f'Hi {people[issue.requester].first_name}, this needs a visit. Please pick a time that suits you.'


def _story(issue: Issue, status: Status, steps: list[Step]) -> Story:
    story = Story(issue, status, seed=0)
    story.steps = steps
    return story


def _working_morning_before(now: datetime) -> datetime:
    """09:40 desk time on the working day before today's."""
    day = now.astimezone(hours.DESK_TZ).date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return _desk_time(day, 9, 40)


def _working_day_after(now: datetime) -> date:
    day = now.astimezone(hours.DESK_TZ).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _desk_time(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=hours.DESK_TZ).astimezone(UTC)
