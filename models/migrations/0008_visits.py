from tortoise import migrations
from tortoise.migrations import operations as ops
from models.visits import WindowState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_checklists')]

    initial = False

    operations = [
        ops.CreateModel(
            name='VisitWindow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='visit_windows', on_delete=OnDelete.CASCADE)),
                ('technician', fields.ForeignKeyField('models.User', source_field='technician_id', db_constraint=True, to_field='id', related_name='visit_windows', on_delete=OnDelete.CASCADE)),
                ('start', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('end', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(default=WindowState.PROPOSED, description='PROPOSED: proposed\nCONFIRMED: confirmed\nREPLACED: replaced\nDECLINED: declined\nMISSED: missed\nKEPT: kept', enum_type=WindowState, max_length=12)),
                ('proposed_by', fields.ForeignKeyField('models.User', source_field='proposed_by_id', null=True, db_constraint=True, to_field='id', related_name='windows_proposed', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'visit_window', 'app': 'models', 'indexes': [Index(fields=['technician_id', 'state', 'start']), Index(fields=['ticket_id', 'state'])], 'pk_attr': 'id', 'table_description': 'A window offered for a visit to a ticket, by whom, for which technician, and what became of it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SiteVisit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='site_visits', on_delete=OnDelete.CASCADE)),
                ('technician', fields.ForeignKeyField('models.User', source_field='technician_id', db_constraint=True, to_field='id', related_name='site_visits', on_delete=OnDelete.CASCADE)),
                ('window', fields.ForeignKeyField('models.VisitWindow', source_field='window_id', null=True, db_constraint=True, to_field='id', related_name='site_visits', on_delete=OnDelete.SET_NULL)),
                ('set_off_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('first_eta', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('arrived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
                ('left_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('outcome', fields.CharField(default='', max_length=16)),
                ('first_visit_fix', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'site_visit', 'app': 'models', 'indexes': [Index(fields=['ticket_id', 'arrived_at']), Index(fields=['technician_id', 'arrived_at'])], 'pk_attr': 'id', 'table_description': 'One trip to a ticket: set off, arrived, left, and how it ended.'},
            bases=['Model'],
        ),
    ]
