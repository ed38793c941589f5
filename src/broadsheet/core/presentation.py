"""Alignment, floats and sizes from an author's style attributes, kept as classes (issue 13).

Blogger writes presentation inline: `style="clear: both; text-align: center;"` on the
separator around an image, `style="float: left; margin-right: 1em"`, `align="center"`, the
caption table `tr-caption-container`. The sanitiser drops every style attribute, and the CSP
(`style-src 'self'`) would block one that got through, so passing a filtered style on is not an
option. Instead `styles_to_classes` reads each style declaration, keeps only the few
properties and values listed below and turns them into classes from a fixed set that the
reader's theme.css defines (`align-center`, `float-left`, `clear-both`, `center-block`,
`display-block`, `width-50`…). No author text reaches the output as CSS: a value that is not
in the list (url(), expression(), anything else) is simply not mapped. A width or height in
pixels on an image becomes its width/height attribute, which the sanitiser keeps.
"""

from __future__ import annotations

import html as html_lib
import re
from functools import lru_cache
from html.parser import HTMLParser
from itertools import compress

_ALIGN = {"left", "right", "center", "justify"}
_CLASS_OF = {
    **{("text-align", v): f"align-{v}" for v in _ALIGN},
    **{("float", v): f"float-{v}" for v in ("left", "right")},
    **{("clear", v): f"clear-{v}" for v in ("left", "right", "both")},
    ("display", "block"): "display-block",
    ("display", "inline-block"): "display-inline-block",
}
# `align` on images and tables places the box itself (HTML 3.2); on blocks it aligns text.
_BOXES = {"img", "table"}
_BOX_ALIGN = {"left": "float-left", "right": "float-right", "center": "center-block"}
_PERCENT_STEPS = (25, 33, 50, 66, 75, 100)
# Every class this module can write, so tests can check nothing else appears.
CLASSES = frozenset(
    [*_CLASS_OF.values(), "center-block", *(f"width-{step}" for step in _PERCENT_STEPS)]
)
_PIXELS = re.compile(r"(\d{1,4})(?:\.\d+)?(?:px)?")
_PERCENT = re.compile(r"(\d{1,3})(?:\.\d+)?%")
# `tags.start_tags`' two patterns as one; group 1 is missing where the tag never closes.
_WHOLE_START_TAG = re.compile(r"""(<[a-zA-Z][a-zA-Z0-9]*+(?:[^"'>]++|"[^"]*+"|'[^']*+')*+>)""")
# Text and whole start tags, up to the first "<" and letter that starts no whole tag.
_CLOSED_TAGS = re.compile(
    r"""(?:[^<]++|<(?![a-zA-Z])|<[a-zA-Z][a-zA-Z0-9]*+(?:[^"'>]++|"[^"]*+"|'[^']*+')*+>)*+"""
)
_HAS_PRESENTATION = re.compile(r"\b(?:style|align)\s*=", re.IGNORECASE)


def styles_to_classes(markup: str) -> str:
    """`markup` with each style and align attribute replaced by the classes it maps to."""
    lowered = markup.lower()
    # Plain substring scans first: a regex starting at a word boundary tries every position.
    if "style" not in lowered and "align" not in lowered:
        return markup  # most posts have no style at all (issue 12)
    # The tags `tags.start_tags` finds, cut out in C: up to the first tag that never closes
    # (past it, nothing is a tag, as there), every "<" and a letter starts a whole tag. Each
    # distinct tag is then read once, where a pattern's callback per tag cost 1.5 us and
    # one per distinct style 15 us (issue 12).
    closed = _CLOSED_TAGS.match(markup).end()  # type: ignore[union-attr]
    parts = _WHOLE_START_TAG.split(markup[:closed])  # text, tag, text, tag, ..., text
    tags = parts[1::2]
    if not tags:
        return markup
    # Tags that differ only in digits no class is made from (`_DIGITS_UNREAD`) rewrite
    # alike; whether a tag has presentation at all does not turn on its digits either.
    # So each key (the tag, every digit a "0") is read once: what a callback per tag cost,
    # 1.5 us, and per distinct style, 15 us, is a few steps in C per tag (issue 12).
    keys = _keys(tags, markup)
    shared: dict[bytes, str] = {}  # key -> the tag every tag of that key becomes
    apart: set[bytes] = set()  # keys whose tags are each read on their own
    for key, tag in dict(zip(keys, tags, strict=True)).items():
        if _HAS_PRESENTATION.search(tag):
            if _DIGITS_UNREAD.fullmatch(tag):
                shared[key] = _rewrite(tag)
            else:
                apart.add(key)
    if not shared and not apart:
        return markup
    written = dict(zip(tags, tags, strict=True))
    if shared:
        ones = list(map(shared.__contains__, keys))
        rewritten = map(shared.__getitem__, compress(keys, ones))
        written.update(zip(compress(tags, ones), rewritten, strict=True))
    for tag in set(compress(tags, map(apart.__contains__, keys))):
        written[tag] = _rewrite(tag)
    parts[1::2] = map(written.__getitem__, tags)
    return "".join(parts) + markup[closed:]


def _keys(tags: list[str], markup: str) -> list[bytes]:
    """Each of `tags` with every digit written "0", all translated at once, then cut apart
    at a character `markup` does not hold (each tag as it is when it holds them all)."""
    cut = next((char for char in _CUTS if char not in markup), None)
    if cut is None:
        return [tag.encode("utf-8", "surrogatepass") for tag in tags]
    joined = cut.join(tags).encode("utf-8", "surrogatepass")
    return joined.translate(_DIGITS_TO_ZERO).split(cut.encode())


_CUTS = [chr(code) for code in range(0xE010, 0xE014)]


def classes_for(tag: str, style: str, align: str = "") -> list[str]:
    """The theme classes a style attribute (and an `align` attribute) stand for, in order."""
    declarations = _declarations(style)
    classes = [_CLASS_OF[item] for item in declarations.items() if item in _CLASS_OF]
    if _centred_by_margins(declarations):
        classes.append("center-block")
    classes += _width_class(declarations.get("width", ""))
    align = align.strip().lower()
    if align in _ALIGN:
        classes.append(_BOX_ALIGN.get(align, "") if tag in _BOXES else f"align-{align}")
    return [name for name in dict.fromkeys(classes) if name]


def _rewrite(text: str) -> str:
    # Blogger repeats the same styled tag all through a post, and reading one costs tens of
    # microseconds (issue 12): remember the short ones.
    return _rewrite_cached(text) if len(text) <= 1024 else _rewrite_cached.__wrapped__(text)


@lru_cache(maxsize=4096)
def _rewrite_cached(text: str) -> str:
    parsed = _parse_tag(text)
    if parsed is None:
        return text
    tag, attrs = parsed
    style, align = attrs.pop("style", ""), attrs.pop("align", "")
    classes = attrs.get("class", "").split() + classes_for(tag, style, align)
    if classes:
        attrs["class"] = " ".join(dict.fromkeys(classes))
    if tag == "img":
        _sizes_to_attributes(attrs, _declarations(style))
    closing = "/>" if text.endswith("/>") else ">"
    body = "".join(f' {name}="{html_lib.escape(value)}"' for name, value in attrs.items())
    return f"<{tag}{body}{closing}"


def _declarations(style: str) -> dict[str, str]:
    # Comments and escapes are how CSS hides one property inside another: a style holding
    # either maps to nothing at all.
    if "/*" in style or "\\" in style:
        return {}
    found: dict[str, str] = {}
    for part in style.split(";"):
        name, colon, value = part.partition(":")
        if colon:
            value = value.strip().lower().removesuffix("!important").strip()
            found[name.strip().lower()] = value
    return found


def _centred_by_margins(declarations: dict[str, str]) -> bool:
    if declarations.get("margin-left") == declarations.get("margin-right") == "auto":
        return True
    parts = declarations.get("margin", "").split()
    return len(parts) in {2, 3} and parts[1] == "auto"


def _width_class(width: str) -> list[str]:
    match = _PERCENT.fullmatch(width)
    if not match:
        return []
    wanted = int(match.group(1))
    return [f"width-{min(_PERCENT_STEPS, key=lambda step: abs(step - wanted))}"]


def _sizes_to_attributes(attrs: dict[str, str], declarations: dict[str, str]) -> None:
    for name in ("width", "height"):
        match = _PIXELS.fullmatch(declarations.get(name, ""))
        if match and name not in attrs:
            attrs[name] = match.group(1)


# A start tag with one style attribute, double-quoted, holding no reference or tag.
_SIMPLE_STYLED = re.compile(r'<([a-zA-Z][a-zA-Z0-9]*) style="([^"&<>]*)">')
# A tag whose digits are not read: one style attribute, its name free of digits, its style
# of widths and heights. Names and values are compared only with words holding none
# ("float", "left", "auto"); only the width of any tag and the sizes of an image are read as
# numbers; digits in `_declarations`' names and values change no split. Every digit made a
# "0", such a tag rewrites the same (and is still such a tag), so distinct styles like
# "margin-left: 12px" are read once (issue 12).
_DIGITS_UNREAD = re.compile(
    r'<[a-zA-Z]++ style="(?:[^"&<>wWhH]++|[wW](?![iI][dD][tT][hH])'
    r'|[hH](?![eE][iI][gG][hH][tT]))*+">'
)
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")


class _OneTag(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: tuple[str, dict[str, str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found is None:
            self.found = (tag, {name: value or "" for name, value in attrs})

    handle_startendtag = handle_starttag


def _parse_tag(markup: str) -> tuple[str, dict[str, str]] | None:
    if simple := _SIMPLE_STYLED.fullmatch(markup):
        # What html.parser reads in the usual tag, without its 20 us (issue 12).
        return simple.group(1).lower(), {"style": simple.group(2)}
    parser = _OneTag()
    parser.feed(markup)
    parser.close()
    return parser.found
