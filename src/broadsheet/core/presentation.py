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
_START_TAG = re.compile(r"""<[a-zA-Z][a-zA-Z0-9]*(?:[^"'>]++|"[^"]*+"|'[^']*+')*+(>)?""")
_HAS_PRESENTATION = re.compile(r"\b(?:style|align)\s*=", re.IGNORECASE)


def styles_to_classes(markup: str) -> str:
    """`markup` with each style and align attribute replaced by the classes it maps to."""
    lowered = markup.lower()
    # Plain substring scans first: a regex starting at a word boundary tries every position.
    if "style" not in lowered and "align" not in lowered:
        return markup  # most posts have no style at all (issue 12)
    # One pattern over the post finds the tags `tags.start_tags` finds, in one C loop
    # instead of a generator step per tag (issue 12); past a tag that never closes, nothing
    # is a tag, as there.
    closed = True

    def rewrite(match: re.Match[str]) -> str:
        nonlocal closed
        closed = closed and match.group(1) is not None
        text = match.group(0)
        return _rewrite(text) if closed and _HAS_PRESENTATION.search(text) else text

    return _START_TAG.sub(rewrite, markup)


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
