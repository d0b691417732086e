"""Tapdesk's domain: Tortoise models and the only operations that write."""

MODEL_MODULES = [
    'models.users',
    'models.catalog',
    'models.records',
    'models.outbox',
    'models.notifications',
    'models.ratings',
    'models.sla',
    'models.followup_rules',
    'models.followups',
    'models.checklists',
    'models.visits',
    'models.signin_guard',
    'models.browsers',
    'models.articles',
    'models.deflections',
    'models.article_votes',
    'models.superusers',
    'models.offline',
]
