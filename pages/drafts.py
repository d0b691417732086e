"""Drafts: what someone types in a marked field is kept on their device until it is sent.

NiceGUI keeps a page's state on the server for TAPDESK_RECONNECT_TIMEOUT after its connection drops; after a
longer outage (a lift, a basement, a server restart) the page reloads when the connection is back, and the
text in its fields would be gone. static/js/page.js keeps every field marked here in the browser's localStorage as it
is typed, puts it back into the field when the page is built again, and forgets it when the server says it was
sent (`forget`) or the person signs out. The key names the person, so on a shared device nobody sees another's
draft; it is never sent anywhere by itself.
"""

from __future__ import annotations

import json

from nicegui import ui

from models.users import User


def keep(element: ui.element, viewer: User, name: str) -> str:
    """Mark `element` (an input or textarea) as a draft named `name` for `viewer`; returns its key."""
    key = f'{viewer.id}:{name}'
    element.props['data-draft'] = key  # QInput passes attributes that are not its props to the native field
    return key


def forget(*keys: str) -> None:
    """After the text was sent (call in the page's context)."""
    ui.run_javascript(f'window.tdDrafts?.forget({json.dumps(list(keys))})')


def forget_all() -> None:
    """On sign-out: no draft, and no action kept offline (static/js/offline-queue.js), stays behind on a shared
    device."""
    ui.run_javascript('window.tdDrafts?.forgetAll(); window.tdQueue?.forgetAll()')
