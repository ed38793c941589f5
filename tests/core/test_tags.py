"""Start tags found before the sanitiser: whole, in order, and never read twice."""

from __future__ import annotations

from broadsheet.core.tags import start_tags


def test_quoted_values_may_hold_a_closing_bracket() -> None:
    tags = list(start_tags('<p title="a>b">x</p><img src=y>'))
    assert [(t.name, t.text) for t in tags] == [("p", '<p title="a>b">'), ("img", "<img src=y>")]


def test_search_ends_at_a_tag_that_never_closes() -> None:
    # A browser reads everything after an unclosed tag as part of it: no tag follows.
    assert [t.name for t in start_tags('<b>x<iframe "never <img src=z>')] == ["b"]


def test_a_long_run_of_unclosed_tags_is_read_once() -> None:
    assert list(start_tags('<iframe "' * 50_000)) == []
