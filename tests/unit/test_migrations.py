"""The schema comes from migrations, and the migrations match the models."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from models import db
from tests.conftest import postgres_admin

TABLES = [
    'applied_action',
    'article',
    'article_category',
    'article_edit',
    'article_review_job',
    'article_service',
    'article_view',
    'article_vote',
    'attachment',
    'callback',
    'deflection',
    'help_settings',
    'improvement_action',
    'improvement_review_job',
    'category',
    'checklist_item',
    'checklist_override',
    'checklist_template',
    'followup_job',
    'expertise',
    'followup_rules',
    'notification_preference',
    'push_outbox',
    'seen_article',
    'push_subscription',
    'rating',
    'rating_token_use',
    'service',
    'service_category',
    'session',
    'browser',
    'site_visit',
    'signin_counter',
    'sla_target',
    'ticket',
    'ticket_check',
    'ticket_event',
    'user',
    'visit_window',
    'working_calendar',
]


@pytest.fixture
async def empty_database(db_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database (dropped by `db_url`)."""
    if db_url.startswith('sqlite'):
        yield f'sqlite://{tmp_path}/x.sqlite3'
        return
    await postgres_admin(f'CREATE DATABASE "{db_url.rsplit("/", 1)[1]}"')
    yield db_url


async def run_sql(url: str, sql: str) -> list[dict]:
    async with TortoiseContext() as ctx:
        await ctx.init(config=db.config(url))
        return await ctx.db().execute_query_dict(sql)


async def test_migrate_creates_every_table_on_an_empty_database(empty_database: str) -> None:
    await db.migrate(empty_database)
    for table in TABLES:
        assert await run_sql(empty_database, f'SELECT COUNT(*) AS n FROM "{table}"') == [{'n': 0}]


async def test_migrating_twice_changes_nothing_and_keeps_the_data(empty_database: str) -> None:
    await db.migrate(empty_database)
    await run_sql(empty_database, "INSERT INTO category (name) VALUES ('Staff')")
    await db.migrate(empty_database)
    assert await run_sql(empty_database, 'SELECT name FROM category') == [{'name': 'Staff'}]


async def test_the_models_have_no_changes_missing_from_the_migrations() -> None:
    """What `tortoise makemigrations` would write: nothing, or a migration is missing from the commit."""
    config = db.config('sqlite://:memory:')
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        assert ctx.apps is not None
        writers = await MigrationAutodetector(ctx.apps, config['apps']).changes()
    assert [(w.name, [type(op).__name__ for op in w.operations]) for w in writers] == []
