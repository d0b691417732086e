"""After signing in with `/login?next=...`, the browser lands on this site whatever `next` says: the browser,
not the server, reads the address (a backslash counts as a slash, tabs and newlines are dropped)."""

from __future__ import annotations

import asyncio
from urllib.parse import quote, urlsplit

from .conftest import PASSWORD, Server

VARIANTS = [
    '/\\evil.example',  # /%5Cevil.example
    '/\\\\evil.example',
    '/\t/evil.example',  # /%09/evil.example
    '/\n/evil.example',
    '/\\\t/evil.example',
    '//evil.example',
    '///evil.example',
    '/%2F%2Fevil.example',  # encoded twice: stays a path of this site either way
    'https://evil.example/',
    'javascript:location.href="https://evil.example/"',
]


async def final_origin(page: object) -> str:
    """Wait for the navigation after signing in to leave the sign-in page; the origin it ends on."""
    for _ in range(100):
        url = page.url  # type: ignore[attr-defined]
        if '/login' not in url:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)  # a redirect from where it landed (e.g. '/' to '/requests') settles
    parts = urlsplit(page.url)  # type: ignore[attr-defined]
    return f'{parts.scheme}://{parts.netloc}'


async def test_signing_in_never_leads_to_another_site(browser: object, server: Server) -> None:
    landed = {variant: await sign_in_with_next(browser, server, variant) for variant in VARIANTS}
    assert landed == dict.fromkeys(VARIANTS, (server.url, server.url))


async def sign_in_with_next(browser: object, server: Server, variant: str) -> tuple[str, str]:
    """Where a fresh browser ends up after signing in with this `next`, and again once signed in."""
    context = await browser.new_context()  # type: ignore[attr-defined]
    # Nothing here reaches the internet anyway; a navigation elsewhere must not even try.
    await context.route(lambda url: not url.startswith(server.url), lambda route: route.abort())
    page = await context.new_page()
    page.set_default_timeout(15_000)
    await page.goto(f'{server.url}/login?next={quote(variant, safe="")}')
    await page.get_by_label('Email').fill('alex@example.com')
    await page.get_by_label('Password').fill(PASSWORD)
    await page.get_by_role('button', name='Sign in').click()
    after_sign_in = await final_origin(page)
    await page.goto(f'{server.url}/login?next={quote(variant, safe="")}')  # signed in: the server redirects
    signed_in_already = await final_origin(page)
    await context.close()
    return after_sign_in, signed_in_already
