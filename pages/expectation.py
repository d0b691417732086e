"""On the new-request form, once a service is chosen: what to expect, in plain words, and "When do you need
it?" as quick choices (today, tomorrow, this week, no rush, or a day). A need sooner than the service usually
takes is said to the requester at once, and flagged to staff by the domain (models/expectations.py)."""

from __future__ import annotations

from datetime import date

from nicegui import ui

from models import catalog, clock, errors, expectations
from models.expectations import NEED_WORDS, Need
from models.users import User


class Expectation:
    def __init__(self, viewer: User) -> None:
        self.viewer = viewer
        self.need: Need = Need.NO_RUSH
        self.day: date | None = None
        self.promise: expectations.Promise | None = None
        self.sentence = ui.label().classes('text-body2 td-expect').mark('expected')

    def picker(self) -> None:
        """ "When do you need it?", placed further down the form."""
        with ui.column().classes('full-width q-gutter-y-xs').mark('need-picker'):
            ui.label('When do you need it?').classes('text-subtitle2')
            self.choice = (
                ui.toggle({n.value: NEED_WORDS[n] for n in Need}, value=Need.NO_RUSH.value, on_change=self._chosen)
                # Unchosen pills show the page through (a white fill kept dark mode's light-blue text on white).
                .props('no-caps unelevated toggle-color=primary text-color=primary')
                .classes('td-need')
                .mark('need')
            )
            self.date = (
                ui.input('The day you need it by').props('outlined type=date stack-label').classes('full-width')
            ).mark('need-day')
            self.date.on_value_change(self._dated)
            self.date.visible = False
            self.sooner = ui.label().classes('text-body2 td-sooner').mark('sooner')
            self.sooner.visible = False
            self.error = ui.label().classes('text-negative text-body2').mark('need-error')

    async def show(self, service: catalog.Service) -> None:
        self.promise = await expectations.promise(service, clock.now())
        self.sentence.set_text(self.promise.sentence or 'We will answer as soon as we can.')
        await self._check()

    async def _chosen(self) -> None:
        self.need = Need(self.choice.value or Need.NO_RUSH.value)
        self.date.visible = self.need == Need.DATE
        if self.need != Need.DATE:
            self.day = None
        await self._check()

    async def _dated(self) -> None:
        try:
            self.day = date.fromisoformat(self.date.value) if self.date.value else None
        except ValueError:
            self.day = None
        await self._check()

    async def _check(self) -> None:
        """Say at once when the need is sooner than the service usually takes (or what is wrong with it)."""
        self.error.set_text('')
        self.sooner.visible = False
        if self.promise is None or (self.need == Need.DATE and self.day is None):
            return
        try:
            needed = await expectations.needed_by(self.need, clock.now(), day=self.day)
        except errors.Invalid as e:
            self.error.set_text(str(e))
            return
        if expectations.sooner_than_target(needed, self.promise):
            self.sooner.set_text(
                'That is sooner than this usually takes. We will tell the team, and they will say what they can do.'
            )
            self.sooner.visible = True
