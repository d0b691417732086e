from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_ticket_position')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Browser',
            fields=[
                ('id', fields.IntField(primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=64)),
                ('session', fields.ForeignKeyField('models.Session', source_field='session_id', null=True, db_constraint=True, to_field='id', related_name='browsers', on_delete=OnDelete.SET_NULL)),
                ('device', fields.CharField(null=True, max_length=200)),
                ('seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'browser', 'app': 'models', 'pk_attr': 'id', 'table_description': "One browser: its current sign-in (if any) and the device token that spares it strangers' lockouts."},
            bases=['Model'],
        ),
    ]
