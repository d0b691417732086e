"""Articles as a workflow: superusers draft for their services and suggest changes, staff publish and decide;
a published article nobody has looked at for the managers' review time reminds its owner (a durable job)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest

from models import article_reviews, article_suggestions, articles, help_settings, notifications, settings, superusers
from models.article_edits import ArticleEdit, EditState
from models.article_reviews import LEASE, ReviewJob, ReviewState
from models.articles import Article, State
from models.errors import Conflict, Forbidden, Invalid, NotFound
from models.outbox import Kind, PushMessage
from models.users import User
from tests.conftest import FrozenClock
from tests.push_service import BrowserDevice

STEPS = '1. Open tray 2.\n2. Pull the paper out slowly.'
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def loopback_push(isolated_environment: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Devices here point at 127.0.0.1 (nothing listens: these tests look at the outbox, not the wire)."""
    monkeypatch.setenv('TAPDESK_PUSH_ALLOW_LOOPBACK', '1')
    settings.reload()
    yield


@pytest.fixture
async def casey(people: SimpleNamespace, manager: User) -> User:
    """Casey (Staff) knows the printers well: a superuser for Printer."""
    await superusers.grant(manager, people.colleague.id, [people.printer.id])
    return people.colleague


@pytest.fixture
async def otto(people: SimpleNamespace, manager: User) -> User:
    """Otto (Contractors) is a superuser for Printer too."""
    await superusers.grant(manager, people.outsider.id, [people.printer.id])
    return people.outsider


async def published(author: User, title: str = 'Clear a paper jam', **audience: list[int]) -> Article:
    article = await articles.write(author, title=title, body=STEPS, **audience)
    return await articles.publish(author, article.id)


async def phone(person: User, name: str) -> None:
    browser = BrowserDevice(f'http://127.0.0.1:9/push/{name}')
    await notifications.subscribe(person, endpoint=browser.endpoint, keys=browser.keys())


async def pushes(person: User) -> list[PushMessage]:
    return await PushMessage.filter(user_id=person.id).order_by('id')


# ---- superusers draft ---------------------------------------------------------------------------------------


async def test_a_superuser_drafts_only_for_the_services_they_know(people: SimpleNamespace, casey: User) -> None:
    draft = await articles.write(casey, title='Clear a paper jam', body=STEPS, service_ids=[people.printer.id])
    assert (draft.state, draft.author_id, draft.owner_id) == (State.DRAFT, casey.id, casey.id)
    with pytest.raises(Forbidden, match='services you know well'):
        await articles.write(casey, title='Join the Wi-Fi', body=STEPS, service_ids=[people.wifi.id])
    with pytest.raises(Forbidden, match='services you know well'):
        await articles.write(casey, title='Both', body=STEPS, service_ids=[people.printer.id, people.wifi.id])
    with pytest.raises(Invalid, match='Choose the service'):
        await articles.write(casey, title='For everyone', body=STEPS)
    assert await Article.all().count() == 1


async def test_a_superuser_who_stopped_helping_still_drafts_for_their_service(
    people: SimpleNamespace, casey: User
) -> None:
    await superusers.choose(casey, people.printer.id, helping=False)
    draft = await articles.write(casey, title='Clear a paper jam', body=STEPS, service_ids=[people.printer.id])
    assert draft.author_id == casey.id


async def test_a_requester_who_is_not_a_superuser_may_not_write_edit_or_suggest(
    people: SimpleNamespace, requester: User, technician: User
) -> None:
    article = await published(technician, service_ids=[people.printer.id])
    with pytest.raises(Forbidden):
        await articles.write(requester, title='My tip', body=STEPS, service_ids=[people.printer.id])
    with pytest.raises(Forbidden):
        await articles.edit(requester, article.id, title='Mine now', body=STEPS)
    with pytest.raises(Forbidden):
        await article_suggestions.suggest_edit(requester, article.id, 'Better title', STEPS)
    assert not await articles.may_write(requester)
    assert await ArticleEdit.all().count() == 0


async def test_only_staff_publish_retire_and_mark_reviewed(people: SimpleNamespace, casey: User) -> None:
    draft = await articles.write(casey, title='Clear a paper jam', body=STEPS, service_ids=[people.printer.id])
    for verb in (articles.publish, articles.retire, articles.mark_reviewed):
        with pytest.raises(Forbidden):
            await verb(casey, draft.id)
    assert (await Article.get(id=draft.id)).state == State.DRAFT


async def test_a_superuser_edits_only_their_own_drafts(
    people: SimpleNamespace, casey: User, otto: User, technician: User
) -> None:
    mine = await articles.write(casey, title='Clear a paper jam', body=STEPS, service_ids=[people.printer.id])
    theirs = await articles.write(otto, title='Toner streaks', body=STEPS, service_ids=[people.printer.id])
    staffs = await articles.write(technician, title='Staff draft', body=STEPS, service_ids=[people.printer.id])
    edited = await articles.edit(casey, mine.id, title='Clear a paper jam in tray 2', body=STEPS)
    assert edited.title == 'Clear a paper jam in tray 2'
    assert [s.id for s in await edited.services.all()] == [people.printer.id]  # left out: kept
    for other in (theirs, staffs):
        with pytest.raises(NotFound):
            await articles.edit(casey, other.id, title='Taken over', body=STEPS)
        with pytest.raises(NotFound):
            await articles.get_for_editing(casey, other.id)
    with pytest.raises(Forbidden):  # nor move their own draft to a service they do not know
        await articles.edit(casey, mine.id, title='Wi-Fi', body=STEPS, service_ids=[people.wifi.id])
    await articles.publish(technician, mine.id)
    with pytest.raises(Forbidden, match='suggest a change'):
        await articles.edit(casey, mine.id, title='Changed after publishing', body=STEPS)
    with pytest.raises(Forbidden):
        await articles.get_for_editing(casey, mine.id)
    assert (await Article.get(id=mine.id)).title == 'Clear a paper jam in tray 2'


async def test_a_superuser_opens_their_draft_in_the_editor_but_readers_still_do_not_see_it(
    people: SimpleNamespace, casey: User, requester: User
) -> None:
    draft = await articles.write(casey, title='Clear a paper jam', body=STEPS, service_ids=[people.printer.id])
    assert (await articles.get_for_editing(casey, draft.id)).id == draft.id
    for reader in (casey, requester):
        with pytest.raises(NotFound):
            await articles.get_for(reader, draft.id)
        assert draft.id not in {a.id for a in await articles.readable_by(reader)}


async def test_publishing_a_superusers_draft_hands_it_to_the_technician_and_keeps_the_credit(
    people: SimpleNamespace, casey: User, technician: User, requester: User, clock: FrozenClock
) -> None:
    draft = await articles.write(casey, title='Clear a paper jam', body=STEPS, service_ids=[people.printer.id])
    other = await articles.write(casey, title='Toner streaks', body=STEPS, service_ids=[people.printer.id])
    clock.advance(hours=1)
    article = await articles.publish(technician, draft.id)
    assert (article.state, article.owner_id, article.author_id) == (State.PUBLISHED, technician.id, casey.id)
    assert (await articles.get_for(requester, draft.id)).title == 'Clear a paper jam'
    assert [(a.id, a.state) for a in await articles.drafts_by(casey)] == [
        (draft.id, State.PUBLISHED),
        (other.id, State.DRAFT),
    ]
    assert await articles.drafts_by(requester) == []


async def test_publishing_a_staff_draft_keeps_its_owner(technician: User, technician2: User) -> None:
    draft = await articles.write(technician, title='Clear a paper jam', body=STEPS)
    article = await articles.publish(technician2, draft.id)
    assert article.owner_id == technician.id


# ---- suggested edits ------------------------------------------------------------------------------------------


async def test_a_superuser_suggests_and_a_technician_applies_through_the_article_verbs(
    people: SimpleNamespace, casey: User, technician: User, requester: User, clock: FrozenClock
) -> None:
    article = await published(technician, service_ids=[people.printer.id], category_ids=[people.staff.id])
    clock.advance(days=3)
    edit = await article_suggestions.suggest_edit(
        casey, article.id, 'Clear a jam in tray 2', '1. Lift the green lever.', why='  The lever is new  '
    )
    assert (edit.state, edit.why) == (EditState.OPEN, 'The lever is new')
    assert (await Article.get(id=article.id)).title == 'Clear a paper jam'  # nothing changes until applied
    [waiting] = await article_suggestions.open_edits(technician)
    assert (waiting.id, waiting.article.title, waiting.author.name) == (edit.id, 'Clear a paper jam', casey.name)
    clock.advance(hours=1)
    applied = await article_suggestions.apply(technician, edit.id)
    assert (applied.title, applied.body, applied.state) == (
        'Clear a jam in tray 2',
        '1. Lift the green lever.',
        State.PUBLISHED,
    )
    assert applied.reviewed_at == clock.now
    assert [s.id for s in await applied.services.all()] == [people.printer.id]  # its readers stay
    assert [c.id for c in await applied.categories.all()] == [people.staff.id]
    assert [a.id for a in await articles.suggest(requester, 'green lever')] == [article.id]  # found by new words
    decided = await ArticleEdit.get(id=edit.id)
    assert (decided.state, decided.decided_by_id, decided.decided_at) == (EditState.APPLIED, technician.id, clock.now)
    assert await article_suggestions.open_edits(technician) == []


async def test_a_declined_suggestion_leaves_the_article_as_it_was(
    people: SimpleNamespace, casey: User, technician: User
) -> None:
    article = await published(technician, service_ids=[people.printer.id])
    edit = await article_suggestions.suggest_edit(casey, article.id, 'Something else', 'Other steps')
    await article_suggestions.decline(technician, edit.id)
    assert (await ArticleEdit.get(id=edit.id)).state == EditState.DECLINED
    assert (await Article.get(id=article.id)).title == 'Clear a paper jam'
    with pytest.raises(Conflict, match='already declined'):
        await article_suggestions.apply(technician, edit.id)
    assert (await Article.get(id=article.id)).title == 'Clear a paper jam'


async def test_a_suggestion_is_decided_once_even_when_two_technicians_tap_at_once(
    people: SimpleNamespace, casey: User, technician: User, technician2: User
) -> None:
    article = await published(technician, service_ids=[people.printer.id])
    edit = await article_suggestions.suggest_edit(casey, article.id, 'Clear a jam in tray 2', 'New steps')
    outcomes = await asyncio.gather(
        article_suggestions.apply(technician, edit.id),
        article_suggestions.decline(technician2, edit.id),
        return_exceptions=True,
    )
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1
    decided = await ArticleEdit.get(id=edit.id)
    title = (await Article.get(id=article.id)).title
    if decided.state == EditState.APPLIED:
        assert (decided.decided_by_id, title) == (technician.id, 'Clear a jam in tray 2')
    else:
        assert (decided.decided_by_id, title) == (technician2.id, 'Clear a paper jam')
    with pytest.raises(Conflict):
        await article_suggestions.apply(technician, edit.id)


async def test_suggestions_are_for_published_articles_of_ones_own_services(
    people: SimpleNamespace, casey: User, technician: User, requester: User
) -> None:
    wifi = await published(technician, 'Join the Wi-Fi', service_ids=[people.wifi.id])
    anything = await published(technician, 'Restart your laptop')
    draft = await articles.write(technician, title='Not yet', body=STEPS, service_ids=[people.printer.id])
    printer = await published(technician, service_ids=[people.printer.id])
    for other in (wifi, anything):  # Casey may read them, but does not know these services
        with pytest.raises(Forbidden):
            await article_suggestions.suggest_edit(casey, other.id, 'Better', 'Better steps')
    with pytest.raises(NotFound):  # a draft is not hers to read
        await article_suggestions.suggest_edit(casey, draft.id, 'Better', 'Better steps')
    with pytest.raises(Invalid, match='published'):  # staff edit a draft directly
        await article_suggestions.suggest_edit(technician, draft.id, 'Better', 'Better steps')
    with pytest.raises(Invalid, match='Change something'):
        await article_suggestions.suggest_edit(casey, printer.id, 'Clear a paper jam', STEPS)
    with pytest.raises(Invalid, match='title'):
        await article_suggestions.suggest_edit(casey, printer.id, ' ', STEPS)
    with pytest.raises(NotFound):
        await article_suggestions.suggest_edit(casey, 999_999, 'Better', 'Better steps')
    assert await ArticleEdit.all().count() == 0
    await article_suggestions.suggest_edit(technician, printer.id, 'Better', 'Better steps')  # staff may too


async def test_only_staff_see_and_decide_suggestions(people: SimpleNamespace, casey: User, technician: User) -> None:
    article = await published(technician, service_ids=[people.printer.id])
    edit = await article_suggestions.suggest_edit(casey, article.id, 'Mine is better', 'Better steps')
    for verb in (article_suggestions.apply, article_suggestions.decline):
        with pytest.raises(Forbidden):
            await verb(casey, edit.id)
    with pytest.raises(Forbidden):
        await article_suggestions.open_edits(casey)
    with pytest.raises(NotFound):
        await article_suggestions.apply(technician, 999_999)
    assert (await ArticleEdit.get(id=edit.id)).state == EditState.OPEN


# ---- review reminders -----------------------------------------------------------------------------------------


async def test_publishing_schedules_a_review_reminder_that_reaches_the_owner_when_due_and_not_before(
    technician: User, technician2: User, clock: FrozenClock
) -> None:
    await phone(technician, 'sam')
    await phone(technician2, 'priya')
    start = clock.now
    article = await published(technician)
    [job] = await article_reviews.pending_for(article.id)
    assert job.due_at == start + 180 * DAY
    assert await article_reviews.run_due(start + 180 * DAY - timedelta(minutes=1)) == 0
    assert await pushes(technician) == []
    assert await article_reviews.run_due(start + 180 * DAY) == 1
    [push] = await pushes(technician)
    assert push.kind == Kind.REMINDER and push.ticket_id is None
    assert push.payload['title'] == 'Time to check an article'
    assert push.payload['body'] == '"Clear a paper jam" was last checked 6 months ago. Is it still right?'
    assert push.payload['url'] == f'/articles/{article.id}'
    assert await pushes(technician2) == []  # only the owner
    assert (await ReviewJob.get(id=job.id)).state == ReviewState.DONE
    [again] = await article_reviews.pending_for(article.id)  # and again after the same time, until someone looks
    assert again.due_at == start + 360 * DAY
    assert await article_reviews.run_due(start + 200 * DAY) == 0


async def test_marking_reviewed_or_editing_moves_the_reminder(technician: User, clock: FrozenClock) -> None:
    await phone(technician, 'sam')
    start = clock.now
    article = await published(technician)
    clock.advance(days=100)
    await articles.mark_reviewed(technician, article.id)
    [job] = await article_reviews.pending_for(article.id)
    assert job.due_at == start + 280 * DAY
    clock.advance(days=10)
    await articles.edit(technician, article.id, title='Clear a paper jam', body='1. Open tray 2.')
    [job] = await article_reviews.pending_for(article.id)
    assert job.due_at == start + 290 * DAY
    assert await article_reviews.run_due(start + 180 * DAY) == 0
    assert await article_reviews.run_due(start + 290 * DAY) == 1
    assert len(await pushes(technician)) == 1


async def test_a_retired_article_reminds_nobody(technician: User, clock: FrozenClock) -> None:
    await phone(technician, 'sam')
    article = await published(technician)
    [job] = await article_reviews.pending_for(article.id)
    await articles.retire(technician, article.id)
    assert (await ReviewJob.get(id=job.id)).state == ReviewState.CANCELLED
    assert await article_reviews.run_due(clock.now + 400 * DAY) == 0
    assert await pushes(technician) == []


async def test_a_superusers_article_reminds_the_technician_who_published_it(
    people: SimpleNamespace, casey: User, technician: User, clock: FrozenClock
) -> None:
    await phone(technician, 'sam')
    await phone(casey, 'casey')
    draft = await articles.write(casey, title='Clear a paper jam', body=STEPS, service_ids=[people.printer.id])
    assert await article_reviews.pending_for(draft.id) == []  # a draft is not reviewed
    await articles.publish(technician, draft.id)
    assert await article_reviews.run_due(clock.now + 180 * DAY) == 1
    assert len(await pushes(technician)) == 1 and await pushes(casey) == []


async def test_a_shorter_review_time_reminds_sooner(manager: User, technician: User, clock: FrozenClock) -> None:
    await phone(technician, 'sam')
    start = clock.now
    article = await published(technician)
    await help_settings.choose(manager, review_days=30)
    assert await article_reviews.run_due(start + 29 * DAY) == 0
    assert await article_reviews.run_due(start + 30 * DAY) == 1
    [push] = await pushes(technician)
    assert '1 month ago' in push.payload['body']
    [job] = await article_reviews.pending_for(article.id)
    assert job.due_at == start + 60 * DAY


async def test_a_longer_review_time_moves_a_reminder_when_it_comes_up(
    manager: User, technician: User, clock: FrozenClock
) -> None:
    await phone(technician, 'sam')
    start = clock.now
    article = await published(technician)
    await help_settings.choose(manager, review_days=365)
    assert await article_reviews.run_due(start + 180 * DAY) == 0  # due by the old time: not yet by the new
    assert await pushes(technician) == []
    [job] = await article_reviews.pending_for(article.id)
    assert job.due_at == start + 365 * DAY
    assert await article_reviews.run_due(start + 365 * DAY) == 1
    assert len(await pushes(technician)) == 1


async def test_two_instances_running_at_once_remind_once(technician: User, clock: FrozenClock) -> None:
    await phone(technician, 'sam')
    await published(technician)
    await published(technician, 'Toner streaks')
    due = clock.now + 180 * DAY
    ran = await asyncio.gather(article_reviews.run_due(due), article_reviews.run_due(due))
    assert sum(ran) == 2
    assert len(await pushes(technician)) == 2


async def test_a_claim_whose_instance_died_runs_again_after_its_lease(technician: User, clock: FrozenClock) -> None:
    await phone(technician, 'sam')
    article = await published(technician)
    due = clock.now + 180 * DAY
    [job] = await article_reviews.pending_for(article.id)
    stale = await article_reviews.JOBS.claim(job.id, due)  # claimed, then the instance died before its commit
    assert stale is not None
    assert await article_reviews.run_due(due + timedelta(minutes=1)) == 0  # its lease still holds
    assert await article_reviews.run_due(due + LEASE + timedelta(seconds=1)) == 1
    assert await article_reviews.JOBS.run(job.id, stale, due + LEASE) is False  # the dead claim changes nothing
    assert len(await pushes(technician)) == 1


async def test_a_failing_reminder_writes_nothing_and_is_tried_again(
    technician: User, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await phone(technician, 'sam')
    article = await published(technician)
    due = clock.now + 180 * DAY

    async def broken(*args: object) -> int:
        await PushMessage.all().count()
        raise RuntimeError('the database went away')

    working = article_reviews._tell_owner
    monkeypatch.setattr(article_reviews, '_tell_owner', broken)
    assert await article_reviews.run_due(due) == 0
    [job] = await ReviewJob.filter(article_id=article.id)  # nothing else was written: no next job either
    assert (job.state, job.last_error) == (ReviewState.PENDING, 'the database went away')
    monkeypatch.setattr(article_reviews, '_tell_owner', working)
    assert await article_reviews.run_due(due + article_reviews.RETRY_AFTER) == 1
    assert len(await pushes(technician)) == 1


async def test_an_owner_who_switched_reminders_off_gets_no_push_but_the_chain_goes_on(
    technician: User, clock: FrozenClock
) -> None:
    await phone(technician, 'sam')
    await notifications.set_preference(technician, Kind.REMINDER, False)
    article = await published(technician)
    assert await article_reviews.run_due(clock.now + 180 * DAY) == 1
    assert await pushes(technician) == []
    assert len(await article_reviews.pending_for(article.id)) == 1
