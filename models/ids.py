"""Database ids from outside (an address, a search box): checked in one place before any query.

A number too big for the column makes SQLite raise OverflowError and PostgreSQL a DataError (int4): a server
error instead of "not found". Base floor: imports nothing from models but its errors.
"""

from __future__ import annotations

from .errors import NotFound

MAX_ID = 2**31 - 1  # the largest value of an IntField primary key on PostgreSQL (int4)


def parse(value: object) -> int | None:
    """`value` (text or a number) as an id that can exist: a whole number from 1 to MAX_ID, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
            return None
        value = int(text)
    if not isinstance(value, int):
        return None
    return value if 1 <= value <= MAX_ID else None


def require(value: object, message: str) -> int:
    """`value` as an id, or NotFound with `message` (no row can have an impossible id)."""
    found = parse(value)
    if found is None:
        raise NotFound(message)
    return found
