"""Where browsers report what the Content-Security-Policy blocked (pages/headers.py): one warning line per report,
so a policy that breaks a screen is noticed (the browser tests fail on such a line).

POST /api/csp-report  `application/csp-report` ({"csp-report": {...}}, the `report-uri` form) or
`application/reports+json` ([{"type": "csp-violation", "body": {...}}, ...], the Reporting API's form). No sign-in
(browsers send reports without cookies); at most MAX_BODY bytes (413) and RATE reports a minute per client address
(429); answers 204 with no body: nothing sent is ever echoed. Logged addresses keep only their path, with long
segments (rating links' tokens) cut, so no credential ends up in the log.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import Response

from .guards import Refused, answer, small_body
from .headers import REPORT_PATH

MAX_BODY = 8 * 1024  # one report is well under 2 KB; the Reporting API may batch a few
MAX_PER_BODY = 10  # reports logged from one body
RATE = 30  # reports a minute from one client address
WINDOW = 60.0
MAX_ADDRESSES = 10_000  # memory bound of the rate limiter
HINT = 'Send a CSP violation report as application/csp-report or application/reports+json.'
TYPES = ('application/csp-report', 'application/reports+json', 'application/json')

log = logging.getLogger('tapdesk.csp')


class RateLimit:
    """At most `limit` events per `window` seconds for each key, in memory (each instance counts its own)."""

    def __init__(self, limit: int, window: float = WINDOW) -> None:
        self.limit, self.window = limit, window
        self.seen: dict[str, deque[float]] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        times = self.seen.get(key)
        if times is None:
            if len(self.seen) >= MAX_ADDRESSES:
                self.seen.clear()  # a flood of addresses: start counting afresh rather than grow
            times = self.seen[key] = deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True


limit = RateLimit(RATE)


def setup(api: FastAPI) -> None:
    @api.post(REPORT_PATH, include_in_schema=False)
    async def csp_report(request: Request) -> Response:
        try:
            kind = request.headers.get('content-type', '').split(';')[0].strip().lower()
            if kind not in TYPES:
                raise Refused(415, HINT)
            body = await small_body(request, MAX_BODY)
            if not limit.allow(request.client.host if request.client else 'unknown'):
                raise Refused(429, 'Too many reports; try again in a minute.')
            for violation in violations(body)[:MAX_PER_BODY]:
                log.warning(describe(violation))
        except Refused as e:
            return answer(e.status, error=str(e))
        return Response(status_code=204, headers={'Cache-Control': 'no-store'})


def violations(body: bytes) -> list[dict[str, Any]]:
    """The reports in a body of either form, as the `report-uri` form's field names."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused(400, HINT) from None
    if isinstance(data, dict) and isinstance(data.get('csp-report'), dict):
        return [data['csp-report']]
    if isinstance(data, list) and data and all(isinstance(r, dict) and isinstance(r.get('body'), dict) for r in data):
        return [_legacy(r['body'], r.get('url')) for r in data if r.get('type') == 'csp-violation']
    raise Refused(400, HINT)


def _legacy(body: dict[str, Any], url: Any) -> dict[str, Any]:
    return {
        'effective-directive': body.get('effectiveDirective'),
        'blocked-uri': body.get('blockedURL'),
        'document-uri': body.get('documentURL') or url,
        'source-file': body.get('sourceFile'),
        'line-number': body.get('lineNumber'),
    }


def describe(report: dict[str, Any]) -> str:
    """One log line: 'CSP violation: script-src-elem blocked inline on /login (/login:12)'."""
    directive = _word(report.get('effective-directive') or report.get('violated-directive'))
    blocked = _address(report.get('blocked-uri'))
    page = _address(report.get('document-uri'))
    line = f'CSP violation: {directive} blocked {blocked} on {page}'
    source, number = report.get('source-file'), report.get('line-number')
    if source:
        line += f' ({_address(source)}{f":{number}" if isinstance(number, int) else ""})'
    return line


def _word(value: Any) -> str:
    text = value.split()[0] if isinstance(value, str) and value.strip() else 'unknown'
    return _printable(text)[:60]


def _address(value: Any) -> str:
    """'inline', 'eval', a scheme ('data') or an address's origin and path, tokens cut; never the query."""
    if not isinstance(value, str) or not value:
        return 'unknown'
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc:
        return _printable(value.split(':')[0])[:40]
    path = '/'.join('…' if len(segment) > 32 else segment for segment in parts.path.split('/'))
    return _printable(f'{parts.scheme}://{parts.netloc}{path}')[:200]


def _printable(text: str) -> str:
    return ''.join(c if c.isprintable() else '?' for c in text)
