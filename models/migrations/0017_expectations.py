from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0016_help_settings_edits_reviews')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Ticket',
            name='expected',
            field=fields.CharField(default='', max_length=300),
        ),
        ops.AddField(
            model_name='Ticket',
            name='needed_by',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Ticket',
            name='needs_sooner',
            field=fields.BooleanField(default=False),
        ),
    ]
