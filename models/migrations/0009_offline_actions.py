from tortoise import migrations
from tortoise.migrations import operations as ops
from models.offline import Result
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_visits')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AppliedAction',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=36)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='applied_actions', on_delete=OnDelete.CASCADE)),
                ('ticket_id', fields.IntField()),
                ('type', fields.CharField(max_length=32)),
                ('result', fields.CharEnumField(description='APPLIED: applied\nREFUSED: refused', enum_type=Result, max_length=8)),
                ('sentence', fields.TextField(unique=False)),
                ('text', fields.TextField(default='', unique=False)),
                ('made_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('applied_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'applied_action', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An action queued on a phone, applied or refused exactly once: its id is the uuid the phone made.'},
            bases=['Model'],
        ),
    ]
