"""Guards for Tapdesk's few plain HTTP routes that a service worker POSTs to (not NiceGUI pages)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse

MAX_BODY = 1024  # bytes, unless a route says otherwise


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def check_same_origin(request: Request, refusal: str) -> None:
    """Refuse cross-site posts: the browser's Origin must name this host (or, without an Origin, the browser
    must say the request is same-origin). Behind a proxy, the proxy must pass the original Host header."""
    site = request.headers.get('sec-fetch-site')
    origin = request.headers.get('origin')
    if site is not None and site != 'same-origin':
        raise Refused(403, refusal)
    if origin is None:
        if site == 'same-origin':
            return
        raise Refused(403, refusal)
    parts = urlsplit(origin)
    host = request.headers.get('host', '')
    if parts.scheme not in ('http', 'https') or not host or parts.netloc.lower() != host.lower():
        raise Refused(403, refusal)


async def small_body(request: Request, limit: int = MAX_BODY) -> bytes:
    declared = request.headers.get('content-length', '')
    if declared.isdigit() and int(declared) > limit:
        raise Refused(413, f'The request is too large (at most {limit} bytes).')
    body = b''
    async for chunk in request.stream():  # no Content-Length (chunked): count as it comes
        body += chunk
        if len(body) > limit:
            raise Refused(413, f'The request is too large (at most {limit} bytes).')
    return body


def json_object(body: bytes, hint: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused(400, hint) from None
    if not isinstance(data, dict):
        raise Refused(400, hint)
    return data


def answer(status: int, **content: Any) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers={'Cache-Control': 'no-store'})
