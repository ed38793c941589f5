"""The image and link tags of an imported body, read in one pass as a browser reads them.

`image_tags` finds the `<img>` and `<a>` start tags the image pass of an import rewrites.
Python's `html.parser` read them before: it raised on `<![ x` and took time in the square of
some broken markup's length. The reading is held here against `html.parser` wherever the two
must agree (well-formed markup), against the HTML tokenizer's rules where `html.parser`
differs, and against breaking on anything at all.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from broadsheet.portability.image_html import Tag, image_tags

Found = tuple[int, int, str, list[tuple[str, str | None]], bool]


class _Reference(HTMLParser):
    """CPython's reading of the same tags, with where each sits in the source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source, self.found = source, list[Found]()
        self.line_starts = [0] + [i + 1 for i, char in enumerate(source) if char == "\n"]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._keep(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._keep(tag, attrs, self_closing=True)

    def _keep(self, tag: str, attrs: list[tuple[str, str | None]], *, self_closing: bool) -> None:
        line, column = self.getpos()
        start = self.line_starts[line - 1] + column
        if tag in ("img", "a"):
            raw = self.get_starttag_text() or ""
            self.found.append((start, start + len(raw), tag, attrs, self_closing))


def reference(source: str) -> list[Found]:
    parser = _Reference(source)
    parser.feed(source)
    parser.close()
    return parser.found


def found(source: str) -> list[Found]:
    return [(t.start, t.end, t.name, t.attrs, t.self_closing) for t in image_tags(source)]


# Well-formed markup: the shapes Blogger's editor, WordPress and people write.
names = st.sampled_from(["img", "a", "IMG", "A", "p", "div", "span", "b", "br", "figure"])
attribute_names = st.sampled_from(["src", "href", "alt", "title", "width", "data-x", "SRCSET"])
values = st.lists(
    st.sampled_from([*"ab /:?=#.,-_'\"<>é\n", "&amp;", "&lt;", "&#62;"]), max_size=12
).map("".join)


@st.composite
def attribute(draw: st.DrawFn) -> str:
    name, value = draw(attribute_names), draw(values)
    space = draw(st.sampled_from([" ", "\n", "  ", "\t"]))
    if draw(st.booleans()) and not value:
        return f"{space}{name}"
    if '"' not in value and draw(st.booleans()):
        return f'{space}{name}="{value}"'
    if "'" not in value and draw(st.booleans()):
        return f"{space}{name}='{value}'"
    return f'{space}{name}="{escape(value, quote=True)}"'


@st.composite
def piece(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["start", "end", "text", "comment"]))
    if kind == "start":
        attrs = "".join(draw(st.lists(attribute(), max_size=4)))
        close = draw(st.sampled_from([">", " />", "/>"]))
        return f"<{draw(names)}{attrs}{close}"
    if kind == "end":
        return f"</{draw(names)}>"
    if kind == "comment":
        # Not `<!-->` nor `<!--->`, which end at once for a browser but not for Python.
        return f"<!-- {draw(st.text(alphabet='ab <>', max_size=8))} -->"
    return draw(st.text(alphabet=st.sampled_from(list("ab &;\n.é")), max_size=10))


@settings(max_examples=300, deadline=None)
@given(st.lists(piece(), max_size=12).map("".join))
def test_well_formed_markup_is_read_as_pythons_parser_reads_it(source: str) -> None:
    assert found(source) == reference(source)


def test_the_pictures_of_a_real_export_are_read_as_before() -> None:
    source = (
        '<div class="separator" style="clear: both;"><a href="https://1.bp.blogspot.com/-x/'
        's1600/lake.jpg" imageanchor="1" style="margin-left: 1em"><img border="0" '
        'data-original-height="1067" src="https://1.bp.blogspot.com/-x/s320/lake.jpg" '
        'width="320" /></a></div>\n<br />Text &amp; more <a href=/p?a=1&amp;b=2>x</a>'
    )
    tags = image_tags(source)
    assert found(source) == reference(source)
    assert [tag.name for tag in tags] == ["a", "img", "a"]
    assert tags[1].get("src").endswith("s320/lake.jpg") and tags[1].self_closing
    assert tags[2].get("href") == "/p?a=1&b=2"
    assert all(source[tag.start : tag.end] == source[tag.start : tag.end].strip() for tag in tags)


@pytest.mark.parametrize(
    ("source", "images"),
    [
        # Where Python's parser differs from a browser, the browser's reading is the one.
        ("<textarea><img src=a></textarea><img src=b>", ["b"]),
        ("<title><img src=a></title><img src=b>", ["b"]),
        ("<script>'<img src=a>'</script ><img src=b>", ["b"]),
        ("<STYLE>p>a{}</style><img src=b>", ["b"]),
        ('<img src="a>b" alt=x>', ["a>b"]),
        ("<img alt='x' src=\"q'r\">", ["q'r"]),
        ('<img =src="x>" src=b>', ["b"]),  # "=src" is a name; the tag ends at the first >
        ("<img src=a/>", ["a/"]),
        ("<!--> <img src=a>", ["a"]),
        ("<!---> <img src=a>", ["a"]),
        ("<!-- <img src=a> --!> <img src=b>", ["b"]),
        ("</p title='>' ><img src=a>", ["a"]),
        ("<![CDATA[ <img src=a ]]> <img src=b>", ["b"]),
        ("<? <img src=a> <img src=b>", ["b"]),
        ("</3 <img src=a> <img src=b>", ["b"]),
        ("</> <img src=a>", ["a"]),
        ("a < b <img src=a>", ["a"]),
        # What runs to the end holds the rest: no tag is found after it.
        ("<img src=a><!-- <img src=b>", ["a"]),
        ('<img src=a><p title="<img src=b>', ["a"]),
        ("<img src=a><script><img src=b>", ["a"]),
        ("<img src=a><![ x <img src=b", ["a"]),
        ("<img src=a><img src=b", ["a"]),
        ("<img src=a><a\n<a\n<a\n", ["a"]),
    ],
)
def test_tags_end_where_a_browser_ends_them(source: str, images: list[str]) -> None:
    assert [tag.get("src") for tag in image_tags(source) if tag.name == "img"] == images


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<", ">", "!", "[", "-", "?", "/", "=", "'", '"', " ", "\n", "a", "img", "src",
             "<a", "<img", "</", "<!--", "-->", "<![", "<!", "<?", "script", "&amp;"]
        ),
        max_size=40,
    ).map("".join)
)  # fmt: skip
@example("<a/<=/>")  # an attribute "<" whose unquoted value is "/"
def test_any_text_is_read_without_an_error_and_each_tag_is_whole(source: str) -> None:
    tags = image_tags(source)
    ends = [0]
    for tag in tags:
        assert isinstance(tag, Tag) and tag.start >= ends[-1]
        text = source[tag.start : tag.end]
        assert text[0] == "<" and text[-1] == ">" and text[1:].lower().startswith(tag.name)
        # A "/" just before ">" makes the tag self-closing, unless it is the end of an
        # unquoted value ("<a x=/>": x is "/"), as a browser reads it.
        slash_is_a_value = bool(tag.attrs) and (tag.attrs[-1][1] or "").endswith("/")
        assert tag.self_closing == (text.endswith("/>") and not slash_is_a_value)
        ends.append(tag.end)


@pytest.mark.parametrize("unit", ["<a\n", "&<p\n", "<!--", "<![ x", "</a\n", "<a x='", "<!x"])
def test_broken_markup_repeated_gives_no_error_and_nothing_after_it(unit: str) -> None:
    # Each of these cost Python's parser seconds at 10 KB (bench/RESULTS.md); `<![ x` raised.
    source = unit * 20_000 + '<img src="x">'
    assert [tag.get("src") for tag in image_tags(source)] in ([], ["x"])
    assert image_tags('<img src="y">' + unit * 20_000)[0].get("src") == "y"
