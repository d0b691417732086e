from tortoise import migrations
from tortoise.migrations import operations as ops
from models.notifications import Kind, State
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notification_preferences', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='REPLY: reply\nSTATUS: status\nASSIGNED: assigned\nON_THE_WAY: on_the_way\nVISIT_PLANNED: visit_planned\nNEW_TICKET: new_ticket\nRESOLVED: resolved\nREMINDER: reminder\nTEST: test', enum_type=Kind, max_length=16)),
                ('enabled', fields.BooleanField()),
            ],
            options={'table': 'notification_preference', 'app': 'models', 'unique_together': (('user', 'kind'),), 'pk_attr': 'id', 'table_description': 'A switch a person changed (kinds without a row follow default_on()).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PushSubscription',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='push_subscriptions', on_delete=OnDelete.CASCADE)),
                ('endpoint', fields.CharField(unique=True, max_length=1024)),
                ('p256dh', fields.CharField(max_length=100)),
                ('auth', fields.CharField(max_length=40)),
                ('device', fields.CharField(default='', max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'push_subscription', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One browser or phone that accepted notifications for a person.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PushMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscription', fields.ForeignKeyField('models.PushSubscription', source_field='subscription_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='push_messages', on_delete=OnDelete.CASCADE)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', null=True, db_constraint=True, to_field='id', related_name='push_messages', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='REPLY: reply\nSTATUS: status\nASSIGNED: assigned\nON_THE_WAY: on_the_way\nVISIT_PLANNED: visit_planned\nNEW_TICKET: new_ticket\nRESOLVED: resolved\nREMINDER: reminder\nTEST: test', enum_type=Kind, max_length=16)),
                ('payload', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('topic', fields.CharField(default='', max_length=32)),
                ('ttl', fields.IntField()),
                ('urgency', fields.CharField(max_length=8)),
                ('state', fields.CharEnumField(default=State.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed', enum_type=State, max_length=8)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claim', fields.CharField(null=True, max_length=32)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'push_outbox', 'app': 'models', 'indexes': [Index(fields=['state', 'next_attempt_at']), Index(fields=['claim'])], 'pk_attr': 'id', 'table_description': 'The outbox: one notification for one device, from queued to sent (or failed).'},
            bases=['Model'],
        ),
    ]
