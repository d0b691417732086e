"""Managers: target times per service and priority, the working hours they count in, follow-up intervals.

Three stacked cards on one screen (a phone scrolls; a manager sets these once and rarely again). A target is a
record picked and edited, with the screen's one Save; working hours and follow-ups are settings that save as they
change (a box ticked, a field left), with "Saved" beside their heading. The domain's error shows at the field it
names.
"""

from __future__ import annotations

import asyncio
from datetime import time
from typing import Any

from fastapi import Request
from nicegui import ui

from models import catalog, errors, followups, sla, when
from models.catalog import Priority
from models.users import User

from .layout import MANAGERS, clear_errors, field_error, frame, signed_in, tell
from .saved import heading, save_when_left

DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']  # ISO weekdays 1..7
ZONES = [
    'UTC',
    'Europe/London',
    'Europe/Dublin',
    'Europe/Lisbon',
    'Europe/Paris',
    'Europe/Berlin',
    'Europe/Amsterdam',
    'Europe/Madrid',
    'Europe/Rome',
    'Europe/Warsaw',
    'Europe/Helsinki',
    'Europe/Istanbul',
    'Africa/Johannesburg',
    'Asia/Dubai',
    'Asia/Kolkata',
    'Asia/Singapore',
    'Asia/Tokyo',
    'Australia/Sydney',
    'Pacific/Auckland',
    'America/New_York',
    'America/Chicago',
    'America/Denver',
    'America/Los_Angeles',
    'America/Sao_Paulo',
]
# Every follow-up interval, in the words a manager reads, and its unit.
RULE_WORDS = {
    'waiting_first_hours': ('First reminder when waiting for the requester’s reply: after', 'hours'),
    'waiting_second_hours': ('Second reminder when there is still no reply: after', 'hours'),
    'waiting_resolve_hours': ('Mark it fixed when the requester never replies: after', 'hours'),
    'unrated_hours': ('Ask once more for a rating of a fix: after', 'hours'),
    'idle_hours': ('Remind the technician of a ticket with no activity: after', 'hours'),
    'visit_before_minutes': ('Remind the requester of a planned visit, before it by', 'minutes'),
    'rating_change_hours': ('A rating can be changed for', 'hours'),
}
CSS = """
.td-sl-card { width: 100%; }
.td-sl-card .q-field { font-size: 16px; }  /* 16 px: phones do not zoom into the field */
.td-sl-days { gap: 0; }
.td-sl-days .q-checkbox { min-height: 44px; width: 25%; }
"""


@ui.page('/service-levels')
@signed_in(roles=MANAGERS)
async def service_levels_page(request: Request, viewer: User) -> None:
    ui.add_css(CSS)
    with frame('Service levels', viewer, back='/manage'):
        await Targets(viewer).build()
        await WorkingHours(viewer).build()
        await FollowUps(viewer).build()
    return None


class Targets:
    """How soon a ticket should get its first reply and its fix, per service and priority."""

    def __init__(self, viewer: User) -> None:
        self.viewer = viewer
        self.client = ui.context.client  # messages go through the page (layout.tell)

    async def build(self) -> None:
        services = {s.id: s.name for s in await catalog.all_services(actor=self.viewer)}
        with ui.card().classes('td-sl-card').mark('targets-card'):
            ui.label('Target times').classes('text-h6')
            ui.label(
                'How soon a request should get its first reply and be fixed. Technicians are warned before a '
                'ticket is late; leave both times empty to have no target.'
            ).classes('text-body2 text-grey-8')
            self.f: dict[str, Any] = {
                'service': ui.select(services, label='Service', value=next(iter(services), None))
                .props('outlined')
                .classes('full-width')
                .mark('target-service'),
                'priority': ui.select(
                    {p.value: p.words for p in Priority}, label='Priority', value=Priority.NORMAL.value
                )
                .props('outlined')
                .classes('full-width')
                .mark('target-priority'),
            }
            ui.label('First reply within').classes('text-subtitle2 q-mt-sm')
            self.reply = _duration('reply')
            ui.label('Fixed within').classes('text-subtitle2')
            self.fix = _duration('fix')
            self.f['first_response_minutes'], self.f['resolution_minutes'] = self.reply[0], self.fix[0]
            self.business = ui.switch('Count only working hours (nights, weekends don’t count)').mark(
                'target-business-hours'
            )
            ui.button('Save target', icon='check', on_click=self.save).props('unelevated no-caps').classes(
                'full-width'
            ).mark('save-target')
            for key in ('service', 'priority'):
                self.f[key].on_value_change(self.load)
            self.list = ui.list().props('separator').classes('full-width').mark('target-list')
        self.targets = await sla.targets(actor=self.viewer)
        self.services = services
        self.load()

    def show(self) -> None:
        """The chosen service's four priorities, most urgent first: tap one to edit it."""
        self.list.clear()
        service = self.f['service'].value
        found = {Priority(t.priority): t for t in self.targets if t.service_id == service}
        with self.list:
            ui.item_label(f'All priorities of {self.services.get(service, "this service")}').props('header')
            for priority in sorted(Priority, reverse=True):
                t = found.get(priority)
                item = ui.item(on_click=lambda p=priority: self.pick(p)).props('clickable')
                if priority.value == self.f['priority'].value:
                    item.props('active')  # the one in the form above
                with item.mark(f'target-{priority.name.lower()}'):
                    with ui.item_section():
                        ui.label(priority.words).classes('text-weight-medium')
                        ui.label(target_words(t) if t else 'No target').classes('text-caption')

    def pick(self, priority: Priority) -> None:
        self.f['priority'].value = priority.value  # loads it (on_value_change)

    def load(self) -> None:
        """Show the stored target of the chosen service and priority (empty fields when there is none)."""
        clear_errors(self.f)
        key = (self.f['service'].value, self.f['priority'].value)
        found = next((t for t in self.targets if (t.service_id, Priority(t.priority).value) == key), None)
        _set_duration(self.reply, found.first_response_minutes if found else None)
        _set_duration(self.fix, found.resolution_minutes if found else None)
        self.business.value = bool(found and found.business_hours)
        self.show()

    async def save(self) -> None:
        clear_errors(self.f)
        try:
            saved = await sla.set_target(
                actor=self.viewer,
                service_id=self.f['service'].value or 0,
                priority=Priority(self.f['priority'].value),
                first_response_minutes=_minutes_of(self.reply, 'first_response_minutes'),
                resolution_minutes=_minutes_of(self.fix, 'resolution_minutes'),
                business_hours=bool(self.business.value),
            )
        except errors.DomainError as e:
            field_error(self.f, e, client=self.client)
            return
        tell(self.client, 'Target saved.' if saved else 'Target removed.', type='positive')
        self.targets = await sla.targets(actor=self.viewer)
        self.show()


class WorkingHours:
    """The organisation's working week, which "working hours only" targets count in."""

    def __init__(self, viewer: User) -> None:
        self.viewer = viewer
        self.client = ui.context.client  # messages go through the page (layout.tell)
        self.saving = asyncio.Lock()  # quick taps save one after the other (the first save creates the row)

    async def build(self) -> None:
        cal = await sla.working_calendar()
        with ui.card().classes('td-sl-card').mark('calendar-card'):
            self.note = heading('Working hours', 'calendar-saved')
            ui.label('Targets that count only working hours pause outside these.').classes('text-body2 text-grey-8')
            ui.label('Working days').classes('text-subtitle2')
            with ui.row().classes('td-sl-days q-gutter-none'):
                self.days = {
                    day: ui.checkbox(name, value=str(day) in cal.days, on_change=self.save).mark(f'day-{day}')
                    for day, name in enumerate(DAYS, start=1)
                }
            days_error = ui.label().classes('text-negative text-caption').mark('days-error')
            with ui.row().classes('full-width no-wrap'):
                start = (
                    ui.input('Starts at', value=_hhmm(cal.start_minute))
                    .props('outlined type=time')
                    .classes('col')
                    .mark('day-start')
                )
                end = (
                    ui.input('Ends at', value=_hhmm(cal.end_minute))
                    .props('outlined type=time')
                    .classes('col')
                    .mark('day-end')
                )
            zones = list(dict.fromkeys([cal.timezone, *ZONES]))
            self.f: dict[str, Any] = {
                'days': days_error,
                'start': start,
                'end': end,
                'timezone': ui.select(
                    zones,
                    label='Time zone',
                    value=cal.timezone,
                    with_input=True,
                    new_value_mode='add-unique',
                    on_change=self.save,
                )
                .props('outlined hint="Pick one or type a name such as Europe/Berlin"')
                .classes('full-width')
                .mark('timezone'),
            }
            ui.label('Warn technicians when this share of the time is used').classes('text-body2 q-mt-xs')
            self.f['at_risk_percent'] = (
                ui.number(value=cal.at_risk_percent, min=1, max=99, step=1, suffix='%')
                .props('outlined')
                .classes('full-width')
                .mark('at-risk-percent')
            )
            for typed in (start, end, self.f['at_risk_percent']):
                save_when_left(typed, self.save)

    async def save(self) -> None:
        async with self.saving:
            await self._save()

    async def _save(self) -> None:
        clear_errors(self.f)
        try:
            await sla.set_calendar(
                actor=self.viewer,
                days=[day for day, box in self.days.items() if box.value],
                start=_time_of(self.f['start'].value, 'start'),
                end=_time_of(self.f['end'].value, 'end'),
                timezone=str(self.f['timezone'].value or '').strip(),
                at_risk_percent=_whole(self.f['at_risk_percent'].value),  # type: ignore[arg-type]
            )
        except errors.DomainError as e:
            self.note.refused()
            field_error(self.f, e, client=self.client)
            return
        self.note.saved()


class FollowUps:
    """The intervals of the reminders and of the auto-resolve."""

    def __init__(self, viewer: User) -> None:
        self.viewer = viewer
        self.client = ui.context.client  # messages go through the page (layout.tell)
        self.saving = asyncio.Lock()  # quick changes save one after the other (the first save creates the row)

    async def build(self) -> None:
        current = await followups.rules()
        with ui.card().classes('td-sl-card').mark('followups-card'):
            self.note = heading('Follow-up reminders', 'followups-saved')
            ui.label('New times apply to reminders planned from now on.').classes('text-body2 text-grey-8')
            self.f: dict[str, Any] = {}
            for name, (words, unit) in RULE_WORDS.items():
                ui.label(words).classes('text-body2 q-mt-xs')
                self.f[name] = (
                    ui.number(value=getattr(current, name), min=0, step=1, suffix=unit)
                    .props('outlined')
                    .classes('full-width')
                    .mark(f'rule-{name}')
                )
                save_when_left(self.f[name], self.save)

    async def save(self) -> None:
        async with self.saving:
            await self._save()

    async def _save(self) -> None:
        clear_errors(self.f)
        try:
            await followups.set_rules(actor=self.viewer, **{k: _whole(e.value) for k, e in self.f.items()})
        except errors.DomainError as e:
            self.note.refused()
            field_error(self.f, e, client=self.client)
            return
        self.note.saved()


# ---- helpers ------------------------------------------------------------------------------------------


def target_words(t: sla.SlaTarget) -> str:
    """ "Reply within 30 min · fixed within 1 day 2 h · working hours only" """
    parts = []
    if t.first_response_minutes:
        parts.append(f'reply within {_span(t.first_response_minutes)}')
    if t.resolution_minutes:
        parts.append(f'fixed within {_span(t.resolution_minutes)}')
    if t.business_hours:
        parts.append('working hours only')
    return ' · '.join(parts).capitalize()


def _span(minutes: int) -> str:
    return when.span(minutes * 60)


def _duration(name: str) -> tuple[ui.number, ui.number]:
    """Hours and minutes side by side: a time a thumb can type."""
    with ui.row().classes('full-width no-wrap'):
        hours = ui.number(min=0, step=1, suffix='hours').props('outlined').classes('col').mark(f'{name}-hours')
        minutes = (
            ui.number(min=0, max=59, step=1, suffix='min').props('outlined').classes('col').mark(f'{name}-minutes')
        )
    return hours, minutes


def _set_duration(pair: tuple[ui.number, ui.number], minutes: int | None) -> None:
    pair[0].value, pair[1].value = (None, None) if minutes is None else divmod(minutes, 60)


def _minutes_of(pair: tuple[ui.number, ui.number], field: str) -> int | None:
    """Both empty: no time. Otherwise whole hours and minutes (an error at the field if not)."""
    hours, minutes = (_whole(e.value) for e in pair)
    if hours is None and minutes is None:
        return None
    if not all(isinstance(v, int) and v >= 0 for v in (hours or 0, minutes or 0)):
        raise errors.Invalid('Use whole hours and minutes.', field=field)
    return (hours or 0) * 60 + (minutes or 0)


def _whole(value: Any) -> Any:
    """A number field's value as an int when it is a whole number (else as it is, for the domain to refuse)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _hhmm(minute: int) -> str:
    return f'{minute // 60 % 24:02d}:{minute % 60:02d}'


def _time_of(text: str | None, field: str) -> time:
    try:
        return time.fromisoformat((text or '').strip())
    except ValueError:
        raise errors.Invalid('Choose a time such as 09:00.', field=field) from None
