"""The service catalog: who sees which service, and who may change it."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from models import catalog, tickets
from models.catalog import Priority, Service
from models.errors import Forbidden, Invalid, NotFound
from models.users import User
from tests.conftest import FrozenClock


async def names(viewer: User) -> list[str]:
    return [s.name for s in await catalog.services_for(viewer)]


async def test_a_requester_sees_only_their_categorys_services(requester: User, outsider: User) -> None:
    assert await names(requester) == ['Printer', 'Wi-Fi']
    assert await names(outsider) == ['Printer']


async def test_staff_see_every_active_service(technician: User) -> None:
    assert await names(technician) == ['Printer', 'Wi-Fi']


async def test_services_come_most_requested_first_in_the_last_ninety_days_and_something_else_last(
    requester: User, colleague: User, people: SimpleNamespace, clock: FrozenClock
) -> None:
    other = await catalog.save_service(actor=None, name='Something else', category_ids=[people.staff.id])
    for n in range(3):  # the catch-all is used most, and still comes last
        await tickets.create_ticket(requester=colleague, service_id=other.id, title=f'Question {n}')
    await tickets.create_ticket(requester=colleague, service_id=people.wifi.id, title='No Wi-Fi')
    for days_ago in (91, 120):  # the printer was busy, but long ago
        await tickets.create_ticket(
            requester=requester, service_id=people.printer.id, title='Jam', now=clock.now - timedelta(days=days_ago)
        )
    found = await catalog.services_by_use(requester, now=clock.now)
    assert [s.name for s in found] == ['Wi-Fi', 'Printer', 'Something else']


async def test_a_requester_without_a_category_sees_no_services(requester: User) -> None:
    requester.category_id = None
    assert await names(requester) == []


async def test_an_outsider_cannot_report_on_a_service_of_another_category(outsider: User, wifi: Service) -> None:
    with pytest.raises(NotFound) as error:
        await tickets.create_ticket(requester=outsider, service_id=wifi.id, title='No Wi-Fi')
    assert error.value.field == 'service'
    assert await tickets.Ticket.all().count() == 0


async def test_an_inactive_service_is_hidden_and_cannot_be_reported_on(
    manager: User, requester: User, people: SimpleNamespace
) -> None:
    await catalog.save_service(
        actor=manager,
        service_id=people.wifi.id,
        name='Wi-Fi',
        icon='wifi',
        category_ids=[people.staff.id],
        active=False,
    )
    assert await names(requester) == ['Printer']
    with pytest.raises(NotFound):
        await tickets.create_ticket(requester=requester, service_id=people.wifi.id, title='No Wi-Fi')


async def test_a_manager_adds_a_service_for_chosen_categories(
    manager: User, outsider: User, people: SimpleNamespace
) -> None:
    service = await catalog.save_service(
        actor=manager,
        name=' Laptop ',
        description='Screen, keyboard',
        icon='laptop',
        default_priority=Priority.HIGH,
        category_ids=[people.contractors.id],
    )
    assert (service.name, service.default_priority) == ('Laptop', Priority.HIGH)
    assert await names(outsider) == ['Laptop', 'Printer']


async def test_changing_a_service_replaces_its_categories(
    manager: User, requester: User, outsider: User, people: SimpleNamespace
) -> None:
    await catalog.save_service(
        actor=manager, service_id=people.wifi.id, name='Wi-Fi', icon='wifi', category_ids=[people.contractors.id]
    )
    assert await names(requester) == ['Printer']
    assert await names(outsider) == ['Printer', 'Wi-Fi']


async def test_a_service_needs_a_name(manager: User, people: SimpleNamespace) -> None:
    with pytest.raises(Invalid) as error:
        await catalog.save_service(actor=manager, name='   ', category_ids=[people.staff.id])
    assert error.value.field == 'name'


@pytest.mark.parametrize('icon', ['Wi Fi!', 'wifi<script>', 'x' * 41])
async def test_a_service_icon_must_be_a_material_icon_name(manager: User, people: SimpleNamespace, icon: str) -> None:
    with pytest.raises(Invalid) as error:
        await catalog.save_service(actor=manager, name='Wi-Fi 2', icon=icon, category_ids=[people.staff.id])
    assert error.value.field == 'icon'


async def test_a_service_for_a_category_that_does_not_exist_is_refused(manager: User) -> None:
    with pytest.raises(Invalid) as error:
        await catalog.save_service(actor=manager, name='Phones', category_ids=[999])
    assert error.value.field == 'categories'


@pytest.mark.parametrize('persona', ['requester', 'technician'])
async def test_only_managers_may_change_the_catalog(people: SimpleNamespace, persona: str) -> None:
    with pytest.raises(Forbidden):
        await catalog.save_service(actor=getattr(people, persona), name='Phones', category_ids=[people.staff.id])
    assert not await Service.exists(name='Phones')


async def test_requesters_may_not_see_the_whole_catalog(requester: User) -> None:
    with pytest.raises(Forbidden):
        await catalog.all_services(actor=requester)
