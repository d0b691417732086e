"""Ratings: one tap, a short change window, callbacks, single-use rating links, and the measures."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from models import events, followups, measures, ratings, tickets
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.measures import GroupBy
from models.ratings import Callback, Rating
from models.tickets import EventKind, Ticket, TicketEvent
from models.users import User
from tests.conftest import START, FrozenClock


@pytest.fixture
async def fixed(taken: Ticket, technician: User) -> Ticket:
    return await tickets.resolve(taken.id, 'Replaced the access point', actor=technician)


async def rated_events(ticket: Ticket) -> list[TicketEvent]:
    return await TicketEvent.filter(ticket_id=ticket.id, kind=EventKind.RATED).order_by('id')


# ---- one tap -------------------------------------------------------------------------------------------


async def test_the_requester_rates_a_fixed_request(fixed: Ticket, requester: User, clock: FrozenClock) -> None:
    rating = await ratings.rate(fixed.id, 4, actor=requester)
    assert (rating.score, rating.words, rating.requester_id, rating.rated_at) == (4, 'Good', requester.id, clock.now)
    [event] = await rated_events(fixed)
    assert (event.actor_id, event.internal, event.data) == (requester.id, False, {'score': 4, 'previous': None})


async def test_a_rating_shows_live_on_the_ticket(fixed: Ticket, requester: User) -> None:
    seen: list[events.TicketChanged] = []
    events.bus.subscribe(events.ticket(fixed.id), seen.append)
    await ratings.rate(fixed.id, 5, actor=requester)
    assert [(e.kind, e.actor_id) for e in seen] == [('rated', requester.id)]


async def test_a_closed_request_can_be_rated(fixed: Ticket, requester: User) -> None:
    await tickets.close(fixed.id, actor=requester)
    assert (await ratings.rate(fixed.id, 5, actor=requester)).score == 5


async def test_a_request_can_only_be_rated_once_it_is_fixed(taken: Ticket, requester: User) -> None:
    with pytest.raises(Invalid, match='once it is fixed'):
        await ratings.rate(taken.id, 5, actor=requester)
    assert await Rating.all().count() == 0


async def test_a_technician_cannot_rate_a_request(fixed: Ticket, technician: User) -> None:
    with pytest.raises(Forbidden):
        await ratings.rate(fixed.id, 5, actor=technician)


async def test_someone_else_cannot_rate_a_request(fixed: Ticket, colleague: User) -> None:
    with pytest.raises(NotFound):
        await ratings.rate(fixed.id, 1, actor=colleague)
    assert await Rating.all().count() == 0


@pytest.mark.parametrize('score', [0, 6, '5'])
async def test_a_rating_is_one_of_five_faces(fixed: Ticket, requester: User, score: object) -> None:
    with pytest.raises(Invalid) as error:
        await ratings.rate(fixed.id, score, actor=requester)  # type: ignore[arg-type]
    assert error.value.field == 'score'


@pytest.mark.parametrize(('score', 'offered'), [(1, True), (2, True), (3, False), (5, False)])
async def test_a_poor_rating_offers_to_reopen_the_request(
    fixed: Ticket, requester: User, score: int, offered: bool
) -> None:
    assert (await ratings.rate(fixed.id, score, actor=requester)).offers_reopen is offered


async def test_anyone_who_sees_the_ticket_sees_its_rating(fixed: Ticket, requester: User, technician: User) -> None:
    await ratings.rate(fixed.id, 3, actor=requester)
    assert (await ratings.rating_for(technician, fixed.id)).score == 3  # type: ignore[union-attr]


# ---- changing it ---------------------------------------------------------------------------------------


async def test_the_rating_can_be_changed_within_a_day(fixed: Ticket, requester: User, clock: FrozenClock) -> None:
    await ratings.rate(fixed.id, 2, actor=requester)
    clock.advance(hours=23, minutes=59)
    assert (await ratings.rate(fixed.id, 4, actor=requester)).score == 4
    assert [e.data for e in await rated_events(fixed)] == [
        {'score': 2, 'previous': None},
        {'score': 4, 'previous': 2},
    ]


async def test_the_rating_is_final_after_a_day(fixed: Ticket, requester: User, clock: FrozenClock) -> None:
    await ratings.rate(fixed.id, 2, actor=requester)
    clock.advance(hours=24)
    with pytest.raises(Invalid, match='final'):
        await ratings.rate(fixed.id, 5, actor=requester)
    assert (await Rating.get(ticket_id=fixed.id)).score == 2


async def test_the_change_window_is_the_managers_to_choose(
    fixed: Ticket, requester: User, manager: User, clock: FrozenClock
) -> None:
    await followups.set_rules(actor=manager, rating_change_hours=1)
    await ratings.rate(fixed.id, 2, actor=requester)
    clock.advance(hours=1)
    with pytest.raises(Invalid):
        await ratings.rate(fixed.id, 5, actor=requester)


async def test_the_same_rating_twice_records_it_once(fixed: Ticket, requester: User) -> None:
    await ratings.rate(fixed.id, 4, actor=requester)
    await ratings.rate(fixed.id, 4, actor=requester)
    assert len(await rated_events(fixed)) == 1


async def test_a_request_fixed_again_after_a_reopen_can_be_rated_afresh(
    fixed: Ticket, requester: User, technician: User, clock: FrozenClock
) -> None:
    await ratings.rate(fixed.id, 1, actor=requester)
    await tickets.reopen(fixed.id, 'Still drops', actor=requester)
    clock.advance(days=3)
    await tickets.resolve(fixed.id, 'New access point', actor=technician)
    rating = await ratings.rate(fixed.id, 5, actor=requester)
    assert (rating.score, rating.fix_at, rating.first_rated_at) == (5, clock.now, clock.now)
    assert await Rating.filter(ticket_id=fixed.id).count() == 1


# ---- the comment ---------------------------------------------------------------------------------------


async def test_the_comment_is_one_line(fixed: Ticket, requester: User) -> None:
    await ratings.rate(fixed.id, 2, actor=requester)
    rating = await ratings.comment(fixed.id, '  Took three days.\nNobody called back. ', actor=requester)
    assert rating.comment == 'Took three days. Nobody called back.'
    assert (await rated_events(fixed))[-1].body == rating.comment


async def test_the_comment_is_short(fixed: Ticket, requester: User) -> None:
    await ratings.rate(fixed.id, 2, actor=requester)
    await ratings.comment(fixed.id, 'x' * 200, actor=requester)
    with pytest.raises(Invalid) as error:
        await ratings.comment(fixed.id, 'x' * 201, actor=requester)
    assert error.value.field == 'comment'


async def test_a_comment_comes_after_a_rating(fixed: Ticket, requester: User) -> None:
    with pytest.raises(Invalid, match='rating first'):
        await ratings.comment(fixed.id, 'Slow', actor=requester)


async def test_only_the_requester_comments(fixed: Ticket, requester: User, technician: User) -> None:
    await ratings.rate(fixed.id, 2, actor=requester)
    with pytest.raises(Forbidden):
        await ratings.comment(fixed.id, 'Great job, me', actor=technician)


# ---- callbacks -------------------------------------------------------------------------------------------


async def test_a_reopen_by_the_requester_counts_as_a_callback(
    fixed: Ticket, requester: User, clock: FrozenClock
) -> None:
    fixed_at = fixed.resolved_at
    clock.advance(hours=3)
    await tickets.reopen(fixed.id, 'It dropped again', actor=requester)
    [callback] = await Callback.filter(ticket_id=fixed.id)
    assert (callback.actor_id, callback.fix_at, callback.created_at) == (requester.id, fixed_at, clock.now)


async def test_a_reopen_by_a_technician_on_the_requesters_behalf_counts_as_a_callback(
    fixed: Ticket, technician: User
) -> None:
    await tickets.reopen(fixed.id, 'Alex called: it dropped again', actor=technician)
    assert await ratings.callbacks_of(fixed.id) == 1


async def test_each_reopen_counts(fixed: Ticket, requester: User, technician: User) -> None:
    await tickets.reopen(fixed.id, 'Again', actor=requester)
    await tickets.resolve(fixed.id, 'Firmware update', actor=technician)
    await tickets.reopen(fixed.id, 'And again', actor=requester)
    assert await ratings.callbacks_of(fixed.id) == 2


# ---- rating links: signed, single-use, expiring -----------------------------------------------------------


async def test_a_rating_link_records_the_rating_without_signing_in(
    fixed: Ticket, requester: User, clock: FrozenClock
) -> None:
    token = ratings.issue_token(fixed, requester, clock.now)
    assert ratings.check_token(token, clock.now) == (fixed.id, requester.id)
    rating = await ratings.rate_with_token(token, 5)
    assert (rating.ticket_id, rating.requester_id, rating.score) == (fixed.id, requester.id, 5)


async def test_a_forged_rating_link_is_refused(fixed: Ticket, requester: User, clock: FrozenClock) -> None:
    token = ratings.issue_token(fixed, requester, clock.now)
    body, signature = token.rsplit('.', 1)
    forged = f'{body}.{"A" if signature[0] != "A" else "B"}{signature[1:]}'
    with pytest.raises(Invalid, match='not valid'):
        await ratings.rate_with_token(forged, 1)
    assert await Rating.all().count() == 0


async def test_a_rating_link_for_another_ticket_is_refused(fixed: Ticket, requester: User, clock: FrozenClock) -> None:
    other = await tickets.create_ticket(requester=requester, service_id=fixed.service_id, title='Printer jam')
    ticket_id, rest = ratings.issue_token(fixed, requester, clock.now).split('.', 1)
    with pytest.raises(Invalid, match='not valid'):
        ratings.check_token(f'{other.id}.{rest}', clock.now)


async def test_a_rating_link_signed_with_another_secret_is_refused(
    fixed: Ticket, requester: User, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = ratings.issue_token(fixed, requester, clock.now)
    monkeypatch.setattr(ratings.settings, 'secret', lambda name: 'another installation')
    with pytest.raises(Invalid, match='not valid'):
        ratings.check_token(token, clock.now)


@pytest.mark.parametrize('token', ['', 'garbage', '1.2.3.4', 'a.b.c.d.e', '1.2.3.4.5.6'])
def test_a_malformed_rating_link_is_refused(token: str) -> None:
    with pytest.raises(Invalid, match='not valid'):
        ratings.check_token(token, START)


async def test_an_expired_rating_link_is_refused(fixed: Ticket, requester: User, clock: FrozenClock) -> None:
    token = ratings.issue_token(fixed, requester, clock.now)
    clock.advance(days=7)
    with pytest.raises(Invalid, match='expired'):
        await ratings.rate_with_token(token, 4)
    assert await Rating.all().count() == 0


async def test_a_rating_link_works_once(fixed: Ticket, requester: User, clock: FrozenClock) -> None:
    token = ratings.issue_token(fixed, requester, clock.now)
    await ratings.rate_with_token(token, 5)
    with pytest.raises(Conflict, match='This rating link was already used'):
        await ratings.rate_with_token(token, 1)
    assert [r.score for r in await Rating.all()] == [5]
    assert len(await rated_events(fixed)) == 1


async def test_two_taps_on_one_link_at_once_record_one_rating(
    fixed: Ticket, requester: User, clock: FrozenClock
) -> None:
    token = ratings.issue_token(fixed, requester, clock.now)
    outcomes = await asyncio.gather(
        ratings.rate_with_token(token, 5), ratings.rate_with_token(token, 1), return_exceptions=True
    )
    assert sorted(type(o).__name__ for o in outcomes) == ['Conflict', 'Rating']
    assert len(await rated_events(fixed)) == 1


async def test_a_refused_tap_does_not_use_up_the_link(fixed: Ticket, requester: User, clock: FrozenClock) -> None:
    token = ratings.issue_token(fixed, requester, clock.now)
    with pytest.raises(Invalid):
        await ratings.rate_with_token(token, 9)
    assert (await ratings.rate_with_token(token, 4)).score == 4


async def test_opening_a_rating_link_records_nothing(fixed: Ticket, requester: User, clock: FrozenClock) -> None:
    token = ratings.issue_token(fixed, requester, clock.now)
    ticket, person = await ratings.peek_token(token)
    assert (ticket.id, person.id) == (fixed.id, requester.id)
    assert await Rating.all().count() == 0
    await ratings.rate_with_token(token, 3)
    with pytest.raises(Conflict, match='already used'):
        await ratings.peek_token(token)


async def test_a_rating_link_is_only_for_the_requester(fixed: Ticket, colleague: User, clock: FrozenClock) -> None:
    with pytest.raises(Invalid):
        ratings.issue_token(fixed, colleague, clock.now)


async def test_a_rating_link_of_a_switched_off_account_is_refused(
    fixed: Ticket, requester: User, clock: FrozenClock
) -> None:
    token = ratings.issue_token(fixed, requester, clock.now)
    await User.filter(id=requester.id).update(is_active=False)
    with pytest.raises(NotFound, match='not valid'):
        await ratings.rate_with_token(token, 5)


# ---- measures ----------------------------------------------------------------------------------------------


@pytest.fixture
async def history(people: SimpleNamespace) -> SimpleNamespace:
    """Four requests over two days (Tue 24 and Wed 25 Nov 2026, UTC), and one from the day before.

    T1 Alex, Wi-Fi, Sam: answered after 30 min, fixed after 2 h, rated 5.
    T2 Casey, Printer, Priya: answered after 1 h, fixed after 24 h (Wed 10:00), rated 2, reopened (a callback).
    T3 Otto (Contractors), Printer, Sam: answered after 10 min, fixed after 4 h (Wed 13:00), not rated.
    T4 Alex, Wi-Fi: reported Wed 15:00, nobody took it yet.
    T0 Alex, Wi-Fi: reported Mon 23, before the period.
    """
    p = people
    day = timedelta(days=1)

    def at(offset: timedelta, hours: float = 0) -> datetime:
        return START + offset + timedelta(hours=hours)  # START is Tue 24 Nov 2026, 09:00 UTC

    async def report(who: User, service_id: int, when: datetime) -> Ticket:
        return await tickets.create_ticket(requester=who, service_id=service_id, title='Help', now=when)

    async def work(t: Ticket, tech: User, answered: datetime, fixed: datetime) -> None:
        await tickets.take(t.id, technician=tech, now=t.created_at)
        await tickets.reply(t.id, 'On it', author=tech, now=answered)
        await tickets.resolve(t.id, 'Done', actor=tech, now=fixed)

    await report(p.requester, p.wifi.id, at(-day))
    t1 = await report(p.requester, p.wifi.id, at(0 * day))
    await work(t1, p.technician, at(0 * day, 0.5), at(0 * day, 2))
    await ratings.rate(t1.id, 5, actor=p.requester, now=at(0 * day, 3))
    t2 = await report(p.colleague, p.printer.id, at(0 * day, 1))
    await work(t2, p.technician2, at(0 * day, 2), at(day, 1))
    await ratings.rate(t2.id, 2, actor=p.colleague, now=at(day, 2))
    await tickets.reopen(t2.id, 'Still jams', actor=p.colleague, now=at(day, 3))
    t3 = await report(p.outsider, p.printer.id, at(day))
    await work(t3, p.technician, at(day, 1 / 6), at(day, 4))
    await report(p.requester, p.wifi.id, at(day, 6))
    return people


async def grouped(manager: User, group_by: GroupBy) -> dict[object, dict]:
    rows = await measures.measures(actor=manager, since=START, until=START + timedelta(days=14), group_by=group_by)
    return {row.pop('label'): row for row in rows}


COLUMNS = (
    'key', 'volume', 'resolved', 'rated', 'satisfaction', 'satisfied', 'response_rate', 'callbacks', 'callback_rate',
    'first_response_seconds', 'resolution_seconds',
)  # fmt: skip


def expect(*values: object) -> dict:
    """One row of measures, in the order of COLUMNS."""
    return dict(zip(COLUMNS, values, strict=True))


async def test_measures_per_service(history: SimpleNamespace, manager: User) -> None:
    assert await grouped(manager, GroupBy.SERVICE) == {
        'Wi-Fi': expect(history.wifi.id, 2, 1, 1, 5.0, 1.0, 1.0, 0, 0.0, 1800, 7200),
        'Printer': expect(history.printer.id, 2, 2, 1, 2.0, 0.0, 0.5, 1, 0.5, 2100, 14400),
    }


async def test_measures_per_technician(history: SimpleNamespace, manager: User) -> None:
    assert await grouped(manager, GroupBy.TECHNICIAN) == {
        'Sam Rivera': expect(history.technician.id, 2, 2, 1, 5.0, 1.0, 0.5, 0, 0.0, 1200, 10800),
        'Priya Shah': expect(history.technician2.id, 1, 1, 1, 2.0, 0.0, 1.0, 1, 1.0, 3600, None),
        'Unassigned': expect(None, 1, 0, 0, None, None, None, 0, None, None, None),
    }


async def test_measures_per_requester_category(history: SimpleNamespace, manager: User) -> None:
    assert await grouped(manager, GroupBy.CATEGORY) == {
        'Staff': expect(history.staff.id, 3, 2, 2, 3.5, 0.5, 1.0, 1, 0.5, 2700, 7200),
        'Contractors': expect(history.contractors.id, 1, 1, 0, None, None, 0.0, 0, 0.0, 600, 14400),
    }


async def test_measures_per_day(history: SimpleNamespace, manager: User) -> None:
    assert await grouped(manager, GroupBy.DAY) == {
        '2026-11-24': expect('2026-11-24', 2, 1, 1, 5.0, 1.0, 1.0, 0, 0.0, 2700, 7200),
        '2026-11-25': expect('2026-11-25', 2, 2, 1, 2.0, 0.0, 0.5, 1, 0.5, 600, 14400),
    }


async def test_measures_per_week(history: SimpleNamespace, manager: User) -> None:
    assert await grouped(manager, GroupBy.WEEK) == {
        'Week of 2026-11-23': expect('2026-11-23', 4, 3, 2, 3.5, 0.5, 0.6667, 1, 0.3333, 2000, 10800),
    }


async def test_only_managers_see_the_measures(technician: User) -> None:
    with pytest.raises(Forbidden):
        await measures.measures(actor=technician, since=START, until=START + timedelta(days=1), group_by=GroupBy.DAY)


async def test_a_period_ends_after_it_starts(manager: User) -> None:
    with pytest.raises(Invalid):
        await measures.measures(actor=manager, since=START, until=START, group_by=GroupBy.DAY)


async def test_an_empty_period_has_no_rows(history: SimpleNamespace, manager: User) -> None:
    later = START + timedelta(days=30)
    assert (
        await measures.measures(actor=manager, since=later, until=later + timedelta(days=1), group_by='service') == []
    )  # type: ignore[arg-type]


async def test_the_whole_periods_figures_are_over_all_its_tickets(history: SimpleNamespace, manager: User) -> None:
    """Not an average of the groups' averages: the week above, as one row."""
    figures = await measures.overall(actor=manager, since=START, until=START + timedelta(days=14))
    assert figures.pop('label') == 'All'
    assert figures == expect(None, 4, 3, 2, 3.5, 0.5, 0.6667, 1, 0.3333, 2000, 10800)


async def test_an_empty_period_has_no_figures_rather_than_zeros(manager: User) -> None:
    figures = await measures.overall(actor=manager, since=START, until=START + timedelta(days=1))
    assert (figures['volume'], figures['satisfaction'], figures['response_rate'], figures['resolution_seconds']) == (
        0,
        None,
        None,
        None,
    )


async def test_only_managers_see_the_whole_periods_figures(technician: User) -> None:
    with pytest.raises(Forbidden):
        await measures.overall(actor=technician, since=START, until=START + timedelta(days=1))
