from tortoise import migrations
from tortoise.migrations import operations as ops
from models.followups import JobKind
from models.notifications import Kind
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('models', '0003_ratings_sla_followups')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Job',
            name='kind',
            field=fields.CharEnumField(
                description='WAITING_FIRST: waiting_first\nWAITING_SECOND: waiting_second\nWAITING_RESOLVE: waiting_resolve\nUNRATED: unrated\nIDLE: idle\nVISIT: visit\nREPLY_AT_RISK: reply_at_risk\nREPLY_OVERDUE: reply_overdue\nFIX_AT_RISK: fix_at_risk\nFIX_OVERDUE: fix_overdue',
                enum_type=JobKind,
                max_length=16,
            ),
        ),
        ops.AlterField(
            model_name='NotificationPreference',
            name='kind',
            field=fields.CharEnumField(
                description='REPLY: reply\nSTATUS: status\nASSIGNED: assigned\nON_THE_WAY: on_the_way\nVISIT_PLANNED: visit_planned\nNEW_TICKET: new_ticket\nRESOLVED: resolved\nREMINDER: reminder\nSLA_AT_RISK: sla_at_risk\nSLA_BREACHED: sla_breached\nTEST: test',
                enum_type=Kind,
                max_length=16,
            ),
        ),
        ops.AlterField(
            model_name='PushMessage',
            name='kind',
            field=fields.CharEnumField(
                description='REPLY: reply\nSTATUS: status\nASSIGNED: assigned\nON_THE_WAY: on_the_way\nVISIT_PLANNED: visit_planned\nNEW_TICKET: new_ticket\nRESOLVED: resolved\nREMINDER: reminder\nSLA_AT_RISK: sla_at_risk\nSLA_BREACHED: sla_breached\nTEST: test',
                enum_type=Kind,
                max_length=16,
            ),
        ),
    ]
