"""pages/headers.py on a bare app: the policy text, the nonce in scripts, and the headers on errors too."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, StreamingResponse


@pytest.fixture
def headers(web_module: Callable[[str], ModuleType]) -> ModuleType:
    return web_module('headers')


def test_the_policy_allows_extra_image_origins_only_for_images(headers: ModuleType) -> None:
    text = headers.policy('abc', image_origins=['https://*.tile.openstreetmap.org'])
    directives = dict(d.split(' ', 1) for d in text.split('; '))
    assert directives['img-src'] == "'self' data: blob: https://*.tile.openstreetmap.org"
    assert 'openstreetmap' not in text.replace(directives['img-src'], '')
    assert directives['script-src'] == "'self' 'nonce-abc' 'unsafe-eval'"
    assert directives['frame-ancestors'] == "'none'"


def test_a_tile_url_template_gives_its_origin(headers: ModuleType) -> None:
    assert (
        headers.tile_origin('https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png') == 'https://*.tile.openstreetmap.org'
    )
    assert headers.tile_origin('https://tiles.example.org:8443/{z}/{x}/{y}.png') == 'https://tiles.example.org:8443'
    for bad in ('javascript:alert(1)', '/tiles/{z}/{x}/{y}.png', 'https://{z}.example.org/{x}/{y}.png'):
        with pytest.raises(ValueError):
            headers.tile_origin(bad)


def test_only_real_script_tags_get_the_nonce(headers: ModuleType) -> None:
    page = (
        '<head><script>a()</script><script type="module" src="/x.js"></script><title>&lt;script&gt;</title></head>'
        '<body><!-- <script>old()</script> --><script type="module">const e = String.raw`<p>&lt;script</p>'
        '<script>evil()<\\/script>`;</script><textarea><script>typed()</script></textarea></body>'
    )
    tagged = headers.add_nonce(page, 'N')
    assert tagged.count('nonce="N"') == 3
    assert '<script nonce="N">a()</script>' in tagged
    assert '<script nonce="N" type="module" src="/x.js">' in tagged
    assert '<script>evil()' in tagged and '<script>typed()' in tagged and '<script>old()' in tagged


def app_with(headers: ModuleType, *, https_only: bool = False) -> FastAPI:
    api = FastAPI()

    @api.get('/page')
    def page() -> HTMLResponse:
        return HTMLResponse('<html><script>go()</script></html>')

    @api.get('/stream')
    def stream() -> StreamingResponse:
        return StreamingResponse(iter([b'one ', b'two']), media_type='text/plain')

    @api.get('/boom')
    def boom() -> None:
        raise RuntimeError('boom')

    headers.install(api, https_only=https_only)
    return api


async def get(api: FastAPI, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url='http://t') as client:
        return await client.get(path)


async def test_an_html_page_gets_the_nonce_of_its_own_policy(headers: ModuleType) -> None:
    response = await get(app_with(headers), '/page')
    nonce = response.headers['content-security-policy'].split("'nonce-")[1].split("'")[0]
    assert response.text == f'<html><script nonce="{nonce}">go()</script></html>'
    assert int(response.headers['content-length']) == len(response.content)


async def test_a_streamed_response_and_an_unhandled_error_get_the_headers_too(headers: ModuleType) -> None:
    api = app_with(headers)
    streamed = await get(api, '/stream')
    assert streamed.text == 'one two' and streamed.headers['x-frame-options'] == 'DENY'
    failed = await get(api, '/boom')
    assert failed.status_code == 500
    assert failed.headers['x-content-type-options'] == 'nosniff'
    assert "frame-ancestors 'none'" in failed.headers['content-security-policy']


async def test_installing_twice_wraps_once(headers: ModuleType) -> None:
    api = app_with(headers)
    headers.install(api)
    response = await get(api, '/page')
    assert len(response.headers.get_list('content-security-policy')) == 1
    assert response.text.count('nonce=') == 1


async def test_strict_transport_security_only_with_https_only(headers: ModuleType) -> None:
    assert 'strict-transport-security' not in (await get(app_with(headers), '/page')).headers
    response = await get(app_with(headers, https_only=True), '/page')
    assert response.headers['strict-transport-security'] == 'max-age=31536000; includeSubDomains'
