"""Numbers read from query strings, which anyone can type."""

from __future__ import annotations

import re

# Eighteen digits fit every database's 64-bit integer; a longer run is past any row or page.
_ASCII_NUMBER = re.compile(r"[0-9]{1,18}")


def ascii_int(raw: str | None) -> int | None:
    """The non-negative number `raw` spells in ASCII digits, or None.

    Not `str.isdigit()`: it is true for "²", which `int()` then refuses (a 500), and for
    Arabic-Indic or full-width digits, which no link we write contains. A long run of digits
    is refused before `int()`, which is slow on thousands of them and fails past 4,300.
    """
    if raw is None or not _ASCII_NUMBER.fullmatch(raw):
        return None
    return int(raw)
