"""Service-level targets per priority and the working calendar they count in."""

from __future__ import annotations

from datetime import time

from .. import sla
from ..catalog import Priority, Service
from ..users import User
from .hours import DESK_TZ

# (priority: first reply, fix, in working hours only) in minutes: the queue shows on-track / at-risk /
# late markers. Set after the stories, so the month of history gets no warnings after the fact.
TARGETS = {
    Priority.URGENT: (30, 4 * 60, False),
    Priority.HIGH: (60, 8 * 60, True),
    Priority.NORMAL: (4 * 60, 16 * 60, True),
    Priority.LOW: (8 * 60, 40 * 60, True),
}


async def seed_service_levels(manager: User, services: dict[str, Service]) -> None:
    await sla.set_calendar(actor=manager, days=[1, 2, 3, 4, 5], start=time(9), end=time(17), timezone=DESK_TZ.key)
    for service in services.values():
        for priority, (first, fix, working_hours) in TARGETS.items():
            await sla.set_target(
                actor=manager,
                service_id=service.id,
                priority=priority,
                first_response_minutes=first,
                resolution_minutes=fix,
                business_hours=working_hours,
            )
