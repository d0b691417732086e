"""The expectation gaps screen, the tickets behind a gap, and improvement actions: who may see them, and a
manager's way from a gap to an action."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from nicegui import ui
from nicegui.testing import User

from models import improvements, ratings, sla, tickets
from models.catalog import Priority
from models.gaps import GapKind
from models.improvements import ActionState, ImprovementAction
from models.measures import GroupBy
from models.users import User as Person
from tests.conftest import START, FrozenClock

from .conftest import sign_in


def at(day: int, hour: float) -> datetime:
    return START.replace(hour=0) + timedelta(days=day, hours=hour)  # day 0: Tue 24 Nov 2026 (UTC)


@pytest.fixture
async def desk(people: SimpleNamespace, clock: FrozenClock) -> SimpleNamespace:
    """Wi-Fi is fixed within 4 hours. W1 (Alex) and W2 (Casey) were fixed on time and rated 1 and 2, with comments;
    W3 (Alex) was fixed a day late and rated 5. Seen on Thu 26 Nov."""
    p = people
    await sla.set_target(
        actor=p.manager, service_id=p.wifi.id, priority=Priority.NORMAL, first_response_minutes=60,
        resolution_minutes=240,
    )  # fmt: skip

    async def fixed(who: Person, title: str, reported: datetime, hours: float, score: int, comment: str) -> int:
        t = await tickets.create_ticket(requester=who, service_id=p.wifi.id, title=title, now=reported)
        await tickets.take(t.id, technician=p.technician, now=reported)
        done = reported + timedelta(hours=hours)
        await tickets.resolve(t.id, 'Done', actor=p.technician, now=done)
        await ratings.rate(t.id, score, actor=who, now=done + timedelta(hours=1))
        if comment:
            await ratings.comment(t.id, comment, actor=who, now=done + timedelta(hours=1, minutes=1))
        return t.id

    found = SimpleNamespace(**vars(p))
    found.w1 = await fixed(p.requester, 'Wi-Fi drops in room 3', at(0, 9), 2, 1, 'Nobody told me it was done')
    found.w2 = await fixed(p.colleague, 'No signal at reception', at(1, 9), 3, 2, 'Had to chase twice')
    found.w3 = await fixed(p.requester, 'Guest Wi-Fi password', at(0, 10), 26, 5, '')
    clock.now = at(2, 9)
    return found


def texts(user: User, marker: str) -> list[str]:
    """The labels' texts in the order they stand on the page."""
    return [e.text for e in sorted(user.find(marker=marker).elements, key=lambda e: e.id) if isinstance(e, ui.label)]


async def test_a_manager_reads_the_gaps_per_service(user: User, desk: SimpleNamespace) -> None:
    await sign_in(user, desk.manager.email)
    await user.open('/gaps?period=7')
    await user.should_see('On time but unhappy: 2 of 2 fixes')
    assert texts(user, 'gap-words') == ['On time but unhappy: 2 of 2 fixes', 'Late but happy: 1 of 1 fix']
    await user.should_see('Service: Wi-Fi')
    await user.should_see('20–26 Nov')


async def test_grouping_by_requester_group_regroups_the_gaps(user: User, desk: SimpleNamespace) -> None:
    await sign_in(user, desk.manager.email)
    await user.open('/gaps?period=7')
    await user.should_see('Service: Wi-Fi')
    (toggle,) = user.find(marker='group-by').elements
    toggle.set_value(GroupBy.CATEGORY)
    await user.should_see('Requester group: Staff')
    await user.should_not_see('Service: Wi-Fi')


async def test_the_tickets_behind_a_gap_with_their_comments_newest_first(user: User, desk: SimpleNamespace) -> None:
    await sign_in(user, desk.manager.email)
    await user.open(f'/gaps/on_time_unhappy?by=service&key={desk.wifi.id}&period=7')
    await user.should_see('The 2 tickets behind it, newest first')
    assert texts(user, 'behind-title') == ['No signal at reception', 'Wi-Fi drops in room 3']
    assert texts(user, 'said-text') == ['Had to chase twice', 'Nobody told me it was done']
    await user.should_see('Fixed Wed 25 Nov · rated 2 (Poor)')
    links = [e for e in user.find(ui.link).elements if e.props.get('href') == f'/t/{desk.w2}']
    assert links


async def test_an_unknown_gap_says_so(user: User, desk: SimpleNamespace) -> None:
    await sign_in(user, desk.manager.email)
    await user.open('/gaps/no-such-gap?by=service&key=1')
    await user.should_see(marker='not-found')


async def test_a_manager_records_an_action_from_a_gap_and_sees_its_figures(user: User, desk: SimpleNamespace) -> None:
    await sign_in(user, desk.manager.email)
    await user.open(f'/gaps/on_time_unhappy?by=service&key={desk.wifi.id}&period=7')
    await user.should_see('The 2 tickets behind it, newest first')
    user.find(marker='record-action').click()
    await user.should_see(marker='action-what')
    user.find(marker='action-what').type('Say what was fixed when closing')
    (owner,) = user.find(marker='action-owner').elements
    owner.set_value(desk.technician.id)
    user.find(marker='save-action').click()
    await user.should_see('Owner: Sam Rivera')  # on the action's page
    [action] = await ImprovementAction.all()
    assert (action.gap_kind, action.group_key, action.owner_id, action.figures['count']) == (
        GapKind.ON_TIME_UNHAPPY, desk.wifi.id, desk.technician.id, 2,
    )  # fmt: skip
    await user.should_see('Review on Thu 10 Dec')
    assert texts(user, 'then-value') == ['2 of 2 fixes (100%)']
    assert texts(user, 'now-value') == ['2 of 2 fixes (100%)']


async def test_an_action_needs_what_will_be_done(user: User, desk: SimpleNamespace) -> None:
    await sign_in(user, desk.manager.email)
    await user.open('/gaps?period=7')
    await user.should_see('On time but unhappy: 2 of 2 fixes')
    user.find(marker=f'record-action-{GapKind.ON_TIME_UNHAPPY}-{desk.wifi.id}').click()
    await user.should_see(marker='save-action')
    user.find(marker='save-action').click()
    await user.should_see('Say what will be done.')
    assert await ImprovementAction.all().count() == 0


async def action_for(desk: SimpleNamespace) -> ImprovementAction:
    return await improvements.record(
        actor=desk.manager, kind=GapKind.ON_TIME_UNHAPPY, group_by=GroupBy.SERVICE, key=desk.wifi.id,
        what='Say what was fixed', owner_id=desk.technician.id, review_on=at(14, 0).date(),
        since=at(-5, 0), until=at(2, 0),
    )  # fmt: skip


async def test_the_owner_sees_the_action_and_marks_it_done(user: User, desk: SimpleNamespace) -> None:
    action = await action_for(desk)
    await sign_in(user, desk.technician.email)
    await user.open('/actions')
    await user.should_see('Say what was fixed')
    await user.open(f'/actions/{action.id}')
    await user.should_see('From the gap "On time but unhappy" · Wi-Fi')
    user.find(marker='mark-done').click()
    await user.should_see(marker='action-done')
    assert (await ImprovementAction.get(id=action.id)).state == ActionState.DONE


async def test_another_technician_cannot_open_the_action(user: User, desk: SimpleNamespace) -> None:
    action = await action_for(desk)
    await sign_in(user, desk.technician2.email)
    await user.open(f'/actions/{action.id}')
    await user.should_see(marker='not-found')
    await user.should_not_see('Say what was fixed')
    await user.open('/actions')
    await user.should_see(marker='no-actions')


async def test_a_technician_is_refused_the_gaps(user: User, desk: SimpleNamespace) -> None:
    await sign_in(user, desk.technician.email)
    await user.open('/gaps')
    await user.should_see('Only managers can see the expectation gaps.')
    await user.should_not_see('On time but unhappy')
    await user.open(f'/gaps/on_time_unhappy?by=service&key={desk.wifi.id}&period=7')
    await user.should_see(marker='refused')
    await user.should_not_see('Had to chase twice')


async def test_a_requester_is_sent_away_from_the_actions(user: User, desk: SimpleNamespace) -> None:
    await action_for(desk)
    await sign_in(user, desk.requester.email)
    response = await user.http_client.get('/actions', follow_redirects=False)
    assert response.status_code == 303
