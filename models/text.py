"""Free text from people, made safe and comparable before the domain checks or stores it.

Every verb that takes user text passes it through `normalise` first, so a title of zero-width
spaces is as empty as a blank one, a NUL never reaches PostgreSQL (which refuses it) or SQLite
(which would keep it), and lengths are counted on what is stored.
"""

from __future__ import annotations

import re
import unicodedata

# Reversing or embedding the text direction makes a title read differently from what it is.
_BIDI_CONTROLS = frozenset('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069')
# Letters and symbols that draw nothing (Hangul fillers, the blank Braille cell) and marks that only
# change the character before them (variation selectors, the combining grapheme joiner).
_BLANK_LETTERS = frozenset('\u115f\u1160\u3164\uffa0\u2800\u034f')
_LINE_BREAKS = re.compile(r'\r\n|[\r\x85\u2028\u2029]')
_SPACES = re.compile(r'\s+')


def normalise(value: str | None, *, one_line: bool = False) -> str:
    """NFC text without control characters or direction overrides, trimmed; '' if nothing visible is left.

    Newlines (CRLF and CR become LF) and tabs survive in multi-line text; `one_line` turns every run
    of whitespace, newlines included, into one space.
    """
    value = _LINE_BREAKS.sub('\n', value or '')
    value = ''.join(_keep(ch) for ch in value)
    value = _SPACES.sub(' ', value) if one_line else value
    value = unicodedata.normalize('NFC', value).strip()
    value = _trim_invisible(value)
    return '' if all(_invisible(ch) for ch in value) else value


def _keep(ch: str) -> str:
    if ch in '\n\t':
        return ch
    if ch in '\x0b\x0c':  # vertical tab, form feed: they separate words like a space
        return ' '
    if ch in _BIDI_CONTROLS or unicodedata.category(ch) in ('Cc', 'Cs'):  # Cs: a lone surrogate
        return ''
    return ch


def _trim_invisible(value: str) -> str:
    """Drop invisible characters at either end (inside they may join an emoji or a Persian word)."""
    start, end = 0, len(value)
    while start < end and _edge_invisible(value[start]):
        start += 1
    while end > start and _edge_invisible(value[end - 1]):
        end -= 1
    return value[start:end]


def _edge_invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) == 'Cf' or ch in _BLANK_LETTERS


def _invisible(ch: str) -> bool:
    return _edge_invisible(ch) or _variation_selector(ch)


def _variation_selector(ch: str) -> bool:
    return '\ufe00' <= ch <= '\ufe0f' or '\U000e0100' <= ch <= '\U000e01ef'
