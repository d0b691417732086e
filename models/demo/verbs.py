"""Performing the planned steps through the domain verbs, and the made-up photos they attach."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from .. import followups, photos, ratings, tickets, visits
from ..catalog import Service
from ..users import User
from .stories import Step, Story


async def perform(story: Story, step: Step, people: dict[str, User], services: dict[str, Service]) -> None:
    issue, at, tid, actor = story.issue, step.at, story.ticket_id, step.actor
    if step.verb == 'create':
        ticket = await tickets.create_ticket(
            requester=people[issue.requester],
            service_id=services[issue.service].id,
            title=issue.title,
            details=issue.details,
            location=issue.location,
            position=issue.position,
            photos_in=[_photo(issue.photo)] if issue.photo else None,
            now=at,
        )
        story.ticket_id = ticket.id
        return
    if step.verb == 'due':  # what the follow-up loop would have run by then (a missed visit, say)
        await followups.run_due(at, ticket_id=tid)
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
            await tickets.set_status(
                tid, step.to, actor=actor, eta=step.eta, visit=step.visit, part_expected=step.part_expected, now=at
            )
        case 'resolve':
            await tickets.resolve(tid, step.text, actor=actor, now=at)
        case 'close':
            await tickets.close(tid, actor=actor, now=at)
        case 'reopen':
            await tickets.reopen(tid, step.text, actor=actor, now=at)
        case 'photo':
            await tickets.add_photos(tid, [_photo('after_fix')], actor=actor, now=at)
        case 'propose':
            story.offered = await visits.propose(tid, step.windows, actor=actor, now=at)
        case 'choose':
            await visits.choose(story.offered[step.pick].id, actor=actor, now=at)
        case 'arrive':
            await visits.check_in(tid, actor=actor, now=at)
        case 'leave':
            await visits.check_out(tid, visits.Outcome.FIXED, actor=actor, summary=step.text, now=at)
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
