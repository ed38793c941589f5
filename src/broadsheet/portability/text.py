"""Turning other systems' markup into what Broadsheet stores: comment text, plain titles,
WordPress paragraphs, safe commenter URLs."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

from broadsheet.core import markup
from broadsheet.core.weblinks import web_url

_BREAK_TAGS = {"br"}
_BLOCK_TAGS = {
    *("p", "div", "blockquote", "li", "ul", "ol", "pre", "table", "tr"),
    *("h1", "h2", "h3", "h4", "h5", "h6"),
}
_HIDDEN_TAGS = {"script", "style", "template", "noscript", "iframe", "object"}
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_OTHER_THAN_BREAK = re.compile(r"<(?!br\s*/?>)", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_MANY_BREAKS = re.compile(r"\n{3,}")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


def html_to_text(source: str) -> str:
    """Comment HTML as the plain text a Broadsheet comment holds.

    Line breaks and paragraphs survive (the reader turns them back into `<br>` and `<p>`),
    a link's address follows its text when the text does not show it, and every tag goes:
    a comment is text, escaped on output, never markup.
    """
    if "<" not in source and "&" not in source:
        return _tidy(source)
    if not _OTHER_THAN_BREAK.search(source):
        # Most comments are text with <br> and entities: no parser needed for those.
        return _tidy(html_lib.unescape(_BREAK.sub("\n", source)))
    collector = _CommentText()
    # The sanitiser's output, not the file's markup: Python's html.parser takes time in the
    # square of some broken markup's length ("&<p" and a line break, repeated: 40 KB, 20 s).
    # What the sanitiser drops with its content (scripts, styles, frames) is what this hides
    # anyway. A marked section (`<![…`) can only be text in a comment: it stays text.
    collector.feed(markup.sanitize(source.replace("<![", "&lt;![")))
    collector.close()
    return _tidy("".join(collector.parts))


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n"))
    return _MANY_BREAKS.sub("\n\n", "\n".join(lines)).strip()


class _CommentText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BREAK_TAGS:
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS and self._hidden:
            self._hidden -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag == "a" and self._links:
            self._close_link(*self._links.pop())

    def _close_link(self, href: str, start: int) -> None:
        shown = "".join(self.parts[start:])
        if web_url(href) and href not in shown:
            self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def plain_title(title: str, *, is_html: bool) -> str:
    """A title as plain text: Blogger's `type="html"` titles and WordPress titles may hold
    markup and entities (`Title <em>With</em> Markup`), Broadsheet titles never do."""
    if is_html and ("<" in title or "&" in title):
        title = markup.plain_text(markup.sanitize(title))
    return " ".join(title.split())


def email_or_blank(value: str) -> str:
    value = value.strip()
    return value if _EMAIL.match(value) and len(value) <= 254 else ""


def xml_text(text: str) -> str:
    """Text an XML 1.0 file can carry: most control characters cannot be written in XML at
    all, not even escaped, so they are dropped."""
    return _NOT_XML.sub("", text)


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs and line breaks (for `type="text"` Atom content and for
    comments written out to other formats)."""
    paragraphs = [part for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    return "\n".join(
        "<p>" + html_lib.escape(part.strip(), quote=False).replace("\n", "<br />") + "</p>"
        for part in paragraphs
    )


# WordPress's wpautop, in the part that matters for content written in the classic editor:
# blank lines separate paragraphs, single newlines are line breaks, and a chunk that already
# starts with a block element is left as it is.
_AUTOP_BLOCKS = (
    "address|article|aside|blockquote|details|div|dl|fieldset|figcaption|figure|footer|form|"
    "h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul|"
    "style|script|object|iframe|embed|video|audio|!--"
)
_STARTS_WITH_BLOCK = re.compile(rf"^<(?:/?(?:{_AUTOP_BLOCKS}))[\s/>]", re.IGNORECASE)
_PRE = re.compile(r"(<pre[\s>].*?</pre>)", re.IGNORECASE | re.DOTALL)
_BLOCK_EDITOR = "<!-- wp:"


def wpautop(content: str) -> str:
    """Paragraphs from blank lines, as WordPress shows classic-editor posts.

    Block-editor posts (`<!-- wp:paragraph -->`) carry their own `<p>` and WordPress does not
    run wpautop on them, so neither do we. `<pre>` blocks keep their newlines.
    """
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    if _BLOCK_EDITOR in content or "\n" not in content:
        return content
    pieces = _PRE.split(content)
    return "".join(piece if index % 2 else _paragraphs(piece) for index, piece in enumerate(pieces))


def _paragraphs(text: str) -> str:
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text)]
    return "\n".join(_paragraph(chunk) for chunk in chunks if chunk)


def _paragraph(chunk: str) -> str:
    if _STARTS_WITH_BLOCK.match(chunk):
        return chunk
    lines = [line.strip() for line in chunk.split("\n")]
    return "<p>" + "<br />\n".join(lines) + "</p>"
