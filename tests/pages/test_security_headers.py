"""Every response carries the browser's defences (pages/headers.py): walks every route the app has, signed in and
out, so a new route cannot go without them; and Tapdesk's own static files are cached by version."""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace

import httpx
import pytest
from nicegui import __version__ as nicegui_version
from nicegui import app
from nicegui.testing import User

from models import clock, ratings, tickets
from pwa import assets

from .conftest import sign_in

V = f'/_nicegui/{nicegui_version}'
SAME_ORIGIN = {'Origin': 'http://test'}
JSON = {**SAME_ORIGIN, 'Content-Type': 'application/json'}
SIGNED_IN_PAGES = [
    '/',
    '/today',
    '/queue',
    '/dispatch',
    '/measures',
    '/measures/tickets',
    '/measures/weekly',
    '/my-figures',
    '/gaps',
    '/gaps/{kind}',
    '/actions',
    '/actions/{number}',
    '/manage',
    '/service-levels',
    '/checklists',
    '/checklists/{service}',
    '/requests',
    '/new',
    '/settings',
    '/t/{ticket}',
    '/articles',
    '/articles/new',
    '/articles/{number}',
    '/articles/{number}/suggest',
    '/help',
    '/helping',
    '/helping/{ticket}',
    '/thanks',
    '/me',
]

# Route pattern → the requests that exercise it ({ticket}, {token}, {service} filled in by the test).
WALK: dict[str, list[tuple[str, str, dict[str, str], str]]] = {
    '/_nicegui_ws': [('GET', '/_nicegui_ws/socket.io/?EIO=4&transport=polling', {}, '')],
    f'{V}/static': [('GET', f'{V}/static/nicegui.js', {}, ''), ('GET', f'{V}/static/no-such-file.js', {}, '')],
    f'{V}/libraries/{{key:path}}': [('GET', f'{V}/libraries/no-such-library', {}, '')],
    f'{V}/components/{{key:path}}': [('GET', f'{V}/components/no-such-component', {}, '')],
    f'{V}/resources/{{key}}/{{path:path}}': [('GET', f'{V}/resources/none/x.js', {}, '')],
    f'{V}/dynamic_resources/{{name}}': [('GET', f'{V}/dynamic_resources/none.js', {}, '')],
    f'{V}/esm/{{key}}/{{path:path}}': [('GET', f'{V}/esm/none/x.js', {}, '')],
    '/login': [('GET', '/login', {}, '')],
    '/rate/{token}': [
        ('GET', '/rate/{token}', {}, ''),
        ('GET', '/rate/not-a-token', {}, ''),
        ('POST', '/rate/{token}', JSON, '{"score": 5}'),
        ('POST', '/rate/{token}', JSON, 'not json'),
    ],
    '/static/{path:path}': [
        ('GET', assets.url('tapdesk.css'), {}, ''),
        ('GET', assets.url('icons/icon-192.png'), {}, ''),
        ('HEAD', assets.url('icons/badge-96.png'), {}, ''),
        ('GET', '/static/tapdesk.css', {}, ''),
        ('GET', '/static/no-such-file.css', {}, ''),
    ],
    '/manifest.webmanifest': [('GET', '/manifest.webmanifest', {}, '')],
    '/sw.js': [('GET', '/sw.js', {}, ''), ('HEAD', '/sw.js', {}, '')],
    '/offline': [('GET', '/offline', {}, '')],
    '/files/{attachment_id}/{variant}': [('GET', '/files/1/preview', {}, '')],
    '/api/csp-report': [('POST', '/api/csp-report', {'Content-Type': 'application/csp-report'}, '{}')],
    '/push/key': [('GET', '/push/key', {}, '')],
    '/push/subscription-change': [('POST', '/push/subscription-change', JSON, '{}')],
    '/visits/choose': [('POST', '/visits/choose', JSON, '{"action": "visit-1"}')],
    '/api/actions': [('POST', '/api/actions', JSON, '{}')],
    '/favicon.ico': [('GET', '/favicon.ico', {}, '')],
    '/healthz': [('GET', '/healthz', {}, '')],
    '/export/tickets.csv': [('GET', '/export/tickets.csv', {}, ''), ('GET', '/export/tickets.csv?days=x', {}, '')],
    '/export/measures.csv': [('GET', '/export/measures.csv', {}, ''), ('GET', '/export/measures.csv?by=x', {}, '')],
    '/export/trend.csv': [('GET', '/export/trend.csv', {}, ''), ('GET', '/export/trend.csv?period=x', {}, '')],
    '/export/gaps.csv': [('GET', '/export/gaps.csv', {}, ''), ('GET', '/export/gaps.csv?by=x', {}, '')],
    '/help/a/{number}': [('GET', '/help/a/1', {}, ''), ('GET', '/help/a/none', {}, '')],
    '/help/a/{number}/vote': [('POST', '/help/a/1/vote', {'Content-Type': 'application/x-www-form-urlencoded'}, 'x=1')],
    **{page.replace('{service}', '{service_id}').replace('{ticket}', '{ticket_id}'): [] for page in SIGNED_IN_PAGES},
}
NOT_FOUND = [('GET', '/no-such-page', {}, ''), ('GET', '/api/no-such-route', {}, ''), ('POST', '/login', {}, '')]


def defended(response: httpx.Response) -> list[str]:
    """What is missing from the response's defences (empty: all there)."""
    h = response.headers
    csp = h.get('content-security-policy', '')
    wanted = {
        'nosniff': h.get('x-content-type-options') == 'nosniff',
        'frame-ancestors': "frame-ancestors 'none'" in csp,
        'script-src': re.search(r"script-src 'self' 'nonce-[\w-]+' 'unsafe-eval'(;|$)", csp) is not None,
        'object-src': "object-src 'none'" in csp,
        'report-uri': 'report-uri /api/csp-report' in csp,
        'x-frame-options': h.get('x-frame-options') == 'DENY',
        'referrer-policy': h.get('referrer-policy') in ('same-origin', 'no-referrer'),
        'permissions-policy': {'camera=(self)', 'geolocation=(self)', 'microphone=()'}
        <= set(h.get('permissions-policy', '').split(', ')),
        'coop': h.get('cross-origin-opener-policy') == 'same-origin',
    }
    return [name for name, ok in wanted.items() if not ok]


def routes() -> Iterator[str]:
    for route in app.routes:
        yield route.path  # type: ignore[attr-defined]


@pytest.fixture
async def filled(people: SimpleNamespace) -> dict[str, str]:
    ticket = await tickets.create_ticket(requester=people.requester, service_id=people.wifi.id, title='No Wi-Fi')
    await tickets.take(ticket.id, technician=people.technician)
    fixed = await tickets.resolve(ticket.id, 'Replaced the access point', actor=people.technician)
    token = ratings.issue_token(fixed, people.requester, clock.now())
    return {'{ticket}': str(ticket.id), '{token}': token, '{service}': str(people.wifi.id)}


async def walk(user: User, requests: list[tuple[str, str, dict[str, str], str]], filled: dict[str, str]) -> list[str]:
    failures = []
    for method, url, headers, body in requests:
        for name, value in filled.items():
            url = url.replace(name, value)
        response = await user.http_client.request(method, url, headers=headers, content=body, follow_redirects=False)
        if missing := defended(response):
            failures.append(f'{method} {url} ({response.status_code}): no {", ".join(missing)}')
    return failures


def test_the_walk_covers_every_route_of_the_app(user: User) -> None:
    unwalked = sorted(set(routes()) - set(WALK))
    assert unwalked == [], 'new routes: add them to WALK so their headers are checked'
    assert sorted(set(WALK) - set(routes())) == [], 'WALK lists routes the app does not have'


async def test_every_route_answers_with_the_headers_signed_out(user: User, filled: dict[str, str]) -> None:
    pages = [('GET', page, {}, '') for page in SIGNED_IN_PAGES]  # redirects to sign-in
    failures = await walk(user, [r for rs in WALK.values() for r in rs] + pages + NOT_FOUND, filled)
    assert failures == []


@pytest.mark.parametrize('who', ['requester', 'technician', 'manager'])
async def test_every_page_answers_with_the_headers_signed_in(
    user: User, people: SimpleNamespace, filled: dict[str, str], who: str
) -> None:
    await sign_in(user, getattr(people, who).email)
    pages = [('GET', page, {}, '') for page in SIGNED_IN_PAGES]
    api = [
        r for path in ('/push/key', '/visits/choose', '/api/actions', '/push/subscription-change') for r in WALK[path]
    ]
    assert await walk(user, pages + api + NOT_FOUND, filled) == []


async def test_each_inline_script_of_a_page_carries_the_responses_nonce(user: User) -> None:
    response = await user.http_client.get('/login')
    nonce = re.search(r"'nonce-([\w-]+)'", response.headers['content-security-policy'])
    assert nonce is not None
    tags = re.findall(r'<script\b[^>]*>', response.text)
    assert len(tags) >= 5
    assert [t for t in tags if f'nonce="{nonce[1]}"' not in t] == []
    again = await user.http_client.get('/login')
    assert nonce[0] not in again.headers['content-security-policy'], 'a fresh nonce for every response'


async def test_the_offline_page_runs_its_script_under_the_policy(user: User) -> None:
    response = await user.http_client.get('/offline')
    nonce = re.search(r"'nonce-([\w-]+)'", response.headers['content-security-policy'])
    assert nonce is not None and f'<script nonce="{nonce[1]}">' in response.text
    assert int(response.headers['content-length']) == len(response.content)


async def test_tapdesks_own_files_are_cached_for_a_year_by_version_and_the_worker_never(user: User) -> None:
    for name in ('tapdesk.css', 'icons/icon-192.png'):
        response = await user.http_client.get(assets.url(name))
        assert response.status_code == 200
        assert response.headers['cache-control'] == 'public, max-age=31536000, immutable'
    for url in ('/static/tapdesk.css', '/static/tapdesk.css?v=0ld0ld0ld0ld'):  # an old page's address
        response = await user.http_client.get(url)
        assert (response.status_code, response.headers['cache-control']) == (200, 'no-cache')
    for url in ('/sw.js', '/manifest.webmanifest', '/offline'):
        assert (await user.http_client.get(url)).headers['cache-control'] == 'no-cache'


async def test_pages_and_the_manifest_name_static_files_by_version(user: User) -> None:
    page = (await user.http_client.get('/login')).text
    static = set(re.findall(r'["\'(](/static/[\w/.-]+(?:\?v=\w+)?)', page))  # not NiceGUI's /_nicegui/.../static/
    assert static and all('?v=' in url for url in static), static
    manifest = (await user.http_client.get('/manifest.webmanifest')).json()
    assert all('?v=' in icon['src'] for icon in manifest['icons'])
    worker = (await user.http_client.get('/sw.js')).text
    assert assets.url('icons/badge-96.png') in worker and "'/static/" not in worker


@pytest.fixture
def https_only(monkeypatch: pytest.MonkeyPatch, app_environment: None) -> None:
    """TAPDESK_HTTPS_ONLY=1, set before the app starts (request it before `user`)."""
    from models import settings

    monkeypatch.setenv('TAPDESK_HTTPS_ONLY', '1')
    settings.reload()


async def test_with_https_only_every_response_asks_for_https_for_a_year(https_only: None, user: User) -> None:
    for url in ('/login', '/sw.js', assets.url('tapdesk.css'), '/no-such-page'):
        response = await user.http_client.get(url, follow_redirects=False)
        assert response.headers['strict-transport-security'] == 'max-age=31536000; includeSubDomains', url
        csp = response.headers['content-security-policy']
        assert 'report-to csp' in csp and 'upgrade-insecure-requests' in csp
        assert response.headers['reporting-endpoints'] == 'csp="/api/csp-report"'


async def test_without_https_only_no_strict_transport_security(user: User) -> None:
    response = await user.http_client.get('/login')
    assert 'strict-transport-security' not in response.headers
    assert 'report-to' not in response.headers['content-security-policy']
