"""Colours as a blog's theme takes them: `#rrggbb` only, and WCAG 2 contrast between two.

A writer picks an accent colour for links and buttons; themes must keep text readable (WCAG AA:
4.5:1 for body text), so the accent is measured against the theme's backgrounds before it is
stored, and for the other scheme of an "auto" blog a readable shade is worked out from it.
"""

from __future__ import annotations

import re

# Only the six-digit form: it is what <input type="color"> sends, and one spelling per colour
# keeps the stored value and the generated stylesheet simple to check.
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
AA_TEXT = 4.5

RGB = tuple[int, int, int]


def parse_hex(value: str) -> RGB:
    """`#rrggbb` as three 0-255 channels; ValueError for anything else."""
    if not HEX.match(value):
        raise ValueError(f"{value!r} is not a colour written #rrggbb.")
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def to_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """Relative luminance as WCAG 2 defines it (0 black, 1 white)."""
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 to 21."""
    a, b = luminance(parse_hex(first)), luminance(parse_hex(second))
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def _mix(rgb: RGB, toward: RGB, share: float) -> RGB:
    r, g, b = (round(c + (t - c) * share) for c, t in zip(rgb, toward, strict=True))
    return r, g, b


def readable_on(colour: str, background: str, ratio: float = AA_TEXT) -> str:
    """`colour`, or the nearest shade of it toward white or black (whichever the background is
    not) that reaches `ratio` against `background`: the dark-scheme accent of a light accent."""
    if contrast(colour, background) >= ratio:
        return colour.lower()
    rgb = parse_hex(colour)
    toward: RGB = (0, 0, 0) if luminance(parse_hex(background)) > 0.18 else (255, 255, 255)
    for step in range(1, 21):
        shade = to_hex(_mix(rgb, toward, step / 20))
        if contrast(shade, background) >= ratio:
            return shade
    return to_hex(toward)
