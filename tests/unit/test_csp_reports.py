"""POST /api/csp-report: what browsers send when the policy blocks something; limited, logged, never echoed."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from types import ModuleType

import httpx
import pytest
from fastapi import FastAPI

LEGACY = {'Content-Type': 'application/csp-report'}
REPORTING_API = {'Content-Type': 'application/reports+json'}
TOKEN = 'eyJ0IjoxMiwidSI6M30.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'
VIOLATION = {
    'csp-report': {
        'document-uri': f'http://tapdesk.example/rate/{TOKEN}?score=5',
        'referrer': '',
        'violated-directive': 'script-src-elem',
        'effective-directive': 'script-src-elem',
        'original-policy': "default-src 'self'",
        'blocked-uri': 'inline',
        'line-number': 12,
        'source-file': 'http://tapdesk.example/login',
        'status-code': 200,
        'script-sample': '<b>alert(1)</b>',
    }
}
BATCH = [
    {
        'type': 'csp-violation',
        'age': 10,
        'url': 'http://tapdesk.example/queue',
        'user_agent': 'Chromium',
        'body': {
            'documentURL': 'http://tapdesk.example/queue',
            'blockedURL': 'https://evil.example/x.js?secret=1',
            'effectiveDirective': 'script-src-elem',
            'disposition': 'enforce',
            'statusCode': 200,
        },
    },
    {'type': 'deprecation', 'url': 'http://tapdesk.example/queue', 'body': {'id': 'x'}},
]


@pytest.fixture
def csp_reports(web_module: Callable[[str], ModuleType]) -> ModuleType:
    return web_module('csp_reports')


@pytest.fixture
async def client(monkeypatch: pytest.MonkeyPatch, csp_reports: ModuleType) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setattr(csp_reports, 'limit', csp_reports.RateLimit(csp_reports.RATE))
    api = FastAPI()
    csp_reports.setup(api)
    transport = httpx.ASGITransport(app=api, client=('203.0.113.7', 5555))
    async with httpx.AsyncClient(transport=transport, base_url='http://tapdesk.example') as c:
        yield c


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == 'tapdesk.csp']


async def test_a_report_uri_report_is_logged_as_one_line_without_the_token_or_query(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await client.post('/api/csp-report', content=json.dumps(VIOLATION), headers=LEGACY)
    assert (response.status_code, response.content) == (204, b'')
    assert warnings(caplog) == [
        'CSP violation: script-src-elem blocked inline on http://tapdesk.example/rate/… (http://tapdesk.example/login:12)'
    ]


async def test_a_reporting_api_batch_logs_each_csp_violation_and_ignores_other_kinds(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await client.post('/api/csp-report', content=json.dumps(BATCH), headers=REPORTING_API)
    assert response.status_code == 204
    assert warnings(caplog) == [
        'CSP violation: script-src-elem blocked https://evil.example/x.js on http://tapdesk.example/queue'
    ]


async def test_a_report_over_the_size_limit_is_refused_with_413(
    client: httpx.AsyncClient, csp_reports: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    big = {'csp-report': {**VIOLATION['csp-report'], 'script-sample': 'x' * csp_reports.MAX_BODY}}
    response = await client.post('/api/csp-report', content=json.dumps(big), headers=LEGACY)
    assert response.status_code == 413
    assert warnings(caplog) == []


async def test_a_body_that_is_not_a_report_is_refused_with_400_and_a_sentence(
    client: httpx.AsyncClient, csp_reports: ModuleType
) -> None:
    for body in (b'{not json', b'"a string"', b'[]', b'{"csp-report": 3}', b'[1, 2]', b'\xff\xfe'):
        response = await client.post('/api/csp-report', content=body, headers=LEGACY)
        assert response.status_code == 400, body
        assert response.json() == {'error': csp_reports.HINT}


async def test_another_content_type_is_refused_with_415(client: httpx.AsyncClient) -> None:
    response = await client.post(
        '/api/csp-report', content=json.dumps(VIOLATION), headers={'Content-Type': 'text/plain'}
    )
    assert response.status_code == 415


async def test_one_address_may_send_so_many_reports_a_minute_then_429(
    client: httpx.AsyncClient, csp_reports: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        codes = [
            (await client.post('/api/csp-report', content=json.dumps(VIOLATION), headers=LEGACY)).status_code
            for _ in range(csp_reports.RATE + 2)
        ]
    assert codes == [204] * csp_reports.RATE + [429, 429]
    assert len(warnings(caplog)) == csp_reports.RATE


def test_the_rate_limit_counts_each_address_on_its_own_and_forgets_after_a_minute(csp_reports: ModuleType) -> None:
    limit = csp_reports.RateLimit(2, window=60)
    assert [limit.allow('a', now=0), limit.allow('a', now=1), limit.allow('a', now=2)] == [True, True, False]
    assert limit.allow('b', now=2)
    assert limit.allow('a', now=60.5)


async def test_the_answer_never_echoes_what_was_sent(client: httpx.AsyncClient) -> None:
    for body, headers in ((json.dumps(VIOLATION), LEGACY), ('<script>alert(1)</script>', LEGACY)):
        response = await client.post('/api/csp-report', content=body, headers=headers)
        assert b'alert' not in response.content and TOKEN.encode() not in response.content


def test_control_characters_cannot_forge_log_lines(csp_reports: ModuleType) -> None:
    line = csp_reports.describe(
        {
            'effective-directive': 'img-src\nCSP violation: fake',
            'blocked-uri': 'https://x.example/a\r\nb',
            'document-uri': 'x',
        }
    )
    assert '\n' not in line and '\r' not in line
    assert line.startswith('CSP violation: img-src blocked https://x.example/a')
