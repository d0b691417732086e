"""The technicians' queue as it is shown: overdue and at-risk tickets first, then priority, then age.

A low-priority ticket can be overdue behind fifty urgent ones: the first rows are the first ROWS tickets
by priority and age plus every late one among the first SCAN open tickets, wherever it would sort.
"""

from __future__ import annotations

from datetime import datetime

from . import sla, tickets
from .catalog import Priority
from .records import Ticket
from .sla import Due, SlaState
from .tickets import QueueView
from .users import User

ROWS = 50
SCAN = 500
URGENCY = {SlaState.BREACHED: 0, SlaState.AT_RISK: 1}  # overdue, then at risk, then the rest


async def first_rows(
    viewer: User,
    *,
    now: datetime,
    view: QueueView = QueueView.UNASSIGNED,
    service_id: int | None = None,
    priority: Priority | None = None,
    search: str = '',
) -> tuple[list[Ticket], dict[int, Due]]:
    """The rows a queue opens with, and their service levels (read once for the list)."""
    found = await tickets.queue(viewer, view=view, service_id=service_id, priority=priority, search=search, limit=SCAN)
    levels = await sla.levels_for(viewer, found, now)
    if len(found) > ROWS:
        late = [t for t in found if is_late(levels.get(t.id))]
        rest = [t for t in found if not is_late(levels.get(t.id))]
        found = late + rest[: max(ROWS - len(late), 0)]
    return sorted(found, key=lambda t: order(t, levels.get(t.id))), levels


def is_late(due: Due | None) -> bool:
    return due is not None and due.state in URGENCY


def order(ticket: Ticket, due: Due | None) -> tuple:
    """Overdue, then at risk, then the rest; within each, higher priority first, then the oldest."""
    state = due.state if due else None
    return (URGENCY.get(state, 2), -ticket.priority, ticket.created_at.timestamp(), ticket.id)  # type: ignore[arg-type]
