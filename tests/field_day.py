"""A day of site visits for the field measures' tests (domain and page)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from models import followups, tickets, visits
from models.users import User
from models.visits import Outcome
from tests.conftest import START, FrozenClock


async def a_field_day(people: SimpleNamespace, clock: FrozenClock) -> SimpleNamespace:
    """Tue 24 Nov 2026 (UTC), from 09:00:

    T1 Alex, Wi-Fi, Sam: a chosen window 10:00-12:00, on site 10:00-11:20, fixed on the first visit.
    T2 Casey, Printer, Priya: on site 12:00-12:30 (another visit needed), then 14:00-15:30, fixed.
    T3 Otto (Contractors), Printer, Sam: a chosen window 13:00-14:00 that nobody came to: missed.
    """
    p = people

    async def taken(who: User, service_id: int, tech: User) -> int:
        ticket = await tickets.create_ticket(requester=who, service_id=service_id, title='Help')
        await tickets.take(ticket.id, technician=tech)
        return ticket.id

    async def chosen(ticket_id: int, tech: User, who: User, start_hours: float, length: float) -> None:
        start = START + timedelta(hours=start_hours)
        [window] = await visits.propose(ticket_id, [(start, start + timedelta(hours=length))], actor=tech)
        await visits.choose(window.id, actor=who)

    async def on_site(ticket_id: int, tech: User, hours: float, minutes: int, outcome: Outcome) -> None:
        clock.now = START + timedelta(hours=hours)
        await visits.check_in(ticket_id, actor=tech)
        clock.advance(minutes=minutes)
        await visits.check_out(ticket_id, outcome, actor=tech, summary='Done')

    t1 = await taken(p.requester, p.wifi.id, p.technician)
    t2 = await taken(p.colleague, p.printer.id, p.technician2)
    t3 = await taken(p.outsider, p.printer.id, p.technician)
    await chosen(t1, p.technician, p.requester, 1, 2)
    await chosen(t3, p.technician, p.outsider, 4, 1)
    await on_site(t1, p.technician, 1, 80, Outcome.FIXED)
    await on_site(t2, p.technician2, 3, 30, Outcome.ANOTHER_VISIT)
    await on_site(t2, p.technician2, 5, 90, Outcome.FIXED)
    clock.now = START + timedelta(hours=5, minutes=16)  # the missed-visit check runs 15 minutes after the window
    await followups.run_due()
    return people
