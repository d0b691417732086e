"""The cut icon font (pwa/icon_font.py) has every icon Tapdesk names, and replaces NiceGUI's whole one."""

from __future__ import annotations

from fontTools.ttLib import TTFont

import pwa
from models.catalog import SERVICE_ICONS
from pwa import assets, icon_font


def test_the_cut_font_has_every_icon_the_code_quasar_and_the_services_name() -> None:
    """Fails when the code names an icon the font lacks: run `.venv/bin/python -m pwa.icon_font`."""
    everything = set(icon_font.ligatures(TTFont(icon_font.FULL)))
    kept = set(icon_font.ligatures(TTFont(icon_font.OUT)))
    missing = icon_font.wanted(everything) - kept
    assert not missing, f'not in static/fonts/material-icons.woff2: {sorted(missing)}'
    assert {'inbox', 'arrow_drop_down', 'keyboard_arrow_down', 'account_circle'} <= kept  # nav, select, menu
    assert set(SERVICE_ICONS) <= kept


def test_every_icon_a_service_may_have_is_a_material_icon() -> None:
    assert set(SERVICE_ICONS) <= set(icon_font.ligatures(TTFont(icon_font.FULL)))


def test_the_cut_font_is_a_tenth_of_the_whole() -> None:
    assert icon_font.OUT.stat().st_size < icon_font.FULL.stat().st_size / 8


def test_the_page_head_declares_it_under_nicegui_s_name_and_the_worker_keeps_it() -> None:
    url = assets.url('fonts/material-icons.woff2')
    assert (
        f'font-family: "Material Icons"; font-style: normal; font-weight: 400; font-display: block;\n  src: url({url})'
        in (pwa.HEAD)
    )
    assert url in pwa.SHELL
