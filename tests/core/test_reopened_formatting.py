"""Issue 12: formatting elements a block leaves open are copied into the blocks that follow
by the HTML parser ("reconstruct the active formatting elements"), so a few bytes of input
could come out as many times their size. The depth pass keeps those copies within a budget
proportional to the input (`nesting.REOPEN_BUDGET`); past it, the left-open elements end with
their block. Ordinary posts stay as they were.

How long this takes is measured in bench/render_shapes.py, not here."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

import nh3
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from broadsheet.core import markup, nesting
from broadsheet.core.markup import HTML, MARKDOWN, plain_text, render, sanitize

from .test_markup import assert_safe
from .test_nesting import depth

FORMATTING = sorted(nesting._FORMATTING)


@contextmanager
def budget(factor: int, allowance: int) -> Iterator[None]:
    """The copies' budget set to `factor` times the input and `allowance`, for the block."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nesting, "REOPEN_BUDGET", factor)
        patch.setattr(nesting, "REOPEN_ALLOWANCE", allowance)
        yield


UNLIMITED = (10**6, 10**9)
NONE = (0, 0)


# --- ordinary posts are unchanged ---------------------------------------------------------


def test_a_few_unclosed_formatting_tags_carry_on_across_paragraphs_as_before() -> None:
    # An old post: its first paragraph leaves <font> and <b> open, and the browser (and the
    # sanitiser) carries the bold into every paragraph after it. Still so.
    source = '<p><font face="Georgia, serif" size="3"><b>Intro' + "".join(
        f"<p>Paragraph {index} of the post.</p>" for index in range(60)
    )
    out = render(source, HTML)
    assert out.startswith("<p><b>Intro</b></p>")
    assert out.count("<b>") == 61
    assert "<p><b>Paragraph 59 of the post.</b></p>" in out


@pytest.mark.parametrize(
    "source",
    [
        # A long Blogger post of <div> lines and empty ones, under two unclosed tags.
        '<div><font face="georgia, &quot;times new roman&quot;, serif" size="3"><i>Dear all,'
        + "</div><div><br></div><div>A line of the letter, written on the day.</div>" * 400,
        # Unclosed emphasis and a link in list items, quotes and table cells.
        "<ul><li><em>one<li>two<li><strong>three</ul><blockquote><p><u>q</p><p>r</p>"
        "</blockquote><table><tr><td><s>x<td>y</table><p><a href=/a>link<p>after",
        # Markdown with raw HTML left open.
        "Intro <b>bold\n\n" + "A paragraph of Markdown text.\n\n" * 300,
    ],
)
def test_real_posts_render_as_without_any_budget(source: str) -> None:
    for fmt in (HTML, MARKDOWN):
        expected = _unlimited(render, source, fmt)
        assert render(source, fmt) == expected


def _unlimited(function: Callable[..., str], *args: str) -> str:
    with budget(*UNLIMITED):
        return function(*args)


# --- the class: any shape of left-open formatting is bounded --------------------------------

attribute = st.one_of(
    st.just(""),
    st.integers(0, 10**6).map(lambda number: f' class="c{number}"'),
    st.integers(0, 99).map(lambda number: f" title=t{number}"),
)
opening = st.builds(lambda name, attrs: f"<{name}{attrs}>", st.sampled_from(FORMATTING), attribute)
BLOCKS = [
    ("<p>", "</p>"), ("<p>", ""), ("<div>", "</div>"), ("<li>", ""), ("<li>", "</li>"),
    ("<dd>", ""), ("<blockquote>", "</blockquote>"), ("<h2>", "</h2>"), ("<td>", "</td>"),
    ("<tr><td>", ""), ("", "<br>"), ("", "<hr>"), ("<pre>", "</pre>"),
]  # fmt: skip
# A block holding text and formatting start tags that it leaves open.
block = st.builds(
    lambda ends, tags, text: f"{ends[0]}{''.join(tags)}{text}{ends[1]}",
    st.sampled_from(BLOCKS),
    st.lists(opening, min_size=0, max_size=4),
    st.sampled_from(["w", "w ", "", "w<br>", "w</b>", "w</a>", "<img src=/i.png>"]),
)
WRAPPERS = [("", ""), ("<ul>", "</ul>"), ("<ol><li>", ""), ("<table>", "</table>"),
            ("<blockquote>", ""), ("<dl>", "</dl>"), ("<div>", "")]  # fmt: skip


def _bounded_output(source: str) -> str:
    with budget(*NONE):
        return sanitize(source)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(WRAPPERS), st.lists(block, min_size=1, max_size=300))
@example(("", ""), [f'<p><b class="c{index}">w</p>' for index in range(300)])
@example(("<ul>", "</ul>"), ["<li><i><em><u><s>w"] * 300)
def test_left_open_formatting_grows_the_output_linearly_at_most(
    wrapper: tuple[str, str], blocks: list[str]
) -> None:
    # Every copy of a formatting element is the input's own tag again; with no budget at
    # all, the output holds the input's tags, each at most once more (it is closed), and
    # the parser's own (a <tbody>, a link's rel), never a copy of one per block after it.
    source = wrapper[0] + "".join(blocks) + wrapper[1]
    out = _bounded_output(source)
    assert len(out) <= 3 * len(source) + 100
    assert out.count("<") <= 3 * source.count("<") + 10
    assert depth(out) <= nesting.MAX_DEPTH
    assert_safe(out)


# Blocks whose every copy nests past the depth pass's count (see the test below).
_DEEP_ONCE_COPIED = [
    '<p><nobr>w</p>',
    '<p><strong><i>w</p>',
    '<p><big><b><big><i>w</p>',
    '<dd><strong><strike><tt>w',
    '<p><a><tt><tt><tt>w</p>',
    '<p><u><a><a>w</p>',
    '<p><a><nobr>w</p>',
    '<pre><tt><big>w</pre>',
    '<strong>w<hr>',
    '<p><tt><a>w</p>',
    '<li><a><a>w',
    '<p><a><a><font><i>w</p>',
    '<dd><code>w',
    '<p><font class="c14"><big>w</a></p>',
    '<p><em><tt>w</p>',
    '<p><a><strong><font>w</p>',
    '<p><a><i><s><tt>w</p>',
    '<p><strike class="c10061"><a><code><strong>w</a></p>',
    '<pre><font><s>w</pre>',
    '<p><strike><strike class="c93"><big class="c0"><strike>w</p>',
    '<big><strong><big class="c204"><s class="c11431">w<hr>',
    '<p><em><small><strong class="c1964">w</p>',
    '<p><a><strike><small><big class="c87">w</p>',
    '<p><i><nobr><tt><b>w</p>',
    '<p><s><i class="c15581"><b><strong class="c10123">w</p>',
    '<p><small><font class="c1974"><b><big>w</p>',
    '<p><s class="c587"><i class="c1236"><big class="c10759"><code>w</p>',
    '<p><tt class="c0">w</p>',
    '<p><i><u><big><font>w</p>',
    '<strong><a><tt>w<hr>',
    '<p><small><strike><strong><big>w</p>',
    '<p><a><em><b><b>w</p>',
    '<p><nobr>w</p>',
    '<p><u><small><tt><font>w</p>',
    '<p><a><strong>w</p>',
    '<p><small><strong><strike><font>w</p>',
    '<p><a><big><small class="c6837">w</p>',
    '<td><font>w</td>',
    '<p>w</p>',
]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(WRAPPERS), st.lists(block, min_size=1, max_size=60))
@example(("", ""), _DEEP_ONCE_COPIED)
def test_past_the_budget_only_the_copies_go(wrapper: tuple[str, str], blocks: list[str]) -> None:
    # The same document with every copy and with none: the text, in order, and every
    # element but the formatting ones come out the same. Only where the formatting ends
    # differs: with its own block, not copied into the next.
    # Both with no depth limit: the depth pass counts an element the adoption agency moved
    # as still open, so the document with every copy can reach the limit, lose a <p> to it
    # and join two words; that is the depth bound's doing, not the budget's.
    source = wrapper[0] + "".join(blocks) + wrapper[1]
    with any_depth():
        copied = _unlimited(sanitize, source)
        bounded = _bounded_output(source)
    assert plain_text(bounded) == plain_text(copied)
    assert _without_formatting(bounded) == _without_formatting(copied)


@contextmanager
def any_depth() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markup, "bound_depth", partial(nesting.bound_depth, limit=10**6))
        yield


_FORMATTING_TAG = re.compile(rf"</?(?:{'|'.join(FORMATTING)})(?:\s[^>]*)?>")


def _without_formatting(html: str) -> str:
    return _FORMATTING_TAG.sub("", html)


@pytest.mark.parametrize("wrapper", WRAPPERS)
@pytest.mark.parametrize("name", FORMATTING)
def test_each_formatting_element_left_open_in_every_block_is_bounded(
    name: str, wrapper: tuple[str, str]
) -> None:
    # The shapes that came out 75 times their size: a different one left open per block.
    source = (
        wrapper[0]
        + "".join(f'<p><{name} class="c{index}">w{index}</p>' for index in range(2000))
        + wrapper[1]
    )
    # The tree the parser builds, every element kept (the sanitiser drops <font>, <big>,
    # <strike> and <tt>, but only after the parser built their copies).
    tree = nh3.clean(nesting.bound_depth(source), tags=TREE_TAGS, attributes={"*": {"class"}})
    assert len(tree) <= 5 * len(source)
    out = render(source, HTML)
    assert len(out) <= 5 * len(source)
    assert plain_text(out).split() == [f"w{index}" for index in range(2000)]


TREE_TAGS = {*FORMATTING, "p", "ul", "ol", "li", "table", "tbody", "tr", "td", "blockquote"}
TREE_TAGS |= {"dl", "dd", "div"}


def test_left_open_raw_html_in_markdown_is_bounded() -> None:
    source = "".join(f'<b class="c{index}">w{index}\n\n' for index in range(3000))
    out = render(source, MARKDOWN)
    assert len(out) <= 5 * len(source)
    assert plain_text(out).split()[-1] == "w2999"
