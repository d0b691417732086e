"""One measured NiceGUI hot spot, taken out (bench/live_latency.py --profile; docs/benchmarks.md).

Every new element makes three observable collections (props, classes, style), and each asks
`helpers.expects_arguments` of its change handler: a fresh `inspect.signature` of a bound method, about 25 µs.
A live update that adds one timeline entry to 300 open pages paid 900 of them, a tenth of the server's CPU for
the update. The answer depends only on the method's function, so it is remembered per function; anything
else (lambdas, partials, plain functions made per call) is still asked every time.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from nicegui import helpers

_ask: Callable[[Callable[..., Any]], bool] = helpers.expects_arguments
_answers: dict[Callable[..., Any], bool] = {}


def expects_arguments(func: Callable[..., Any]) -> bool:
    target = getattr(func, '__func__', None)
    if target is None or not inspect.isfunction(target) or not hasattr(func, '__self__'):
        return _ask(func)
    answer = _answers.get(target)
    if answer is None:
        answer = _answers[target] = _ask(func)
    return answer


def install() -> None:
    """Idempotent; NiceGUI's modules look the helper up on `nicegui.helpers` at each call."""
    helpers.expects_arguments = expects_arguments  # type: ignore[assignment]
