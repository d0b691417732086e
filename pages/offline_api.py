"""Work with no signal, the page side: POST /api/actions (what static/js/offline-queue.js sends when the phone is back)
and the ticket page's offline panel (plain HTML that works while NiceGUI's socket is down).

POST /api/actions  one action {"id": uuid, "user": id, "ticket_id": n, "type": str, "payload": {...}, "made_at": iso}
                   or {"actions": [up to 20 of them, in order]}
Needs the signed-in session and a same-origin request. Answers {"id", "result": "applied" | "refused" |
"duplicate", "sentence", "text"?} (a batch: {"results": [...]}, in the same order). "duplicate" means the id was
applied before and nothing was done now; a retried refusal answers "refused" again with the same sentence and text.
`user` is who queued the action on this phone: if someone else is signed in now it is not applied (409).
"""

from __future__ import annotations

import html
import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from nicegui import ui

from models import db, errors, offline, settings
from models.records import TRANSITIONS
from models.tickets import Ticket
from models.users import User

from . import who
from .guards import Refused, answer, check_same_origin, json_object, small_body

REFUSAL = 'Only Tapdesk itself can send what was kept on this phone.'
HINT = 'Send JSON: one action {"id", "ticket_id", "type", "payload"} or {"actions": [...]}.'
MAX_BATCH = 20
ROOM = 64 * 1024  # bytes beyond one photo's base64 for the action's other fields


def max_body() -> int:
    """One photo at the upload limit, as base64 (4/3 of its size), and the rest of its action."""
    return settings.settings.max_upload_bytes * 4 // 3 + ROOM


def setup(api: FastAPI) -> None:
    @api.post('/api/actions', include_in_schema=False)
    async def actions(request: Request) -> JSONResponse:
        try:
            check_same_origin(request, REFUSAL)
            data = json_object(await small_body(request, max_body()), HINT)
            await db.ready()
            viewer = await who.viewer()
            if viewer is None:
                raise Refused(401, 'Sign in to Tapdesk to send what was kept on this phone.')
            batch = 'actions' in data
            queued = _owned(viewer, _actions(data))
            results = [_json(await offline.apply(viewer, action)) for action in queued]
        except Refused as e:
            return answer(e.status, error=str(e))
        except errors.DomainError as e:
            return answer(400, error=str(e))
        return answer(200, results=results) if batch else answer(200, **results[0])


def _actions(data: dict[str, Any]) -> list[dict[str, Any]]:
    if 'actions' not in data:
        return [data]
    listed = data['actions']
    if len(data) != 1 or not isinstance(listed, list) or not listed:
        raise Refused(400, HINT)
    if len(listed) > MAX_BATCH:
        raise Refused(400, f'Send at most {MAX_BATCH} actions at a time.')
    if not all(isinstance(a, dict) for a in listed):
        raise Refused(400, HINT)
    return listed


def _owned(viewer: User, listed: list[dict[str, Any]]) -> list[offline.Action]:
    """Every action checked before any is applied; each must be the signed-in person's own."""
    checked = []
    for data in listed:
        data = dict(data)
        owner = data.pop('user', viewer.id)
        if owner != viewer.id:
            raise Refused(409, 'These were kept on this phone for someone else; they sign in to send them.')
        checked.append(offline.parse(data))
    return checked


def _json(outcome: offline.Outcome) -> dict[str, Any]:
    result = 'duplicate' if outcome.duplicate and outcome.result == offline.Result.APPLIED else outcome.result.value
    found: dict[str, Any] = {'id': outcome.id, 'result': result, 'sentence': outcome.sentence}
    if outcome.text:
        found['text'] = outcome.text
    return found


# ---- the panel --------------------------------------------------------------------------------------------


def panel(viewer: User, ticket: Ticket) -> None:
    """The offline panel of a ticket page, for staff: hidden until the connection drops (static/js/offline-queue.js).

    NiceGUI's buttons and dialogs need the socket, so this is plain HTML with no server events: the script
    keeps what is done here on the phone and sends it to POST /api/actions when the connection is back."""
    moves = {status.value: sorted(m.value for m in allowed) for status, allowed in TRANSITIONS.items()}
    data = {
        'data-td-offline-panel': '',
        'data-ticket': str(int(ticket.id)),
        'data-user': str(int(viewer.id)),
        'data-moves': json.dumps(moves),
    }
    attributes = ' '.join(f'{name}="{html.escape(value)}"' for name, value in data.items())
    ui.html(PANEL.format(attributes=attributes, ticket=int(ticket.id), user=int(viewer.id)), sanitize=False).classes(
        'full-width'
    ).mark('offline-panel')


# Constant markup with numbers only: nothing a person typed goes in here.
PANEL = """<section class="td-offline-panel" {attributes} aria-label="Work with no signal">
<p class="td-op-intro">No signal: what you do here is kept on this phone and sent when you're back.</p>
<textarea class="td-op-field" data-op-field="text" data-draft="{user}:t{ticket}:offline-note" rows="3"
  placeholder="Write it now, it is sent when you are back online…" aria-label="Reply or note"></textarea>
<div class="td-op-row">
  <label class="td-op-check"><input type="checkbox" data-op-field="internal"> Internal note</label>
  <label class="td-op-button td-op-outline" data-op-needs="open">Photo
    <input type="file" accept="image/*" data-op="photo" hidden></label>
  <button type="button" class="td-op-button" data-op="note">Keep reply</button>
</div>
<div class="td-op-row" data-op-needs="on_the_way">
  <label class="td-op-minutes">in <input type="number" inputmode="numeric" min="1" max="720" value="20"
    data-op-field="minutes" aria-label="Minutes until you arrive"> min</label>
  <button type="button" class="td-op-button td-op-outline" data-op="on_the_way">On my way</button>
</div>
<div class="td-op-row" data-op-needs="arrived">
  <button type="button" class="td-op-button" data-op="arrived">Check in on site</button>
</div>
<div class="td-op-checks" data-op-needs="checks">
  <p class="td-op-heading">Checklist</p>
  <div data-op-checks></div>
</div>
<div data-op-needs="resolved">
  <textarea class="td-op-field" data-op-field="summary" data-draft="{user}:t{ticket}:offline-fix" rows="2"
    placeholder="What fixed it?" aria-label="Fix summary"></textarea>
  <button type="button" class="td-op-button td-op-positive" data-op="resolve" data-op-needs="not_on_site">Mark
    fixed</button>
  <div class="td-op-row" data-op-needs="leaving">
    <button type="button" class="td-op-button td-op-positive" data-op="leaving_fixed">Fixed, leaving</button>
    <button type="button" class="td-op-button td-op-outline" data-op="leaving_again">Leaving, another visit needed
    </button>
  </div>
</div>
<p class="td-op-error" role="alert" data-op-error></p>
</section>"""
