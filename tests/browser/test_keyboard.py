"""With a keyboard only, by the names a screen reader reads: a requester reports a problem (a service, a title,
Send) and rates the fix, and an article is opened from its list (staff's /articles, the help centre), at phone size.
Each step presses Tab until the focused element has the expected name (found by its accessible name, as a screen
reader announces it), then Enter or typing: nothing is clicked."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.async_api import Page, expect

from .conftest import PHONE, ROOT, Server, signed_in
from .test_rating import fixed_ticket
from .test_self_help import PUBLISH

FOCUSED_NAME = """() => {
  // The focused element's name as a screen reader reads it: aria-label, its label, or its text without what is
  // hidden from assistive technology (Quasar's icons are aria-hidden: "send" is not read out).
  const e = document.activeElement;
  if (!e || e === document.body) return '';
  const label = e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent);
  if (label) return label.replace(/\\s+/g, ' ').trim();
  const copy = e.cloneNode(true);
  copy.querySelectorAll('[aria-hidden="true"]').forEach(h => h.remove());
  return (copy.textContent || e.value || '').replace(/\\s+/g, ' ').trim();
}"""


async def tab_to(page: Page, name: re.Pattern[str], *, most: int = 60) -> str:
    """Press Tab until the focused element's name matches; fails if it is never reached."""
    seen = []
    for _ in range(most):
        await page.keyboard.press('Tab')
        focused = await page.evaluate(FOCUSED_NAME)
        if name.search(focused):
            return str(focused)
        seen.append(focused)
    raise AssertionError(f'{name.pattern!r} not reached with Tab; focused in turn: {seen}')


async def test_a_problem_is_reported_with_the_keyboard_only(browser: object, server: Server) -> None:
    page = await signed_in(browser, server, 'alex@example.com', **PHONE)
    await page.goto(f'{server.url}/new')  # type: ignore[attr-defined]
    await page.get_by_role('button', name=re.compile('Printer & scanner')).wait_for()  # type: ignore[attr-defined]
    await tab_to(page, re.compile('Printer & scanner'))  # type: ignore[arg-type]
    await page.keyboard.press('Enter')  # type: ignore[attr-defined]
    await expect(page.get_by_label('Short title')).to_be_visible()  # type: ignore[attr-defined]
    await tab_to(page, re.compile('Short title'))  # type: ignore[arg-type]
    await page.keyboard.type('Printer offline', delay=30)  # type: ignore[attr-defined]
    await tab_to(page, re.compile('^Send request$'))  # type: ignore[arg-type]
    await page.keyboard.press('Enter')  # type: ignore[attr-defined]
    await page.wait_for_url('**/t/*')  # type: ignore[attr-defined]
    await expect(page.get_by_text('Printer offline').first).to_be_visible()  # type: ignore[attr-defined]


async def test_a_fix_is_rated_with_the_keyboard_only(browser: object, server: Server) -> None:
    number = fixed_ticket(server)
    page = await signed_in(browser, server, 'alex@example.com', **PHONE)
    await page.goto(f'{server.url}/t/{number}')  # type: ignore[attr-defined]
    great = page.get_by_role('button', name='Great (5 of 5)')  # type: ignore[attr-defined]
    await great.wait_for()
    await tab_to(page, re.compile(r'^Great \(5 of 5\)$'))  # type: ignore[arg-type]
    await page.keyboard.press('Enter')  # type: ignore[attr-defined]
    await expect(page.get_by_text('Thanks for rating!')).to_be_visible()  # type: ignore[attr-defined]
    await expect(great).to_have_attribute('aria-pressed', 'true')


# The focused element's outline, as drawn: its style, width in px and colour.
OUTLINE = """() => {
  const s = getComputedStyle(document.activeElement);
  return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor];
}"""


def publish_an_article(server: Server) -> None:
    """ "Clear a paper jam in the office printer", published by Sam for everyone (test_self_help's)."""
    subprocess.run([sys.executable, '-c', PUBLISH], cwd=ROOT, env=server.env, check=True, capture_output=True)


@pytest.mark.parametrize(
    ('email', 'path', 'lands'),
    [('sam@example.com', '/articles', '/articles/'), ('alex@example.com', '/help', '/help/a/')],
    ids=['staff-articles', 'requester-help'],
)
async def test_an_article_is_opened_from_its_list_with_the_keyboard_only(
    browser: object, server: Server, email: str, path: str, lands: str
) -> None:
    """Each article in the list is a link Tab reaches, with a focus ring to see, and Enter opens it."""
    publish_an_article(server)
    page = await signed_in(browser, server, email, **PHONE)
    await page.goto(server.url + path)  # type: ignore[attr-defined]
    card = page.get_by_role('link', name=re.compile('Clear a paper jam'))  # type: ignore[attr-defined]
    await card.wait_for()
    box = await card.bounding_box()
    assert box is not None and box['height'] >= 44  # still a thumb-sized target
    await tab_to(page, re.compile('Clear a paper jam'))  # type: ignore[arg-type]
    style, width, colour = await page.evaluate(OUTLINE)  # type: ignore[attr-defined]
    assert style != 'none' and width >= 2 and colour != 'rgba(0, 0, 0, 0)', (style, width, colour)
    await page.keyboard.press('Enter')  # type: ignore[attr-defined]
    await page.wait_for_url(f'**{lands}*')  # type: ignore[attr-defined]
    title = 'Clear a paper jam in the office printer'
    if lands == '/articles/':  # staff: the article's editor
        await expect(page.get_by_label('Title')).to_have_value(title)  # type: ignore[attr-defined]
    else:  # the reader's page
        await expect(page.get_by_role('heading', name=title)).to_be_visible()  # type: ignore[attr-defined]
