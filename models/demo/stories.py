"""Planning each ticket's story: the steps it goes through, with times, before any of them is performed.

Each story draws from its own random streams (seeded per ticket), so the same story comes out whenever it is told.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..catalog import Priority
from ..tickets import Status
from ..users import User
from . import hours
from .issues import AGE_DAYS, ISSUES, STATUS_COUNTS, Issue
from .lines import FOLLOW_UPS, HANDOVERS, LINES, RATING_COMMENTS, RATING_ODDS, REOPEN_REASONS, THANKS
from .people import SERVICES, TECHS


@dataclass
class Step:
    at: datetime
    verb: str
    actor: User | None = None
    text: str = ''
    internal: bool = False
    to: Status | None = None
    assignee: User | None = None
    eta: datetime | None = None
    visit: tuple[datetime, datetime] | None = None
    part_expected: date | None = None
    photo: str = ''
    score: int = 0
    windows: list[tuple[datetime, datetime]] = field(default_factory=list)  # visit times offered
    pick: int = 0  # which of the offered times the requester chose


@dataclass
class Story:
    issue: Issue
    status: Status
    seed: int
    tech_photo: bool = False
    callback: bool = False  # fixed, reopened, fixed again, closed
    steps: list[Step] = field(default_factory=list)
    ticket_id: int = 0
    offered: list[Any] = field(default_factory=list)  # the visit windows last offered (models.visits.VisitWindow)


def rate(story: Story, requester: User, now: datetime) -> None:
    """The requester's one-tap verdicts, put between each fix and what came next: most fixes get rated, a fix
    that did not hold often gets a low score before the reopen. Its own random stream, so the stories stay the same."""
    rng = random.Random(story.seed ^ 0x5EED)
    steps = story.steps
    for i in range(len(steps) - 1, -1, -1):
        if steps[i].verb != 'resolve':
            continue
        after = steps[i + 1].at if i + 1 < len(steps) else now
        came_back = i + 1 < len(steps) and steps[i + 1].verb == 'reopen'
        if rng.random() > (0.4 if came_back else 0.75):
            continue  # not everyone rates
        odds = {1: 1, 2: 2} if came_back else RATING_ODDS
        score = rng.choices(list(odds), list(odds.values()))[0]
        at = steps[i].at + min(timedelta(minutes=rng.uniform(3, 180)), (after - steps[i].at) / 2)
        comment = rng.choice(RATING_COMMENTS[score]) if rng.random() < (0.7 if score <= 2 else 0.25) else ''
        steps.insert(i + 1, Step(at, 'rate', actor=requester, score=score, text=comment))


def deal_statuses(rng: random.Random) -> list[Status]:
    """Which issue ends in which status: visits only for issues fixed on site."""
    onsite = [i for i, issue in enumerate(ISSUES) if issue.onsite]
    rng.shuffle(onsite)
    result: dict[int, Status] = {}
    for status in (Status.ON_THE_WAY, Status.VISIT_PLANNED):
        for _ in range(STATUS_COUNTS[status]):
            result[onsite.pop()] = status
    rest = [s for s, n in STATUS_COUNTS.items() if s not in (Status.ON_THE_WAY, Status.VISIT_PLANNED) for _ in range(n)]
    rng.shuffle(rest)
    free = [i for i in range(len(ISSUES)) if i not in result]
    assert len(free) == len(rest), 'STATUS_COUNTS must add up to the number of ISSUES'
    result.update(zip(free, rest, strict=True))
    return [result[i] for i in range(len(ISSUES))]


def plan(story: Story, people: dict[str, User], now: datetime) -> list[Step]:
    """The story's steps with times; moves its start earlier until every step fits before `now`."""
    rng = random.Random(story.seed)
    tz = ZoneInfo(people[story.issue.requester].timezone)
    low, high = AGE_DAYS[story.status]
    age = timedelta(days=rng.uniform(low, high))
    created = now - age
    if age > timedelta(days=1):
        created = hours.working_time(created, rng)
    else:
        created = hours.awake_before(created, tz, rng)
    for attempt in range(24):
        script = _Script(story, people, now, created, seed=story.seed, on_shift=attempt < 16)
        script.write()
        if script.overflow <= timedelta(0):
            return script.steps
        created -= script.overflow + timedelta(minutes=15 * 2 ** min(attempt, 8))
        created = hours.awake_before(created, tz, rng)
    raise RuntimeError(f'demo ticket {story.issue.title!r} does not fit before {now}')  # pragma: no cover


class _Script:
    """Writes one ticket's story as steps on a clock that only moves forward."""

    def __init__(
        self, story: Story, people: dict[str, User], now: datetime, created: datetime, *, seed: int, on_shift: bool
    ) -> None:
        self.story, self.issue, self.people, self.now = story, story.issue, people, now
        # What happens comes from `rng`; moves into working hours from `clock_rng`: the story is the same whenever.
        self.rng, self.clock_rng = random.Random(seed), random.Random(seed + 1)
        self.on_shift = on_shift
        self.requester = people[self.issue.requester]
        self.tz = ZoneInfo(self.requester.timezone)
        self.manager = people['manager']
        self.tech = people[self._pick_tech()]
        self.lines = LINES[self.issue.service]
        self.question, self.answer = self.issue.qa or (self.lines.question, self.lines.answer)
        self.t = created
        self.steps: list[Step] = []
        self.overflow = timedelta(0)
        self.window: tuple[datetime, datetime] | None = None
        self.eta: datetime | None = None

    # -- the stories, by the status they end in --

    def write(self) -> None:
        """The ticket's story up to its status today, told by the status it ends in."""
        self.add('create', photo=self.issue.photo)
        if self.story.status == Status.NEW:
            if self.rng.random() < 0.4:
                self.requester_says(self.rng.choice(FOLLOW_UPS), gap=self.rng.uniform(10, 120))
            self.finish()
            return
        self.pick_up()
        ENDINGS.get(self.story.status, _Script.fixed_ending)(self)
        self.finish()

    def assigned_ending(self) -> None:
        self.ack()  # taken and answered: "Assigned to Sam" is not left unanswered for a day
        if self.rng.random() < 0.5:
            self.note(self.lines.note)

    def on_the_way_ending(self) -> None:
        rng = self.rng
        self.ack()
        leave = self.now - timedelta(minutes=rng.uniform(3, 12))
        if rng.random() < 0.5 and hours.is_on_shift(self.now):  # booked yesterday for a window now
            start = hours.floor(self.now.astimezone(self.tz), 30) - timedelta(minutes=30)
            self.visit(
                pin=leave - timedelta(days=1, minutes=rng.uniform(0, 180)),
                window=(start, start + timedelta(hours=2)),
            )
        self.on_the_way(pin=leave)

    def visit_planned_ending(self) -> None:
        self.ack()
        if self.rng.random() < 0.5:
            self.ask_and_answer()
        self.visit(pin=hours.last_on_shift(self.now) - timedelta(minutes=self.rng.uniform(20, 300)))

    def waiting_part_ending(self) -> None:
        self.ack()
        self.working()
        self.note('Needs a replacement part: ordered from the supplier.')
        expected = (self.now + timedelta(days=self.rng.uniform(1, 4))).date()
        self.step('status', self.tech, gap=self.rng.uniform(5, 60), to=Status.WAITING_PART, part_expected=expected)

    def waiting_ending(self) -> None:
        self.ack()
        self.working()
        if self.rng.random() < 0.4:
            self.note(self.lines.note)
        self.ask()

    def in_progress_ending(self) -> None:
        self.ack()
        variant = self.rng.random()
        if self.issue.onsite and variant < 0.5:
            self.visit()
            self.on_the_way()
            self.arrive()
            return
        self.working()
        if variant < 0.4:
            self.ask_and_answer()
        elif variant < 0.6:
            self.handover()
        else:
            self.note(self.lines.note)

    def fixed_ending(self) -> None:
        """Resolved, closed (maybe after a callback) or reopened."""
        self.fix()
        if self.story.status == Status.CLOSED:
            if self.story.callback:  # the fix did not hold the first time
                self.reopen()
                self.working(gap=self.rng.uniform(15, 240))
                self.note('Went through it again properly this time.')
                self.resolve('Checked again and found the first fix had not held. ' + self.issue.fix)
            self.close()
        elif self.story.status == Status.REOPENED:
            if self.rng.random() < 0.4:
                self.close()
            # Came back lately: a reopen from last week would have been picked up by now.
            came_back = self.now - timedelta(hours=self.rng.uniform(1, 20))
            self.reopen(pin=hours.awake_before(came_back, self.tz, self.clock_rng))

    def fix(self) -> None:
        """From assigned to resolved, one of the usual ways."""
        rng = self.rng
        variant = rng.random()
        if self.issue.onsite and (variant < 0.6 or self.story.tech_photo):
            self.ack()
            if rng.random() < 0.3:
                self.ask_and_answer()
            self.visit()
            self.on_the_way()
            self.arrive()
            if self.story.tech_photo:
                self.step('photo', self.tech, gap=rng.uniform(10, 40))
            self.resolve(gap=rng.uniform(15, 120))
        elif variant < 0.25:  # quick fix
            self.ack()
            self.resolve(gap=rng.uniform(5, 60))
        else:
            self.ack()
            self.working()
            roll = rng.random()
            if roll < 0.35:
                self.ask_and_answer()
            elif roll < 0.5:
                self.handover()
            elif roll < 0.75:
                self.note(self.lines.note)
            self.resolve()

    # -- moves --

    def pick_up(self) -> None:
        rng = self.rng
        roll = rng.random()
        gap = rng.uniform(2, 30) if roll < 0.55 else rng.uniform(30, 180) if roll < 0.9 else rng.uniform(180, 900)
        if self.issue.service in URGENT_SERVICES:  # locked out, kit down on site: taken within the hour
            gap = min(gap, rng.uniform(5, 50))
        if rng.random() < 0.3:
            self.step('assign', self.manager, gap=gap, assignee=self.tech)
        else:
            self.step('take', self.tech, gap=gap)

    def ack(self) -> None:
        self.step(
            'reply', self.tech, gap=self.rng.uniform(1, 25), text=self.lines.ack.format(first=self.requester.first_name)
        )

    def working(self, gap: float | None = None) -> None:
        self.step('status', self.tech, gap=gap or self.rng.uniform(1, 40), to=Status.IN_PROGRESS)

    def note(self, text: str) -> None:
        self.step('reply', self.tech, gap=self.rng.uniform(5, 120), text=text, internal=True)

    def ask(self) -> None:
        self.step('reply', self.tech, gap=self.rng.uniform(5, 90), text=self.question)
        self.step('status', self.tech, gap=1, to=Status.WAITING)

    def ask_and_answer(self) -> None:
        self.ask()
        self.requester_says(self.answer, gap=self.rng.uniform(15, 600))  # hands it back: being worked on

    def requester_says(self, text: str, *, gap: float) -> None:
        self.step('reply', self.requester, gap=gap, text=text, staff=False)

    def handover(self) -> None:
        frm = self.tech
        self.tech = self.people[self.rng.choice([k for k in TECHS if self.people[k].id != frm.id])]
        self.step('assign', self.manager, gap=self.rng.uniform(30, 600), assignee=self.tech)
        self.step(
            'reply',
            self.manager,
            gap=1,
            internal=True,
            text=self.rng.choice(HANDOVERS).format(to=self.tech.first_name, frm=frm.first_name),
        )

    def visit(self, *, pin: datetime | None = None, window: tuple[datetime, datetime] | None = None) -> None:
        if pin is None:
            self.step('status', self.tech, gap=self.rng.uniform(10, 240), to=Status.VISIT_PLANNED)
        else:
            self.pin(pin, 'status', self.tech, to=Status.VISIT_PLANNED)
        self.window = window or hours.window(self.t, self.tz, self.clock_rng)
        self.steps[-1].visit = self.window
        self.step(
            'reply', self.tech, gap=0.5, text=f"I'll come {hours.when(self.window, self.t, self.tz)}. See you then!"
        )

    def on_the_way(self, *, pin: datetime | None = None) -> None:
        if pin is not None:
            self.pin(pin, 'status', self.tech, to=Status.ON_THE_WAY)
            eta = hours.ceil(self.now + timedelta(minutes=self.rng.uniform(10, 30)), 5)
        else:
            if self.window is not None:  # set off shortly before the window opens
                leave = self.window[0] - timedelta(minutes=self.rng.uniform(10, 25))
                gap = max(1.0, (leave - self.t).total_seconds() / 60)
            else:
                gap = self.rng.uniform(10, 180)
            self.step('status', self.tech, gap=gap, to=Status.ON_THE_WAY, shift=False)
            eta = hours.ceil(self.t + timedelta(minutes=self.rng.uniform(15, 40)), 5)
        self.steps[-1].eta = self.eta = eta
        if self.rng.random() < 0.6:
            self.step(
                'reply',
                self.tech,
                gap=0.2,
                text=f'On my way, I should be with you at about {eta.astimezone(self.tz):%H:%M}.',
            )

    def arrive(self) -> None:
        assert self.eta is not None
        gap = max(1.0, (self.eta - self.t).total_seconds() / 60 + self.rng.uniform(-4, 6))
        self.step('status', self.tech, gap=gap, to=Status.IN_PROGRESS, shift=False)
        if self.rng.random() < 0.5:
            self.step(
                'reply', self.tech, gap=self.rng.uniform(2, 10), text='On site now, having a look.', internal=True
            )

    def resolve(self, summary: str = '', *, gap: float | None = None) -> None:
        roll = self.rng.random()
        gap = gap or (self.rng.uniform(20, 240) if roll < 0.6 else self.rng.uniform(240, 2880))
        self.step('resolve', self.tech, gap=gap, text=summary or self.issue.fix)

    def close(self) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            self.requester_says(rng.choice(THANKS).format(tech=self.tech.first_name), gap=rng.uniform(10, 600))
        if rng.random() < 0.8:
            self.step('close', self.requester, gap=rng.uniform(1, 1440), staff=False)
        else:  # nobody confirmed: the technician closes it a few days later
            self.step('close', self.tech, gap=rng.uniform(2880, 5760))

    def reopen(self, *, pin: datetime | None = None) -> None:
        if pin is not None:
            self.pin(pin, 'reopen', self.requester, text=self.rng.choice(REOPEN_REASONS))
            return
        self.step(
            'reopen', self.requester, gap=self.rng.uniform(120, 4320), text=self.rng.choice(REOPEN_REASONS), staff=False
        )

    # -- the clock --

    def add(self, verb: str, **kw: Any) -> None:
        self.steps.append(Step(self.t, verb, **kw))

    def step(self, verb: str, actor: User, *, gap: float, staff: bool = True, shift: bool = True, **kw: Any) -> None:
        t = self.t + timedelta(minutes=gap)
        if shift and self.on_shift and gap > 1:  # a message right after a move stays with it
            t = hours.on_shift(t, self.clock_rng) if staff else hours.awake(t, self.tz, self.clock_rng)
        self.t = t
        self.add(verb, actor=actor, **kw)

    def pin(self, at: datetime, verb: str, actor: User, **kw: Any) -> None:
        """A step that must happen at `at` (close to now): everything before it has to fit."""
        self.overflow = max(self.overflow, self.t + timedelta(minutes=1) - at)
        self.t = max(self.t, at)
        self.add(verb, actor=actor, **kw)

    def finish(self) -> None:
        self.overflow = max(self.overflow, self.t - self.now)

    def _pick_tech(self) -> str:
        if self.issue.onsite and self.issue.requester in ('dave', 'lena'):  # field sites: Tom drives out
            return 'tom' if self.rng.random() < 0.8 else self.rng.choice(['sam', 'priya'])
        return self.rng.choices(TECHS, weights=[45, 45, 10])[0]


URGENT_SERVICES = {s.key for s in SERVICES if s.priority >= Priority.HIGH}

ENDINGS = {
    Status.ASSIGNED: _Script.assigned_ending,
    Status.ON_THE_WAY: _Script.on_the_way_ending,
    Status.VISIT_PLANNED: _Script.visit_planned_ending,
    Status.WAITING_PART: _Script.waiting_part_ending,
    Status.WAITING: _Script.waiting_ending,
    Status.IN_PROGRESS: _Script.in_progress_ending,
}
