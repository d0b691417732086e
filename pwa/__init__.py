"""The installable shell: web app manifest, icons, head tags, service worker, offline page and banner.

(Web Push subscriptions and delivery: pwa/push.py.)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response
from nicegui import __version__ as nicegui_version
from nicegui import ui

from . import assets

HERE = Path(__file__).parent
STATIC = assets.STATIC  # served at /static by pwa/assets.py
THEME = '#1565c0'


def _icon(size: int, purpose: str = 'any', name: str | None = None) -> dict[str, str]:
    return {
        'src': assets.url(f'icons/{name or f"icon-{size}"}.png'),
        'sizes': f'{size}x{size}',
        'type': 'image/png',
        'purpose': purpose,
    }


MANIFEST = {
    'id': '/',
    'name': 'Tapdesk service desk',
    'short_name': 'Tapdesk',
    'description': 'Report an IT issue, follow it live, rate the fix.',
    'lang': 'en-GB',
    'start_url': '/',
    'scope': '/',
    'display': 'standalone',
    'theme_color': THEME,
    'background_color': '#ffffff',
    'categories': ['business', 'productivity', 'utilities'],
    'icons': [_icon(192), _icon(512), _icon(512, 'maskable', 'maskable-512')],
    'shortcuts': [
        {'name': 'New request', 'short_name': 'New', 'url': '/new', 'icons': [_icon(192)]},
        {'name': 'My requests', 'short_name': 'Mine', 'url': '/requests', 'icons': [_icon(192)]},
        {'name': 'Queue', 'url': '/queue', 'icons': [_icon(192)]},
    ],
}

# What the service worker stores when it installs: safe to keep, never a page.
# Static files at their versioned addresses (pwa/assets.py), the worker matches address and query.
SHELL = {
    '/offline': 'offline.html',
    '/manifest.webmanifest': None,
    **{
        assets.url(name): name
        for name in (
            'tapdesk.css',
            'icons/icon-192.png',
            'icons/icon-512.png',
            'icons/maskable-512.png',
            'icons/apple-touch-icon.png',
            'icons/badge-96.png',
        )
    },
}

# Constant markup only: never user input here.
HEAD = f'''
<link rel="manifest" href="/manifest.webmanifest">
<meta name="theme-color" content="{THEME}">
<meta name="apple-mobile-web-app-capable" content="yes">
<meta name="mobile-web-app-capable" content="yes">
<meta name="apple-mobile-web-app-status-bar-style" content="default">
<meta name="apple-mobile-web-app-title" content="Tapdesk">
<link rel="apple-touch-icon" href="{assets.url('icons/apple-touch-icon.png')}">
<link rel="stylesheet" href="{assets.url('tapdesk.css')}">
<script>
  // The browser's time zone, read by the server on the next page load (times are shown in it).
  document.cookie = 'tz=' + encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone)
    + '; path=/; max-age=31536000; samesite=lax';
</script>
<script>
{(HERE / 'page.js').read_text()}</script>
<script>
{(HERE / 'offline-queue.js').read_text()}</script>
'''

OFFLINE_BANNER = '<div class="td-offline" role="status">You\'re offline — what you type is kept</div>'


def worker_script() -> str:
    """sw.js with its configuration; the version changes whenever the worker or anything it precaches does."""
    source = (HERE / 'sw.js').read_text()
    digest = hashlib.sha256(source.encode())
    digest.update(nicegui_version.encode())
    digest.update(json.dumps(MANIFEST, sort_keys=True).encode())
    for file in SHELL.values():
        if file is not None:
            digest.update((STATIC / file).read_bytes())
    config = {
        'version': f'{nicegui_version}-{digest.hexdigest()[:12]}',
        'assets': f'/_nicegui/{nicegui_version}/',
        'shell': list(SHELL),
        'icon': assets.url('icons/icon-192.png'),
        'badge': assets.url('icons/badge-96.png'),
    }
    return f'const TAPDESK = {json.dumps(config)};\n{source}'


def setup(api: FastAPI) -> None:
    assets.setup(api)
    ui.add_head_html(HEAD, shared=True)
    ui.add_body_html(OFFLINE_BANNER, shared=True)
    worker = worker_script()  # computed once per server start
    offline = (STATIC / 'offline.html').read_bytes()
    no_cache = {'Cache-Control': 'no-cache'}

    @api.get('/manifest.webmanifest', include_in_schema=False)
    def manifest() -> Response:
        return Response(json.dumps(MANIFEST), media_type='application/manifest+json', headers=no_cache)

    @api.api_route('/sw.js', methods=['GET', 'HEAD'], include_in_schema=False)
    def service_worker() -> Response:
        return Response(
            worker,
            media_type='application/javascript',
            headers={**no_cache, 'Service-Worker-Allowed': '/', 'X-Content-Type-Options': 'nosniff'},
        )

    @api.get('/offline', include_in_schema=False)
    def offline_page() -> Response:
        return Response(offline, media_type='text/html', headers=no_cache)
