"""Rating links: GET /rate/<token> shows the five faces, one tap records; POST /rate/<token> is the
service worker's notification action. The token is the credential: no sign-in on either.

A GET never records (mail and link scanners open links by themselves): the page only peeks at the token,
and the tap on it travels over NiceGUI's websocket.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from nicegui import ui

from models import clock, db, errors, notifications, ratings
from models.ratings import Rating
from models.tickets import Ticket
from pwa import assets

from .components import FACES, face_scale
from .guards import Refused, answer, check_same_origin, json_object, small_body

MAX_BODY = 1024  # bytes: {"action": "rate-good"} is 23
STATUS = {errors.Conflict: 409, errors.NotFound: 404, errors.Forbidden: 403, errors.Invalid: 400}
CSS = """
.td-rate-head { gap: 0; }
.td-rate-what { overflow-wrap: anywhere; line-height: 1.35; }
"""


@ui.page(notifications.RATE_PATH + '{token}', title='How did we do? · Tapdesk')
async def rate_page(token: str, score: str = '') -> None:
    await db.ready()
    ui.add_css(CSS)
    with ui.column().classes('td-login full-width q-pa-lg'):
        _brand()
        try:
            ticket, _ = await ratings.peek_token(token, now=clock.now())
        except errors.DomainError as e:
            _refused(e, token)
            return
        with ui.column().classes('full-width') as body:
            _scale(ticket, token, _preselected(score), body)


def _scale(ticket: Ticket, token: str, chosen: int | None, body: ui.column) -> None:
    """The ticket, "How did we do?" and the five faces; the first tap records, later ones do nothing."""
    busy = False

    async def tap(score: int) -> None:
        nonlocal busy
        if busy:  # a double tap: the first one is on its way
            return
        busy = True
        for face in faces:
            face.disable()
        try:
            rating = await ratings.rate_with_token(token, score, now=clock.now())
        except errors.DomainError as e:
            body.clear()
            with body:
                _not_recorded(e, ticket)
            return
        body.clear()
        with body:
            _thanks(rating, ticket)

    with ui.column().classes('td-rate-head full-width'):
        ui.label(f'Request {ticket.number}').classes('text-subtitle2 text-grey-7').mark('number')
        ui.label(ticket.title).classes('text-h6 td-rate-what').mark('title')
    ui.label('How did we do?').classes('text-h5 text-weight-bold')
    faces = list(face_scale(tap, chosen=chosen).mark('faces').default_slot.children)
    hint = f'Tap {ratings.SCALE[chosen]} to send it.' if chosen else 'One tap sends it. No need to sign in.'
    ui.label(hint).classes('text-body2 text-grey-7').mark('hint')


def _thanks(rating: Rating, ticket: Ticket) -> None:
    ui.icon(FACES[rating.score]).classes(f'td-rated-face td-face-{rating.score}')
    ui.label(f'Thanks — you rated it {rating.words}').classes('text-h6').mark('thanks')
    if rating.offers_reopen:
        ui.label('Sorry it did not go well — open the request to reopen it').classes('text-body1').mark('sorry')
    _open_request(ticket.id)


def _not_recorded(error: errors.DomainError, ticket: Ticket) -> None:
    """A tap that did not count: the link was used meanwhile (another tab, a double tap), expired, or the
    request is not fixed any more."""
    ui.icon('info', color='grey-7').classes('text-h3')
    ui.label(str(error)).classes('text-h6').mark('message')
    if isinstance(error, errors.Conflict):
        ui.label('Your rating is in; the request shows it.').classes('text-body1')
    _open_request(ticket.id)


def _refused(error: errors.DomainError, token: str) -> None:
    """Forged, altered, expired or used links: the domain's plain words and a way into Tapdesk."""
    ui.page_title('Rating link · Tapdesk')
    used = isinstance(error, errors.Conflict)
    with ui.column().classes('full-width').mark('refused'):
        ui.icon('task_alt' if used else 'link_off', color='grey-7').classes('text-h2')
        ui.label(str(error)).classes('text-h6').mark('message')
        ticket_id = _ticket_of(token) if used else None
        if used:
            ui.label('Thanks — your rating is in.').classes('text-body1')
        if ticket_id is not None:
            _open_request(ticket_id)
        else:
            _button('Open Tapdesk', '/', 'open-tapdesk')


def _ticket_of(token: str) -> int | None:
    try:
        return ratings.check_token(token, clock.now())[0]
    except errors.DomainError:  # expired since the peek a moment ago
        return None


def _brand() -> None:
    with ui.row().classes('no-wrap').style('align-items: center'):  # .nicegui-row's flex-start beats items-center
        ui.image(assets.url('icons/icon-192.png')).classes('td-logo').props('aria-hidden=true')  # decorative
        ui.label('Tapdesk').classes('text-h5 text-weight-bold')


def _open_request(ticket_id: int) -> None:
    _button('Open the request', f'/t/{int(ticket_id)}', 'open-request')


def _button(text: str, href: str, marker: str) -> None:
    """A real link (works even when the page's connection is gone), shaped as a thumb-sized button."""
    link = ui.button(text).props('unelevated no-caps size=lg color=primary').classes('full-width').mark(marker)
    link.props['href'] = href


def _preselected(score: str) -> int | None:
    """`?score=N` from the link pre-selects a face; anything else is ignored (the tap still decides)."""
    return int(score) if score.isdigit() and int(score) in ratings.SCALE else None


# ---- the service worker's POST ---------------------------------------------------------------------


def setup(api: FastAPI) -> None:
    @api.post(notifications.RATE_PATH + '{token}', include_in_schema=False)
    async def rate_from_notification(token: str, request: Request) -> JSONResponse:
        """{"action": "rate-good" | "rate-poor"} or {"score": 1..5}; same-origin only; the token is the credential."""
        try:
            check_same_origin(request, 'Ratings are only accepted from Tapdesk itself.')
            score = _score_of(await small_body(request, MAX_BODY))
            await db.ready()
            rating = await ratings.rate_with_token(token, score, now=clock.now())
        except Refused as e:
            return answer(e.status, ok=False, error=str(e))
        except errors.DomainError as e:
            return answer(STATUS.get(type(e), 400), ok=False, error=str(e))
        return answer(200, ok=True, score=rating.score, words=rating.words, ticket_id=rating.ticket_id)


def _score_of(body: bytes) -> int:
    """Exactly one of {"action": ...} or {"score": 1..5}, nothing else."""
    data = json_object(body, 'Send JSON: {"action": "rate-good"} or {"score": 1 to 5}.')
    if len(data) != 1 or not ({'action', 'score'} & data.keys()):
        raise Refused(400, 'Send exactly one of "action" or "score".')
    if 'action' in data:
        action = data['action']
        if not isinstance(action, str) or action not in notifications.ACTION_SCORES:
            choices = ', '.join(notifications.ACTION_SCORES)
            raise Refused(400, f'Unknown action; expected one of: {choices}.')
        return notifications.ACTION_SCORES[action]
    score = data['score']
    if type(score) is not int or score not in ratings.SCALE:  # not bool, not 4.0, not "4"
        raise Refused(400, 'The score must be a whole number from 1 to 5.')
    return score
