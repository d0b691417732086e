from tortoise import migrations
from tortoise.migrations import operations as ops
from models.articles import State
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# The search index (models/article_index.py) is not a Tortoise model: FTS5 virtual tables on SQLite, a tsvector
# and the vocabulary with a pg_trgm index on PostgreSQL. Written out here, not imported, so this migration stays what it was.
SQLITE = [
    "CREATE VIRTUAL TABLE article_fts USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    'CREATE TABLE article_word (word TEXT PRIMARY KEY)',
    "CREATE VIRTUAL TABLE article_word_trigrams USING fts5(word, tokenize = 'trigram')",
]
POSTGRES = [
    'CREATE EXTENSION IF NOT EXISTS pg_trgm',
    'CREATE TABLE article_search ('
    ' article_id INT PRIMARY KEY REFERENCES article (id) ON DELETE CASCADE,'
    ' document TSVECTOR NOT NULL)',
    'CREATE INDEX article_search_document ON article_search USING GIN (document)',
    'CREATE TABLE article_word (word TEXT PRIMARY KEY)',
    'CREATE INDEX article_word_trigrams ON article_word USING GIN (word gin_trgm_ops)',
]


async def search_index(apps, schema_editor):
    client = schema_editor.client
    for sql in POSTGRES if client.capabilities.dialect == 'postgres' else SQLITE:
        await client.execute_script(sql)

class Migration(migrations.Migration):
    dependencies = [('models', '0011_browsers')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Article',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=120)),
                ('body', fields.TextField(unique=False)),
                ('state', fields.CharEnumField(default=State.DRAFT, description='DRAFT: draft\nPUBLISHED: published\nRETIRED: retired', enum_type=State, max_length=12)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', db_constraint=True, to_field='id', related_name='articles_written', on_delete=OnDelete.RESTRICT)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='articles_owned', on_delete=OnDelete.RESTRICT)),
                ('services', fields.ManyToManyField('models.Service', unique=True, db_constraint=True, through='article_service', forward_key='service_id', backward_key='article_id', related_name='articles', on_delete=OnDelete.CASCADE)),
                ('categories', fields.ManyToManyField('models.Category', unique=True, db_constraint=True, through='article_category', forward_key='category_id', backward_key='article_id', related_name='articles', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'article', 'app': 'models', 'indexes': [Index(fields=['state', 'reviewed_at'])], 'pk_attr': 'id', 'table_description': 'A self-help article: how to fix one thing, for the people and services it names.'},
            bases=['Model'],
        ),
        ops.RunPython(search_index),
    ]
