"""The follow-up intervals a manager may change (reminders, auto-resolve, how long a rating stays open)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from .errors import Invalid, require
from .users import User


class FollowUpRules(Model):
    """The intervals a manager may change: one row (id 1), the defaults while there is none."""

    id = fields.IntField(primary_key=True)
    waiting_first_hours = fields.IntField(default=24)
    waiting_second_hours = fields.IntField(default=72)
    waiting_resolve_hours = fields.IntField(default=168)
    unrated_hours = fields.IntField(default=24)
    idle_hours = fields.IntField(default=24)
    visit_before_minutes = fields.IntField(default=60)
    rating_change_hours = fields.IntField(default=24)  # how long a rating may still be changed

    class Meta:
        table = 'followup_rules'


RULE_LIMITS = {  # field: (smallest, largest)
    'waiting_first_hours': (1, 90 * 24),
    'waiting_second_hours': (1, 90 * 24),
    'waiting_resolve_hours': (1, 90 * 24),
    'unrated_hours': (1, 30 * 24),
    'idle_hours': (1, 30 * 24),
    'visit_before_minutes': (5, 24 * 60),
    'rating_change_hours': (0, 30 * 24),
}


async def rules() -> FollowUpRules:
    return await FollowUpRules.get_or_none(id=1) or FollowUpRules(id=1)


async def set_rules(*, actor: User, **changes: int) -> FollowUpRules:
    """A manager changes intervals; jobs already scheduled keep their due times."""
    require(actor.is_manager, 'Only managers can change the follow-up rules.')
    current = await rules()
    for name, value in changes.items():
        if name not in RULE_LIMITS:
            raise Invalid(f'There is no follow-up setting "{name}".', field=name)
        low, high = RULE_LIMITS[name]
        if not isinstance(value, int) or not low <= value <= high:
            raise Invalid(f'Choose a whole number from {low} to {high}.', field=name)
        setattr(current, name, value)
    if not current.waiting_first_hours < current.waiting_second_hours < current.waiting_resolve_hours:
        raise Invalid(
            'The second reminder comes after the first, and resolving after both.', field='waiting_second_hours'
        )
    await current.save()
    return current
