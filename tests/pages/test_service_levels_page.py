"""The managers' service-level screen: target times, working hours, follow-up intervals."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import TypeVar

from nicegui import ui
from nicegui.testing import User

from models import followups, sla
from models.catalog import Priority

from .conftest import sign_in

T = TypeVar('T')


async def saved(read: Callable[[], Awaitable[T]], done: Callable[[T], bool]) -> None:
    """Wait for a change saved in its own round trip."""
    for _ in range(100):
        if done(await read()):
            return
        await asyncio.sleep(0.05)
    raise AssertionError('not saved')


async def open_as_manager(user: User) -> None:
    await sign_in(user, 'maria@example.com')
    await user.open('/service-levels')
    await user.should_see('Target times')


async def test_a_manager_sets_a_target_and_it_is_kept(user: User, people: SimpleNamespace) -> None:
    await open_as_manager(user)
    user.find(marker='target-service').click()
    user.find('Wi-Fi').click()
    user.find(marker='reply-minutes').type('30')
    user.find(marker='fix-hours').type('8')
    user.find(marker='target-business-hours').click()
    user.find(marker='save-target').click()
    await user.should_see('Reply within 30 min · fixed within 8 h · working hours only')
    [target] = await sla.targets(actor=people.manager)
    assert (target.service_id, target.priority) == (people.wifi.id, Priority.NORMAL)
    assert (target.first_response_minutes, target.resolution_minutes, target.business_hours) == (30, 480, True)


async def test_a_target_that_is_not_a_sensible_time_is_refused_at_the_field(
    user: User, people: SimpleNamespace
) -> None:
    await open_as_manager(user)
    user.find(marker='reply-minutes').type('0')
    user.find(marker='save-target').click()
    await user.should_see('Choose a time from 1 minute to 365 days.')
    [hours] = user.find(marker='reply-hours').elements
    assert isinstance(hours, ui.number) and hours.error == 'Choose a time from 1 minute to 365 days.'
    assert await sla.targets(actor=people.manager) == []


async def test_a_technician_cannot_open_the_service_levels(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'sam@example.com')
    await user.open('/service-levels')
    await user.should_not_see('Target times')
    await user.should_see(marker='sign-out')


async def test_working_hours_save_as_they_change_with_no_save_button(user: User, people: SimpleNamespace) -> None:
    await open_as_manager(user)
    await user.should_not_see(marker='calendar-saved', retries=50)
    user.find(marker='day-6').click()  # Saturday too
    await user.should_see(marker='calendar-saved')
    user.find(marker='timezone').click()
    user.find('Europe/Berlin').click()
    user.find(marker='day-end').clear().type('18:00').trigger('change')  # left the field
    await saved(lambda: sla.working_calendar(), lambda cal: cal.end_minute == 1080)
    cal = await sla.working_calendar()
    assert (cal.days, cal.timezone, cal.start_minute, cal.end_minute) == ('123456', 'Europe/Berlin', 540, 1080)
    await user.should_not_see('Save working hours', retries=50)


async def test_a_week_without_working_days_is_refused(user: User, people: SimpleNamespace) -> None:
    await open_as_manager(user)
    for day in range(1, 5):
        user.find(marker=f'day-{day}').click()
    await saved(lambda: sla.working_calendar(), lambda cal: cal.days == '5')
    user.find(marker='day-5').click()  # the last one
    await user.should_see('Choose at least one working day.')
    await user.should_not_see(marker='calendar-saved', retries=50)
    assert (await sla.working_calendar()).days == '5'


async def test_a_manager_changes_the_follow_up_intervals(user: User, people: SimpleNamespace) -> None:
    await open_as_manager(user)
    await user.should_see('A rating can be changed for')
    user.find(marker='rule-idle_hours').clear().type('8').trigger('change')
    user.find(marker='rule-visit_before_minutes').clear().type('30').trigger('change')
    await saved(followups.rules, lambda rules: rules.visit_before_minutes == 30)
    await user.should_see(marker='followups-saved')
    rules = await followups.rules()
    assert (rules.idle_hours, rules.visit_before_minutes, rules.waiting_first_hours) == (8, 30, 24)


async def test_follow_up_intervals_out_of_order_are_refused_at_the_field(user: User, people: SimpleNamespace) -> None:
    await open_as_manager(user)
    user.find(marker='rule-waiting_second_hours').clear().type('500').trigger('change')
    await user.should_see('The second reminder comes after the first, and resolving after both.')
    await user.should_not_see(marker='followups-saved', retries=50)
    assert (await followups.rules()).waiting_second_hours == 72


async def test_the_screen_has_one_save_button_the_targets(user: User, people: SimpleNamespace) -> None:
    await open_as_manager(user)
    labels = [b.text for b in user.find(ui.button).elements if 'Save' in (b.text or '')]  # type: ignore[attr-defined]
    assert labels == ['Save target']


async def test_the_manage_screen_links_to_the_service_levels(user: User, people: SimpleNamespace) -> None:
    await sign_in(user, 'maria@example.com')
    await user.open('/manage')
    user.find('Services').click()
    user.find(marker='service-levels').click()
    await user.should_see('Target times')


async def test_tapping_a_priority_shows_its_target_for_editing(user: User, people: SimpleNamespace) -> None:
    await sla.set_target(
        actor=people.manager,
        service_id=people.wifi.id,
        priority=Priority.URGENT,
        first_response_minutes=30,
        resolution_minutes=4 * 60,
    )
    await open_as_manager(user)
    user.find(marker='target-service').click()
    user.find('Wi-Fi').click()
    await user.should_see('Reply within 30 min · fixed within 4 h')
    user.find(marker='target-urgent').click()
    [reply_minutes] = user.find(marker='reply-minutes').elements
    [fix_hours] = user.find(marker='fix-hours').elements
    assert (reply_minutes.value, fix_hours.value) == (30, 4)  # type: ignore[attr-defined]
