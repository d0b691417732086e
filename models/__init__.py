"""Tapdesk's domain: Tortoise models and the only operations that write."""

MODEL_MODULES = [
    'models.users',
    'models.catalog',
    'models.tickets',
    'models.notifications',
    'models.ratings',
    'models.sla',
    'models.followups',
    'models.signin_guard',
]
