"""The installable shell: web app manifest, icons, head tags. (Service worker and push: see the PWA issue.)"""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.responses import Response
from nicegui import ui

THEME = '#1565c0'

MANIFEST = {
    'name': 'Tapdesk service desk',
    'short_name': 'Tapdesk',
    'description': 'Report an IT issue, follow it live, rate the fix.',
    'start_url': '/',
    'scope': '/',
    'display': 'standalone',
    'theme_color': THEME,
    'background_color': '#ffffff',
    'icons': [
        {'src': '/static/icons/icon-192.png', 'sizes': '192x192', 'type': 'image/png'},
        {'src': '/static/icons/icon-512.png', 'sizes': '512x512', 'type': 'image/png'},
        {'src': '/static/icons/maskable-512.png', 'sizes': '512x512', 'type': 'image/png', 'purpose': 'maskable'},
    ],
    'shortcuts': [
        {'name': 'New request', 'url': '/new', 'icons': [{'src': '/static/icons/icon-192.png', 'sizes': '192x192'}]},
        {'name': 'My requests', 'url': '/requests'},
        {'name': 'Queue', 'url': '/queue'},
    ],
}

# Constant markup only: never user input here.
HEAD = f'''
<link rel="manifest" href="/manifest.webmanifest">
<meta name="theme-color" content="{THEME}">
<meta name="apple-mobile-web-app-capable" content="yes">
<meta name="mobile-web-app-capable" content="yes">
<meta name="apple-mobile-web-app-status-bar-style" content="default">
<meta name="apple-mobile-web-app-title" content="Tapdesk">
<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">
<link rel="stylesheet" href="/static/tapdesk.css">
<script>
  // The browser's time zone, read by the server on the next page load (times are shown in it).
  document.cookie = 'tz=' + encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone)
    + '; path=/; max-age=31536000; samesite=lax';
</script>
'''


def setup(api: FastAPI) -> None:
    ui.add_head_html(HEAD, shared=True)

    @api.get('/manifest.webmanifest', include_in_schema=False)
    def manifest() -> Response:
        return Response(
            json.dumps(MANIFEST), media_type='application/manifest+json', headers={'Cache-Control': 'no-cache'}
        )
