from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from models.catalog import Priority
from models.tickets import EventKind, Status
from models.users import Role


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Category',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=80)),
            ],
            options={'table': 'category', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A kind of requester (Staff, Field sites, Contractors, ...): decides which services they see.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Service',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=80)),
                ('description', fields.CharField(default='', max_length=200)),
                ('icon', fields.CharField(default='support_agent', max_length=40)),
                ('default_priority', fields.IntEnumField(default=Priority.NORMAL, description='LOW: 1\nNORMAL: 2\nHIGH: 3\nURGENT: 4', enum_type=Priority, generated=False)),
                ('active', fields.BooleanField(default=True)),
                ('categories', fields.ManyToManyField('models.Category', unique=True, db_constraint=True, through='service_category', forward_key='category_id', backward_key='service_id', related_name='services', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'service', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('name', fields.CharField(max_length=120)),
                ('password_hash', fields.CharField(max_length=255)),
                ('role', fields.CharEnumField(default=Role.REQUESTER, description='REQUESTER: requester\nTECHNICIAN: technician\nMANAGER: manager', enum_type=Role, max_length=16)),
                ('category', fields.ForeignKeyField('models.Category', source_field='category_id', null=True, db_constraint=True, to_field='id', related_name='users', on_delete=OnDelete.SET_NULL)),
                ('is_active', fields.BooleanField(default=True)),
                ('timezone', fields.CharField(default='UTC', max_length=64)),
                ('failed_logins', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'user', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'session', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A signed-in browser. Only a hash of the token is stored: a leaked database signs nobody in.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ticket',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=120)),
                ('details', fields.TextField(default='', unique=False)),
                ('location', fields.CharField(default='', max_length=200)),
                ('service', fields.ForeignKeyField('models.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.RESTRICT)),
                ('requester', fields.ForeignKeyField('models.User', source_field='requester_id', db_constraint=True, to_field='id', related_name='requests', on_delete=OnDelete.RESTRICT)),
                ('assignee', fields.ForeignKeyField('models.User', source_field='assignee_id', null=True, db_constraint=True, to_field='id', related_name='assigned', on_delete=OnDelete.SET_NULL)),
                ('priority', fields.IntEnumField(default=Priority.NORMAL, description='LOW: 1\nNORMAL: 2\nHIGH: 3\nURGENT: 4', enum_type=Priority, generated=False)),
                ('status', fields.CharEnumField(default=Status.NEW, description='NEW: new\nASSIGNED: assigned\nIN_PROGRESS: in_progress\nWAITING: waiting\nVISIT_PLANNED: visit_planned\nON_THE_WAY: on_the_way\nRESOLVED: resolved\nCLOSED: closed\nREOPENED: reopened', enum_type=Status, max_length=16)),
                ('eta', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('visit_start', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('visit_end', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolution', fields.TextField(default='', unique=False)),
                ('reopen_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('first_response_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ticket', 'app': 'models', 'indexes': [Index(fields=['status', 'assignee_id']), Index(fields=['requester_id', 'updated_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='CREATED: created\nREPLY: reply\nNOTE: note\nSTATUS: status\nASSIGNED: assigned\nPHOTO: photo\nRESOLVED: resolved\nREOPENED: reopened', enum_type=EventKind, max_length=16)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='ticket_events', on_delete=OnDelete.SET_NULL)),
                ('body', fields.TextField(default='', unique=False)),
                ('internal', fields.BooleanField(default=False)),
                ('data', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ticket_event', 'app': 'models', 'pk_attr': 'id', 'table_description': "One line of a ticket's timeline. `internal` lines are for staff only."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Attachment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('models.TicketEvent', source_field='event_id', null=True, db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.SET_NULL)),
                ('uploader', fields.ForeignKeyField('models.User', source_field='uploader_id', null=True, db_constraint=True, to_field='id', related_name='uploads', on_delete=OnDelete.SET_NULL)),
                ('original_name', fields.CharField(max_length=120)),
                ('stored_name', fields.CharField(max_length=80)),
                ('preview_name', fields.CharField(max_length=80)),
                ('width', fields.IntField()),
                ('height', fields.IntField()),
                ('size', fields.IntField()),
                ('internal', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'attachment', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
