"""Who is looking at which ticket right now ("Sam is viewing").

Presence is live state, not data: it lives in memory and is announced on the bus.
"""

from __future__ import annotations

from collections import defaultdict

from . import events

_viewers: dict[int, dict[str, tuple[int, str]]] = defaultdict(dict)  # ticket -> {client id: (user id, name)}


def enter(ticket_id: int, client_id: str, user_id: int, name: str) -> None:
    _viewers[ticket_id][client_id] = (user_id, name)
    events.bus.publish(events.presence(ticket_id), events.PresenceChanged(ticket_id))


def leave(ticket_id: int, client_id: str) -> None:
    viewers = _viewers.get(ticket_id)
    if viewers and viewers.pop(client_id, None) is not None:
        if not viewers:
            del _viewers[ticket_id]
        events.bus.publish(events.presence(ticket_id), events.PresenceChanged(ticket_id))


def others(ticket_id: int, user_id: int) -> list[str]:
    """Names of the other people on this ticket, each once (my own second tab is not "someone")."""
    names = {name for uid, name in _viewers.get(ticket_id, {}).values() if uid != user_id}
    return sorted(names)


def clear() -> None:
    _viewers.clear()
