"""Addresses of this site that a request names, e.g. where to go after signing in (`/login?next=...`).

No imports from the rest of Tapdesk: pages and tests use it without registering any screen.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, else '/'.

    The browser reads the address, not us: it treats a backslash as a slash and drops tabs and newlines, so
    `/\\evil.example` or `/<tab>/evil.example` would lead to another site. Anything unusual goes to '/'."""
    if not target or not target.startswith('/') or _unusual(target):
        return '/'
    parts = urlsplit(target)
    path = unquote(parts.path)  # an encoded '//' or '\\' must not turn into one if something decodes it again
    if parts.scheme or parts.netloc or not path.startswith('/') or _unusual(path):
        return '/'
    return target


def _unusual(text: str) -> bool:
    """'//' at the start, a backslash, whitespace, control or invisible format characters."""
    return text.startswith('//') or any(
        c == '\\' or c.isspace() or unicodedata.category(c).startswith('C') for c in text
    )
