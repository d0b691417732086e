"""Who acts: a person, or Tapdesk itself (a follow-up that resolves a ticket nobody answered)."""

from __future__ import annotations

from dataclasses import dataclass

from .users import User


@dataclass(frozen=True)
class SystemActor:
    """Tapdesk itself. It passes the checks a technician's action needs, so a rule added to a verb holds on
    its automatic path too, and it is recorded as no person (the timeline says "Tapdesk")."""

    id: None = None
    name: str = 'Tapdesk'
    first_name: str = 'Tapdesk'
    can_work_tickets: bool = True
    is_manager: bool = True


SYSTEM = SystemActor()
Actor = User | SystemActor
