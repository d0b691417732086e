"""Recognition on screen: who helped most (/thanks), one's own points and badges (/me), and the managers'
self-help switches on /manage (the domain refuses anyone else too)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from nicegui import ui
from nicegui.testing import User

from models import articles, help_settings, superusers, tickets
from models.errors import Forbidden
from models.help_settings import HelpSettings

from .conftest import sign_in


async def accepted_answer(people: SimpleNamespace, helper: object, title: str) -> None:
    """Alex asks about the printer, `helper` answers, Alex says "This fixed it"."""
    ticket = await tickets.create_ticket(
        requester=people.requester, service_id=people.printer.id, title=title, peers_may_help=True
    )
    given = await superusers.answer(helper, ticket.id, 'Open the side door and pull the sheet out.')  # type: ignore[arg-type]
    await superusers.accept(people.requester, ticket.id, given.id)


@pytest.fixture
async def helped(people: SimpleNamespace) -> SimpleNamespace:
    """Casey fixed two colleagues' problems, Otto one; Sam (a technician) published an article."""
    await superusers.grant(people.manager, people.colleague.id, [people.printer.id])
    await superusers.grant(people.manager, people.outsider.id, [people.printer.id])
    await accepted_answer(people, people.colleague, 'Printer jams')
    await accepted_answer(people, people.colleague, 'Printer jams again')
    await accepted_answer(people, people.outsider, 'Toner streaks')
    written = await articles.write(people.technician, title='Clear a paper jam', body='Pull slowly.')
    await articles.publish(people.technician, written.id)
    return people


async def saved(check: object) -> None:
    """Wait for a switch's own round trip to reach the database."""
    async with asyncio.timeout(5):
        while not await check():  # type: ignore[operator]  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def test_the_leaderboard_shows_who_helped_most_with_their_points(user: User, helped: SimpleNamespace) -> None:
    await sign_in(user, helped.requester.email)
    await user.open('/thanks')
    await user.should_see('Colleagues who helped most this month')
    await user.should_see(marker=f'standing-{helped.colleague.id}')
    assert user.find(marker=f'points-{helped.colleague.id}').elements.pop().text == '30 points'
    assert user.find(marker=f'points-{helped.outsider.id}').elements.pop().text == '15 points'
    await user.should_see('Casey Lee')
    await user.should_not_see('Sam Rivera')  # technicians are not ranked unless a manager says so
    period = user.find(marker='period').elements.pop()
    with user.client:  # type: ignore[union-attr]
        period.value = 'All time'
    await user.should_see('Colleagues who helped most of all time')
    await user.should_see(marker=f'points-{helped.colleague.id}')


async def test_switched_off_the_pages_say_so_and_show_no_points(user: User, helped: SimpleNamespace) -> None:
    await help_settings.choose(helped.manager, recognition=False)
    await sign_in(user, helped.colleague.email)
    await user.open('/thanks')
    await user.should_see(marker='recognition-off')
    await user.should_not_see(marker='board')
    await user.should_not_see(marker=f'standing-{helped.colleague.id}')
    await user.open('/me')
    await user.should_see(marker='recognition-off')
    await user.should_not_see(marker='profile-points')
    await user.should_not_see('First accepted answer')
    assert user.find(marker='count-accepted').elements.pop().text == '2'  # what they did is still theirs


async def test_my_profile_shows_points_badges_and_what_earned_them(user: User, helped: SimpleNamespace) -> None:
    await sign_in(user, helped.colleague.email)
    await user.open('/settings')
    user.find(marker='to-profile').click()
    await user.should_see(marker='profile-name')
    assert user.find(marker='profile-points').elements.pop().text == '30 points'
    await user.should_see('First accepted answer')
    await user.should_see("An answer fixed a colleague's problem.")
    await user.should_not_see('Problem solver')  # five accepted answers: not yet
    assert user.find(marker='count-accepted').elements.pop().text == '2'
    assert user.find(marker='count-articles').elements.pop().text == '0'


async def test_a_technician_sees_their_own_figures_though_not_ranked(user: User, helped: SimpleNamespace) -> None:
    await sign_in(user, helped.technician.email)
    await user.open('/me')
    await user.should_see('First article')
    assert user.find(marker='profile-points').elements.pop().text == '10 points'
    await user.open('/thanks')
    await user.should_see('Casey Lee')
    await user.should_not_see(marker=f'standing-{helped.technician.id}')


async def test_managers_switch_recognition_and_ranking_and_set_the_review_time(
    user: User, people: SimpleNamespace
) -> None:
    await sign_in(user, people.manager.email)
    await user.open('/manage')
    user.find('Services').click()
    await user.should_see(marker='self-help')
    user.find(marker='recognition').click()
    await saved(lambda: HelpSettings.exists(id=1, recognition=False))
    user.find(marker='rank-staff').click()
    await saved(lambda: HelpSettings.exists(id=1, rank_staff=True))
    days = user.find(marker='review-days').elements.pop()
    assert isinstance(days, ui.number)
    await user.should_see(marker='self-help-saved')  # no Save button: each change saves and says so
    user.find(marker='review-days').clear().type('3').trigger('change')  # left the field
    await saved(lambda: asyncio.sleep(0.05, result=days.error == 'Review articles every 7 to 730 days.'))
    assert (await help_settings.current()).review_days == help_settings.REVIEW_DAYS
    await user.should_not_see(marker='self-help-saved', retries=50)
    user.find(marker='review-days').clear().type('90').trigger('change')
    await saved(lambda: HelpSettings.exists(id=1, review_days=90))
    assert days.error is None
    await user.should_see(marker='self-help-saved')


async def test_a_technician_cannot_reach_the_switches_and_the_domain_refuses_them(
    user: User, people: SimpleNamespace
) -> None:
    await sign_in(user, people.technician.email)
    response = await user.http_client.get('/manage', follow_redirects=False)
    assert response.status_code == 303
    with pytest.raises(Forbidden):
        await help_settings.choose(people.technician, recognition=False)
    assert (await help_settings.current()).recognition is True
