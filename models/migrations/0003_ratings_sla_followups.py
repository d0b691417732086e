from tortoise import migrations
from tortoise.migrations import operations as ops
from models.catalog import Priority
from models.followups import JobKind, JobState
from models.tickets import EventKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_push_notifications')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Callback',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='callbacks', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='callbacks', on_delete=OnDelete.SET_NULL)),
                ('fix_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'callback', 'app': 'models', 'indexes': [Index(fields=['fix_at'])], 'pk_attr': 'id', 'table_description': 'A fix that did not hold: the ticket was reopened. `fix_at` is when that fix was made.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FollowUpRules',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('waiting_first_hours', fields.IntField(default=24)),
                ('waiting_second_hours', fields.IntField(default=72)),
                ('waiting_resolve_hours', fields.IntField(default=168)),
                ('unrated_hours', fields.IntField(default=24)),
                ('idle_hours', fields.IntField(default=24)),
                ('visit_before_minutes', fields.IntField(default=60)),
                ('rating_change_hours', fields.IntField(default=24)),
            ],
            options={'table': 'followup_rules', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The intervals a manager may change: one row (id 1), the defaults while there is none.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Job',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='WAITING_FIRST: waiting_first\nWAITING_SECOND: waiting_second\nWAITING_RESOLVE: waiting_resolve\nUNRATED: unrated\nIDLE: idle\nVISIT: visit', enum_type=JobKind, max_length=16)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='followups', on_delete=OnDelete.CASCADE)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(default=JobState.PENDING, description='PENDING: pending\nRUNNING: running\nDONE: done\nCANCELLED: cancelled\nFAILED: failed', enum_type=JobState, max_length=12)),
                ('claimed_by', fields.CharField(null=True, max_length=32)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'followup_job', 'app': 'models', 'indexes': [Index(fields=['state', 'due_at']), Index(fields=['ticket_id', 'state'])], 'pk_attr': 'id', 'table_description': 'One follow-up to run at `due_at` (the module docstring says how it is claimed).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Rating',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.OneToOneField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='rating', on_delete=OnDelete.CASCADE)),
                ('requester', fields.ForeignKeyField('models.User', source_field='requester_id', db_constraint=True, to_field='id', related_name='ratings', on_delete=OnDelete.CASCADE)),
                ('score', fields.SmallIntField()),
                ('comment', fields.CharField(default='', max_length=200)),
                ('fix_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('first_rated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('rated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'rating', 'app': 'models', 'indexes': [Index(fields=['fix_at'])], 'pk_attr': 'id', 'table_description': "The requester's verdict on a ticket's (latest rated) fix."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RatingTokenUse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('nonce', fields.CharField(unique=True, max_length=32)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='rating_token_uses', on_delete=OnDelete.CASCADE)),
                ('used_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'rating_token_use', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A rating token that has been used: its nonce may never record again.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SlaTarget',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('service', fields.ForeignKeyField('models.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='sla_targets', on_delete=OnDelete.CASCADE)),
                ('priority', fields.IntEnumField(description='LOW: 1\nNORMAL: 2\nHIGH: 3\nURGENT: 4', enum_type=Priority, generated=False)),
                ('first_response_minutes', fields.IntField(null=True)),
                ('resolution_minutes', fields.IntField(null=True)),
                ('business_hours', fields.BooleanField(default=False)),
            ],
            options={'table': 'sla_target', 'app': 'models', 'unique_together': (('service', 'priority'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WorkingCalendar',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('timezone', fields.CharField(default='UTC', max_length=64)),
                ('days', fields.CharField(default='12345', max_length=7)),
                ('start_minute', fields.IntField(default=540)),
                ('end_minute', fields.IntField(default=1020)),
                ('at_risk_percent', fields.IntField(default=75)),
            ],
            options={'table': 'working_calendar', 'app': 'models', 'pk_attr': 'id', 'table_description': "The organisation's working week: one row (id 1), Mon–Fri 09:00–17:00 UTC while there is none."},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='TicketEvent',
            name='kind',
            field=fields.CharEnumField(description='CREATED: created\nREPLY: reply\nNOTE: note\nSTATUS: status\nASSIGNED: assigned\nPHOTO: photo\nRESOLVED: resolved\nREOPENED: reopened\nRATED: rated\nREMINDER: reminder', enum_type=EventKind, max_length=16),
        ),
    ]
