"""Settings that save as they change, with no Save button: a quiet "Saved" beside their heading says it worked.

A phone user expects a switch to take effect when flipped and a field when left (its `change`: Enter or leaving it);
one Save button per screen, where there is one, is for a record being edited (a person, a service, a target)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui
from nicegui.events import GenericEventArguments


class SavedNote:
    """ "Saved" after each change the domain accepted; gone again while a refusal shows at its field."""

    def __init__(self, marker: str) -> None:
        self.label = (
            ui.label('Saved').props('role=status').classes('text-positive text-body2 text-weight-medium').mark(marker)
        )
        self.label.visible = False

    def saved(self) -> None:
        self.label.visible = True

    def refused(self) -> None:
        self.label.visible = False


def heading(words: str, marker: str, *, classes: str = 'text-h6') -> SavedNote:
    """A card's heading with its "Saved" at the right."""
    with ui.row().classes('full-width items-center justify-between no-wrap'):
        ui.label(words).classes(classes)
        return SavedNote(marker)


def save_when_left(field: ui.input | ui.number, save: Callable[[], Awaitable[None]]) -> None:
    """Save on the field's `change` (Enter, or leaving it), not on every keystroke, and with the value the browser
    sent along: a phone's time or number picker sends its new value and the change at once, the change first."""

    async def changed(e: GenericEventArguments) -> None:
        if isinstance(e.args, str):
            field.value = _number(e.args) if isinstance(field, ui.number) else e.args
        await save()

    field.on('change', changed)


def _number(text: str) -> float | str | None:
    try:
        return float(text) if text.strip() else None
    except ValueError:
        return text  # for the domain to refuse at the field
