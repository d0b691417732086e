from tortoise import migrations
from tortoise.migrations import operations as ops
from models.article_edits import EditState
from models.article_reviews import ReviewState
from models.outbox import Kind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0015_superusers')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ArticleEdit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='suggested_edits', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', db_constraint=True, to_field='id', related_name='article_edits', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=120)),
                ('body', fields.TextField(unique=False)),
                ('why', fields.CharField(default='', max_length=300)),
                ('state', fields.CharEnumField(default=EditState.OPEN, description='OPEN: open\nAPPLIED: applied\nDECLINED: declined', enum_type=EditState, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('models.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='article_edits_decided', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'article_edit', 'app': 'models', 'indexes': [Index(fields=['state', 'article_id'])], 'pk_attr': 'id', 'table_description': 'New words proposed for an article, waiting for a technician.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HelpSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('recognition', fields.BooleanField(default=True)),
                ('rank_staff', fields.BooleanField(default=False)),
                ('review_days', fields.IntField(default=180)),
            ],
            options={'table': 'help_settings', 'app': 'models', 'pk_attr': 'id', 'table_description': "The managers' choices for self-help (one row, id 1)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewJob',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='review_jobs', on_delete=OnDelete.CASCADE)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(default=ReviewState.PENDING, description='PENDING: pending\nRUNNING: running\nDONE: done\nCANCELLED: cancelled\nFAILED: failed', enum_type=ReviewState, max_length=12)),
                ('claimed_by', fields.CharField(null=True, max_length=32)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'article_review_job', 'app': 'models', 'indexes': [Index(fields=['state', 'due_at']), Index(fields=['article_id', 'state'])], 'pk_attr': 'id', 'table_description': 'One reminder to review an article, claimed like every follow-up (models/claims.py).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Expertise',
            name='notify',
            field=fields.BooleanField(default=True),
        ),
        ops.AlterField(
            model_name='NotificationPreference',
            name='kind',
            field=fields.CharEnumField(description='REPLY: reply\nSTATUS: status\nASSIGNED: assigned\nON_THE_WAY: on_the_way\nVISIT_PLANNED: visit_planned\nNEW_TICKET: new_ticket\nRESOLVED: resolved\nREMINDER: reminder\nSLA_AT_RISK: sla_at_risk\nSLA_BREACHED: sla_breached\nTEST: test\nVISIT_PROPOSED: visit_proposed\nRUNNING_LATE: running_late\nVISIT_MISSED: visit_missed\nHELP_WANTED: help_wanted', enum_type=Kind, max_length=16),
        ),
        ops.AlterField(
            model_name='PushMessage',
            name='kind',
            field=fields.CharEnumField(description='REPLY: reply\nSTATUS: status\nASSIGNED: assigned\nON_THE_WAY: on_the_way\nVISIT_PLANNED: visit_planned\nNEW_TICKET: new_ticket\nRESOLVED: resolved\nREMINDER: reminder\nSLA_AT_RISK: sla_at_risk\nSLA_BREACHED: sla_breached\nTEST: test\nVISIT_PROPOSED: visit_proposed\nRUNNING_LATE: running_late\nVISIT_MISSED: visit_missed\nHELP_WANTED: help_wanted', enum_type=Kind, max_length=16),
        ),
    ]
