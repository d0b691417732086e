"""Ranking of suggestions on a fixed corpus: the best article for each query is written out here, and must be
the same on SQLite (FTS5, bm25) and PostgreSQL (tsvector, ts_rank), typos included."""

from __future__ import annotations

import pytest

from models import article_index, articles
from models.users import User

CORPUS = [
    ('Clear a paper jam in the office printer', 'Open tray 2, pull the jammed paper out slowly, close the tray.'),
    ('Printer prints blank pages', 'Check the toner cartridge is seated and remove the orange tape.'),
    ('Replace the toner cartridge', 'Lift the front cover, take the old toner out, shake the new one, push it in.'),
    ('Scan to email from the copier', 'Tap Scan, choose Email, type the address and press Start.'),
    ('Add a printer on a Windows laptop', 'Settings, Bluetooth & devices, Printers, Add device; pick Floor-2.'),
    ('Connect to the office Wi-Fi', 'Choose CorpNet, sign in with your network account, accept the certificate.'),
    ('Wi-Fi keeps dropping on a laptop', 'Forget CorpNet, turn off power saving for the wireless adapter, rejoin.'),
    ('Guest Wi-Fi for visitors', 'Reception prints a guest voucher valid for one day.'),
    ('Reset your password', 'Go to the self-service password page, answer two questions, choose a new one.'),
    ('Outlook keeps asking for a password', 'Close Outlook, remove the saved credentials, open it and sign in.'),
    ('Set up email on an iPhone', 'Install Outlook from the App Store and sign in with your work account.'),
    ('Share your calendar in Outlook', 'Calendar, Share, add the colleague, choose what they can see.'),
    ('Out of office reply', 'In Outlook: File, Automatic Replies, write the message and the dates.'),
    ('Connect to the VPN from home', 'Open GlobalProtect, enter vpn.example.org, sign in, approve on your phone.'),
    ('VPN connects but nothing loads', 'Disconnect, restart the laptop, connect again; check the time zone.'),
    ('Two-factor sign-in on a new phone', 'Install the authenticator, scan the code on the security page.'),
    ('Laptop will not turn on', 'Hold the power button for 15 seconds, plug in the charger, wait 10 minutes.'),
    ('Laptop is very slow', 'Restart it, close browser tabs, check the disk has 10 GB free.'),
    ('Second monitor not detected', 'Reseat the cable in the dock, press Windows+P and choose Extend.'),
    ('Docking station no display', 'Update the dock firmware from the Software Center and restart.'),
    ('Keyboard or mouse not working', 'Replace the batteries or re-pair the Bluetooth receiver.'),
    ('Teams camera not working', 'In Teams settings choose the right camera; close other apps using it.'),
    ('Teams microphone too quiet', 'Set the microphone level to 80 and turn off automatic adjustment.'),
    ('Join a Teams meeting from a meeting room', 'Tap Join on the room panel or enter the meeting code.'),
    ('Install software from the Software Center', 'Open Software Center, search the app, click Install.'),
    ('Request admin rights', 'Admin rights are given for one hour after a technician approves the request.'),
    ('Map a network drive', 'File Explorer, This PC, Map network drive, enter \\\\files\\shared.'),
    ('Restore a deleted file from OneDrive', 'Open OneDrive online, Recycle bin, select the file, Restore.'),
    ('Phone does not sync email', 'Remove the account from the phone and add it again with the Outlook app.'),
    ('Desk phone has no dial tone', 'Check the network cable goes into the LAN port, not the PC port.'),
    ('Badge does not open the door', 'Hold the badge flat on the reader for two seconds; ask reception to renew it.'),
    ('Book a meeting room', 'In Outlook, New meeting, Room Finder, pick a free room with a screen.'),
]

EXPECTED = [  # what someone types -> the article that must come first
    ('paper jam', 'Clear a paper jam in the office printer'),
    ('printer jammed', 'Clear a paper jam in the office printer'),
    ('toner', 'Replace the toner cartridge'),
    ('wifi dropping', 'Wi-Fi keeps dropping on a laptop'),
    ('forgot my password', 'Reset your password'),
    ('outlook asks password again', 'Outlook keeps asking for a password'),
    ('vpn from home', 'Connect to the VPN from home'),
    ('second screen not detected', 'Second monitor not detected'),
    ('teams camera', 'Teams camera not working'),
    ('laptop slow', 'Laptop is very slow'),
    ('restore deleted file', 'Restore a deleted file from OneDrive'),
    ('scan email', 'Scan to email from the copier'),
    ('monit', 'Second monitor not detected'),  # typed so far: a prefix
    ('pritner jam', 'Clear a paper jam in the office printer'),  # typo
    ('outlok password', 'Outlook keeps asking for a password'),  # typo
    ('docking staton display', 'Docking station no display'),  # typo
    ('staton', 'Docking station no display'),  # a typo and nothing else
    ('share calender', 'Share your calendar in Outlook'),  # a typo in the word that decides
]


@pytest.mark.parametrize(
    ('typed', 'written', 'same'),
    [
        ('pritner', 'printer', True),  # two letters swapped
        ('outlok', 'outlook', True),  # one missing
        ('calender', 'calendar', True),  # one wrong
        ('monittor', 'monitor', True),  # one extra
        ('paper', 'page', False),  # two slips in a short word
        ('forgot', 'for', False),
        ('printer', 'printer', False),  # not a slip: the same word is found as a word
    ],
)
def test_a_slip_or_two(typed: str, written: str, same: bool) -> None:
    assert article_index.mistyped(typed, written) is same


@pytest.fixture
async def corpus(technician: User) -> dict[str, int]:
    ids = {}
    for title, body in CORPUS:
        article = await articles.write(technician, title=title, body=body)
        await articles.publish(technician, article.id)
        ids[title] = article.id
    return ids


async def test_the_expected_article_comes_first_for_every_query(corpus: dict[str, int]) -> None:
    firsts = {typed: (await article_index.search(typed))[:1] for typed, _ in EXPECTED}
    wrong = {typed: firsts[typed] for typed, title in EXPECTED if firsts[typed] != [corpus[title]]}
    titles = {v: k for k, v in corpus.items()}
    assert wrong == {}, {typed: [titles[i] for i in ids] for typed, ids in wrong.items()}


async def test_a_typo_does_not_pull_in_unrelated_articles(corpus: dict[str, int]) -> None:
    found = await article_index.search('pritner')
    titles = {v: k for k, v in corpus.items()}
    assert found and all('rint' in titles[i].lower() or 'rint' in CORPUS_BODIES[titles[i]] for i in found)


async def test_words_nobody_wrote_find_nothing(corpus: dict[str, int]) -> None:
    assert await article_index.search('zebra xylophone') == []


CORPUS_BODIES = {title: body.lower() for title, body in CORPUS}
