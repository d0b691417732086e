from tortoise import migrations
from tortoise.migrations import operations as ops
from models.gaps import GapKind
from models.improvements import ActionState, JobState
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0017_expectations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ImprovementAction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('gap_kind', fields.CharEnumField(description='ON_TIME_UNHAPPY: on_time_unhappy\nLATE_HAPPY: late_happy\nNEED_MISSED: need_missed\nCALLBACKS: callbacks\nFEW_RATINGS: few_ratings\nMISSED_VISITS: missed_visits', enum_type=GapKind, max_length=20)),
                ('group_by', fields.CharField(max_length=12)),
                ('group_key', fields.IntField(null=True)),
                ('group_label', fields.CharField(max_length=120)),
                ('what', fields.CharField(max_length=300)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='improvement_actions', on_delete=OnDelete.RESTRICT)),
                ('review_on', fields.DateField()),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='improvement_actions_recorded', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('period_days', fields.IntField()),
                ('figures', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('state', fields.CharEnumField(default=ActionState.OPEN, description='OPEN: open\nDONE: done', enum_type=ActionState, max_length=8)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'improvement_action', 'app': 'models', 'indexes': [Index(fields=['state', 'review_on']), Index(fields=['owner_id', 'state'])], 'pk_attr': 'id', 'table_description': "What a manager decided to do about an expectation gap, and the gap's figures when they decided."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ActionReviewJob',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('action', fields.ForeignKeyField('models.ImprovementAction', source_field='action_id', db_constraint=True, to_field='id', related_name='review_jobs', on_delete=OnDelete.CASCADE)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(default=JobState.PENDING, description='PENDING: pending\nRUNNING: running\nDONE: done\nCANCELLED: cancelled\nFAILED: failed', enum_type=JobState, max_length=12)),
                ('claimed_by', fields.CharField(null=True, max_length=32)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'improvement_review_job', 'app': 'models', 'indexes': [Index(fields=['state', 'due_at'])], 'pk_attr': 'id', 'table_description': 'The reminder to review one action, claimed like every follow-up (models/claims.py).'},
            bases=['Model'],
        ),
    ]
