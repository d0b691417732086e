"""The service worker's side of notifications: when the browser replaces a push subscription
(`pushsubscriptionchange`: keys rotated, subscription expired), the worker POSTs the new one here, so
notifications keep coming without the person opening the settings again.

POST /push/subscription-change  {"old_endpoint": str | null, "subscription": {"endpoint", "keys": {p256dh, auth}}}
needs the signed-in session (the worker's fetch carries its cookies) and a same-origin request. The new
device is checked like any other (push-service allow-list, public addresses, real keys) and the old one,
if it was this person's, is removed. GET /push/key gives the public VAPID key a worker needs to subscribe anew.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from models import db, errors, notifications
from pwa import push

from . import who
from .guards import Refused, answer, check_same_origin, json_object, small_body

REFUSAL = 'Only Tapdesk itself can change where notifications go.'
HINT = 'Send JSON: {"old_endpoint": ..., "subscription": {"endpoint": ..., "keys": {"p256dh": ..., "auth": ...}}}.'
MAX_BODY = 4096  # an endpoint URL and two keys: well under 1 KB in practice


def setup(api: FastAPI) -> None:
    @api.get('/push/key', include_in_schema=False)
    def vapid_key() -> Response:
        return Response(push.public_key_b64(), media_type='text/plain', headers={'Cache-Control': 'no-cache'})

    @api.post('/push/subscription-change', include_in_schema=False)
    async def subscription_change(request: Request) -> JSONResponse:
        try:
            check_same_origin(request, REFUSAL)
            data = json_object(await small_body(request, MAX_BODY), HINT)
            old, endpoint, keys = _fields(data)
            await db.ready()
            user = await who.viewer()
            if user is None:
                raise Refused(401, 'Sign in to Tapdesk to keep notifications on for this device.')
            device = await notifications.replace_device(
                user, old_endpoint=old, endpoint=endpoint, keys=keys, user_agent=request.headers.get('user-agent', '')
            )
        except Refused as e:
            return answer(e.status, ok=False, error=str(e))
        except errors.DomainError as e:
            return answer(403 if isinstance(e, errors.Forbidden) else 400, ok=False, error=str(e))
        return answer(200, ok=True, device=device.device)


def _fields(data: dict) -> tuple[str | None, str, dict[str, str]]:
    old = data.get('old_endpoint')
    subscription = data.get('subscription')
    if old is not None and not isinstance(old, str):
        raise Refused(400, HINT)
    if not isinstance(subscription, dict):
        raise Refused(400, HINT)
    endpoint, keys = subscription.get('endpoint'), subscription.get('keys')
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        raise Refused(400, HINT)
    if not all(isinstance(v, str) for v in keys.values()):
        raise Refused(400, HINT)
    return old, endpoint, keys
