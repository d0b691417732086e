"""Demo data: a believable service desk for a newcomer to click through (`tapdesk serve --demo`).

Everything after the accounts and the catalog is written through the real domain verbs
(create_ticket, take, assign, reply, set_status, resolve, close, reopen, add_photos) with `now=`
timestamps, so timelines, first responses and resolution times look like a month of real work.
The data is the same on every run (random.Random(42)); only its position in time follows `now`.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw
from tortoise.transactions import in_transaction

from . import clock, photos, ratings, sla, tickets, users
from .catalog import Priority, Service, save_service
from .tickets import Status
from .users import ROLE_WORDS, Category, Role, User

DEMO_PASSWORD = 'demo'
DOMAIN = 'demo.tapdesk'
MANAGER_EMAIL = f'manager@{DOMAIN}'
SEED = 42
DESK_TZ = ZoneInfo('Europe/London')  # where the technicians work: their actions fall in their working hours

STAFF, FIELD, CONTRACTORS, CUSTOMERS = 'Staff', 'Field sites', 'Contractors', 'External customers'
CATEGORIES = [STAFF, FIELD, CONTRACTORS, CUSTOMERS]


# ---- people -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    key: str
    name: str
    role: Role
    category: str | None = None
    timezone: str = 'Europe/London'

    @property
    def email(self) -> str:
        return f'{self.key}@{DOMAIN}'


PEOPLE = [
    _Person('manager', 'Maria Manager', Role.MANAGER),
    _Person('sam', 'Sam Rivera', Role.TECHNICIAN),
    _Person('priya', 'Priya Shah', Role.TECHNICIAN),
    _Person('tom', 'Tom Berg', Role.TECHNICIAN),  # mostly out in the field
    _Person('alex', 'Alex Kim', Role.REQUESTER, STAFF),
    _Person('hannah', 'Hannah Okafor', Role.REQUESTER, STAFF),
    _Person('dave', 'Dave Murphy', Role.REQUESTER, FIELD, 'Europe/Dublin'),
    _Person('lena', 'Lena Novak', Role.REQUESTER, FIELD),
    _Person('chris', 'Chris Walsh', Role.REQUESTER, CONTRACTORS),
    _Person('nina', 'Nina Patel', Role.REQUESTER, CUSTOMERS, 'Europe/Amsterdam'),
]
TECHS = ['sam', 'priya', 'tom']


# ---- the catalog --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ServiceSpec:
    key: str
    name: str
    description: str
    icon: str
    priority: Priority
    categories: tuple[str, ...]


SERVICES = [
    _ServiceSpec(
        'wifi',
        'Wi-Fi & network',
        'No connection, slow or dropping Wi-Fi, VPN, or a network socket that does not work.',
        'wifi',
        Priority.NORMAL,
        (STAFF, FIELD, CONTRACTORS),
    ),
    _ServiceSpec(
        'laptop',
        'Laptop or PC',
        'Will not start, runs slowly, broken screen, keyboard or charger.',
        'laptop',
        Priority.NORMAL,
        (STAFF, FIELD),
    ),
    _ServiceSpec(
        'printer',
        'Printer & scanner',
        'Paper jams, faint or blank prints, scans that never arrive.',
        'print',
        Priority.LOW,
        (STAFF, FIELD),
    ),
    _ServiceSpec(
        'phone',
        'Phone & mobile',
        'Work mobiles, desk phones and handheld scanners.',
        'smartphone',
        Priority.NORMAL,
        (STAFF, FIELD),
    ),
    _ServiceSpec(
        'email',
        'Email & calendar',
        'Missing emails or invites, shared mailboxes, a full mailbox.',
        'mail',
        Priority.NORMAL,
        (STAFF, FIELD, CONTRACTORS),
    ),
    _ServiceSpec(
        'access',
        'Access & passwords',
        'Locked out, forgotten password, sign-in codes, or access to a system or shared drive.',
        'key',
        Priority.HIGH,
        (STAFF, FIELD, CONTRACTORS, CUSTOMERS),
    ),
    _ServiceSpec(
        'new_starter',
        'New starter setup',
        'Laptop, accounts and access ready for someone joining. Please tell us three working days ahead.',
        'person_add',
        Priority.NORMAL,
        (STAFF,),
    ),
    _ServiceSpec(
        'site_repair',
        'Site equipment repair',
        'Card readers, cameras, barriers, alarm panels and other kit on site.',
        'build',
        Priority.HIGH,
        (FIELD,),
    ),
    _ServiceSpec(
        'software',
        'Software install request',
        'A program or licence you need for your work.',
        'install_desktop',
        Priority.LOW,
        (STAFF, CONTRACTORS),
    ),
    _ServiceSpec(
        'other',
        'Something else',
        'Anything not listed: tell us what you need and we will find the right person.',
        'help',
        Priority.NORMAL,
        (STAFF, FIELD, CONTRACTORS, CUSTOMERS),
    ),
]


@dataclass(frozen=True)
class _Lines:
    """What a technician typically writes for a service."""

    ack: str
    question: str
    answer: str
    note: str


LINES = {
    'wifi': _Lines(
        "Hi {first}, I'm on it. Checking the network logs for your area now.",
        'Does it happen on other devices too, or only on yours? And roughly when did it last happen?',
        'Only on mine, my phone stays connected. Last time was about twenty minutes ago.',
        'Controller shows a lot of retries on that access point. Could be interference from the building next door.',
    ),
    'laptop': _Lines(
        "Hi {first}, thanks for the details. I'll start with a remote check, so please leave it on and connected.",
        'Could you read me the asset tag on the sticker underneath? It starts with TD-.',
        "It's TD-4471.",
        'Still under warranty until next spring, so a part swap costs nothing.',
    ),
    'printer': _Lines(
        "Thanks {first}, I'll look at the printer's status page first.",
        'Is it every document, or only from one program?',
        'Every document, from Word and from PDFs.',
        'Third ticket about this printer this quarter. Worth asking about a replacement.',
    ),
    'phone': _Lines(
        'Hi {first}, picked this up. Please keep the phone charged and nearby.',
        'Which iOS version is it on? You can find it under Settings > General > About.',
        'It says 17.5.1.',
        'Spare phones are in the IT cupboard, shelf 2.',
    ),
    'email': _Lines(
        "Thanks {first}, I'm checking your mailbox settings now.",
        'Do you see the same in Outlook on the web (outlook.office.com), or only in the desktop app?',
        'Same in the browser.',
        'Message trace shows nothing blocked on our side.',
    ),
    'access': _Lines(
        "Hi {first}, I'm looking at your account now.",
        'To make sure it is you, please reply with the last four digits of your staff or contract number.',
        'The last four are 4417.',
        'Identity checked by calling back the number on file.',
    ),
    'new_starter': _Lines(
        "Thanks {first}, I've started on the accounts. I'll confirm when the kit is ready.",
        "Which shared drives and mailing lists should they have? Copying a colleague's access is fine, just say whose.",
        "Please copy Lucy Hart's access, she's in the same team.",
        'Laptop imaged and labelled. Waiting for HR to confirm the start date.',
    ),
    'site_repair': _Lines(
        "Hi {first}, thanks for reporting it. I'll check what we can see remotely and come out if needed.",
        'Is someone on site tomorrow morning who can let me in and show me the unit?',
        "Yes, I'm on shift from 7. Ring the bell at the gate.",
        'Spare parts for this are in the van, no need to order.',
    ),
    'software': _Lines(
        "Thanks {first}, I'll check we have a licence free.",
        'Is this for one project or ongoing? Licences are reviewed every quarter.',
        "Ongoing, it's part of my role from now on.",
        'Licence pool has 3 free seats.',
    ),
    'other': _Lines(
        'Hi {first}, thanks. Having a look now.',
        'Could you tell me a bit more: when did it start, and does anything you try make a difference?',
        "It started yesterday afternoon. Nothing I've tried changes it.",
        'Not strictly IT, but quick to sort out, so taking it.',
    ),
}

FOLLOW_UPS = [
    "Also: it's happening to the person next to me as well.",
    "Any news? It's getting in the way of my work today.",
    "I've already tried restarting, no change.",
]
THANKS = [
    'Thanks, all working now!',
    'Brilliant, thank you.',
    'Perfect, thanks for the quick help.',
    "Confirmed, it's fine now. Thanks {tech}!",
]
REOPEN_REASONS = [
    "It's happening again since this morning, same as before.",
    'Sorry, it worked for a day but the problem is back.',
    "Better than before, but it's still not right.",
]
RATING_COMMENTS = {  # "What could we do better?", by score; most people leave it empty
    1: ['Three days without a word, then it came back the next morning.'],
    2: ['The fix did not last.', 'I had to chase it twice.'],
    3: ['Fine in the end, but it took a while to start.'],
    4: ['Good, a bit slow to get going.'],
    5: ['Quick and friendly, thank you!', 'Explained what went wrong, so I know next time.'],
}
RATING_ODDS = {1: 3, 2: 5, 3: 10, 4: 32, 5: 50}  # a desk that mostly does well
HANDOVERS = [
    'Handing this to {to}: {frm} is out on site visits for the rest of the week.',
    '{frm} is off tomorrow, so {to} takes this over.',
    'Moving this to {to}, who knows this system best.',
]


# ---- the issues people report ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Issue:
    service: str
    requester: str
    title: str
    details: str
    location: str
    fix: str
    onsite: bool = False  # fixed by going there: can be "visit planned" / "on the way"
    photo: str = ''  # the requester attaches a photo of this kind
    qa: tuple[str, str] | None = None  # the technician's question and the answer, when the service's do not fit


HQ, MCR, DUB, HRB, BW = (
    'Head office',
    'Manchester office',
    'Dublin depot',
    'Harbour Road pumping station',
    'Brightwater Ltd, Amsterdam',
)

ISSUES = [
    # Alex Kim, Staff, head office
    _Issue(
        'wifi',
        'alex',
        'Wi-Fi keeps dropping in meeting room Orion',
        'Every ten minutes or so my laptop loses the Wi-Fi in Orion. Teams calls freeze, then reconnect. '
        'Other rooms are fine.',
        f'{HQ}, 3rd floor, meeting room Orion',
        'Moved the Orion access point to the 5 GHz band and updated its firmware. The connection held through a '
        'one-hour test call.',
        onsite=True,
    ),
    _Issue(
        'laptop',
        'alex',
        "Laptop won't charge",
        'The charging light stays off with the USB-C charger plugged in. Battery is at 14% now.',
        f'{HQ}, desk 3.21',
        'The USB-C port was loose. Gave you a loan laptop while yours is repaired under warranty.',
        onsite=True,
    ),
    _Issue(
        'printer',
        'alex',
        'Printer on the 3rd floor jams on every page',
        "Paper gets stuck halfway through and the display says 'Jam in tray 2'. I've cleared it twice.",
        f'{HQ}, 3rd floor print corner',
        'Replaced the worn pick-up roller in tray 2 and cleaned the paper path. Printed 50 test pages without a jam.',
        onsite=True,
        photo='printer',
    ),
    _Issue(
        'email',
        'alex',
        "Shared mailbox 'Orders' missing from Outlook",
        'Since this morning the Orders mailbox has gone from my folder list. I still need to answer customer '
        'orders from it.',
        HQ,
        'Your access to the Orders mailbox was removed in the quarterly review by mistake. '
        'Restored it; Outlook shows it again after a restart.',
    ),
    _Issue(
        'access',
        'alex',
        'Locked out after changing my password',
        'I changed my password yesterday and now my phone keeps asking for it and the account locks itself.',
        'Working from home',
        'Your phone was still trying the old password for email. Unlocked the account and '
        'updated the password on the phone together.',
    ),
    _Issue(
        'software',
        'alex',
        'Need Visio for process diagrams',
        "I've been asked to draw the new onboarding process. Could I get Visio (or something similar)?",
        f'{HQ}, desk 3.21',
        'Assigned a Visio licence and installed it from Company Portal.',
    ),
    _Issue(
        'phone',
        'alex',
        'No sound in Teams calls on my work mobile',
        "I can join calls from my work iPhone but I can't hear anyone, and they can't hear me. Music plays fine.",
        '',
        'Teams had lost its microphone permission after the iOS update. Switched it back on under Settings > Teams.',
    ),
    _Issue(
        'new_starter',
        'alex',
        'New starter on Monday: Jamie Fox (Marketing)',
        'Jamie joins the marketing team on Monday at 9. Needs a laptop, email, Teams and the Marketing shared drive.',
        f'{HQ}, 3rd floor, desk 3.08',
        'Laptop set up on desk 3.08, account created and added to the '
        'Marketing groups. First sign-in steps left on the keyboard.',
    ),
    _Issue(
        'wifi',
        'alex',
        'Guest Wi-Fi for six visitors tomorrow',
        'Six visitors from a supplier are with us tomorrow 10:00 to 15:00 in Orion. Can I have a guest Wi-Fi code '
        'that lasts the day?',
        f'{HQ}, meeting room Orion',
        'Created a guest code valid tomorrow 08:00 to 18:00 and emailed it to you.',
        qa=('Should it cover the evening too, or is 18:00 late enough?', '18:00 is plenty, thanks.'),
    ),
    _Issue(
        'laptop',
        'alex',
        'Laptop very slow since the update',
        'Since last week it takes ten minutes to start and Excel freezes a lot.',
        f'{HQ}, desk 3.21',
        'The disk was nearly full with an old OneDrive cache and the update had stalled halfway. Cleared the cache '
        'and finished the update; start-up is back to about a minute.',
    ),
    _Issue(
        'other',
        'alex',
        'Second monitor flickers on the left side',
        'My second screen flickers every few seconds, only on the left third.',
        f'{HQ}, desk 3.21',
        'Replaced the DisplayPort cable; the flicker has stopped.',
        onsite=True,
    ),
    _Issue(
        'email',
        'alex',
        'Meeting invites show the wrong time',
        'Invites from our Dublin colleagues show up an hour off in my calendar.',
        HQ,
        'Your Outlook time zone was set to UTC. Changed it to London; invites now show the right time.',
    ),
    _Issue(
        'access',
        'alex',
        'Need access to the Finance shared drive',
        "I'm covering for Ruth in Finance for two weeks and need read access to the Finance drive.",
        HQ,
        "Approved by Ruth's manager and granted until the end of the month.",
    ),
    _Issue(
        'printer',
        'alex',
        'Scan to email never arrives',
        'When I scan at the 3rd floor printer it says sent, but nothing arrives in my inbox.',
        f'{HQ}, 3rd floor print corner',
        "The printer's mail relay password had expired. Renewed it; scans arrive within a minute.",
    ),
    # Hannah Okafor, Staff, Manchester
    _Issue(
        'wifi',
        'hannah',
        'No network at hot desk 12',
        'The network socket at hot desk 12 gives no connection; the light on the dock stays off.',
        f'{MCR}, hot desk 12',
        'The floor socket was not patched. Patched it to the switch and tested it with your dock.',
        onsite=True,
        qa=('Does the same dock work at another desk?', 'Yes, it works fine at desk 11.'),
    ),
    _Issue(
        'laptop',
        'hannah',
        'Two keys came off my laptop keyboard',
        "The E and R keys popped off and I can't get them back on.",
        f'{MCR}, 1st floor',
        'Replaced the keyboard.',
        onsite=True,
    ),
    _Issue(
        'phone',
        'hannah',
        'Cracked screen on my work phone',
        "Dropped it on the stairs. The screen is cracked across and touch doesn't work at the bottom.",
        MCR,
        'Sent a replacement iPhone with your apps ready. Please post the old one back in the envelope.',
    ),
    _Issue(
        'email',
        'hannah',
        'Emails to a customer bounce back',
        "Emails to anyone at brightwater.nl bounce with 'message rejected'. It worked last week.",
        MCR,
        'Their mail server started rejecting us because our sender record missed the new mail relay. Added it; '
        'test emails get through.',
    ),
    _Issue(
        'access',
        'hannah',
        'Sign-in codes gone after getting a new phone',
        "I got a new personal phone and the Authenticator codes aren't there any more. I can't sign in.",
        'Working from home',
        'Checked it was you by a call, reset two-step sign-in and set up Authenticator on the new phone with you.',
    ),
    _Issue(
        'new_starter',
        'hannah',
        'Two temps starting Wednesday in Customer Service',
        'Sophie and Ben start on Wednesday for six weeks. They need accounts and shared laptops.',
        f'{MCR}, Customer Service area',
        'Two temporary accounts created with an end date, loan laptops prepared and handed to the team lead.',
    ),
    _Issue(
        'software',
        'hannah',
        'Adobe Acrobat asks for a licence',
        'When I try to edit a PDF, Acrobat says my trial has ended.',
        MCR,
        'Assigned an Acrobat Standard licence. Sign out of Acrobat and back in to pick it up.',
    ),
    _Issue(
        'printer',
        'hannah',
        'Printer prints blank pages',
        'The Manchester printer prints, but every page comes out blank or very faint.',
        f'{MCR}, printer by the kitchen',
        'The black toner was empty although the display said 20%. Replaced it and ordered a spare.',
        onsite=True,
    ),
    _Issue(
        'other',
        'hannah',
        "Boardroom screen doesn't show my laptop",
        "The big screen says 'no signal' when I plug in the HDMI cable.",
        f'{MCR}, Boardroom',
        'The HDMI switch was on input 2. Set it back to input 1 and put a label on it.',
        onsite=True,
    ),
    _Issue(
        'laptop',
        'hannah',
        'Blue screen every time I dock my laptop',
        'Every time I put the laptop in the dock it crashes with a blue screen.',
        f'{MCR}, hot desk 7',
        'Updated the dock firmware and the graphics driver; docked ten times without a crash.',
    ),
    _Issue(
        'wifi',
        'hannah',
        'VPN disconnects every hour',
        'Working from home, the VPN drops almost exactly every hour and I lose my remote desktop session.',
        'Working from home',
        'Your VPN profile was an old one that reconnected every 60 minutes. Pushed the current profile.',
    ),
    # Dave Murphy, Field sites, Dublin depot
    _Issue(
        'site_repair',
        'dave',
        'Fuel pump card reader not reading fobs',
        "The fob reader on pump 2 beeps but doesn't unlock. Drivers are all using pump 1 and the queue is building up.",
        f'{DUB}, forecourt pump 2',
        "The reader's aerial cable was damaged. Replaced the reader head and tested it with five fobs.",
        onsite=True,
        photo='card_reader',
    ),
    _Issue(
        'site_repair',
        'dave',
        'CCTV camera 4 offline',
        "Camera 4 (back gate) shows 'no video' on the recorder since the storm last night.",
        f'{DUB}, back gate',
        'Water in the junction box had tripped the port. Dried and resealed the box and replaced the patch lead; '
        'the camera is back online.',
        onsite=True,
    ),
    _Issue(
        'laptop',
        'dave',
        "Yard tablet won't turn on",
        'The yard tablet is dead even after charging overnight.',
        f'{DUB}, yard office',
        'The battery had failed. Fitted a new one; it holds its charge again.',
        onsite=True,
    ),
    _Issue(
        'wifi',
        'dave',
        "Wi-Fi doesn't reach the workshop",
        "In the workshop the handhelds lose Wi-Fi and can't upload job sheets until we walk back to the office.",
        f'{DUB}, workshop',
        'Fitted an outdoor access point on the workshop wall; the signal is strong across the workshop now.',
        onsite=True,
        qa=(
            'Is it the whole workshop, or mostly the far end by the roller doors?',
            'Mostly the far end, by the roller doors.',
        ),
    ),
    _Issue(
        'phone',
        'dave',
        'Scanner app crashes on the handhelds',
        'The scanning app on the handhelds crashes after a few parcels.',
        f'{DUB}, goods in',
        'Version 4.2 of the app has a bug; went back to 4.1 on all handhelds until the supplier fixes it.',
    ),
    _Issue(
        'printer',
        'dave',
        'Label printer prints half labels',
        'The label printer at goods in only prints the top half of each label.',
        f'{DUB}, goods in',
        'The label size was reset by a power cut. Set it back to 100 x 150 mm and recalibrated.',
        onsite=True,
    ),
    _Issue(
        'access',
        'dave',
        'New driver needs a depot login',
        'Marek starts driving for us tomorrow and needs a login for the handhelds and the timesheet app.',
        DUB,
        "Created Marek's account with the driver role and a handheld PIN; gave you the details by phone.",
    ),
    _Issue(
        'site_repair',
        'dave',
        'Gate barrier stays up',
        "The main gate barrier doesn't come down after a vehicle passes. We've had to leave it open.",
        f'{DUB}, main gate',
        'The vehicle sensor in the road was faulty. Replaced it and adjusted the sensitivity.',
        onsite=True,
    ),
    _Issue(
        'email',
        'dave',
        'Depot mailbox is full',
        "The depot mailbox says it's full and we can't send delivery notes.",
        f'{DUB}, office',
        'Moved mail older than two years to the online archive; the mailbox is at 40% now.',
    ),
    _Issue(
        'other',
        'dave',
        'UPS in the office keeps beeping',
        'The UPS under the desk has been beeping every 30 seconds since this morning.',
        f'{DUB}, office',
        'The UPS battery had reached the end of its life. Replaced the battery pack.',
        onsite=True,
    ),
    _Issue(
        'site_repair',
        'dave',
        'Weighbridge display frozen',
        'The weighbridge display shows 12,340 kg whatever is on it.',
        f'{DUB}, weighbridge',
        "The display's serial converter had hung. Replaced the converter; readings match the test weights.",
        onsite=True,
        qa=(
            'Does the office PC show the right weights, or is it only the display outside?',
            'Only the display outside. The office PC is fine.',
        ),
    ),
    _Issue(
        'laptop',
        'dave',
        'Yard office PC crawls with two systems open',
        'Running the route planner and the timesheet system together makes the PC very slow.',
        f'{DUB}, yard office',
        'Upgraded the memory from 8 to 16 GB.',
        qa=('Could you read me the PC name? It is on a label on the front, starting with DUB-.', "It's DUB-YARD-02."),
    ),
    # Lena Novak, Field sites, pumping station
    _Issue(
        'site_repair',
        'lena',
        "Alarm panel shows 'comms fault'",
        "The alarm panel says COMMS FAULT and the control room can't see our pumps.",
        f'{HRB}, control room',
        'The 4G router had dropped off the network. Replaced the SIM and restarted it; the control room sees the '
        'pumps again.',
        onsite=True,
    ),
    _Issue(
        'site_repair',
        'lena',
        'Card reader at the main entrance is dead',
        "The card reader at the main entrance has no lights. We're using the key for now.",
        f'{HRB}, main entrance',
        'A fuse had blown in the door controller. Replaced it and fitted surge protection.',
        onsite=True,
    ),
    _Issue(
        'phone',
        'lena',
        'No dial tone on the site office phone',
        'The desk phone in the site office has no dial tone. Mobile signal is poor here, so we rely on it.',
        f'{HRB}, site office',
        'The phone lost its settings in a power cut. Set it up again and tested calls in and out.',
        qa=('Does the screen on the phone show anything, or is it blank?', "It shows 'No service'."),
    ),
    _Issue(
        'wifi',
        'lena',
        'Site Wi-Fi very slow in the mornings',
        'Between 7 and 9 the Wi-Fi is almost unusable; uploading inspection photos takes ages.',
        HRB,
        'All the tablets were installing updates at 7am. Moved updates to 2am; morning speeds are normal.',
    ),
    _Issue(
        'laptop',
        'lena',
        'Inspection tablet screen cracked',
        'Dropped the inspection tablet. The screen is cracked but it still works. Is it safe to keep using?',
        HRB,
        'Sent a replacement tablet with the inspection app ready. Please send the cracked one back.',
        qa=(
            'Are there sharp edges or loose glass? If so, please stop using it until the new one arrives.',
            'No loose glass, just a crack across one corner.',
        ),
    ),
    _Issue(
        'email',
        'lena',
        "Can't open attachments from the control room",
        'PDF reports from the control room open as blank pages on the site laptop.',
        f'{HRB}, site office',
        'The default PDF app had changed to one that cannot open these files. Set Acrobat Reader back as default.',
    ),
    _Issue(
        'access',
        'lena',
        'Password expired while on site',
        "My password expired and the site laptop won't let me change it without the VPN.",
        HRB,
        'Reset the password by phone and connected the VPN before sign-in so you could choose a new one.',
    ),
    _Issue(
        'site_repair',
        'lena',
        'Generator monitoring not updating',
        "The generator dashboard hasn't updated since Tuesday; the last reading says 'stale'.",
        f'{HRB}, generator house',
        "The monitoring unit's clock had drifted and its readings were refused. Set it "
        'to take the time from the network.',
        onsite=True,
    ),
    _Issue(
        'printer',
        'lena',
        'Site office printer shows offline',
        "The laptop says the printer is offline, but it's on and has paper.",
        f'{HRB}, site office',
        'The printer got a new network address after the router restart. Gave it a fixed one and added it again.',
    ),
    _Issue(
        'other',
        'lena',
        'Second screen for the control desk',
        'Watching the pumps and writing reports on one small screen is hard. Could we have a second monitor?',
        f'{HRB}, control room',
        'Delivered and set up a 24-inch monitor on the control desk.',
        onsite=True,
    ),
    # Chris Walsh, contractor
    _Issue(
        'access',
        'chris',
        'My contractor account expires on Friday',
        'My contract is extended to the end of next month, but my account says it expires on Friday.',
        f'{HQ}, 2nd floor',
        'Moved your account end date to match the new contract, approved by Procurement.',
    ),
    _Issue(
        'wifi',
        'chris',
        "Can't join the Wi-Fi with my own laptop",
        "I'm on a contractor laptop and the staff Wi-Fi refuses my sign-in.",
        f'{HQ}, 2nd floor',
        "Contractor laptops use the 'Tapdesk-Partners' network. Sent you the steps; you're connected.",
    ),
    _Issue(
        'email',
        'chris',
        'Not receiving meeting invites',
        'Colleagues say they have invited me, but the invites never arrive in my mailbox.',
        '',
        'Invites were going to your old address. Added it as a second address on your current mailbox.',
    ),
    _Issue(
        'software',
        'chris',
        'Need Python and Git on the development VM',
        'For the data migration work I need Python 3.12 and Git on the development VM.',
        'Remote',
        'Installed Python 3.12 and Git on DEV-VM-07 and added you to the developers group.',
    ),
    _Issue(
        'other',
        'chris',
        "Badge doesn't open the 2nd floor doors",
        "My badge gets me through reception but not the 2nd floor doors where I'm working.",
        f'{HQ}, 2nd floor',
        'Facilities issued a contractor badge with 2nd floor access; the old one is switched off.',
        qa=('What number is printed on the back of your badge?', "It's V-20931."),
    ),
    _Issue(
        'software',
        'chris',
        'Power BI licence for the dashboard project',
        'I need to publish the project dashboards to the team workspace, but Power BI says I need a Pro licence.',
        'Remote',
        'Assigned a Power BI Pro licence until the end of your contract.',
        qa=('Which workspace do the dashboards go to?', "The 'Data Migration' workspace."),
    ),
    _Issue(
        'wifi',
        'chris',
        'Remote desktop to the build server is laggy',
        'From the 2nd floor, remote desktop to BUILD-01 lags by a second or more.',
        f'{HQ}, 2nd floor',
        'The partner network was going through the backup line. Fixed the route; the delay is back to a few '
        'milliseconds.',
    ),
    # Nina Patel, external customer
    _Issue(
        'access',
        'nina',
        "Can't sign in to the customer portal",
        "Since yesterday the portal says 'account not found' for my email.",
        BW,
        'Your portal account was still on your old email address. Updated it; signing in works.',
    ),
    _Issue(
        'other',
        'nina',
        "Last month's service report is missing",
        "Last month's service report isn't in the portal yet. We need it for our board meeting on Thursday.",
        BW,
        'The report job had failed on a missing data file. Ran it again; the report is in the portal under Reports.',
    ),
    _Issue(
        'access',
        'nina',
        'Portal access for two colleagues',
        'Please give portal access to Pieter de Vries and Anouk Jansen in our finance team.',
        BW,
        'Created portal accounts for Pieter and Anouk with the finance role; invitations are sent.',
        qa=(
            'Could you send me their email addresses, and should they see invoices only or reports too?',
            'pieter.devries@brightwater.nl and anouk.jansen@brightwater.nl, invoices and reports please.',
        ),
    ),
    _Issue(
        'other',
        'nina',
        'Shared file link has expired',
        'The link you sent for the migration plan says it has expired. Could you send a new one?',
        '',
        'Sent a new link that works for 30 days.',
        qa=('Shall I send it to you only, or to your whole project team?', "To me only, I'll forward it."),
    ),
    _Issue(
        'access',
        'nina',
        'Sign-in code by text never arrives',
        "When I sign in to the portal the text message with the code doesn't come. I waited ten minutes.",
        BW,
        'Your mobile number was saved without the +31 country code. Corrected it; codes arrive now.',
        qa=('Which mobile number should the codes go to? Please include the country code.', "It's +31 6 1234 5678."),
    ),
    _Issue(
        'other',
        'nina',
        'Planned maintenance on Saturday',
        'We got a notice about maintenance on Saturday. Will the portal be down all day?',
        '',
        'Confirmed: the portal is down from 06:00 to 10:00 only. Sent you the maintenance notice.',
        qa=(
            'Do you have anything planned that needs the portal on Saturday morning?',
            'No, just checking for our weekend staff.',
        ),
    ),
]

# How many tickets end in each status (60 in all): mostly finished work, some of everything else.
STATUS_COUNTS = {
    Status.NEW: 6,
    Status.ASSIGNED: 5,
    Status.IN_PROGRESS: 7,
    Status.WAITING: 5,
    Status.VISIT_PLANNED: 3,
    Status.ON_THE_WAY: 2,
    Status.RESOLVED: 8,
    Status.CLOSED: 19,
    Status.REOPENED: 5,
}
# How long ago such tickets were reported, in days (older ones during working hours).
AGE_DAYS = {
    Status.NEW: (0.01, 0.3),
    Status.ASSIGNED: (0.05, 1.5),
    Status.IN_PROGRESS: (0.2, 6),
    Status.WAITING: (1, 7),
    Status.VISIT_PLANNED: (1, 4),
    Status.ON_THE_WAY: (0.2, 2),
    Status.RESOLVED: (1, 6),
    Status.CLOSED: (4, 30),
    Status.REOPENED: (3, 14),
}


# ---- entry point ------------------------------------------------------------------------------------


async def seed(*, now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Seed the demo once (a second call changes nothing) and return its sign-ins as (role, name, email).

    All accounts use DEMO_PASSWORD. Everything is written in one transaction: a failure leaves no half demo.
    """
    now = now or clock.now()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if not await User.exists(email=MANAGER_EMAIL):
        async with in_transaction():
            people = await _people(now)
            services = await _catalog()
            await _tickets(people, services, now)
            await _service_levels(people['manager'], services)
    found = {u.email: u for u in await User.filter(email__in=[p.email for p in PEOPLE])}
    return [(ROLE_WORDS[found[p.email].role], found[p.email].name, p.email) for p in PEOPLE if p.email in found]


async def _people(now: datetime) -> dict[str, User]:
    categories = {}
    for name in CATEGORIES:
        categories[name] = await Category.get_or_none(name=name) or await users.create_category(name, actor=None)
    password_hash = await users.hash_password(DEMO_PASSWORD)  # once: ~50 ms of CPU each
    people = {}
    for i, p in enumerate(PEOPLE):
        user = await User.get_or_none(email=p.email)
        if user is None:
            user = await User.create(
                email=p.email,
                name=p.name,
                password_hash=password_hash,
                role=p.role,
                category=categories[p.category] if p.category else None,
                timezone=p.timezone,
                created_at=now - timedelta(days=90 - i),
            )
        people[p.key] = user
    return people


async def _catalog() -> dict[str, Service]:
    categories = {c.name: c for c in await Category.filter(name__in=CATEGORIES)}
    services = {}
    for s in SERVICES:
        wanted = [categories[c] for c in s.categories]
        service = await Service.get_or_none(name=s.name)
        if service is None:
            service = await save_service(
                actor=None,
                name=s.name,
                description=s.description,
                icon=s.icon,
                default_priority=s.priority,
                category_ids=[c.id for c in wanted],
            )
        else:  # someone made it already: keep theirs, only make sure the demo requesters can see it
            await service.categories.add(*wanted)
        services[s.key] = service
    return services


# ---- writing the tickets' stories -------------------------------------------------------------------


@dataclass
class _Step:
    at: datetime
    verb: str
    actor: User | None = None
    text: str = ''
    internal: bool = False
    to: Status | None = None
    assignee: User | None = None
    eta: datetime | None = None
    visit: tuple[datetime, datetime] | None = None
    photo: str = ''
    score: int = 0


@dataclass
class _Story:
    issue: _Issue
    status: Status
    seed: int
    tech_photo: bool = False
    callback: bool = False  # fixed, reopened, fixed again, closed
    steps: list[_Step] = field(default_factory=list)
    ticket_id: int = 0


async def _tickets(people: dict[str, User], services: dict[str, Service], now: datetime) -> None:
    rng = random.Random(SEED)
    statuses = _deal_statuses(rng)
    stories = [_Story(issue, statuses[i], rng.randrange(2**32)) for i, issue in enumerate(ISSUES)]
    # One technician's after-the-fix photo on a finished on-site job.
    done_on_site = [s for s in stories if s.issue.onsite and s.status == Status.CLOSED and not s.issue.photo]
    min(done_on_site, key=lambda s: s.issue.service != 'site_repair').tech_photo = True
    for story in [s for s in stories if s.status == Status.CLOSED and not s.tech_photo][::6]:
        story.callback = True
    for story in stories:
        story.steps = _plan(story, people, now)
        _rate(story, people[story.issue.requester], now)
    # Everything happens in time order, across tickets: ticket numbers and timeline ids follow the clock.
    steps = sorted(
        ((step, i, j) for i, s in enumerate(stories) for j, step in enumerate(s.steps)),
        key=lambda x: (x[0].at, x[1], x[2]),
    )
    for step, i, _ in steps:
        await _perform(stories[i], step, people, services)


def _rate(story: _Story, requester: User, now: datetime) -> None:
    """The requester's one-tap verdicts, put between each fix and what came next: most fixes get rated, a fix
    that did not hold often gets a low score before the reopen. Its own random stream, so the stories stay the same."""
    rng = random.Random(story.seed ^ 0x5EED)
    steps = story.steps
    for i in range(len(steps) - 1, -1, -1):
        if steps[i].verb != 'resolve':
            continue
        after = steps[i + 1].at if i + 1 < len(steps) else now
        came_back = i + 1 < len(steps) and steps[i + 1].verb == 'reopen'
        if rng.random() > (0.4 if came_back else 0.75):
            continue  # not everyone rates
        odds = {1: 1, 2: 2} if came_back else RATING_ODDS
        score = rng.choices(list(odds), list(odds.values()))[0]
        at = steps[i].at + min(timedelta(minutes=rng.uniform(3, 180)), (after - steps[i].at) / 2)
        comment = rng.choice(RATING_COMMENTS[score]) if rng.random() < (0.7 if score <= 2 else 0.25) else ''
        steps.insert(i + 1, _Step(at, 'rate', actor=requester, score=score, text=comment))


def _deal_statuses(rng: random.Random) -> list[Status]:
    """Which issue ends in which status: visits only for issues fixed on site."""
    onsite = [i for i, issue in enumerate(ISSUES) if issue.onsite]
    rng.shuffle(onsite)
    result: dict[int, Status] = {}
    for status in (Status.ON_THE_WAY, Status.VISIT_PLANNED):
        for _ in range(STATUS_COUNTS[status]):
            result[onsite.pop()] = status
    rest = [s for s, n in STATUS_COUNTS.items() if s not in (Status.ON_THE_WAY, Status.VISIT_PLANNED) for _ in range(n)]
    rng.shuffle(rest)
    free = [i for i in range(len(ISSUES)) if i not in result]
    assert len(free) == len(rest), 'STATUS_COUNTS must add up to the number of ISSUES'
    result.update(zip(free, rest, strict=True))
    return [result[i] for i in range(len(ISSUES))]


def _plan(story: _Story, people: dict[str, User], now: datetime) -> list[_Step]:
    """The story's steps with times; moves its start earlier until every step fits before `now`."""
    rng = random.Random(story.seed)
    tz = ZoneInfo(people[story.issue.requester].timezone)
    low, high = AGE_DAYS[story.status]
    age = timedelta(days=rng.uniform(low, high))
    created = now - age
    if age > timedelta(days=1):
        created = _working_time(created, rng)
    else:
        created = _awake_before(created, tz, rng)
    for attempt in range(24):
        script = _Script(story, people, now, created, seed=story.seed, on_shift=attempt < 16)
        script.write()
        if script.overflow <= timedelta(0):
            return script.steps
        created -= script.overflow + timedelta(minutes=15 * 2 ** min(attempt, 8))
        created = _awake_before(created, tz, rng)
    raise RuntimeError(f'demo ticket {story.issue.title!r} does not fit before {now}')  # pragma: no cover


class _Script:
    """Writes one ticket's story as steps on a clock that only moves forward."""

    def __init__(
        self, story: _Story, people: dict[str, User], now: datetime, created: datetime, *, seed: int, on_shift: bool
    ) -> None:
        self.story, self.issue, self.people, self.now = story, story.issue, people, now
        # What happens comes from `rng`; moves into working hours from `clock_rng`: the story is the same whenever.
        self.rng, self.clock_rng = random.Random(seed), random.Random(seed + 1)
        self.on_shift = on_shift
        self.requester = people[self.issue.requester]
        self.tz = ZoneInfo(self.requester.timezone)
        self.manager = people['manager']
        self.tech = people[self._pick_tech()]
        self.lines = LINES[self.issue.service]
        self.question, self.answer = self.issue.qa or (self.lines.question, self.lines.answer)
        self.t = created
        self.steps: list[_Step] = []
        self.overflow = timedelta(0)
        self.window: tuple[datetime, datetime] | None = None
        self.eta: datetime | None = None

    # -- the stories, by the status they end in --

    def write(self) -> None:
        status, rng = self.story.status, self.rng
        self.add('create', photo=self.issue.photo)
        if status == Status.NEW:
            if rng.random() < 0.4:
                self.requester_says(rng.choice(FOLLOW_UPS), gap=rng.uniform(10, 120))
            self.finish()
            return
        self.pick_up()
        if status == Status.ASSIGNED:
            if rng.random() < 0.5:
                self.note(self.lines.note)
        elif status == Status.ON_THE_WAY:
            self.ack()
            leave = self.now - timedelta(minutes=rng.uniform(3, 12))
            if rng.random() < 0.5 and _is_on_shift(self.now):  # booked yesterday for a window now
                start = _floor(self.now.astimezone(self.tz), 30) - timedelta(minutes=30)
                self.visit(
                    pin=leave - timedelta(days=1, minutes=rng.uniform(0, 180)),
                    window=(start, start + timedelta(hours=2)),
                )
            self.on_the_way(pin=leave)
        elif status == Status.VISIT_PLANNED:
            self.ack()
            if rng.random() < 0.5:
                self.ask_and_answer()
            self.visit(pin=_last_on_shift(self.now) - timedelta(minutes=rng.uniform(20, 300)))
        elif status == Status.WAITING:
            self.ack()
            self.working()
            if rng.random() < 0.4:
                self.note(self.lines.note)
            self.ask()
        elif status == Status.IN_PROGRESS:
            self.ack()
            variant = rng.random()
            if self.issue.onsite and variant < 0.5:
                self.visit()
                self.on_the_way()
                self.arrive()
            else:
                self.working()
                if variant < 0.4:
                    self.ask_and_answer()
                elif variant < 0.6:
                    self.handover()
                else:
                    self.note(self.lines.note)
        else:
            self.fix()
            if status == Status.CLOSED:
                if self.story.callback:  # the fix did not hold the first time
                    self.reopen()
                    self.working(gap=rng.uniform(15, 240))
                    self.note('Went through it again properly this time.')
                    self.resolve('Checked again and found the first fix had not held. ' + self.issue.fix)
                self.close()
            elif status == Status.REOPENED:
                if rng.random() < 0.4:
                    self.close()
                self.reopen()
        self.finish()

    def fix(self) -> None:
        """From assigned to resolved, one of the usual ways."""
        rng = self.rng
        variant = rng.random()
        if self.issue.onsite and (variant < 0.6 or self.story.tech_photo):
            self.ack()
            if rng.random() < 0.3:
                self.ask_and_answer()
            self.visit()
            self.on_the_way()
            self.arrive()
            if self.story.tech_photo:
                self.step('photo', self.tech, gap=rng.uniform(10, 40))
            self.resolve(gap=rng.uniform(15, 120))
        elif variant < 0.25:  # quick fix
            self.ack()
            self.resolve(gap=rng.uniform(5, 60))
        else:
            self.ack()
            self.working()
            roll = rng.random()
            if roll < 0.35:
                self.ask_and_answer()
            elif roll < 0.5:
                self.handover()
            elif roll < 0.75:
                self.note(self.lines.note)
            self.resolve()

    # -- moves --

    def pick_up(self) -> None:
        rng = self.rng
        roll = rng.random()
        gap = rng.uniform(2, 30) if roll < 0.55 else rng.uniform(30, 180) if roll < 0.9 else rng.uniform(180, 900)
        if rng.random() < 0.3:
            self.step('assign', self.manager, gap=gap, assignee=self.tech)
        else:
            self.step('take', self.tech, gap=gap)

    def ack(self) -> None:
        self.step(
            'reply', self.tech, gap=self.rng.uniform(1, 25), text=self.lines.ack.format(first=self.requester.first_name)
        )

    def working(self, gap: float | None = None) -> None:
        self.step('status', self.tech, gap=gap or self.rng.uniform(1, 40), to=Status.IN_PROGRESS)

    def note(self, text: str) -> None:
        self.step('reply', self.tech, gap=self.rng.uniform(5, 120), text=text, internal=True)

    def ask(self) -> None:
        self.step('reply', self.tech, gap=self.rng.uniform(5, 90), text=self.question)
        self.step('status', self.tech, gap=1, to=Status.WAITING)

    def ask_and_answer(self) -> None:
        self.ask()
        self.requester_says(self.answer, gap=self.rng.uniform(15, 600))  # hands it back: being worked on

    def requester_says(self, text: str, *, gap: float) -> None:
        self.step('reply', self.requester, gap=gap, text=text, staff=False)

    def handover(self) -> None:
        frm = self.tech
        self.tech = self.people[self.rng.choice([k for k in TECHS if self.people[k].id != frm.id])]
        self.step('assign', self.manager, gap=self.rng.uniform(30, 600), assignee=self.tech)
        self.step(
            'reply',
            self.manager,
            gap=1,
            internal=True,
            text=self.rng.choice(HANDOVERS).format(to=self.tech.first_name, frm=frm.first_name),
        )

    def visit(self, *, pin: datetime | None = None, window: tuple[datetime, datetime] | None = None) -> None:
        if pin is None:
            self.step('status', self.tech, gap=self.rng.uniform(10, 240), to=Status.VISIT_PLANNED)
        else:
            self.pin(pin, 'status', self.tech, to=Status.VISIT_PLANNED)
        self.window = window or _window(self.t, self.tz, self.clock_rng)
        self.steps[-1].visit = self.window
        self.step('reply', self.tech, gap=0.5, text=f"I'll come {_when(self.window, self.t, self.tz)}. See you then!")

    def on_the_way(self, *, pin: datetime | None = None) -> None:
        if pin is not None:
            self.pin(pin, 'status', self.tech, to=Status.ON_THE_WAY)
            eta = _ceil(self.now + timedelta(minutes=self.rng.uniform(10, 30)), 5)
        else:
            if self.window is not None:  # set off shortly before the window opens
                leave = self.window[0] - timedelta(minutes=self.rng.uniform(10, 25))
                gap = max(1.0, (leave - self.t).total_seconds() / 60)
            else:
                gap = self.rng.uniform(10, 180)
            self.step('status', self.tech, gap=gap, to=Status.ON_THE_WAY, shift=False)
            eta = _ceil(self.t + timedelta(minutes=self.rng.uniform(15, 40)), 5)
        self.steps[-1].eta = self.eta = eta
        if self.rng.random() < 0.6:
            self.step(
                'reply',
                self.tech,
                gap=0.2,
                text=f'On my way, I should be with you at about {eta.astimezone(self.tz):%H:%M}.',
            )

    def arrive(self) -> None:
        assert self.eta is not None
        gap = max(1.0, (self.eta - self.t).total_seconds() / 60 + self.rng.uniform(-4, 6))
        self.step('status', self.tech, gap=gap, to=Status.IN_PROGRESS, shift=False)
        if self.rng.random() < 0.5:
            self.step(
                'reply', self.tech, gap=self.rng.uniform(2, 10), text='On site now, having a look.', internal=True
            )

    def resolve(self, summary: str = '', *, gap: float | None = None) -> None:
        roll = self.rng.random()
        gap = gap or (self.rng.uniform(20, 240) if roll < 0.6 else self.rng.uniform(240, 2880))
        self.step('resolve', self.tech, gap=gap, text=summary or self.issue.fix)

    def close(self) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            self.requester_says(rng.choice(THANKS).format(tech=self.tech.first_name), gap=rng.uniform(10, 600))
        if rng.random() < 0.8:
            self.step('close', self.requester, gap=rng.uniform(1, 1440), staff=False)
        else:  # nobody confirmed: the technician closes it a few days later
            self.step('close', self.tech, gap=rng.uniform(2880, 5760))

    def reopen(self) -> None:
        self.step(
            'reopen', self.requester, gap=self.rng.uniform(120, 4320), text=self.rng.choice(REOPEN_REASONS), staff=False
        )

    # -- the clock --

    def add(self, verb: str, **kw: Any) -> None:
        self.steps.append(_Step(self.t, verb, **kw))

    def step(self, verb: str, actor: User, *, gap: float, staff: bool = True, shift: bool = True, **kw: Any) -> None:
        t = self.t + timedelta(minutes=gap)
        if shift and self.on_shift and gap > 1:  # a message right after a move stays with it
            t = _on_shift(t, self.clock_rng) if staff else _awake(t, self.tz, self.clock_rng)
        self.t = t
        self.add(verb, actor=actor, **kw)

    def pin(self, at: datetime, verb: str, actor: User, **kw: Any) -> None:
        """A step that must happen at `at` (close to now): everything before it has to fit."""
        self.overflow = max(self.overflow, self.t + timedelta(minutes=1) - at)
        self.t = max(self.t, at)
        self.add(verb, actor=actor, **kw)

    def finish(self) -> None:
        self.overflow = max(self.overflow, self.t - self.now)

    def _pick_tech(self) -> str:
        if self.issue.onsite and self.issue.requester in ('dave', 'lena'):  # field sites: Tom drives out
            return 'tom' if self.rng.random() < 0.8 else self.rng.choice(['sam', 'priya'])
        return self.rng.choices(TECHS, weights=[45, 45, 10])[0]


def _working_time(t: datetime, rng: random.Random) -> datetime:
    """The same day (or the Friday before a weekend), at a time someone is at work."""
    local = t.astimezone(DESK_TZ)
    day = local.date()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    minutes = rng.uniform(8 * 60 + 15, 17 * 60 + 30)
    return _at(day, minutes)


def _on_shift(t: datetime, rng: random.Random) -> datetime:
    """Technicians work weekdays 08:00–18:30 (desk time): later moves to the next working morning."""
    if _is_on_shift(t):
        return t
    local = t.astimezone(DESK_TZ)
    day = local.date() if local.time() < time(8) else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return _at(day, rng.uniform(8 * 60 + 5, 9 * 60 + 15))


def _is_on_shift(t: datetime) -> bool:
    local = t.astimezone(DESK_TZ)
    return local.weekday() < 5 and time(8) <= local.time() <= time(18, 30)


def _last_on_shift(t: datetime) -> datetime:
    """`t` if technicians are at work then, else the end of their last working day."""
    if _is_on_shift(t):
        return t
    local = t.astimezone(DESK_TZ)
    day = local.date() if local.time() > time(18, 30) else local.date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return _at(day, 18 * 60 + 30)


def _awake(t: datetime, tz: ZoneInfo, rng: random.Random) -> datetime:
    """Requesters answer between 07:00 and 22:00 their time: later moves to the next morning."""
    local = t.astimezone(tz)
    if time(7) <= local.time() < time(22):
        return t
    day = local.date() if local.time() < time(7) else local.date() + timedelta(days=1)
    return datetime.combine(day, time(7), tzinfo=tz).astimezone(UTC) + timedelta(minutes=rng.uniform(10, 100))


def _awake_before(t: datetime, tz: ZoneInfo, rng: random.Random) -> datetime:
    """A report made at night moves back to the evening before."""
    local = t.astimezone(tz)
    if time(7) <= local.time() < time(22):
        return t
    day = local.date() - timedelta(days=1) if local.time() < time(7) else local.date()
    return datetime.combine(day, time(20), tzinfo=tz).astimezone(UTC) + timedelta(minutes=rng.uniform(0, 110))


def _at(day: date, minutes: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=DESK_TZ).astimezone(UTC) + timedelta(minutes=minutes)


def _window(t: datetime, tz: ZoneInfo, rng: random.Random) -> tuple[datetime, datetime]:
    """A two-hour visit window on the next working day (or this afternoon when asked early)."""
    local = t.astimezone(tz)
    if local.weekday() < 5 and local.hour < 10 and rng.random() < 0.5:
        day, hour = local.date(), 14
    else:
        day, hour = local.date() + timedelta(days=1), rng.choice([9, 9, 11, 13, 14])
        while day.weekday() >= 5:
            day += timedelta(days=1)
    start = datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)
    return start, start + timedelta(hours=2)


def _when(window: tuple[datetime, datetime], said_at: datetime, tz: ZoneInfo) -> str:
    start, end = window[0].astimezone(tz), window[1].astimezone(tz)
    today = said_at.astimezone(tz).date()
    day = {today: 'today', today + timedelta(days=1): 'tomorrow'}.get(start.date(), f'on {start:%A %d %B}')
    return f'{day} between {start:%H:%M} and {end:%H:%M}'


def _floor(t: datetime, minutes: int) -> datetime:
    return t.replace(minute=t.minute - t.minute % minutes, second=0, microsecond=0).astimezone(UTC)


def _ceil(t: datetime, minutes: int) -> datetime:
    floored = _floor(t, minutes)
    return floored if floored == t else floored + timedelta(minutes=minutes)


# ---- performing the steps through the domain verbs -------------------------------------------------


async def _perform(story: _Story, step: _Step, people: dict[str, User], services: dict[str, Service]) -> None:
    issue, at, tid, actor = story.issue, step.at, story.ticket_id, step.actor
    if step.verb == 'create':
        ticket = await tickets.create_ticket(
            requester=people[issue.requester],
            service_id=services[issue.service].id,
            title=issue.title,
            details=issue.details,
            location=issue.location,
            photos_in=[_photo(issue.photo)] if issue.photo else None,
            now=at,
        )
        story.ticket_id = ticket.id
        return
    assert actor is not None
    match step.verb:
        case 'take':
            await tickets.take(tid, technician=actor, now=at)
        case 'assign':
            assert step.assignee is not None
            await tickets.assign(tid, assignee_id=step.assignee.id, actor=actor, now=at)
        case 'reply':
            await tickets.reply(tid, step.text, author=actor, internal=step.internal, now=at)
        case 'status':
            assert step.to is not None
            await tickets.set_status(tid, step.to, actor=actor, eta=step.eta, visit=step.visit, now=at)
        case 'resolve':
            await tickets.resolve(tid, step.text, actor=actor, now=at)
        case 'close':
            await tickets.close(tid, actor=actor, now=at)
        case 'reopen':
            await tickets.reopen(tid, step.text, actor=actor, now=at)
        case 'photo':
            await tickets.add_photos(tid, [_photo('after_fix')], actor=actor, now=at)
        case 'rate':
            await ratings.rate(tid, step.score, actor=actor, now=at)
            if step.text:
                await ratings.comment(tid, step.text, actor=actor, now=at)
        case _:  # pragma: no cover
            raise ValueError(step.verb)


def _photo(kind: str) -> photos.PhotoIn:
    """A small made-up photo (a drawing, really): enough to show how photos look on a ticket."""
    image = Image.new('RGB', (480, 360), (206, 212, 218))
    d = ImageDraw.Draw(image)
    if kind == 'printer':
        d.rectangle((0, 250, 480, 360), fill=(150, 128, 104))  # the desk
        d.rounded_rectangle((90, 90, 390, 260), radius=14, fill=(236, 236, 232), outline=(90, 90, 90), width=3)
        d.rectangle((130, 60, 350, 100), fill=(250, 250, 250), outline=(160, 160, 160))  # paper in the output
        d.line((150, 70, 200, 95, 240, 65, 300, 92, 340, 70), fill=(120, 120, 120), width=3)  # crumpled
        d.rectangle((300, 120, 370, 150), fill=(40, 60, 80))  # display
        d.text((306, 128), 'JAM 2', fill=(255, 120, 90))
    elif kind == 'card_reader':
        d.rectangle((0, 0, 480, 120), fill=(150, 190, 225))  # sky
        d.rectangle((190, 60, 290, 360), fill=(200, 40, 40))  # pump
        d.rounded_rectangle((205, 110, 275, 200), radius=8, fill=(30, 30, 34))  # reader
        d.ellipse((232, 170, 248, 186), fill=(255, 60, 50))  # red light
        d.text((214, 122), 'PUMP 2', fill=(230, 230, 230))
    else:  # after the fix: a neat box with cables
        d.rectangle((0, 0, 480, 360), fill=(120, 124, 120))  # wall
        d.rectangle((140, 80, 340, 280), fill=(225, 225, 215), outline=(60, 60, 60), width=4)
        for i, colour in enumerate([(30, 90, 200), (240, 200, 40), (40, 160, 70)]):
            d.line((170 + i * 40, 280, 170 + i * 40, 360), fill=colour, width=8)
        d.ellipse((290, 100, 320, 130), fill=(60, 200, 90))  # green: working
    out = io.BytesIO()
    image.save(out, 'JPEG', quality=80)
    return photos.PhotoIn(out.getvalue(), f'{kind}.jpg')


# ---- service levels -----------------------------------------------------------------------------------

# (priority: first reply, fix, in working hours only) in minutes: the queue shows on-track / at-risk /
# late markers. Set after the stories, so the month of history gets no warnings after the fact.
TARGETS = {
    Priority.URGENT: (30, 4 * 60, False),
    Priority.HIGH: (60, 8 * 60, True),
    Priority.NORMAL: (4 * 60, 16 * 60, True),
    Priority.LOW: (8 * 60, 40 * 60, True),
}


async def _service_levels(manager: User, services: dict[str, Service]) -> None:
    await sla.set_calendar(actor=manager, days=[1, 2, 3, 4, 5], start=time(9), end=time(17), timezone=DESK_TZ.key)
    for service in services.values():
        for priority, (first, fix, working_hours) in TARGETS.items():
            await sla.set_target(
                actor=manager,
                service_id=service.id,
                priority=priority,
                first_response_minutes=first,
                resolution_minutes=fix,
                business_hours=working_hours,
            )
