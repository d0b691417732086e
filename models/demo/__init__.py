"""Demo data: a believable service desk for a newcomer to click through (`tapdesk serve --demo`).

Everything after the accounts and the catalog is written through the real domain verbs
(create_ticket, take, assign, reply, set_status, resolve, close, reopen, add_photos) with `now=`
timestamps, so timelines, first responses and resolution times look like a month of real work.
The data is the same on every run (random.Random(42)); only its position in time follows `now`.

The data lives in its own modules, by noun: people (and the catalog), lines (what they say), issues,
stories (planning each ticket's steps on the clock of `hours`), field_day (the visits of today), verbs (performing
them), service_levels, checklists and self_help (articles, votes, deflections).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from .. import clock
from ..catalog import Service
from ..tickets import Status
from ..users import ROLE_WORDS, User
from .checklists import seed_checklists
from .colleagues import seed_colleagues
from .field_day import field_day
from .gaps import seed_gaps
from .issues import ISSUES
from .people import DEMO_PASSWORD, DOMAIN, MANAGER_EMAIL, PEOPLE, seed_catalog, seed_people
from .self_help import seed_self_help
from .service_levels import seed_service_levels
from .stories import Story, deal_statuses, plan, rate
from .verbs import perform

__all__ = ['DEMO_PASSWORD', 'DOMAIN', 'ISSUES', 'MANAGER_EMAIL', 'PEOPLE', 'SEED', 'seed']

SEED = 42
_deal_statuses = deal_statuses  # the name tests/unit/test_demo.py checks the dealing by


async def seed(*, now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Seed the demo once (a second call changes nothing) and return its sign-ins as (role, name, email).

    All accounts use DEMO_PASSWORD. Everything is written in one transaction: a failure leaves no half demo.
    """
    now = now or clock.now()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if not await User.exists(email=MANAGER_EMAIL):
        async with in_transaction():
            people = await seed_people(now)
            services = await seed_catalog()
            await _tickets(people, services, now)
            await seed_service_levels(people['manager'], services)
            await seed_checklists(people['manager'], services, now)
            await seed_self_help(people, services, now)
            await seed_colleagues(people, services, now)
            await seed_gaps(people, services, now)
    found = {u.email: u for u in await User.filter(email__in=[p.email for p in PEOPLE])}
    return [(ROLE_WORDS[found[p.email].role], found[p.email].name, p.email) for p in PEOPLE if p.email in found]


async def _tickets(people: dict[str, User], services: dict[str, Service], now: datetime) -> None:
    rng = random.Random(SEED)
    statuses = deal_statuses(rng)
    stories = [Story(issue, statuses[i], rng.randrange(2**32)) for i, issue in enumerate(ISSUES)]
    # One technician's after-the-fix photo on a finished on-site job.
    done_on_site = [s for s in stories if s.issue.onsite and s.status == Status.CLOSED and not s.issue.photo]
    min(done_on_site, key=lambda s: s.issue.service != 'site_repair').tech_photo = True
    for story in [s for s in stories if s.status == Status.CLOSED and not s.tech_photo][::6]:
        story.callback = True
    for story in stories:
        story.steps = plan(story, people, now)
        rate(story, people[story.issue.requester], now)
    stories += field_day(people, now)  # visits around the moment the demo is loaded
    # Everything happens in time order, across tickets: ticket numbers and timeline ids follow the clock.
    steps = sorted(
        ((step, i, j) for i, s in enumerate(stories) for j, step in enumerate(s.steps)),
        key=lambda x: (x[0].at, x[1], x[2]),
    )
    for step, i, _ in steps:
        await perform(stories[i], step, people, services)
