from tortoise import migrations
from tortoise.migrations import operations as ops
from models.followups import JobKind
from models.outbox import Kind
from models.records import EventKind, Status
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_signin_counters')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Job',
            name='kind',
            field=fields.CharEnumField(description='WAITING_FIRST: waiting_first\nWAITING_SECOND: waiting_second\nWAITING_RESOLVE: waiting_resolve\nUNRATED: unrated\nIDLE: idle\nVISIT: visit\nREPLY_AT_RISK: reply_at_risk\nREPLY_OVERDUE: reply_overdue\nFIX_AT_RISK: fix_at_risk\nFIX_OVERDUE: fix_overdue\nVISIT_MISSED: visit_missed\nPART_DUE: part_due', enum_type=JobKind, max_length=16),
        ),
        ops.AlterField(
            model_name='NotificationPreference',
            name='kind',
            field=fields.CharEnumField(description='REPLY: reply\nSTATUS: status\nASSIGNED: assigned\nON_THE_WAY: on_the_way\nVISIT_PLANNED: visit_planned\nNEW_TICKET: new_ticket\nRESOLVED: resolved\nREMINDER: reminder\nSLA_AT_RISK: sla_at_risk\nSLA_BREACHED: sla_breached\nTEST: test\nVISIT_PROPOSED: visit_proposed\nRUNNING_LATE: running_late\nVISIT_MISSED: visit_missed', enum_type=Kind, max_length=16),
        ),
        ops.AlterField(
            model_name='PushMessage',
            name='kind',
            field=fields.CharEnumField(description='REPLY: reply\nSTATUS: status\nASSIGNED: assigned\nON_THE_WAY: on_the_way\nVISIT_PLANNED: visit_planned\nNEW_TICKET: new_ticket\nRESOLVED: resolved\nREMINDER: reminder\nSLA_AT_RISK: sla_at_risk\nSLA_BREACHED: sla_breached\nTEST: test\nVISIT_PROPOSED: visit_proposed\nRUNNING_LATE: running_late\nVISIT_MISSED: visit_missed', enum_type=Kind, max_length=16),
        ),
        ops.AlterField(
            model_name='Ticket',
            name='status',
            field=fields.CharEnumField(default=Status.NEW, description='NEW: new\nASSIGNED: assigned\nIN_PROGRESS: in_progress\nWAITING: waiting\nVISIT_PLANNED: visit_planned\nON_THE_WAY: on_the_way\nRESOLVED: resolved\nCLOSED: closed\nREOPENED: reopened\nWAITING_PART: waiting_part', enum_type=Status, max_length=16),
        ),
        ops.AddField(
            model_name='Ticket',
            name='part_expected',
            field=fields.DateField(null=True),
        ),
        ops.AlterField(
            model_name='TicketEvent',
            name='kind',
            field=fields.CharEnumField(description='CREATED: created\nREPLY: reply\nNOTE: note\nSTATUS: status\nASSIGNED: assigned\nPHOTO: photo\nRESOLVED: resolved\nREOPENED: reopened\nRATED: rated\nREMINDER: reminder\nVISIT: visit\nCHECKLIST: checklist', enum_type=EventKind, max_length=16),
        ),
    ]
