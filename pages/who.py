"""Who is signed in on the browser behind this page or request.

The browser is known by the id in its signed cookie, and the sign-in itself lives in the database
(`models.browsers`), so any instance behind the proxy answers the same: none keeps it in a file of its own.
"""

from __future__ import annotations

from nicegui import app

from models import browsers
from models.users import User


def browser_id() -> str | None:
    """This browser's id from its signed cookie (set on its first request; the same secret on every instance)."""
    value = app.storage.browser.get('id')
    return value if isinstance(value, str) and value else None


async def viewer() -> User | None:
    """The person signed in on this browser, or None."""
    return await browsers.user_of(browser_id())
