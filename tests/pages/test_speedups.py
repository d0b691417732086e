"""pages/speedups.py remembers NiceGUI's "does this handler take arguments?" per method, and answers the same."""

from __future__ import annotations

import importlib
from typing import Any

from nicegui.helpers import functions


class Handlers:
    def takes_event(self, event: Any) -> None: ...

    def takes_nothing(self) -> None: ...

    def takes_optional(self, event: Any = None) -> None: ...


def test_the_remembered_answer_is_nicegui_s_own_for_methods_and_others() -> None:
    speedups = importlib.import_module('pages.speedups')
    a, b = Handlers(), Handlers()
    cases = [a.takes_event, b.takes_event, a.takes_nothing, b.takes_optional, lambda e: None, lambda: None]
    for handler in cases * 2:  # the second time from memory where it is a method
        assert speedups.expects_arguments(handler) is functions.expects_arguments(handler), handler
    kept = speedups._answers  # also holds what the app itself asked about, if it ran before this test
    assert {Handlers.takes_event, Handlers.takes_nothing, Handlers.takes_optional} <= set(kept)
    assert not [f for f in kept if f.__name__ == '<lambda>']  # lambdas are asked every time, never kept
