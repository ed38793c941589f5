"""Markdown to HTML with cmark-gfm, GitHub's C implementation of CommonMark (issue 12).

The parser is linear in the shape of the source (cmark's design goal, and what its
pathological-input tests hold it to), where markdown-it-py, in pure Python, spent tens of
microseconds on every token: a megabyte of one-character paragraphs, emphasis runs or table
rows took 20 to 50 seconds. What we ask of it: CommonMark, with raw HTML passed on (the
sanitiser judges it), tables, `~~strikethrough~~`, footnotes and bare-URL links (GFM's
autolink extension: http(s), www. and e-mail addresses). Two things are ours:

- `bound_containers`: cmark nests block quotes and lists as deep as the source asks, and a
  line of 500,000 ">" would become 500,000 nested quotes for the nesting pass to flatten.
  Past `MAX_CONTAINERS` container markers at the start of a line, the next marker is escaped,
  so the rest of the line is text and no marker or word is lost.
- `footnote_ids`: cmark names footnotes `fn-LABEL` and `fnref-LABEL`; the document id goes in
  between, so that two posts with footnotes can share a listing page without duplicate ids.
"""

from __future__ import annotations

import re

import cmarkgfm
from cmarkgfm.cmark import Options

# As deep as the sanitiser lets HTML nest (nesting.MAX_DEPTH); no real post comes near.
MAX_CONTAINERS = 100

_OPTIONS = (
    Options.CMARK_OPT_UNSAFE  # raw HTML goes on to the sanitiser, which decides what stays
    | Options.CMARK_OPT_FOOTNOTES
    | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE  # "~" alone is a tilde, as before
)
_EXTENSIONS = ["table", "autolink", "strikethrough"]
_MARKER = r"[ \t]*+(?:>|(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t]))"
# MAX_CONTAINERS markers, then the spaces and digits before the next marker's punctuation.
_TOO_DEEP = re.compile(rf"^(?:{_MARKER}){{{MAX_CONTAINERS}}}[ \t]*+[0-9]{{0,9}}(?=[>+*.)-])", re.M)
# A line of "-", "*" or "_" alone (spaces allowed) is a thematic break, however long.
_THEMATIC_BREAK = re.compile(r"[ \t]*+([-*_])(?:[ \t]*+\1)*+[ \t]*+$", re.M)
_FOOTNOTE_ID = re.compile(r'(href="#|id=")(fnref|fn)-')


def to_html(source: str, doc_id: str = "") -> str:
    """`source` (CommonMark with our extensions) as unsanitised HTML."""
    html = cmarkgfm.markdown_to_html_with_extensions(
        bound_containers(source), options=_OPTIONS, extensions=_EXTENSIONS
    )
    return footnote_ids(html, doc_id)


def bound_containers(source: str) -> str:
    """`source` with a backslash before the container marker that would open the
    (MAX_CONTAINERS + 1)-th level on a line: it and the rest of the line stay as text."""
    return _TOO_DEEP.sub(_escape_next_marker, source)


def _escape_next_marker(match: re.Match[str]) -> str:
    if _THEMATIC_BREAK.match(match.string, match.start()):
        return match.group()  # "- - - ..." draws a line; escaping would make it a list
    return match.group() + "\\"


def footnote_ids(html: str, doc_id: str) -> str:
    """cmark's footnote anchors with `doc_id` in them: `fn-DOC-1`, `fnref-DOC-1`."""
    if not doc_id:
        return html
    return _FOOTNOTE_ID.sub(rf"\g<1>\g<2>-{_escaped(doc_id)}-", html)


def _escaped(doc_id: str) -> str:
    # Callers pass a slug; anything else must not break out of the attribute it lands in,
    # nor be read as a group reference by re.sub.
    return re.sub(r"[^\w.:-]", "-", doc_id)
