from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0013_deflections')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ArticleVote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='article_votes', on_delete=OnDelete.CASCADE)),
                ('helpful', fields.BooleanField()),
                ('why', fields.CharField(default='', max_length=300)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'article_vote', 'app': 'models', 'unique_together': (('article_id', 'user_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
