"""Writing a WXR file: well-formed, and the WordPress importer reads everything back."""

from __future__ import annotations

import io
from typing import Any

import pytest
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.wordpress_export import WP, export_wordpress
from tests.portability.conftest import BLOGGER, NOW, WXR, content_of

pytestmark = pytest.mark.django_db


def exported(blog: Blog) -> bytes:
    out = io.BytesIO()
    export_wordpress(blog, out, base="https://notes.example")
    return out.getvalue()


@pytest.mark.parametrize(
    ("importer", "path"),
    [
        (import_wordpress, WXR / "theme-unit-test-data.xml"),
        (import_blogger, BLOGGER / "pelican-bloggerexport-2018.xml"),
    ],
)
def test_round_trip_through_wxr(
    blog: Blog, other_blog: Blog, write_file: Any, importer: Any, path: Any
) -> None:
    importer(blog, path, now=NOW)

    import_wordpress(other_blog, write_file(exported(blog)), now=NOW)

    # WordPress keeps times to the second; Blogger's milliseconds do not survive WXR.
    assert content_of(other_blog, seconds=True) == content_of(blog, seconds=True)


def test_wxr_is_well_formed_with_version_and_items(blog: Blog) -> None:
    import_wordpress(blog, WXR / "valid-wxr-1.0.xml", now=NOW)

    root = etree.fromstring(exported(blog))
    assert root.tag == "rss"
    assert root.findtext(f"channel/{{{WP}}}wxr_version") == "1.2"
    types = [item.findtext(f"{{{WP}}}post_type") for item in root.iter("item")]
    assert types.count("post") == 3 and types.count("page") == 3
    ids = [item.findtext(f"{{{WP}}}post_id") for item in root.iter("item")]
    assert len(set(ids)) == len(ids)  # posts and pages share WordPress's one sequence
