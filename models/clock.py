"""The domain's clock: UTC, replaceable in tests (time travel for SLAs and follow-ups)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    return _source()


def set_source(source: Callable[[], datetime] | None) -> None:
    """Tests: `set_source(lambda: fixed)`; `set_source(None)` goes back to the real clock."""
    global _source
    _source = source or (lambda: datetime.now(UTC))
