"""Only the icons Tapdesk shows: a Material Icons font cut down to them (static/fonts/material-icons.woff2).

NiceGUI ships the whole Material Icons font (2,235 icons, 126 KB), and a phone on mobile data downloads all of it
before a single icon shows (`font-display: block`). Tapdesk uses a few dozen. The cut font keeps the ligatures
("wifi" → the Wi-Fi icon) of:
- every string in Tapdesk's code (pages/, models/, pwa/, main.py) that is the name of an icon (a word that is
  also an icon, "print" or "today", costs a few hundred bytes: simpler than guessing which strings are icons);
- the icons Quasar's components draw themselves (the dropdown arrow of a select, the chevron of an expansion…),
  read from Quasar's icon set in NiceGUI's bundle;
- the icons a manager may give a service (models/catalog.py SERVICE_ICONS).

It replaces NiceGUI's font under the same family name (pwa/__init__.py HEAD declares it after NiceGUI's, so the
browser never asks for the big one). tests/unit/test_icon_font.py fails when the code names an icon that the cut
font lacks; then run:

    .venv/bin/python -m pwa.icon_font        # needs fonttools and brotli (the test extras)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nicegui

ROOT = Path(__file__).resolve().parent.parent
FULL = Path(nicegui.__file__).parent / 'static' / 'fonts' / '0c19a63c7528cc1a.woff2'  # NiceGUI's Material Icons
QUASAR = Path(nicegui.__file__).parent / 'static' / 'quasar.umd.prod.js'
OUT = ROOT / 'static' / 'fonts' / 'material-icons.woff2'
SOURCES = ('pages', 'models', 'pwa')
_WORD = re.compile(r"""['"]([a-z0-9][a-z0-9_]{0,40})['"]""")


def ligatures(font: Any) -> dict[str, str]:
    """Every icon name of a Material Icons font (a fontTools TTFont) and the glyph it turns into."""
    letters = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    found = {}
    for lookup in font['GSUB'].table.LookupList.Lookup:
        if lookup.LookupType != 4:  # ligature substitution
            continue
        for table in lookup.SubTable:
            for first, ligs in table.ligatures.items():
                for lig in ligs:
                    name = letters.get(first, '') + ''.join(letters.get(c, '\0') for c in lig.Component)
                    found[name] = lig.LigGlyph
    return found


def words_in_code() -> set[str]:
    """Every quoted lower-case word of Tapdesk's Python and JavaScript (icon names among them)."""
    files = [ROOT / 'main.py'] + [p for d in SOURCES for p in (ROOT / d).rglob('*') if p.suffix in ('.py', '.js')]
    return {m for p in files if p.is_file() for m in _WORD.findall(p.read_text(encoding='utf-8'))}


def quasar_icons() -> set[str]:
    """The icons Quasar's own components draw: the values of its material-icons icon set."""
    source = QUASAR.read_text(encoding='utf-8')
    start = source.index('{name:"material-icons"')
    end = source.index('};', start)
    return set(re.findall(r':"([a-z0-9_]+)"', source[start:end])) - {'material-icons'}


def wanted(names: set[str]) -> set[str]:
    """The icons to keep, of the font's `names`."""
    from models.catalog import SERVICE_ICONS  # noqa: PLC0415  (only when building: keeps the import graph flat)

    return (words_in_code() | quasar_icons() | set(SERVICE_ICONS)) & names


def build(out: Path = OUT) -> tuple[int, int]:
    """Write the cut font; returns (icons kept, bytes)."""
    from fontTools import subset  # type: ignore[import-untyped]  # noqa: PLC0415  (a build tool)
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # noqa: PLC0415

    font = TTFont(FULL)
    names = ligatures(font)
    keep = wanted(set(names))
    letters = {ch for name in keep for ch in name}
    options = subset.Options()
    options.flavor = 'woff2'
    options.layout_features = ['rlig', 'liga']  # Material Icons' ligatures are 'rlig'
    options.layout_closure = False  # keep only the ligatures whose icon is kept, not every one its letters make
    options.name_IDs = ['*']
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=sorted({names[n] for n in keep}), unicodes=sorted(ord(ch) for ch in letters))
    subsetter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = 'woff2'
    font.save(out)
    return len(keep), out.stat().st_size


if __name__ == '__main__':
    kept, size = build()
    print(f'{OUT.relative_to(ROOT)}: {kept} icons, {size:,} bytes')
