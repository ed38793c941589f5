"""Where each address goes in the exported folder (`publish.paths.file_for`)."""

from __future__ import annotations

import pytest

from broadsheet.publish.paths import file_for


@pytest.mark.parametrize(
    ("address", "content_type", "expected"),
    [
        ("/", "text/html; charset=utf-8", "index.html"),
        ("/2024/10/a-day.html", "text/html", "2024/10/a-day.html"),
        ("/2024/10/", "text/html", "2024/10/index.html"),
        ("/search/label/Seed%20Saving", "text/html", "search/label/Seed Saving/index.html"),
        (
            "/feeds/posts/default",
            "application/atom+xml; charset=utf-8",
            "feeds/posts/default/index.atom",
        ),
        (
            "/feeds/posts/default/-/Fruit",
            "application/atom+xml",
            "feeds/posts/default/-/Fruit/index.atom",
        ),
        ("/robots.txt", "text/plain", "robots.txt"),
    ],
)
def test_an_address_has_one_file_that_nginx_finds(
    address: str, content_type: str, expected: str
) -> None:
    assert str(file_for(address, content_type)) == expected


@pytest.mark.parametrize(
    "address",
    [
        "/search/label/..",
        "/search/label/%2e%2e/x",
        "/a//b",
        "/a/./b",
        "/x%00y",
        "relative",
        "/a\\b",
    ],
)
def test_an_address_that_would_leave_its_folder_has_no_file(address: str) -> None:
    assert file_for(address, "text/html") is None
