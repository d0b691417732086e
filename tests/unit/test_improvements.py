"""Improvement actions: recorded from a gap by a manager, its figures then and now, and a review reminder that
reaches its owner once, on the review day (a durable job with a lease)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from models import improvements, notifications, ratings, settings, tickets
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.gaps import GapKind
from models.improvements import LEASE, ActionReviewJob, ActionState, ImprovementAction, JobState
from models.measures import GroupBy
from models.outbox import Kind, PushMessage
from models.users import User
from tests.conftest import START, FrozenClock
from tests.push_service import BrowserDevice

WEEK = (START - timedelta(days=6, hours=9), START + timedelta(hours=15))  # the 7 UTC days up to Tue 24 Nov 2026
REVIEW_DAY = date(2026, 12, 8)  # a Tuesday: the reminder is due at 09:00 UTC (the default working calendar)
REVIEW_AT = datetime(2026, 12, 8, 9, 0, tzinfo=START.tzinfo)


@pytest.fixture(autouse=True)
def loopback_push(isolated_environment: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Devices here point at 127.0.0.1 (nothing listens: these tests look at the outbox, not the wire)."""
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    settings.reload()
    yield


async def phone(person: User, name: str) -> None:
    browser = BrowserDevice(f'http://127.0.0.1:9/push/{name}')
    await notifications.subscribe(person, endpoint=browser.endpoint, keys=browser.keys())


async def unhappy_fix(people: SimpleNamespace, reported: datetime, score: int) -> int:
    """A Wi-Fi request Sam fixed within the hour (no target: Wi-Fi has none until a test sets one)."""
    t = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='Wi-Fi', now=reported)
    await tickets.take(t.id, technician=people.technician, now=reported)
    await tickets.resolve(t.id, 'Done', actor=people.technician, now=reported + timedelta(hours=1))
    await ratings.rate(t.id, score, actor=people.requester, now=reported + timedelta(hours=2))
    return t.id


@pytest.fixture
async def rated(people: SimpleNamespace, clock: FrozenClock) -> SimpleNamespace:
    """Two Wi-Fi fixes this week, both fixed within the 4-hour target: one rated 1, one rated 5."""
    from models import sla
    from models.catalog import Priority

    await sla.set_target(
        actor=people.manager, service_id=people.wifi.id, priority=Priority.NORMAL, first_response_minutes=60,
        resolution_minutes=240,
    )  # fmt: skip
    await unhappy_fix(people, START - timedelta(days=2), 1)
    await unhappy_fix(people, START - timedelta(days=1), 5)
    return people


async def record(people: SimpleNamespace, **changes: object) -> ImprovementAction:
    values: dict = {
        'actor': people.manager, 'kind': GapKind.ON_TIME_UNHAPPY, 'group_by': GroupBy.SERVICE,
        'key': people.wifi.id, 'what': 'Tell people what was fixed when closing', 'owner_id': people.technician.id,
        'review_on': REVIEW_DAY, 'since': WEEK[0], 'until': WEEK[1],
    }  # fmt: skip
    return await improvements.record(**{**values, **changes})  # type: ignore[arg-type]


async def test_a_manager_records_an_action_with_the_gaps_figures_when_opened(rated: SimpleNamespace) -> None:
    action = await record(rated)
    assert (action.gap_kind, action.group_by, action.group_key, action.group_label) == (
        GapKind.ON_TIME_UNHAPPY, 'service', rated.wifi.id, 'Wi-Fi',
    )  # fmt: skip
    assert action.figures == {
        'count': 1,
        'base': 2,
        'share': 0.5,
        'since': WEEK[0].isoformat(),
        'until': WEEK[1].isoformat(),
    }
    assert (action.state, action.owner_id, action.created_by_id, action.period_days) == (
        ActionState.OPEN, rated.technician.id, rated.manager.id, 7,
    )  # fmt: skip
    [job] = await improvements.pending_for(action.id)
    assert job.due_at == REVIEW_AT


async def test_the_action_shows_todays_figures_beside_those_when_opened(
    rated: SimpleNamespace, clock: FrozenClock
) -> None:
    action = await record(rated)
    clock.now = START + timedelta(days=14)  # two weeks on: the two fixes are out of the last 7 days
    now = await improvements.figures_now(rated.technician, action)
    assert (now.count, now.base) == (0, 0)
    await unhappy_fix(rated, clock.now - timedelta(days=1), 4)
    await unhappy_fix(rated, clock.now - timedelta(days=2), 5)
    await unhappy_fix(rated, clock.now - timedelta(days=3), 2)
    now = await improvements.figures_now(rated.manager, action)
    assert (now.count, now.base, now.share) == (1, 3, 0.3333)
    assert improvements.figures_words(action.figures, GapKind.ON_TIME_UNHAPPY) == '1 of 2 fixes (50%)'
    assert improvements.figures_words(now.as_figures(), GapKind.ON_TIME_UNHAPPY) == '1 of 3 fixes (33%)'


@pytest.mark.parametrize(
    ('changes', 'field'),
    [
        ({'what': '   '}, 'what'),
        ({'what': 'x' * 301}, 'what'),
        ({'review_on': date(2026, 11, 24)}, 'review_on'),  # today is not a review day
        ({'review_on': date(2028, 1, 1)}, 'review_on'),
        ({'kind': 'no-such-gap'}, 'kind'),
        ({'group_by': 'day'}, 'group_by'),
    ],
)
async def test_an_action_needs_what_a_later_review_day_and_a_real_gap(
    rated: SimpleNamespace, clock: FrozenClock, changes: dict, field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        await record(rated, **changes)
    assert refused.value.field == field
    assert await ImprovementAction.all().count() == 0 and await ActionReviewJob.all().count() == 0


async def test_an_action_is_owned_by_someone_from_the_desk(rated: SimpleNamespace) -> None:
    with pytest.raises(Invalid, match='from the desk'):
        await record(rated, owner_id=rated.requester.id)
    with pytest.raises(Invalid, match='from the desk'):
        await record(rated, owner_id=999)


@pytest.mark.parametrize('who', ['technician', 'requester'])
async def test_only_managers_record_actions(rated: SimpleNamespace, who: str) -> None:
    with pytest.raises(Forbidden):
        await record(rated, actor=getattr(rated, who))


async def test_the_owner_and_managers_see_an_action_and_nobody_else(rated: SimpleNamespace) -> None:
    action = await record(rated)
    assert (await improvements.get_for(rated.technician, action.id)).id == action.id
    assert [a.id for a in await improvements.actions_for(rated.manager)] == [action.id]
    assert await improvements.actions_for(rated.technician2) == []
    for outsider in (rated.technician2, rated.requester):
        with pytest.raises(NotFound):
            await improvements.get_for(outsider, action.id)
        with pytest.raises(NotFound):
            await improvements.mark_done(outsider, action.id)


async def test_the_review_reminder_reaches_the_owner_once_on_the_review_day(rated: SimpleNamespace) -> None:
    await phone(rated.technician, 'sam')
    await phone(rated.manager, 'maria')
    action = await record(rated)
    assert await improvements.run_due(REVIEW_AT - timedelta(minutes=1)) == 0
    assert await PushMessage.all().count() == 0
    assert await improvements.run_due(REVIEW_AT) == 1
    [push] = await PushMessage.all()
    assert (push.user_id, push.kind, push.ticket_id) == (rated.technician.id, Kind.REMINDER, None)
    assert push.payload['title'] == 'Time to review: Tell people what was fixed when closing'
    assert push.payload['url'] == f'/actions/{action.id}'
    assert await improvements.run_due(REVIEW_AT + timedelta(days=3)) == 0  # once
    assert await PushMessage.all().count() == 1
    assert (await ActionReviewJob.get(action_id=action.id)).state == JobState.DONE


async def test_an_action_marked_done_is_not_reminded(rated: SimpleNamespace) -> None:
    await phone(rated.technician, 'sam')
    action = await record(rated)
    done = await improvements.mark_done(rated.technician, action.id, now=START + timedelta(days=3))
    assert (done.state, done.done_at) == (ActionState.DONE, START + timedelta(days=3))
    with pytest.raises(Conflict):
        await improvements.mark_done(rated.manager, action.id)
    assert await improvements.run_due(REVIEW_AT) == 0
    assert await PushMessage.all().count() == 0


async def test_a_claim_whose_instance_died_runs_again_after_its_lease(rated: SimpleNamespace) -> None:
    await phone(rated.technician, 'sam')
    action = await record(rated)
    [job] = await improvements.pending_for(action.id)
    stale = await improvements.JOBS.claim(job.id, REVIEW_AT)  # claimed, then the instance died before its commit
    assert stale is not None
    assert await improvements.run_due(REVIEW_AT + timedelta(minutes=1)) == 0  # its lease still holds
    assert await improvements.run_due(REVIEW_AT + LEASE + timedelta(seconds=1)) == 1
    assert await improvements.JOBS.run(job.id, stale, REVIEW_AT + LEASE) is False  # the dead claim changes nothing
    assert await PushMessage.filter(user_id=rated.technician.id).count() == 1


async def test_a_new_action_proposes_a_working_day_for_its_review(rated: SimpleNamespace) -> None:
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=START.tzinfo)  # two weeks on is a Friday: kept
    assert await improvements.suggested_review_day(friday) == date(2026, 12, 11)
    saturday = friday + timedelta(days=1)  # two weeks on is a Saturday: the Monday after
    assert await improvements.suggested_review_day(saturday) == date(2026, 12, 14)
