"""Today: a technician's day on the phone, in visit order, live."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from nicegui.testing import User

from models import tickets, visits
from models.records import Status, Ticket
from tests.conftest import FrozenClock

from .conftest import sign_in


async def job(people: SimpleNamespace, title: str, *, technician: object = None) -> Ticket:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title=title)
    await tickets.take(ticket.id, technician=technician or people.technician)
    return ticket


async def booked(people: SimpleNamespace, ticket: Ticket, start: object, hours: float = 2) -> None:
    [w] = await visits.propose(ticket.id, [(start, start + timedelta(hours=hours))], actor=people.technician)  # type: ignore[operator]
    await visits.choose(w.id, actor=people.requester)


async def test_a_technician_lands_on_today(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open('/')
    await user.should_see('No jobs for you right now')


async def test_todays_visits_come_first_in_visit_order_then_tomorrow_then_no_date(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    loose = await job(people, 'Toner low')
    late_visit = await job(people, 'Jam on floor 2')
    early_visit = await job(people, 'Scanner dead')
    tomorrow = await job(people, 'New printer')
    await booked(people, late_visit, clock.now + timedelta(hours=5))  # Tue 14:00
    await booked(people, early_visit, clock.now + timedelta(hours=1))  # Tue 10:00
    await booked(people, tomorrow, clock.now + timedelta(days=1))
    await sign_in(user, 'sam@example.com')
    await user.open('/today')
    await user.should_see('Today · Tue 24 Nov')
    rows = [e.props.get('href', '') for e in user.find(marker='jobs-today').elements.pop().default_slot.children]
    assert rows == [f'/t/{early_visit.id}', f'/t/{late_visit.id}']
    await user.should_see(marker=f'job-{tomorrow.id}')
    assert user.find(marker='jobs-undated').elements.pop().default_slot.children[0].props['href'] == f'/t/{loose.id}'
    await user.should_see('Tue 24 Nov, 10:00–12:00')
    await user.should_see('Say "On my way" when you set off')


async def test_a_window_chosen_by_the_requester_shows_on_an_open_today_without_reload(
    user: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    ticket = await job(people, 'Jam on floor 2')
    await sign_in(user, 'sam@example.com')
    await user.open('/today')
    await user.should_see(marker=f'job-{ticket.id}')
    start = clock.now + timedelta(hours=3)
    [w] = await visits.propose(ticket.id, [(start, start + timedelta(hours=2))], actor=people.technician)
    await visits.choose(w.id, actor=people.requester)
    await user.should_see('Tue 24 Nov, 12:00–14:00')
    assert user.find(marker='jobs-today').elements.pop().default_slot.children[0].props['href'] == f'/t/{ticket.id}'


async def test_a_job_given_to_me_appears_at_once(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open('/today')
    await user.should_see('No jobs for you right now')
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Fax again')
    await tickets.assign(ticket.id, assignee_id=people.technician.id, actor=people.manager)
    await user.should_see(f'#{ticket.id} Fax again')


async def test_other_technicians_jobs_are_not_on_my_day(user: User, people: SimpleNamespace) -> None:
    theirs = await job(people, 'Priya job', technician=people.technician2)
    await sign_in(user, 'sam@example.com')
    await user.open('/today')
    await user.should_see('No jobs for you right now')
    await user.should_not_see(f'#{theirs.id}')


async def test_requesters_are_sent_to_their_requests(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'alex@example.com')
    await user.open('/today')
    await user.should_see('My requests')


async def test_on_the_way_is_under_way_today(user: User, people: SimpleNamespace, clock: FrozenClock) -> None:
    ticket = await job(people, 'Jam on floor 2')
    await tickets.set_status(
        ticket.id, Status.ON_THE_WAY, actor=people.technician, eta=clock.now + timedelta(minutes=30)
    )
    await sign_in(user, 'sam@example.com')
    await user.open('/today')
    await user.should_see('On the way: say "Arrived" when you get there')
