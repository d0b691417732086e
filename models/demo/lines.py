"""What people say: the technicians' usual lines per service, and the requesters' follow-ups, thanks,
reasons to reopen and rating comments."""

from __future__ import annotations

from dataclasses import dataclass


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
