from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_offline_actions')]

    initial = False

    operations = [
        ops.AddField(
            model_name='SiteVisit',
            name='accuracy_m',
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name='Ticket',
            name='accuracy_m',
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name='Ticket',
            name='latitude',
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name='Ticket',
            name='longitude',
            field=fields.FloatField(null=True),
        ),
    ]
