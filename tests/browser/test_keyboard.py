"""With a keyboard only, by the names a screen reader reads: a requester reports a problem (a service, a title,
Send) and rates the fix, at phone size. Each step presses Tab until the focused element has the expected name
(found by its accessible name, as a screen reader announces it), then Enter or typing: nothing is clicked."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from .conftest import PHONE, Server, signed_in
from .test_rating import fixed_ticket

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
