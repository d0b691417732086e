from tortoise import migrations
from tortoise.migrations import operations as ops
from models.records import EventKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0014_article_votes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Expertise',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='expertise', on_delete=OnDelete.CASCADE)),
                ('service', fields.ForeignKeyField('models.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='experts', on_delete=OnDelete.CASCADE)),
                ('helping', fields.BooleanField(default=True)),
                ('granted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'expertise', 'app': 'models', 'unique_together': (('user_id', 'service_id'),), 'pk_attr': 'id', 'table_description': 'A superuser for one service, and how involved they choose to be with it.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Service',
            name='peers_may_help',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Ticket',
            name='peers_may_help',
            field=fields.BooleanField(default=False),
        ),
        ops.AlterField(
            model_name='TicketEvent',
            name='kind',
            field=fields.CharEnumField(description='CREATED: created\nREPLY: reply\nNOTE: note\nSTATUS: status\nASSIGNED: assigned\nPHOTO: photo\nRESOLVED: resolved\nREOPENED: reopened\nRATED: rated\nREMINDER: reminder\nVISIT: visit\nCHECKLIST: checklist\nPEER_ANSWER: peer_answer\nACCEPTED: accepted', enum_type=EventKind, max_length=16),
        ),
    ]
