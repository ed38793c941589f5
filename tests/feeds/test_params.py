"""Blogger's feed query parameters, read the way Blogger reads them."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from broadsheet.feeds import params


def parse(query: str, default: str = params.ATOM) -> params.FeedParams:
    return params.parse(RequestFactory().get(f"/feeds/posts/default?{query}"), default)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", params.FeedParams("atom", 25, 1, "published")),
        ("alt=rss&max-results=5&start-index=11", params.FeedParams("rss", 5, 11, "published")),
        ("alt=jsonfeed&orderby=updated", params.FeedParams("jsonfeed", 25, 1, "updated")),
        ("alt=ATOM&orderby=starttime", params.FeedParams("atom", 25, 1, "published")),
        ("max-results=501", params.FeedParams("atom", 500, 1, "published")),
        ("max-results=99999999999999999999999", params.FeedParams("atom", 500, 1, "published")),
        ("max-results=0", params.FeedParams("atom", 0, 1, "published")),
        ("max-results=%C2%B2&start-index=%D9%A3", params.FeedParams("atom", 25, 1, "published")),
        ("start-index=0", params.FeedParams("atom", 25, 1, "published")),
        ("start-index=" + "9" * 5000, params.FeedParams("atom", 25, 1_000_000, "published")),
    ],
)
def test_parameters(query: str, expected: params.FeedParams) -> None:
    assert parse(query) == expected


def test_address_sets_the_default_format_and_alt_overrides_it() -> None:
    assert parse("", params.RSS).fmt == "rss"
    assert parse("alt=atom", params.RSS).fmt == "atom"


@pytest.mark.parametrize("alt", ["xml", "rss2", "jsonp"])
def test_formats_we_do_not_make_are_refused(alt: str) -> None:
    with pytest.raises(params.UnsupportedFormat):
        parse(f"alt={alt}")


def test_plain_means_no_paging_or_ordering() -> None:
    factory = RequestFactory()
    assert params.is_plain(factory.get("/feeds/posts/default?alt=rss&redirect=false"))
    assert not params.is_plain(factory.get("/feeds/posts/default?max-results=5"))
