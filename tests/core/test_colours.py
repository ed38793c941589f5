"""WCAG contrast as the Theme page and theme folders are held to it."""

from __future__ import annotations

import pytest

from broadsheet.core import colours


def test_black_on_white_is_the_largest_contrast() -> None:
    assert colours.contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert colours.contrast("#777777", "#777777") == pytest.approx(1)


def test_only_six_digit_hex_is_a_colour() -> None:
    for bad in ("red", "#fff", "#12345g", "#1234567", "1234567", "#12345\n"):
        with pytest.raises(ValueError):
            colours.parse_hex(bad)


def test_a_pale_accent_gets_a_readable_shade_on_each_background() -> None:
    shade = colours.readable_on("#ffcc00", "#ffffff")
    assert colours.contrast(shade, "#ffffff") >= 4.5
    light = colours.readable_on("#1a237e", "#121417")
    assert colours.contrast(light, "#121417") >= 4.5
    assert colours.readable_on("#1A237E", "#ffffff") == "#1a237e"  # readable already: kept
