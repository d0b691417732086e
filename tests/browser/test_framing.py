"""Clickjacking: another site puts Tapdesk's one-tap rating page in a frame; the browser refuses to show it there,
so nothing can be tapped through it, and the refusal is reported to Tapdesk."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .conftest import ROOT, Server
from .test_rating_actions import FIXED, RATINGS

PAGE = """<!doctype html><title>Win a prize</title>
<p>Tap the big button to claim your prize!</p>
<iframe id="victim" src="{url}" width="390" height="700" style="opacity: 0.5"></iframe>"""


@pytest.fixture
def other_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A second local web server on a port of its own: another origin, as another site would be."""
    folder = tmp_path / 'other-site'
    folder.mkdir()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}', folder
    httpd.shutdown()
    httpd.server_close()


def in_server(server: Server, script: str) -> object:
    done = subprocess.run(
        [sys.executable, '-c', script], cwd=ROOT, env=server.env, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.csp_blocks('frame-ancestors')
async def test_another_site_cannot_show_the_rating_link_in_a_frame_nor_record_a_rating_through_it(
    browser: object, server: Server, other_site: tuple[str, Path]
) -> None:
    fixed = in_server(server, FIXED)
    assert isinstance(fixed, dict)
    origin, folder = other_site
    (folder / 'index.html').write_text(PAGE.format(url=f'{server.url}/rate/{fixed["token"]}'))

    context = await browser.new_context(viewport={'width': 390, 'height': 844})  # type: ignore[attr-defined]
    page = await context.new_page()
    await page.goto(origin + '/index.html')
    await page.wait_for_timeout(1500)  # time enough for the framed page to load, were it allowed
    frame = await (await page.query_selector('#victim')).content_frame()  # type: ignore[union-attr]
    assert frame is not None
    assert frame.url != f'{server.url}/rate/{fixed["token"]}' or await frame.locator('body *').count() == 0
    assert await frame.get_by_text('How did we do?').count() == 0
    for y in range(150, 700, 60):  # tap all over the frame, where the faces would be
        await page.mouse.click(195, y)
    await page.wait_for_timeout(500)
    assert in_server(server, RATINGS) == []

    # The same link opened as a page of its own still works: only the framing is refused.
    own = await context.new_page()
    await own.goto(f'{server.url}/rate/{fixed["token"]}')
    await own.get_by_text('How did we do?').wait_for()
    await own.wait_for_timeout(300)
    assert 'CSP violation: frame-ancestors blocked' in server.log.read_text()  # type: ignore[union-attr]
    await context.close()
