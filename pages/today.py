"""Today: a technician's home on the phone. Today's jobs in visit order, then tomorrow, later and no date
yet; each row says when, where, who and what comes next; one tap opens the job. Live."""

from __future__ import annotations

import asyncio

from fastapi import Request
from nicegui import ui

from models import clock, events, today, when
from models.today import Day, Job
from models.users import User

from .components import MARKERS
from .job_map import JobMap
from .layout import STAFF, STATUS_COLOURS, frame, live, signed_in

REFRESH_SECONDS = 60  # a job turns at risk or overdue as time passes
MAP_AFTER_SECONDS = 0.05  # the map is built once the page is up: the list shows first, even on a slow phone
SETTLE_SECONDS = 0.2  # several changes in a burst read the day once


@ui.page('/today')
@signed_in(roles=STAFF, otherwise='/requests')
async def today_page(request: Request, viewer: User) -> None:
    view = TodayView(viewer)
    with frame('Today', viewer):
        await view.load()
        view.sections()
        view.map = JobMap()
        view.later_sections()
        ui.button('Your figures', icon='insights', on_click=lambda: ui.navigate.to('/my-figures')).props(
            'flat no-caps size=lg'
        ).classes('full-width').mark('to-my-figures')
        ui.timer(MAP_AFTER_SECONDS, view.show_map, once=True)
        ui.timer(REFRESH_SECONDS, view.reload, immediate=False)
    live(events.QUEUE, view.changed)
    return None


class TodayView:
    def __init__(self, viewer: User) -> None:
        self.viewer = viewer
        self.day = Day()
        self.ids: set[int] = set()
        self._pending: asyncio.Task[None] | None = None
        self.map: JobMap | None = None
        self.map_started = False

    async def load(self) -> None:
        self.day = await today.plan(self.viewer, now=clock.now())
        self.ids = {
            j.ticket.id for part in (self.day.today, self.day.tomorrow, self.day.later, self.day.undated) for j in part
        }

    async def reload(self) -> None:
        await self.load()
        self.sections.refresh()
        self.later_sections.refresh()
        if self.map_started:
            self.show_map()

    def show_map(self) -> None:
        """Today's jobs with a shared place, on a map below today's list (none when no job has one)."""
        self.map_started = True
        if self.map is not None:
            self.map.show(self.day.today)

    async def changed(self, event: events.TicketChanged) -> None:
        """A job of mine changed, or a ticket was given to someone (maybe me): read the day again, once."""
        if event.ticket_id not in self.ids and event.kind != 'assigned':
            return
        await asyncio.sleep(SETTLE_SECONDS)
        await self.reload()

    @ui.refreshable_method
    def sections(self) -> None:
        now = clock.now()
        d = self.day
        if not len(d):
            ui.label('No jobs for you right now. The queue has the new ones.').classes('text-grey-7 q-pa-md').mark(
                'no-jobs'
            )
            return
        self.section(f'Today · {when.day(now, self.viewer.timezone)}', d.today, 'today', empty='Nothing booked today.')

    @ui.refreshable_method
    def later_sections(self) -> None:
        d = self.day
        self.section('Tomorrow', d.tomorrow, 'tomorrow')
        self.section('Later', d.later, 'later')
        self.section('No date yet', d.undated, 'undated')

    def section(self, title: str, jobs: list[Job], marker: str, *, empty: str = '') -> None:
        if not jobs and not empty:
            return
        ui.label(title).classes('td-day-title text-subtitle1 text-weight-bold').mark(f'section-{marker}')
        if not jobs:
            ui.label(empty).classes('text-grey-7 text-body2')
        with ui.list().classes('full-width td-list').mark(f'jobs-{marker}'):
            for job in jobs:
                self.row(job)

    def row(self, job: Job) -> None:
        t, tz = job.ticket, self.viewer.timezone
        with ui.item().props(f'clickable tag=a href=/t/{t.id}').classes('td-row td-job').mark(f'job-{t.id}'):
            with ui.item_section():
                if job.window is not None:
                    ui.label(when.window(job.window.start, job.window.end, tz)).classes('td-job-when').mark(
                        f'job-window-{t.id}'
                    )
                ui.label(f'{t.number} {t.title}').classes('td-row-title ellipsis-2-lines')
                place = f' · {t.location}' if t.location else ''
                ui.label(f'{t.service.name}{place} · {t.requester.name}').classes('td-row-meta')
                ui.label(job.next_step).classes('td-job-next').mark(f'job-next-{t.id}')
            with ui.item_section().props('side top').classes('td-row-side'):
                colour = STATUS_COLOURS[t.status]
                ui.label(short_status(job)).classes(f'td-chip text-white bg-{colour}')
                if job.due is not None and job.due.state is not None:
                    words, marker_colour = MARKERS[job.due.state]
                    ui.label(words).classes(f'td-chip td-marker text-white bg-{marker_colour}').mark(
                        f'job-marker-{t.id}'
                    )


def short_status(job: Job) -> str:
    if job.on_site:
        return 'On site'
    return {
        'new': 'New',
        'visit_planned': 'Visit',
        'on_the_way': 'On the way',
        'waiting_part': 'Part',
        'waiting': 'Waiting',
        'assigned': 'New',
        'reopened': 'Reopened',
        'in_progress': 'Working',
    }.get(job.ticket.status.value, job.ticket.status.value)
