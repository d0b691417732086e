from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0018_improvement_actions')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Ticket',
            name='answer_seconds',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Ticket',
            name='fix_seconds',
            field=fields.IntField(null=True),
        ),
        ops.AddIndex(
            model_name='Ticket',
            index=Index(fields=['created_at']),
        ),
        ops.AddIndex(
            model_name='Ticket',
            index=Index(fields=['first_response_at', 'answer_seconds']),
        ),
        ops.AddIndex(
            model_name='Ticket',
            index=Index(fields=['resolved_at', 'fix_seconds']),
        ),
    ]
