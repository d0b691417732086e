"""How self-help is run, as the managers choose: recognition on or off, whether staff are ranked too, and how
long an article may go unreviewed before its owner is reminded. One row (id 1); the defaults stand until a
manager changes something."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise import fields
from tortoise.exceptions import IntegrityError
from tortoise.models import Model

from .errors import Invalid, require
from .users import User

REVIEW_DAYS = 180  # an article nobody looked at for this long reminds its owner
MIN_REVIEW_DAYS, MAX_REVIEW_DAYS = 7, 730


class HelpSettings(Model):
    """The managers' choices for self-help (one row, id 1)."""

    id = fields.IntField(primary_key=True)
    recognition = fields.BooleanField(default=True)  # points, badges and the leaderboard
    rank_staff = fields.BooleanField(default=False)  # technicians on the leaderboard too
    review_days = fields.IntField(default=REVIEW_DAYS)

    class Meta:
        table = 'help_settings'


@dataclass(frozen=True)
class Choices:
    recognition: bool = True
    rank_staff: bool = False
    review_days: int = REVIEW_DAYS


async def current() -> Choices:
    row = await HelpSettings.get_or_none(id=1)
    if row is None:
        return Choices()
    return Choices(row.recognition, row.rank_staff, row.review_days)


async def choose(
    actor: User, *, recognition: bool | None = None, rank_staff: bool | None = None, review_days: int | None = None
) -> Choices:
    require(actor.is_manager, 'Only managers can change how self-help is run.')
    if review_days is not None and not MIN_REVIEW_DAYS <= review_days <= MAX_REVIEW_DAYS:
        raise Invalid(f'Review articles every {MIN_REVIEW_DAYS} to {MAX_REVIEW_DAYS} days.', field='review_days')
    asked = {'recognition': recognition, 'rank_staff': rank_staff, 'review_days': review_days}
    changes: dict[str, Any] = {name: value for name, value in asked.items() if value is not None}
    # Only the choices made here are written (two managers changing different ones at once keep both); the first
    # save inserts the row, and a save at the same moment that lost the insert updates it.
    if changes and not await HelpSettings.filter(id=1).update(**changes):
        try:
            await HelpSettings.create(id=1, **changes)
        except IntegrityError:
            await HelpSettings.filter(id=1).update(**changes)
    return await current()
