"""The installable shell: web app manifest, icons, head tags, service worker, offline page and banner.

(Web Push subscriptions and delivery: pwa/push.py.)
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path
from typing import NamedTuple

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
            'js/page.js',
            'js/offline-queue.js',
            'fonts/material-icons.woff2',
            'icons/icon-192.png',
            'icons/icon-512.png',
            'icons/maskable-512.png',
            'icons/apple-touch-icon.png',
            'icons/badge-96.png',
        )
    },
}

# Before anything else shows: the icons Tapdesk uses (12 KB, pwa/icon_font.py) under NiceGUI's family name, declared
# after NiceGUI's font (126 KB), so that the browser never asks for that one; the phone's own font instead of
# Roboto (one download less); and the frame a page paints before its script runs (`skeleton`).
FIRST_PAINT = f"""
<style>
@font-face {{
  font-family: "Material Icons"; font-style: normal; font-weight: 400; font-display: block;
  src: url({assets.url('fonts/material-icons.woff2')}) format("woff2");
}}
body {{ font-family: system-ui, -apple-system, "Segoe UI", "Helvetica Neue", Arial, sans-serif; }}
.td-skeleton {{ position: fixed; inset: 0; z-index: 0; display: flex; flex-direction: column;
  background: #ffffff; color: #ffffff; font: 500 1.25rem/1 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; }}
.td-skeleton-bar {{ flex: 0 0 56px; background: {THEME}; display: flex; align-items: center; padding: 0 16px; }}
.td-skeleton-bar::before {{ content: attr(data-title); }}  /* drawn, not text of the page: never found in it */
.td-skeleton-main {{ flex: 1 1 auto; width: 100%; max-width: 720px; margin: 0 auto; padding: 12px;
  display: flex; flex-direction: column; gap: 12px; }}
.td-skeleton-card {{ height: 72px; border-radius: 8px; background: #eceff1; }}
.td-skeleton-card.td-short {{ width: 60%; height: 24px; }}
.td-skeleton-nav {{ flex: 0 0 56px; background: #0d47a1; }}
@media (prefers-color-scheme: dark) {{
  .td-skeleton {{ background: #121212; }}
  .td-skeleton-card {{ background: #2a2a2a; }}
}}
body:has(#app > *) .td-skeleton, body:has(#app > *) .td-preview {{ display: none; }}
.td-preview {{ position: fixed; top: 56px; bottom: 56px; left: 0; right: 0; z-index: 1; overflow: hidden;
  background: #ffffff; color: #212121; }}
.td-preview-list {{ max-width: 640px; margin: 0 auto; padding: 12px; }}
.td-preview-row {{ display: flex; gap: 8px; align-items: flex-start; min-height: 56px; padding: 10px 8px;
  color: inherit; text-decoration: none; border-top: 1px solid rgba(0, 0, 0, 0.12); }}
.td-preview-row:first-child {{ border-top: 0; }}
.td-preview-mine {{ flex-direction: column; }}
.td-preview-mine .td-preview-side {{ max-width: 100%; align-items: flex-start; }}
.td-preview-text {{ flex: 1 1 auto; min-width: 0; }}
.td-preview-side {{ flex: 0 1 auto; max-width: 46%; display: flex; flex-direction: column; gap: 4px;
  align-items: flex-end; text-align: center; }}
@media (prefers-color-scheme: dark) {{
  .td-preview {{ background: #121212; color: #ffffff; }}
  .td-preview-row {{ border-top-color: rgba(255, 255, 255, 0.28); }}
}}
</style>
<script>
  // The frame and the first rows (`skeleton`, `preview`) leave the page as soon as the page's script draws it.
  new MutationObserver((_, seen) => {{
    if (!document.getElementById('app')?.firstElementChild) return;
    document.querySelectorAll('.td-skeleton, .td-preview').forEach((shown) => shown.remove());
    seen.disconnect();
  }}).observe(document.documentElement, {{childList: true, subtree: true}});
</script>
"""


def skeleton(title: str, *, nav: bool = True) -> str:
    """The frame of a page (header with its title, placeholders, the bottom bar), in the HTML itself: painted
    as soon as the styles are in, gone once the page's script has drawn the page (`FIRST_PAINT`)."""
    cards = '<div class="td-skeleton-card td-short"></div>' + '<div class="td-skeleton-card"></div>' * 3
    bottom = '<div class="td-skeleton-nav"></div>' if nav else ''
    return (
        f'<div class="td-skeleton" aria-hidden="true"><div class="td-skeleton-bar" data-title="{html.escape(title)}">'
        '</div>'
        f'<div class="td-skeleton-main">{cards}</div>{bottom}</div>'
    )


class PreviewRow(NamedTuple):
    """A list's row as it reads (title, facts, status and service-level chips with their colour class)."""

    href: str
    title: str
    meta: str
    chip: tuple[str, str]
    marker: tuple[str, str] | None = None
    mine: bool = False  # a requester's own: the status under the title, as the live list draws it


def preview(rows: list[PreviewRow]) -> str:
    """A list's first rows in the page's HTML: a slow phone reads them (and can open one, a plain link) before
    the page's script has drawn the live list, which replaces them. Every text is escaped."""
    if not rows:
        return ''

    def chip(words: str, colour: str) -> str:
        return f'<span class="td-chip text-white {html.escape(colour)}">{html.escape(words)}</span>'

    drawn = []
    for row in rows:
        side = chip(*row.chip) + (chip(*row.marker) if row.marker else '')
        drawn.append(
            f'<a class="td-preview-row{" td-preview-mine" if row.mine else ""}" href="{html.escape(row.href)}">'
            '<span class="td-preview-text">'
            f'<span class="td-row-title ellipsis-2-lines">{html.escape(row.title)}</span>'
            f'<span class="td-row-meta" style="display: block">{html.escape(row.meta)}</span></span>'
            f'<span class="td-preview-side">{side}</span></a>'
        )
    return f'<div class="td-preview"><div class="td-preview-list">{"".join(drawn)}</div></div>'


# Constant markup only: never user input here.
HEAD = (
    FIRST_PAINT
    + f'''
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
<meta name="td-script" content="{assets.url('js/page.js')}">
<script>
  // Tapdesk's own scripts (each meta td-script) once the page has loaded: on a slow network they never take
  // bandwidth from what draws the page. They start on their own and wait for NiceGUI's socket.
  addEventListener('load', () => {{
    for (const meta of document.querySelectorAll('meta[name="td-script"]')) {{
      document.head.append(Object.assign(document.createElement('script'), {{src: meta.content}}));
    }}
  }});
</script>
'''
)

# The signed-in pages' script for work with no signal (static/js/offline-queue.js), added by their frame: the
# sign-in page does without it. Cached for a year at its versioned address, kept by the worker, and loaded with
# page.js once the page has loaded (HEAD).
OFFLINE_QUEUE = f'<meta name="td-script" content="{assets.url("js/offline-queue.js")}">'

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
