"""Recognition: points for published articles, helpful votes by others, requests saved through one's articles and
accepted answers, each with its weight, counted in the database over a period; badges; a leaderboard of
requesters (staff only when the managers rank them too); nothing at all while the managers switch it off."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace

import pytest

from models import article_votes, articles, deflections, help_settings, recognition, superusers, tickets, users
from models.errors import Forbidden
from models.recognition import Score
from models.users import User
from tests.conftest import FrozenClock

STEPS = 'Open the tray and pull the paper out slowly.'


async def article(author: User, title: str = 'Clear a paper jam', *, publish: bool = True) -> int:
    written = await articles.write(author, title=title, body=STEPS)
    if publish:
        await articles.publish(author, written.id)
    return written.id


async def accepted_answer(people: SimpleNamespace, helper: User, *, title: str = 'Printer jams') -> None:
    """Alex asks about the printer, `helper` (a superuser for it) answers, Alex says "This fixed it"."""
    ticket = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title=title, peers_may_help=True
    )
    given = await superusers.answer(helper, ticket.id, 'Open the side door and pull the sheet out.')
    await superusers.accept(people.requester, ticket.id, given.id)


@pytest.fixture
async def helpers(people: SimpleNamespace, manager: User) -> SimpleNamespace:
    """Casey (Staff) and Otto (Contractors) know the printers well."""
    await superusers.grant(manager, people.colleague.id, [people.printer.id])
    await superusers.grant(manager, people.outsider.id, [people.printer.id])
    return SimpleNamespace(casey=people.colleague, otto=people.outsider)


async def test_each_source_counts_with_its_weight(
    people: SimpleNamespace, technician: User, requester: User, colleague: User, helpers: SimpleNamespace
) -> None:
    first = await article(technician, 'Clear a paper jam')
    second = await article(technician, 'Change the toner')
    await articles.retire(technician, second)  # it was published: it still counts
    await article(technician, 'Half written', publish=False)  # a draft counts for nothing
    await article_votes.vote(requester, first, helpful=True)
    await article_votes.vote(colleague, first, helpful=False, why='No tray 2 here')  # not helpful: nothing
    await deflections.solved(requester, first)
    await deflections.opened(colleague, first)  # only opened: not a request saved
    await accepted_answer(people, helpers.casey)
    ticket = await tickets.create_ticket(
        requester=requester, service_id=people.printer.id, title='Toner streaks', peers_may_help=True
    )
    await superusers.answer(helpers.otto, ticket.id, 'Shake the cartridge.')  # answered, never accepted
    assert await recognition.points_for(technician) == Score(articles=2, helpful_votes=1, saved=1, accepted=0)
    assert (await recognition.points_for(technician)).points == 2 * 10 + 2 + 5
    assert await recognition.points_for(helpers.casey) == Score(accepted=1)
    assert (await recognition.points_for(helpers.casey)).points == 15
    assert await recognition.points_for(helpers.otto) == Score()


async def test_an_authors_own_helpful_vote_earns_nothing(technician: User, requester: User) -> None:
    jam = await article(technician)
    await article_votes.vote(technician, jam, helpful=True)
    assert (await recognition.points_for(technician)).helpful_votes == 0
    await article_votes.vote(requester, jam, helpful=True)
    assert (await recognition.points_for(technician)).helpful_votes == 1
    await article_votes.vote(requester, jam, helpful=False)  # changed their mind
    assert (await recognition.points_for(technician)).points == 10


async def test_an_answer_accepted_twice_counts_once(people: SimpleNamespace, helpers: SimpleNamespace) -> None:
    ticket = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title='Printer jams', peers_may_help=True
    )
    given = await superusers.answer(helpers.casey, ticket.id, 'Pull the sheet out.')
    accepted = await superusers.accept(people.requester, ticket.id, given.id)
    await tickets.TicketEvent.create(  # two taps at once got past the check
        ticket_id=ticket.id,
        kind=accepted.kind,
        actor=people.technician,
        data=accepted.data,
        created_at=accepted.created_at,
    )
    assert await recognition.points_for(helpers.casey) == Score(accepted=1)


async def test_a_period_includes_its_start_and_not_its_end(
    people: SimpleNamespace, technician: User, requester: User, helpers: SimpleNamespace, clock: FrozenClock
) -> None:
    start = clock.now
    jam = await article(technician)  # published at the start
    clock.advance(days=1)
    await article_votes.vote(requester, jam, helpful=True)  # exactly at the end: the next period's
    await accepted_answer(people, helpers.casey)
    clock.advance(seconds=1)
    await deflections.solved(requester, jam)
    day = {'since': start, 'until': start + timedelta(days=1)}
    assert await recognition.points_for(technician, **day) == Score(articles=1)
    after = {'since': start + timedelta(days=1), 'until': start + timedelta(days=2)}
    assert await recognition.points_for(technician, **after) == Score(helpful_votes=1, saved=1)
    assert await recognition.points_for(helpers.casey, **day) == Score()
    assert await recognition.points_for(helpers.casey, **after) == Score(accepted=1)
    before = {'since': start - timedelta(days=1), 'until': start}
    assert await recognition.points_for(technician, **before) == Score()


async def test_the_leaderboard_ranks_requesters_by_points_then_name_and_leaves_staff_out(
    people: SimpleNamespace, technician: User, requester: User, manager: User, helpers: SimpleNamespace
) -> None:
    await article(technician)  # 10 points, but a technician
    await accepted_answer(people, helpers.casey, title='One')
    await accepted_answer(people, helpers.casey, title='Two')
    await accepted_answer(people, helpers.otto, title='Three')
    board = await recognition.leaderboard(requester)
    assert [(s.name, s.score.points) for s in board] == [('Casey Lee', 30), ('Otto Berg', 15)]
    await accepted_answer(people, helpers.otto, title='Four')  # a tie: by name
    await users.update_user(helpers.otto.id, actor=manager, name='Ann Berg')
    board = await recognition.leaderboard(requester)
    assert [(s.person_id, s.score.points) for s in board] == [(helpers.otto.id, 30), (helpers.casey.id, 30)]
    await users.update_user(helpers.otto.id, actor=manager, name='Casey Lee')  # the same name: who joined first
    board = await recognition.leaderboard(requester)
    assert [s.person_id for s in board] == [helpers.casey.id, helpers.otto.id]
    assert [s.person_id for s in await recognition.leaderboard(requester, limit=1)] == [helpers.casey.id]
    assert technician.id not in [s.person_id for s in await recognition.leaderboard(technician)]


async def test_staff_are_ranked_only_when_a_manager_turns_it_on(
    people: SimpleNamespace, technician: User, requester: User, manager: User, helpers: SimpleNamespace
) -> None:
    await article(technician)
    await article(technician, 'Change the toner')
    await accepted_answer(people, helpers.casey)
    assert [s.name for s in await recognition.leaderboard(requester)] == ['Casey Lee']
    assert (await recognition.profile(technician)).score.points == 20  # their own figures, ranked or not
    await help_settings.choose(manager, rank_staff=True)
    board = await recognition.leaderboard(requester)
    assert [(s.name, s.score.points) for s in board] == [('Sam Rivera', 20), ('Casey Lee', 15)]
    assert [b.name for b in board[0].badges] == ['First article']


async def test_the_monthly_board_counts_the_month_and_shows_badges_of_all_time(
    people: SimpleNamespace, requester: User, helpers: SimpleNamespace, clock: FrozenClock
) -> None:
    await accepted_answer(people, helpers.casey, title='Long ago')
    clock.advance(days=40)
    await accepted_answer(people, helpers.otto, title='Lately')
    month = recognition.this_month(clock.now, 'Europe/Berlin')
    assert month < clock.now and (clock.now - month) < timedelta(days=31)
    board = await recognition.leaderboard(requester, since=month, until=clock.now + timedelta(seconds=1))
    assert [(s.name, s.score.points) for s in board] == [('Otto Berg', 15)]
    assert [b.name for b in board[0].badges] == ['First accepted answer']


async def test_the_start_of_the_month_is_where_the_viewer_is(clock: FrozenClock) -> None:
    new_year = clock.now.replace(month=12, day=31, hour=23, minute=30)  # 00:30 on 1 January in Berlin
    assert recognition.this_month(new_year, 'UTC').isoformat() == '2026-12-01T00:00:00+00:00'
    assert recognition.this_month(new_year, 'Europe/Berlin').isoformat() == '2027-01-01T00:00:00+01:00'


async def test_badges_say_what_earned_them(
    people: SimpleNamespace, technician: User, requester: User, helpers: SimpleNamespace
) -> None:
    assert await recognition.badges_for(helpers.casey) == []
    await accepted_answer(people, helpers.casey, title='Ticket 1')
    assert [b.name for b in await recognition.badges_for(helpers.casey)] == ['First accepted answer']
    for n in range(2, 6):
        await accepted_answer(people, helpers.casey, title=f'Ticket {n}')
    badges = await recognition.badges_for(helpers.casey)
    assert [b.name for b in badges] == ['First accepted answer', 'Problem solver']
    assert all(b.reason and b.icon for b in badges)
    await article(technician)
    assert [b.name for b in await recognition.badges_for(technician)] == ['First article']


async def test_switched_off_there_are_no_points_badges_or_leaderboard(
    people: SimpleNamespace, technician: User, requester: User, manager: User, helpers: SimpleNamespace
) -> None:
    await accepted_answer(people, helpers.casey)
    await help_settings.choose(manager, recognition=False)
    assert not await recognition.enabled()
    assert await recognition.leaderboard(requester) == []
    assert await recognition.leaderboard(manager) == []
    assert await recognition.badges_for(helpers.casey) == []
    mine = await recognition.profile(helpers.casey)
    assert (mine.recognition, mine.badges, mine.score.accepted) == (False, [], 1)  # what they did stays theirs
    await help_settings.choose(manager, recognition=True)
    assert [s.name for s in await recognition.leaderboard(requester)] == ['Casey Lee']


async def test_two_managers_changing_different_choices_at_once_keep_both(manager: User) -> None:
    """One switches recognition off while another turns ranking staff on: neither save writes back the other's
    old value."""
    for _ in range(3):
        await help_settings.choose(manager, recognition=True, rank_staff=False)
        await asyncio.gather(
            help_settings.choose(manager, recognition=False), help_settings.choose(manager, rank_staff=True)
        )
        choices = await help_settings.current()
        assert (choices.recognition, choices.rank_staff) == (False, True)


async def test_the_first_choices_saved_twice_at_once_both_succeed(manager: User) -> None:
    await asyncio.gather(help_settings.choose(manager, review_days=30), help_settings.choose(manager, rank_staff=True))
    assert await help_settings.current() == help_settings.Choices(True, True, 30)


async def test_only_managers_switch_recognition(technician: User, requester: User, manager: User) -> None:
    for someone in (technician, requester):
        with pytest.raises(Forbidden):
            await help_settings.choose(someone, recognition=False)
        with pytest.raises(Forbidden):
            await help_settings.choose(someone, rank_staff=True)
    assert await recognition.enabled()
    assert (await help_settings.current()).rank_staff is False


async def test_a_superusers_draft_counts_for_them_once_staff_publish_it(
    people: SimpleNamespace, technician: User, requester: User, helpers: SimpleNamespace
) -> None:
    draft = await articles.write(helpers.casey, title='Clear a paper jam', body=STEPS, service_ids=[people.printer.id])
    assert await recognition.points_for(helpers.casey) == Score()  # a draft is not help yet
    await articles.publish(technician, draft.id)
    await article_votes.vote(requester, draft.id, helpful=True)
    await deflections.solved(requester, draft.id)
    assert await recognition.points_for(helpers.casey) == Score(articles=1, helpful_votes=1, saved=1)
    assert await recognition.points_for(technician) == Score()  # publishing someone's article is not writing it
    assert [(s.name, s.score.points) for s in await recognition.leaderboard(requester)] == [('Casey Lee', 17)]
