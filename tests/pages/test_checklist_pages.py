"""Checklists on screen: the managers' editor, ticking on the job (live for others), the Resolve dialog's
gate and "Resolve anyway", and the requester's summary."""

from __future__ import annotations

from types import SimpleNamespace

from nicegui.testing import User

from models import checklists, tickets
from models.checklists import ItemIn
from models.tickets import EventKind, Status, Ticket, TicketEvent

from .conftest import sign_in

PRINTER_CHECKS = [
    ItemIn('Power and cables checked'),
    ItemIn('Test page printed'),
    ItemIn('Toner level noted', required=False),
]


async def printer_job(people: SimpleNamespace, *, allow_override: bool = False) -> tuple[Ticket, list[int]]:
    """Alex's printer ticket, taken by Sam; the printer service has a checklist. Returns the item ids."""
    template = await checklists.set_template(
        people.printer.id, PRINTER_CHECKS, allow_override=allow_override, actor=people.manager
    )
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.printer.id, title='Printer jams')
    await tickets.take(ticket.id, technician=people.technician)
    return ticket, [i.id for i in template.items]


async def test_a_manager_writes_a_checklist_for_a_service(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    await user.open('/manage')
    user.find(marker='checklists').click()
    await user.should_see(marker=f'checklist-service-{people.printer.id}')
    user.find(marker=f'checklist-service-{people.printer.id}').click()
    await user.should_see('No checks yet')
    for n, words in enumerate(['Test page printed', 'Power and cables checked']):
        user.find(marker='add-item').click()
        await user.should_see(marker=f'item-text-{n}')
        user.find(marker=f'item-text-{n}').type(words)
    user.find(marker='item-photo-0').click()
    user.find(marker='allow-override').click()
    user.find(marker='save-checklist').click()
    await user.should_see('Checklist saved')
    template = await checklists.template_of(people.printer.id)
    assert [(i.text, i.photo_required) for i in template.items] == [
        ('Test page printed', True),
        ('Power and cables checked', False),
    ]
    assert template.allow_override


async def test_a_duplicate_item_is_refused_with_a_sentence(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    await user.open(f'/checklists/{people.printer.id}')
    for n in range(2):
        user.find(marker='add-item').click()
        await user.should_see(marker=f'item-text-{n}')
        user.find(marker=f'item-text-{n}').type('Cables')
    user.find(marker='save-checklist').click()
    await user.should_see('"Cables" is on the list twice.')
    assert (await checklists.template_of(people.printer.id)).items == []


async def test_a_technician_cannot_open_the_checklist_editor(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open(f'/checklists/{people.printer.id}')
    await user.should_not_see(marker='save-checklist')


async def test_a_tick_shows_on_another_open_page_of_the_job_without_reload(
    user: User, create_user: object, people: SimpleNamespace
) -> None:
    ticket, items = await printer_job(people)
    maria = create_user()  # type: ignore[operator]
    await sign_in(maria, 'maria@example.com')
    await maria.open(f'/t/{ticket.id}')
    await maria.should_see('Checklist · 0 of 3 done')
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker=f'tick-{items[0]}').click()
    await user.should_see('Checklist · 1 of 3 done')
    await maria.should_see('Checklist · 1 of 3 done')
    await maria.should_see('Sam Rivera ·')
    line = await TicketEvent.get(ticket_id=ticket.id, kind=EventKind.CHECKLIST)
    assert line.internal and line.data['item'] == 'Power and cables checked'


async def test_resolving_with_a_required_check_unticked_is_refused_with_the_sentence(
    user: User, people: SimpleNamespace
) -> None:
    ticket, items = await printer_job(people)
    await checklists.tick(ticket.id, items[0], actor=people.technician)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='resolve').click()
    await user.should_see('Not ticked yet: "Test page printed".')
    await user.should_not_see(marker='resolve-anyway')
    user.find(marker='resolution').type('Cleared the jam')
    user.find(marker='resolve-confirm').click()
    await user.should_see('Tick these checks before resolving: "Test page printed".')
    assert (await Ticket.get(id=ticket.id)).status == Status.ASSIGNED


async def test_resolve_anyway_with_a_reason_where_the_service_allows_it(user: User, people: SimpleNamespace) -> None:
    ticket, _ = await printer_job(people, allow_override=True)
    await sign_in(user, 'sam@example.com')
    await user.open(f'/t/{ticket.id}')
    user.find(marker='resolve').click()
    user.find(marker='resolution').type('Cleared the jam')
    user.find(marker='resolve-anyway').click()
    user.find(marker='resolve-confirm').click()
    await user.should_see('Tick them, or resolve anyway with a reason.')
    user.find(marker='override-reason').type('Out of paper for a test page')
    user.find(marker='resolve-confirm').click()
    await user.should_see('Fix: Cleared the jam')
    await user.should_see(marker='event-checklist')  # the reason, on a staff-only line
    head = user.find(marker='event-checklist').elements.pop().props['data-head']
    assert 'resolved with checks unticked: Power and cables checked, Test page printed' in head
    assert 'only staff can see this' in head
    [override] = await checklists.ChecklistOverride.filter(ticket_id=ticket.id)
    assert override.reason == 'Out of paper for a test page'


async def test_the_requester_reads_what_was_checked_once_it_is_fixed(user: User, people: SimpleNamespace) -> None:
    ticket, items = await printer_job(people)
    await checklists.tick(ticket.id, items[0], actor=people.technician)
    await sign_in(user, 'alex@example.com')
    await user.open(f'/t/{ticket.id}')
    await user.should_not_see(marker='checklist')
    await checklists.tick(ticket.id, items[1], actor=people.technician)
    await tickets.resolve(ticket.id, 'Cleared the jam', actor=people.technician)
    await user.should_see('We checked: Power and cables checked, Test page printed.')
    await user.should_not_see('ticked "')
