"""The technicians' queue on a phone (390×844) with the demo's month of tickets: the filters fold into one button,
so at least six tickets show without scrolling, and filtering still works once they are unfolded."""

from __future__ import annotations

import asyncio
import os
import sys

from playwright.async_api import Page, expect

from .conftest import PHONE, ROOT, Server

DEMO = """
import asyncio
from models import db, demo

async def main():
    await db.start()
    await demo.seed()
    await db.stop()

asyncio.run(main())
"""
# Rows wholly on screen: below the top of the page and above the bottom navigation (which covers the page).
ROWS_IN_SIGHT = """() => {
  const nav = document.querySelector('.q-footer').getBoundingClientRect().top;
  return [...document.querySelectorAll('.td-row-wrap')]
    .map((row) => row.getBoundingClientRect())
    .filter((r) => r.height > 0 && r.top >= 0 && r.bottom <= nav).length;
}"""
META = "() => [...document.querySelectorAll('.td-row-meta')].map((meta) => meta.textContent)"


async def test_six_tickets_show_on_a_phone_and_the_folded_filters_still_filter(browser: object, server: Server) -> None:
    seeding = await asyncio.create_subprocess_exec(sys.executable, '-c', DEMO, cwd=ROOT, env=server.env)
    assert await seeding.wait() == 0
    sam = await demo_sign_in(browser, server, 'sam@demo.tapdesk')
    await sam.goto(f'{server.url}/queue?view=open')
    await expect(sam.locator('.td-row-wrap').nth(10)).to_be_attached()
    assert await sam.evaluate(ROWS_IN_SIGHT) >= 6
    if os.environ.get('TAPDESK_SCREENSHOTS'):
        await sam.screenshot(path=os.environ['TAPDESK_SCREENSHOTS'] + '/after-queue.png')

    services = sam.get_by_text('All services')
    await expect(services).to_be_hidden()  # folded away
    await sam.get_by_role('button', name='Filters').click()
    await services.click()
    await sam.get_by_role('option', name='Printer & scanner').click()
    await expect(sam.get_by_role('button', name='Filters, 1 chosen')).to_be_visible()  # said on the folded button
    for _ in range(50):
        meta = await sam.evaluate(META)
        if meta and all('Printer & scanner' in line for line in meta):
            break
        await asyncio.sleep(0.1)
    assert meta and all('Printer & scanner' in line for line in meta), meta


async def demo_sign_in(browser: object, server: Server, email: str) -> Page:
    context = await browser.new_context(**PHONE)  # type: ignore[attr-defined]
    page = await context.new_page()
    page.set_default_timeout(15_000)
    await page.goto(server.url + '/login')
    await page.get_by_label('Email').fill(email)
    await page.get_by_label('Password').fill('demo')
    await page.get_by_role('button', name='Sign in').click()
    await page.wait_for_url('**/today')
    return page
