"""A visit window chosen straight from the notification: the service worker POSTs the tapped button here.

POST /visits/choose  {"action": "visit-<window id>"}  needs the signed-in session (the worker's fetch carries
its cookies) and a same-origin request. The answer says what to show instead of the offer: {"ok": true,
"title": ..., "body": ...}; anything else makes the worker open the ticket, where the same choice is one tap.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from models import db, errors, visits, when

from . import who
from .guards import Refused, answer, check_same_origin, json_object, small_body

PATH = visits.VISIT_URL
REFUSAL = 'Visit times are only chosen from Tapdesk itself.'
HINT = 'Send JSON: {"action": "visit-<number>"}.'
STATUS = {errors.NotFound: 404, errors.Forbidden: 403, errors.Conflict: 409}


def setup(api: FastAPI) -> None:
    @api.post(PATH, include_in_schema=False)
    async def choose_from_notification(request: Request) -> JSONResponse:
        try:
            check_same_origin(request, REFUSAL)
            window_id = _window_id(json_object(await small_body(request), HINT))
            await db.ready()
            viewer = await who.viewer()
            if viewer is None:
                raise Refused(401, 'Sign in to Tapdesk to choose the visit time.')
            window = await visits.choose(window_id, actor=viewer)
        except Refused as e:
            return answer(e.status, ok=False, error=str(e))
        except errors.DomainError as e:
            return answer(STATUS.get(type(e), 400), ok=False, error=str(e))
        words = when.window(window.start, window.end, viewer.timezone)
        return answer(
            200,
            ok=True,
            ticket_id=window.ticket_id,
            title=f'Visit planned · #{window.ticket_id}',
            body=f'{words} with {window.technician.first_name}. Tap to open the request.',
        )


def _window_id(data: dict) -> int:
    action = data.get('action')
    if len(data) != 1 or not isinstance(action, str) or not action.startswith('visit-'):
        raise Refused(400, HINT)
    number = action.removeprefix('visit-')
    if not number.isdigit() or len(number) > 10:
        raise Refused(400, HINT)
    return int(number)
