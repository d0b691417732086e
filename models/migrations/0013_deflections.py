from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0012_articles')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ArticleView',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='views', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='article_views', on_delete=OnDelete.CASCADE)),
                ('service', fields.ForeignKeyField('models.Service', source_field='service_id', null=True, db_constraint=True, to_field='id', related_name='article_views', on_delete=OnDelete.SET_NULL)),
                ('typed', fields.CharField(default='', max_length=500)),
                ('viewed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'article_view', 'app': 'models', 'indexes': [Index(fields=['user_id', 'viewed_at']), Index(fields=['viewed_at'])], 'pk_attr': 'id', 'table_description': 'A requester opened an article from the new-request form or the help centre.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Deflection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='deflections', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='deflections', on_delete=OnDelete.CASCADE)),
                ('service', fields.ForeignKeyField('models.Service', source_field='service_id', null=True, db_constraint=True, to_field='id', related_name='deflections', on_delete=OnDelete.SET_NULL)),
                ('typed', fields.CharField(default='', max_length=500)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'deflection', 'app': 'models', 'indexes': [Index(fields=['user_id', 'at']), Index(fields=['at'])], 'pk_attr': 'id', 'table_description': '"This solved it": a request nobody had to file.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SeenArticle',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='seen_articles', on_delete=OnDelete.CASCADE)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='seen_in', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'seen_article', 'app': 'models', 'unique_together': (('ticket_id', 'article_id'),), 'pk_attr': 'id', 'table_description': 'An article the requester opened before filing this request anyway ("Still need help").'},
            bases=['Model'],
        ),
    ]
