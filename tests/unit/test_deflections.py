"""Requests self-help avoided: confirmed ("This solved it") and potential (opened, then nothing filed for 24 h),
counted with the injected clock; and the articles a request was filed after."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from models import articles, deflections, tickets
from models.errors import Forbidden, NotFound
from models.users import User
from tests.conftest import FrozenClock

STEPS = 'Open the tray and pull the paper out slowly.'


@pytest.fixture
async def jam(technician: User, people: SimpleNamespace) -> articles.Article:
    article = await articles.write(technician, title='Clear a paper jam', body=STEPS, service_ids=[people.printer.id])
    return await articles.publish(technician, article.id)


async def test_this_solved_it_records_who_what_and_what_they_typed_and_files_nothing(
    requester: User, jam: articles.Article, people: SimpleNamespace, clock: FrozenClock
) -> None:
    await deflections.opened(requester, jam.id, service_id=people.printer.id, typed='printer jams')
    done = await deflections.solved(requester, jam.id, service_id=people.printer.id, typed='printer jams again')
    assert done is not None
    assert (done.user_id, done.article_id, done.service_id, done.typed) == (
        requester.id, jam.id, people.printer.id, 'printer jams again',
    )  # fmt: skip
    assert await tickets.Ticket.all().count() == 0
    day = (clock.now - timedelta(days=1), clock.now + timedelta(days=1))
    assert await deflections.confirmed_by_service(*day) == {people.printer.id: 1}


async def test_an_article_someone_may_not_read_cannot_be_opened_or_confirmed(
    outsider: User, technician: User, people: SimpleNamespace
) -> None:
    wifi = await articles.write(technician, title='Join the Wi-Fi', body=STEPS, service_ids=[people.wifi.id])
    await articles.publish(technician, wifi.id)
    for act in (deflections.opened, deflections.solved):
        with pytest.raises(NotFound):
            await act(outsider, wifi.id)
    assert await deflections.ArticleView.all().count() == 0 and await deflections.Deflection.all().count() == 0


async def test_staff_reading_is_not_a_request_avoided(technician: User, jam: articles.Article) -> None:
    await deflections.opened(technician, jam.id)
    assert await deflections.solved(technician, jam.id) is None
    assert await deflections.ArticleView.all().count() == 0 and await deflections.Deflection.all().count() == 0


async def test_potential_deflections_wait_24_hours_and_need_no_request_in_them(
    requester: User, colleague: User, outsider: User, jam: articles.Article, people: SimpleNamespace,
    clock: FrozenClock,
) -> None:  # fmt: skip
    start = clock.now
    printer = people.printer.id
    await deflections.opened(requester, jam.id, service_id=printer)  # then nothing: potential
    await deflections.opened(requester, jam.id, service_id=printer)  # the same person and article: once
    await deflections.opened(colleague, jam.id, service_id=printer)  # files 23 h later: not potential
    await deflections.opened(outsider, jam.id, service_id=printer)  # confirms: counted as confirmed instead
    await deflections.solved(outsider, jam.id, service_id=printer)
    period = (start - timedelta(hours=1), start + timedelta(days=7))
    clock.advance(hours=23)
    await tickets.create_ticket(requester=colleague, service_id=printer, title='Still jams')
    assert await deflections.potential_by_service(*period, now=clock.now) == {}  # nobody's 24 h are over yet
    clock.advance(hours=1)
    assert await deflections.potential_by_service(*period, now=clock.now) == {printer: 1}
    clock.advance(hours=1)  # Alex files a day and an hour later: still a request avoided that day
    await tickets.create_ticket(requester=requester, service_id=printer, title='Jammed again')
    assert await deflections.potential_by_service(*period, now=clock.now) == {printer: 1}
    assert await deflections.confirmed_by_service(*period) == {printer: 1}
    later = (start + timedelta(hours=2), start + timedelta(days=7))  # the period starts after the views
    assert await deflections.potential_by_service(*later, now=clock.now) == {}


async def test_still_need_help_files_the_request_and_remembers_the_articles_seen(
    requester: User, technician: User, outsider: User, jam: articles.Article, people: SimpleNamespace
) -> None:
    hidden = await articles.write(technician, title='Staff only', body=STEPS, category_ids=[people.staff.id])
    ticket = await deflections.file_anyway(
        requester=outsider,
        seen_article_ids=[jam.id, jam.id, hidden.id, 9999],  # a draft, a missing one, a repeat: dropped
        service_id=people.printer.id,
        title='Paper jam will not clear',
        details='Tried the article',
    )
    assert ticket.title == 'Paper jam will not clear' and ticket.details == 'Tried the article'
    assert [a.id for a in await deflections.seen_before_filing(technician, ticket.id)] == [jam.id]
    assert [a.id for a in await deflections.seen_before_filing(outsider, ticket.id)] == [jam.id]
    with pytest.raises(NotFound):
        await deflections.seen_before_filing(requester, ticket.id)  # someone else's request


async def test_managers_see_requests_avoided_per_service_most_first(
    requester: User, colleague: User, outsider: User, manager: User, technician: User, jam: articles.Article,
    people: SimpleNamespace, clock: FrozenClock,
) -> None:  # fmt: skip
    await deflections.solved(requester, jam.id, service_id=people.printer.id)
    await deflections.solved(colleague, jam.id, service_id=people.printer.id)
    await deflections.opened(outsider, jam.id)  # from the help centre: no service chosen; nothing filed after
    clock.advance(days=1, hours=1)
    period = {'since': clock.now - timedelta(days=7), 'until': clock.now, 'now': clock.now}
    rows = await deflections.by_service(actor=manager, **period)
    assert [(r['label'], r['confirmed'], r['potential']) for r in rows] == [
        ('Printer', 2, 0),
        ('No service chosen', 0, 1),
    ]
    with pytest.raises(Forbidden):
        await deflections.by_service(actor=technician, **period)
