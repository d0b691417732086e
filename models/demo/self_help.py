"""The demo's self-help: articles the technicians wrote (one still a draft, one retired), votes, and requesters
who opened them while reporting: some said "This solved it", some filed anyway, some just went quiet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import article_votes, articles, deflections
from ..catalog import Service
from ..users import User


@dataclass(frozen=True)
class _Article:
    author: str
    service: str
    title: str
    body: str
    state: articles.State = articles.State.PUBLISHED


ARTICLES = [
    _Article(
        'priya',
        'wifi',
        'Connect to the office Wi-Fi',
        '1. Choose **CorpNet** (not CorpGuest).\n2. Sign in with your work email and password.\n'
        '3. Accept the certificate *tapdesk-radius*.\n\nStill nothing? Forget the network and try again.',
    ),
    _Article(
        'priya',
        'wifi',
        'Wi-Fi keeps dropping on a laptop',
        'Most drops come from power saving.\n\n1. Open **Device Manager**, then *Network adapters*.\n'
        '2. Open the wireless adapter, tab *Power Management*.\n'
        '3. Untick "Allow the computer to turn off this device".',
    ),
    _Article(
        'sam',
        'printer',
        'Clear a paper jam in the office printer',
        '1. Open tray 2 and the side door.\n2. Pull the jammed paper out **slowly**, with both hands.\n'
        '3. Close the door: the printer restarts the job by itself.',
    ),
    _Article(
        'sam',
        'printer',
        'Printer prints blank pages',
        'Take the toner cartridge out, remove the orange tape if there is one, shake it and put it back.',
    ),
    _Article(
        'tom',
        'access',
        'Reset your password',
        'Go to the [password page](https://password.demo.tapdesk) from any device, answer your two questions and '
        'choose a new password of at least 12 characters.',
    ),
    _Article(
        'priya',
        'email',
        'Outlook keeps asking for a password',
        '1. Close Outlook.\n2. Open *Credential Manager* and remove the entries that start with **MicrosoftOffice**.'
        '\n3. Open Outlook and sign in once.',
    ),
    _Article(
        'sam',
        'laptop',
        'Second monitor not detected',
        'Reseat the cable in the dock, then press **Windows + P** and choose *Extend*.',
    ),
    _Article(
        'tom',
        'laptop',
        'Laptop will not turn on',
        'Hold the power button for 15 seconds, plug in the charger and wait 10 minutes before trying again.',
        articles.State.DRAFT,
    ),
    _Article(
        'sam',
        'software',
        'Install Acrobat Reader 9',
        'Acrobat Reader 9 is no longer supported: use the browser to open PDFs.',
        articles.State.RETIRED,
    ),
]

# (requester, article title, what they had typed, days ago, what they did next)
READS = [
    ('alex', 'Clear a paper jam in the office printer', 'printer jammed again', 12, 'solved'),
    ('hannah', 'Connect to the office Wi-Fi', 'cannot get on wifi', 9, 'solved'),
    ('alex', 'Outlook keeps asking for a password', 'outlook password popup', 6, 'solved'),
    ('chris', 'Reset your password', 'forgot password', 5, 'quiet'),
    ('hannah', 'Second monitor not detected', 'second screen black', 3, 'quiet'),
    ('dave', 'Wi-Fi keeps dropping on a laptop', 'wifi drops', 2, 'quiet'),
]
VOTES = [
    ('alex', 'Clear a paper jam in the office printer', True, ''),
    ('hannah', 'Connect to the office Wi-Fi', True, ''),
    ('chris', 'Reset your password', False, 'The password page does not open from home'),
]


async def seed_self_help(people: dict[str, User], services: dict[str, Service], now: datetime) -> None:
    written: dict[str, articles.Article] = {}
    for n, a in enumerate(ARTICLES):
        when = now - timedelta(days=40 - n)
        author = people[a.author]
        article = await articles.write(
            author, title=a.title, body=a.body, service_ids=[services[a.service].id], now=when
        )
        if a.state != articles.State.DRAFT:
            await articles.publish(author, article.id, now=when + timedelta(hours=1))
        if a.state == articles.State.RETIRED:
            await articles.retire(author, article.id, now=when + timedelta(days=20))
        written[a.title] = article
    for who, title, typed, days, then in READS:
        article, at = written[title], now - timedelta(days=days, hours=2)
        service_id = (await article.services.all())[0].id
        await deflections.opened(people[who], article.id, service_id=service_id, typed=typed, now=at)
        if then == 'solved':
            await deflections.solved(
                people[who], article.id, service_id=service_id, typed=typed, now=at + timedelta(minutes=2)
            )
    for who, title, helpful, why in VOTES:
        await article_votes.vote(people[who], written[title].id, helpful=helpful, why=why, now=now - timedelta(days=1))
