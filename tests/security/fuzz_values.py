"""The values the fuzz walk (`test_fuzz_every_url.py`) puts in every path part, query parameter
and form field: what a converter or regex group accepts, and what a hostile or broken client
sends instead.

Everything here is text on the wire. `encode` turns a value into what a client would put in
a URL or a form body: percent-encoded UTF-8, lone surrogates included (as the invalid bytes a
client would really send), except the percent-encoding garbage, which goes out as it is.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from hypothesis import strategies as st

# Digits `str.isdigit()` accepts that `int()` refuses or reads differently, and numbers past
# every integer a database or Python's `int(str)` (4,300 digits) will take.
# Written as escapes (ruff: they look like ASCII): Arabic-Indic 3, Devanagari 12, full-width
# 12, superscript 2, superscript 3 then Arabic-Indic 3, Roman twelve, one half.
ARABIC_3, DEVANAGARI_12, FULL_WIDTH_12 = "\u0663", "\u0967\u0968", "\uff11\uff12"
DIGITS = [ARABIC_3, DEVANAGARI_12, FULL_WIDTH_12, "\u00b2", "\u00b3\u0663", "\u216b", "\u00bd"]
DIGITS += ["0", "00", "-1", "+1", " 7 ", "1_000"]
NUMBERS = [str(10**30), str(-(10**30)), str(2**63), str(2**63 - 1), str(-(2**63) - 1)]
NUMBERS += [str(2**31), str(2**64), "9" * 5000, "1e309", "-1e309", "NaN", "inf", "1.5", "0x10"]
DATES = [
    "0001-01-01T00:00:00-23:59",
    "0001-01-01T00:00:00+23:59",
    "0001-01-01",
    "9999-12-31T23:59:59+14:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59-23:59",
    "9999-12-31",
    "10000-01-01T00:00:00",
    "2024-10-20T12:00:00+99:99",
    "2024-10-20T12:00:00 05:00",
    "2024-02-30T00:00:00",
    "2024-10-20T25:61:61",
    "2024-10-20T12:00:00.9999999999+00:00",
    "2024-10-20T12:00:00Z",
    "\u0662\u0660\u0662\u0664-\u0661\u0660-\u0662\u0660",  # 2024-10-20 in Arabic-Indic
    "1e309",
]
CONTROL = ["\x00", "a\x00b", "\x01\x02\x1f\x7f", "\r\n", "\t", "\x0b\x0c", "\u202e", "\ufeff"]
SURROGATES = ["\ud800", "a\udfffb", "\udc80\udc80"]
# Sent unencoded, so the server meets the broken escapes themselves.
PERCENT_GARBAGE = ["%", "%zz", "%c0%ae", "%c0%ae%c0%ae/", "%ff%fe", "%00", "%2", "%%", "%e2%82"]
OVERLONG = ["x" * 100_000, "9" * 100_000, "ü" * 50_000, "/" * 10_000]
ODD = ["", " ", "+", "/", "//", "..", "../../etc/passwd", "<script>", "'\"", "\\", "true"]
ODD += ["null", "[]", "{}", "a+b", "ü", "日本語", "😀", "xn--nxasmq6b", "default", "garden"]

# One value of each kind that has taken a view down somewhere, for the sweep that sends each
# of them in each name a view reads.
SWEEP = [
    "\u00b2",
    ARABIC_3,
    FULL_WIDTH_12,
    "9" * 5000,
    str(10**30),
    str(-(10**30)),
    str(2**63),
    "-1",
    "1e309",
]
SWEEP += ["0001-01-01T00:00:00-23:59", "9999-12-31T23:59:59-14:00", "10000-01-01T00:00:00"]
SWEEP += ["2024-10-20T12:00:00+99:99", "a\x00b", "\x01\x1f\x7f", "\ud800", "%c0%ae", "%"]
# Overlong in the sweep, which puts it in every field at once: 20,000 characters is past every
# field's limit; the 100,000-character values come through the random pass.
SWEEP += ["x" * 20_000, ""]

# Sent as they are in a path part: paths past the file system's limits (a name of 300
# characters, 5,000 characters in 2,500 folders), which a view that looks a file up meets
# before anything else, and the escapes of a dot-dot.
PATH_SWEEP = ["a" * 300, "a/" * 2500 + "x", "%2e%2e/" * 3 + "x", "..%2f..%2fx"]

HOSTILE = DIGITS + NUMBERS + DATES + CONTROL + SURROGATES + PERCENT_GARBAGE + OVERLONG + ODD
_GARBAGE = set(PERCENT_GARBAGE)


def offsets() -> st.SearchStrategy[str]:
    """A time offset, in range or not (`+14:00`, `-23:59`, `+99:99`)."""
    return st.builds(
        lambda sign, hours, minutes: f"{sign}{hours:02}:{minutes:02}",
        st.sampled_from("+-"),
        st.integers(0, 99),
        st.integers(0, 99),
    )


def timestamps() -> st.SearchStrategy[str]:
    """Blogger's `updated-max` form, from year 1 to 9999, with any offset."""
    return st.builds(
        lambda moment, offset: moment.isoformat(timespec="seconds") + offset,
        st.datetimes(),
        offsets() | st.just(""),
    )


def values() -> st.SearchStrategy[str]:
    """Any value a parameter or field may be sent: hostile first, then generated."""
    generated = st.one_of(st.integers(-(2**70), 2**70).map(str), timestamps(), st.text())
    return st.one_of(st.sampled_from(HOSTILE), st.sampled_from(HOSTILE), generated)


def encode(value: str) -> str:
    """`value` as it goes on the wire; lone surrogates as the bytes a client would send."""
    if value in _GARBAGE:
        return value
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def form_body(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in pairs)


def json_body(pairs: list[tuple[str, str]]) -> bytes:
    """The same fields as a JSON object (the editor's autosave posts JSON)."""
    text = json.dumps(dict(pairs), ensure_ascii=True)
    return text.encode("ascii")


def group_regex(route: str, name: str) -> str:
    """The regular expression of the named group `name` in a `re_path` route."""
    found = re.search(rf"\(\?P<{name}>((?:[^()\\]|\\.)*)\)", route)
    assert found is not None, f"no simple group {name!r} in {route!r}: teach fuzz_values"
    return found.group(1)
