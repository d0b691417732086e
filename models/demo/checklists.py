"""The checklists a manager sets for the jobs that send a technician out, and one job already started."""

from __future__ import annotations

from datetime import datetime

from .. import checklists
from ..catalog import Service
from ..checklists import ItemIn
from ..records import Status, Ticket
from ..users import User

# (items, allow "Resolve anyway" with a reason): a printer visit can end without a test page when the
# paper ran out; site kit cannot be left without its proof.
CHECKLISTS: dict[str, tuple[list[ItemIn], bool]] = {
    'printer': (
        [
            ItemIn('Power and cables checked'),
            ItemIn('Paper path cleared and rollers cleaned'),
            ItemIn('Printer driver up to date', required=False),
            ItemIn('Test page printed', photo_required=True),
        ],
        True,
    ),
    'site_repair': (
        [
            ItemIn('Equipment isolated before work'),
            ItemIn('Faulty part replaced or repaired'),
            ItemIn('Tested with the person who reported it'),
            ItemIn('Photo of the finished work', photo_required=True),
            ItemIn('Area left clean and safe'),
        ],
        False,
    ),
    'wifi': (
        [
            ItemIn('Access point lights and cabling checked'),
            ItemIn('Speed test where the problem was'),
            ItemIn('Device reconnected and working', required=False),
        ],
        True,
    ),
    'laptop': (
        [
            ItemIn('Data backed up before repair'),
            ItemIn('Updates installed'),
            ItemIn('Person signed in and checked it works'),
        ],
        True,
    ),
}


async def seed_checklists(manager: User, services: dict[str, Service], now: datetime) -> None:
    """Set each field service's checklist (unless it has one), then start one job: its first check ticked."""
    for key, (items, allow_override) in CHECKLISTS.items():
        service = services[key]
        if not (await checklists.template_of(service.id)).items:
            await checklists.set_template(service.id, items, allow_override=allow_override, actor=manager, now=now)
    await _start_one_job(services, now)


async def _start_one_job(services: dict[str, Service], now: datetime) -> None:
    """The first open, assigned job of a service with a checklist (printer first) has its first check ticked."""
    working = (Status.IN_PROGRESS, Status.REOPENED, Status.ASSIGNED, Status.WAITING)
    for key in CHECKLISTS:
        query = Ticket.filter(service_id=services[key].id, status__in=working, assignee_id__not_isnull=True)
        job = await query.select_related('assignee').order_by('id').first()
        if job is None or job.assignee is None:
            continue
        if not await checklists.TicketCheck.exists(ticket_id=job.id):
            first = (await checklists.checklist_for(job.assignee, job.id)).items[0]
            await checklists.tick(job.id, first.item_id, actor=job.assignee, note='All plugged in properly', now=now)
        return
