"""Where signing in leads: only ever a path of this site (models/paths.py `safe_next`, used by pages/auth.py)."""

from __future__ import annotations

import pytest

from models.paths import safe_next

# Each of these leads a browser to another site (or runs script) if used as an address as it is.
LEAVES_THE_SITE = [
    '//evil.example',
    '///evil.example',
    '////evil.example',
    '/\\evil.example',
    '/\\\\evil.example',
    '\\\\evil.example',
    '\\/evil.example',
    '/\\/evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '\t//evil.example',
    ' //evil.example',
    '/ /evil.example',
    '/\x00/evil.example',
    '/\x0b/evil.example',
    '/\x1f/evil.example',
    '/\x7f/evil.example',
    '/\u200b/evil.example',
    '/\u3000/evil.example',
    '/%2F%2Fevil.example',
    '/%2f/evil.example',
    '/%5Cevil.example',
    '/%5c%5cevil.example',
    '/%09/evil.example',
    'https://evil.example',
    'http:evil.example',
    'https:/evil.example',
    '//evil.example/requests',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'evil.example',
    '',
    None,
]

STAYS_ON_THE_SITE = ['/', '/requests', '/t/12', '/t/12?sent=1', '/queue?view=mine', '/settings#push', '/new?service=3']


@pytest.mark.parametrize('target', LEAVES_THE_SITE, ids=repr)
def test_an_address_that_could_leave_the_site_becomes_the_start_page(target: str | None) -> None:
    assert safe_next(target) == '/'


@pytest.mark.parametrize('target', STAYS_ON_THE_SITE)
def test_a_path_of_this_site_is_kept(target: str) -> None:
    assert safe_next(target) == target
