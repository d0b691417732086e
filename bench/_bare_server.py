"""Bench-only baseline: a bare NiceGUI app with one typical page of ~40 elements.

Started by bench/live_latency.py as `python bench/_bare_server.py PORT RECONNECT_TIMEOUT` (NICEGUI_STORAGE_PATH in a
temporary directory). It runs with the same ui.run options as Tapdesk's main.serve, so that only the page and the
domain differ. POST /__bench/change sets one label's text on every open page (the "domain change").
"""

from __future__ import annotations

import secrets
import sys
import time

from _bench_routes import add_routes  # bench/ is sys.path[0]
from fastapi import Request
from nicegui import app, ui

PAGE = '/item'
LABELS: dict[str, ui.label] = {}  # client id -> the label a change updates


@ui.page(PAGE)
def item_page() -> None:
    client = ui.context.client
    ui.colors(primary='#1565c0')
    with ui.header().classes('q-pa-none'), ui.row().classes('items-center no-wrap full-width q-px-sm'):
        ui.button(icon='arrow_back').props('flat round color=white')
        ui.label('Item #1').classes('text-h6')
        ui.space()
        ui.button(icon='account_circle').props('flat round color=white')
    with ui.column().classes('full-width q-pa-md'):
        with ui.card().classes('full-width'):
            ui.label('Printer on the 3rd floor jams on every page').classes('text-h6')
            with ui.row().classes('items-center q-gutter-sm'):
                ui.label('In progress').classes('bg-blue-7 text-white q-px-sm')
                ui.label('Printing · Normal priority').classes('text-caption')
            ui.label('From Alex · With Sam · Sent 09:12').classes('text-body2')
        with ui.row().classes('full-width q-gutter-sm'):
            ui.button('Start work', icon='build').props('unelevated no-caps')
            ui.button('Ask requester', icon='help_outline').props('outline no-caps')
            ui.button('Resolve', icon='task_alt').props('unelevated no-caps color=positive')
        with ui.column().classes('full-width'):
            for i in range(5):
                with ui.element('div').classes('q-pa-sm'):
                    ui.label(f'Person {i} · replied · 09:{10 + i}')
                    ui.label(f'Message number {i}: a line of text as people write it.')
            status = ui.label('Nothing new yet.').classes('text-body1')
        with ui.card().classes('full-width'):
            ui.textarea(placeholder='Write a reply…').props('outlined autogrow').classes('full-width')
            with ui.row().classes('full-width items-center no-wrap'):
                ui.button(icon='add_a_photo').props('flat round')
                ui.checkbox('Internal note')
                ui.input('Tag')
                ui.space()
                ui.button('Send', icon='send').props('unelevated no-caps')
    with ui.footer().classes('q-pa-none'), ui.row().classes('no-wrap full-width'):
        for label, icon in [('Queue', 'inbox'), ('Mine', 'assignment_ind'), ('Manage', 'tune')]:
            ui.button(label, icon=icon).props('flat stack no-caps color=white').classes('col')
    LABELS[client.id] = status
    client.on_delete(lambda: LABELS.pop(client.id, None))


@app.post('/__bench/session')
def _session() -> dict:
    app.storage.user['visited'] = True  # gives this "browser" its session cookie, like a signed-in Tapdesk user
    return {'user': 'bare'}


@app.get('/__bench/ready')
def _ready() -> dict:
    return {'page': PAGE}


@app.post('/__bench/change')
async def _change(request: Request) -> dict:
    text = (await request.json())['text']
    for label in list(LABELS.values()):
        label.set_text(text)
    return {'changed': len(LABELS), 'server_time': time.time()}


add_routes(lambda c: c.page.path == PAGE)


if __name__ == '__main__':
    ui.run(
        host='127.0.0.1',
        port=int(sys.argv[1]),
        title='Bare',
        dark=None,
        tailwind=False,
        storage_secret=secrets.token_urlsafe(48),
        session_middleware_kwargs={'https_only': False, 'same_site': 'lax', 'max_age': 30 * 86400},
        reconnect_timeout=float(sys.argv[2]),
        reload=False,
        show=False,
        show_welcome_message=False,
        language='en-GB',
    )
