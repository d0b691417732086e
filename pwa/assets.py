"""Tapdesk's own static files (static/: CSS, icons) at addresses that carry their content's hash.

`url('tapdesk.css')` is '/static/tapdesk.css?v=<hash>': asked for with the current hash, a file is cached for a year
and never revalidated (like NiceGUI's /_nicegui/<version>/ assets); a deploy that changes it changes its address.
Without the hash, or with an old one, it is served for revalidation only (`no-cache`, ETag): old pages and
notifications keep working and never pin a stale copy.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / 'static'
PREFIX = '/static/'
IMMUTABLE = 'public, max-age=31536000, immutable'
REVALIDATE = 'no-cache'


def _versions() -> dict[str, str]:
    return {
        p.relative_to(STATIC).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()[:12]
        for p in sorted(STATIC.rglob('*'))
        if p.is_file()
    }


VERSIONS = _versions()  # read once per server start, like the files a deploy brings


def url(name: str) -> str:
    """The versioned address of static/<name>; an unknown name is a programming error."""
    return f'{PREFIX}{name}?v={VERSIONS[name]}'


def setup(api: FastAPI) -> None:
    files = StaticFiles(directory=STATIC)

    @api.api_route(PREFIX + '{path:path}', methods=['GET', 'HEAD'], include_in_schema=False)
    async def static_file(request: Request, path: str) -> Response:
        response = await files.get_response(path, request.scope)
        current = response.status_code in (200, 304) and request.query_params.get('v') == VERSIONS.get(path)
        response.headers['Cache-Control'] = IMMUTABLE if current else REVALIDATE
        return response
