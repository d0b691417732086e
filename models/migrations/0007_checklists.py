from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0006_field_day_words')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ChecklistOverride',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='checklist_overrides', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('models.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='checklist_overrides', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.TextField(unique=False)),
                ('unticked', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'checklist_override', 'app': 'models', 'indexes': [Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': 'A fix made with required checks unticked, and the reason given (managers read these).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ChecklistTemplate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('service', fields.OneToOneField('models.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='checklist', on_delete=OnDelete.CASCADE)),
                ('allow_override', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'checklist_template', 'app': 'models', 'pk_attr': 'id', 'table_description': "A service's checklist: its items and whether a fix may skip a required one with a reason."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ChecklistItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('template', fields.ForeignKeyField('models.ChecklistTemplate', source_field='template_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('text', fields.CharField(max_length=120)),
                ('required', fields.BooleanField(default=True)),
                ('photo_required', fields.BooleanField(default=False)),
            ],
            options={'table': 'checklist_item', 'app': 'models', 'pk_attr': 'id', 'table_description': "One line of a service's checklist, at `position` (0 first)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketCheck',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='checks', on_delete=OnDelete.CASCADE)),
                ('item_id', fields.IntField()),
                ('position', fields.IntField()),
                ('text', fields.CharField(max_length=120)),
                ('required', fields.BooleanField(default=True)),
                ('photo_required', fields.BooleanField(default=False)),
                ('ticked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ticked_by', fields.ForeignKeyField('models.User', source_field='ticked_by_id', null=True, db_constraint=True, to_field='id', related_name='checks_ticked', on_delete=OnDelete.SET_NULL)),
                ('note', fields.CharField(default='', max_length=300)),
                ('event', fields.ForeignKeyField('models.TicketEvent', source_field='event_id', null=True, db_constraint=True, to_field='id', related_name='checks', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'ticket_check', 'app': 'models', 'unique_together': (('ticket_id', 'item_id'),), 'pk_attr': 'id', 'table_description': "A ticket's own copy of a checklist item (made at its first tick), ticked or not."},
            bases=['Model'],
        ),
    ]
