"""What `normalise` makes of the text people type (no database)."""

from __future__ import annotations

import unicodedata

import pytest

from models.text import normalise

ZWSP, ZWNJ, ZWJ, WORD_JOINER, BOM, SOFT_HYPHEN = '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'


@pytest.mark.parametrize(
    'invisible',
    [
        '',
        '   ',
        ZWSP * 3,
        f'{ZWSP}{ZWNJ}{ZWJ}{WORD_JOINER}{BOM}{SOFT_HYPHEN}',
        ' \t\n\u00a0\u3000 ',  # tab, newline, no-break and ideographic spaces
        '\x00\x01\x7f\x85\x9f',  # C0, DEL and C1 controls
        '\u202e\u2066\u2069',  # direction overrides and isolates
        '\u3164\u2800\ufe0f\u034f',  # Hangul filler, blank Braille cell, a variation selector, CGJ
        '\u180e\u200e\u200f',  # other format characters: Mongolian vowel separator, LRM, RLM
        None,
    ],
)
def test_text_with_nothing_visible_is_empty(invisible: str | None) -> None:
    assert normalise(invisible) == ''
    assert normalise(invisible, one_line=True) == ''


def test_nul_and_other_control_characters_are_removed() -> None:
    assert normalise('Print\x00er\x07 jam\x1b[31m\x9b') == 'Printer jam[31m'


def test_newlines_and_tabs_stay_in_multi_line_text_and_crlf_becomes_lf() -> None:
    assert normalise('Step 1\r\n\tStep 2\rStep 3\u2028Step 4') == 'Step 1\n\tStep 2\nStep 3\nStep 4'


def test_one_line_text_turns_newlines_and_tabs_into_one_space() -> None:
    assert normalise(' Wi-Fi\r\n\tdown \n in  room 3 ', one_line=True) == 'Wi-Fi down in room 3'


def test_vertical_tab_and_form_feed_separate_words_like_a_space() -> None:
    assert normalise('one\x0btwo\x0cthree') == 'one two three'


@pytest.mark.parametrize('one_line', [True, False])
def test_direction_overrides_are_removed(one_line: bool) -> None:
    # "Invoice \u202egpj.exe" shows as "Invoice exe.jpg" in a browser
    assert normalise('Invoice \u202egpj.exe\u202c \u2067x\u2069', one_line=one_line) == 'Invoice gpj.exe x'


def test_invisible_characters_at_the_ends_are_trimmed_but_not_inside() -> None:
    family = '\U0001f468\u200d\U0001f469\u200d\U0001f467'  # one emoji joined by ZWJ
    persian = 'می\u200cخواهم'  # ZWNJ is part of the spelling
    assert normalise(f'{ZWSP}{BOM} {family} {persian} {SOFT_HYPHEN}{ZWSP}') == f'{family} {persian}'


def test_an_emoji_keeps_its_variation_selector() -> None:
    assert normalise('Thanks \u2764\ufe0f') == 'Thanks \u2764\ufe0f'


def test_text_is_composed_to_nfc() -> None:
    decomposed = 'Cafe\u0301 Mu\u0308ller'
    assert normalise(decomposed) == 'Café Müller'
    assert unicodedata.is_normalized('NFC', normalise(decomposed))


def test_removing_a_control_character_between_letter_and_accent_still_composes() -> None:
    assert normalise('e\x00\u0301') == 'é'


def test_a_lone_surrogate_is_removed() -> None:
    assert normalise('ok\ud800') == 'ok'


def test_ordinary_text_comes_back_unchanged() -> None:
    text = 'Printer on floor 2 says "PC LOAD LETTER" – tried twice.\nNo luck; 50 % of jobs fail.'
    assert normalise(text) == text
