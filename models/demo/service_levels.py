"""Service-level targets per priority and the working calendar they count in."""

from __future__ import annotations

from datetime import time

from .. import sla
from ..catalog import Priority, Service
from ..users import User
from .hours import DESK_TZ

DAY = 8 * 60  # a working day (09:00–17:00), in minutes
# (priority: first reply, fix, in working hours only) in minutes, as a small IT desk promises them: the queue
# shows on-track / at-risk / late markers, and only a few open tickets are late (tests/unit/test_demo.py).
# Set after the stories, so the month of history gets no warnings after the fact.
TARGETS = {
    Priority.URGENT: (30, 4 * 60, False),
    Priority.HIGH: (2 * 60, 2 * DAY, True),
    Priority.NORMAL: (4 * 60, 3 * DAY, True),
    Priority.LOW: (DAY, 5 * DAY, True),
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
