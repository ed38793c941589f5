"""Issue 12: the sanitiser skips its proving pass only where one pass is provably stable.

`core/stability.py` names the shapes whose output can read back differently; these tests
generate tag soups of the very elements the sanitiser keeps (tables, headings, formatting
elements, links, lists: the ones the tree builder moves around) and check that whenever the
shortcut is taken, a second clean changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadsheet.core import markup, stability
from broadsheet.core.markup import MARKDOWN, render, sanitize
from broadsheet.core.nesting import bound_depth, split_sanitised_references

# The elements the tree builder treats specially, most often; then any kept one.
_BUSY = ["table", "caption", "thead", "tbody", "tr", "td", "th", "a", "b", "i", "em", "code"]
_BUSY += ["p", "div", "li", "ul", "dl", "dt", "dd", "h1", "h2", "h5", "pre", "blockquote"]
_NAMES = st.sampled_from(_BUSY) | st.sampled_from(sorted(markup._TAGS))
_ATTRIBUTES = st.sampled_from(["", ' class="c"', ' href="/x"', " id=i", ' title=">"', "/"])
_TEXT = st.sampled_from(["x", " ", "\n", "\n\n", "&amp;", "&", "<", "a b", "&lt;b&gt;"])
_TOKENS = st.one_of(
    st.tuples(_NAMES, _ATTRIBUTES).map(lambda pair: f"<{pair[0]}{pair[1]}>"),
    _NAMES.map(lambda name: f"</{name}>"),
    _TEXT,
)
_SOUP = st.lists(_TOKENS, min_size=1, max_size=24).map("".join)


def _shortcut_taken(source: str) -> tuple[bool, str]:
    bounded = bound_depth(source)
    cleaned = markup._clean_once(bounded)
    return stability.one_pass_is_stable(bounded, cleaned, markup._TAGS), cleaned


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SOUP)
def test_output_of_a_single_pass_cleans_to_itself_whenever_the_shortcut_is_taken(
    source: str,
) -> None:
    stable, cleaned = _shortcut_taken(source)
    if stable:
        assert markup._clean_once(split_sanitised_references(cleaned)) == cleaned
    assert sanitize(sanitize(source)) == sanitize(source)


@pytest.mark.parametrize(
    "source",
    [
        "<p>a<button><p>b</p></button></p>",  # a dropped element's children move up
        "<h5><table><h2>x",  # foster parenting puts the <h2> inside the <h5>
        "<dt><table><dt>x",
        "<a href=/1><table><a href=/2>x",
        '<table title="><tr>">x',  # the tag ends later than its first ">"
        "<h2><i></table><h1>x</i>",  # the adoption agency leaves a heading in a heading
        "<mar\u212a>x</mar\u212a>",  # not a <mark>: the parser lowers only ASCII
    ],
)
def test_shapes_that_can_move_take_the_proving_pass_and_come_out_stable(source: str) -> None:
    assert not _shortcut_taken(source)[0]
    assert sanitize(sanitize(source)) == sanitize(source)


@pytest.mark.parametrize(
    "source",
    [
        "Some *prose* with a [link](https://example.org) and `code`.\n\n> a quote\n",
        "- one\n  - nested\n- two\n\n1. first\n\n## Heading\n\n```\ncode\n```\n",
        "| a | b |\n|:-|-:|\n| x | y |\n\nText[^1].\n\n[^1]: A note.\n",
    ],
)
def test_an_ordinary_markdown_post_is_cleaned_once(source: str) -> None:
    html = markdown_html(source)
    assert _shortcut_taken(html)[0]
    assert sanitize(render(source, MARKDOWN)) == render(source, MARKDOWN)


def markdown_html(source: str) -> str:
    from broadsheet.core import markdown_rules, presentation

    return presentation.styles_to_classes(markdown_rules.to_html(source, "d"))


# Markdown without "<": tables, footnotes, lists, quotes, headings, links, videos, references.
_MARKDOWN_PIECES = [
    *("| a | b |\n|---|:-:|\n| x | y |\n", "|x|\n|-|\n", "| a |\n| - |\n| `c` | ", "[^1]", "[^1]: n\n"),
    *("- ", "1. ", "> ", "# ", "## h\n", "***", "**b**", "_i_", "~~d~~", "`c`", "```\nx\n```\n"),
    *("[l](/x)", "![i](/i.png)", "www.example.org", "https://example.org/a", "a@b.org"),
    *("https://youtu.be/dQw4w9WgXcQ", "&amp;", "&", "&#60;", "\\", "    code\n", "x", " ", "\n"),
    *("\n\n", "---\n", "=\n", "|", "\t", "[x]: /y\n", "[x]", "- [ ] t\n"),
]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_MARKDOWN_PIECES), min_size=1, max_size=30).map("".join))
def test_markdown_without_html_needs_no_check_of_its_tags(source: str) -> None:
    # render skips the tag checks for such Markdown (issue 12): they must hold anyway.
    html = markup.markdown_rules.to_html(source, "d")
    html = markup.embeds.canonicalise(html, in_paragraphs=True, deferred=markup.embeds.Deferred())
    bounded = bound_depth(markup.presentation.styles_to_classes(html))
    assert stability.only_kept_tags(bounded, markup._TAGS)
    assert stability.no_foster_parenting(bounded)
    once = render(source, MARKDOWN, doc_id="d")
    assert sanitize(once) == once
