from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_sla_warnings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SigninCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=100)),
                ('failures', fields.IntField(default=0)),
                ('last_failure_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('version', fields.IntField(default=0)),
            ],
            options={'table': 'signin_counter', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Recent wrong passwords for one scope (an email, a client address or a trusted device).'},
            bases=['Model'],
        ),
    ]
