"""The demo's superusers: Hannah knows the printers and email, Dave the phones and laptops out on the sites.
Colleagues may help by default with those services; one of Dave's answers fixed Lena's scanner, Hannah has
answered Alex (not marked yet), and one request waits for a colleague's answer. Hannah also wrote an article
Priya published (Alex found it helpful), has a draft waiting for a technician, and suggested a change to
Sam's article on blank prints."""

from __future__ import annotations

from datetime import datetime, timedelta

from .. import article_suggestions, article_votes, articles, superusers, tickets
from ..catalog import Service
from ..users import User

EXPERTS = {'hannah': ['printer', 'email'], 'dave': ['phone', 'laptop']}
OPEN_TO_COLLEAGUES = ['printer', 'email', 'phone', 'laptop']

# (requester, service, title, details, hours ago, helper, answer, accepted)
ASKED = [
    (
        'lena', 'phone', 'Handheld scanner will not pair with the phone',
        'The scanner beeps three times and the phone does not find it.', 30, 'dave',
        'Hold the trigger and the power button together for 10 seconds: it forgets the old phone. Then pair it '
        'again from Bluetooth settings.', True,
    ),
    (
        'alex', 'email', 'Shared calendar shows nothing',
        'The Marketing calendar is empty on my phone, but fine on the laptop.', 6, 'hannah',
        'In the Outlook app, open Calendar, tap the menu, then the tick next to "Marketing": phones hide shared '
        'calendars until you tick them.', False,
    ),
    (
        'lena', 'printer', 'Printer on the first floor prints faint lines',
        'Grey stripes down every page since Monday.', 2, None, '', False,
    ),
]  # fmt: skip


async def seed_colleagues(people: dict[str, User], services: dict[str, Service], now: datetime) -> None:
    await Service.filter(id__in=[services[s].id for s in OPEN_TO_COLLEAGUES]).update(peers_may_help=True)
    for who, knows in EXPERTS.items():
        await superusers.grant(
            people['manager'], people[who].id, [services[s].id for s in knows], now=now - timedelta(days=60)
        )
    for requester, service, title, details, hours, helper, answer, accepted in ASKED:
        at = now - timedelta(hours=hours)
        ticket = await tickets.create_ticket(
            requester=people[requester], service_id=services[service].id, title=title, details=details,
            peers_may_help=True, now=at,
        )  # fmt: skip
        if helper is None:
            continue
        given = await superusers.answer(people[helper], ticket.id, answer, now=at + timedelta(minutes=40))
        if accepted:
            await superusers.accept(people[requester], ticket.id, given.id, now=at + timedelta(hours=1))
    await seed_their_articles(people, services, now)


async def seed_their_articles(people: dict[str, User], services: dict[str, Service], now: datetime) -> None:
    hannah, printer, email = people['hannah'], services['printer'].id, services['email'].id
    written = await articles.write(
        hannah, title='Shared calendar missing on the phone', service_ids=[email], now=now - timedelta(days=20),
        body='Phones hide shared calendars until you tick them.\n\n1. In Outlook, open **Calendar**.\n'
        '2. Tap the menu (top left).\n3. Tick the calendar you need.',
    )  # fmt: skip
    await articles.publish(people['priya'], written.id, now=now - timedelta(days=19))
    await article_votes.vote(people['alex'], written.id, helpful=True, now=now - timedelta(days=3))
    await articles.write(
        hannah, title='Scan to email never arrives', service_ids=[printer], now=now - timedelta(days=2),
        body='1. Check the address on the scanner screen: it keeps the last one typed.\n'
        '2. Look in your Junk folder: scans come from *scanner@demo.tapdesk*.',
    )  # fmt: skip
    blank = await articles.Article.get(title='Printer prints blank pages')
    await article_suggestions.suggest_edit(
        hannah, blank.id, blank.title, blank.body + '\n\nStill blank? Clean the glass strip on the left of the '
        'scanner: a white smear there blanks every copy.', 'Copies come out blank for another reason too.',
        now=now - timedelta(days=1),
    )  # fmt: skip
