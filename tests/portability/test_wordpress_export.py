"""Writing a WXR file: well-formed, and the WordPress importer reads everything back."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.wordpress import CONTENT
from broadsheet.portability.wordpress_export import WP, export_wordpress
from tests.portability.conftest import BLOGGER, NOW, WXR, content_of
from tests.portability.pictures import add_pictures, largest_url

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


# --- uploaded pictures: absolute addresses and attachment items ---------------------------

BASE = "https://notes.example"


def _items(root: etree._Element, kind: str) -> list[etree._Element]:
    return [item for item in root.iter("item") if item.findtext(f"{{{WP}}}post_type") == kind]


def _number_of(root: etree._Element, title: str) -> str:
    item = next(item for item in root.iter("item") if item.findtext("title") == title)
    return str(item.findtext(f"{{{WP}}}post_id"))


def _media_addresses(body: str) -> set[str]:
    return set(re.findall(r"""[^"'\s,]*/media/[^"'\s,]+""", body))


def test_each_uploaded_picture_is_an_attachment_item(
    blog: Blog, author: User, settings: Any, tmp_path: Path
) -> None:
    pictures = add_pictures(blog, author, settings, tmp_path)

    root = etree.fromstring(exported(blog))

    attachments = {item.findtext("title"): item for item in _items(root, "attachment")}
    assert set(attachments) == {"kale", "leek", "unused"}
    kale = attachments["kale"]
    url = BASE + largest_url(pictures.kale)
    assert kale.findtext(f"{{{WP}}}attachment_url") == url
    assert kale.findtext("guid") == url
    assert kale.findtext(f"{{{WP}}}status") == "inherit"
    # Its parent is the first item that shows it; one shown by nothing has none.
    assert kale.findtext(f"{{{WP}}}post_parent") == _number_of(root, "Kale")
    assert attachments["leek"].findtext(f"{{{WP}}}post_parent") == _number_of(root, "Garden")
    assert attachments["unused"].findtext(f"{{{WP}}}post_parent") == "0"
    alt = kale.find(f"{{{WP}}}postmeta")
    assert alt is not None and alt.findtext(f"{{{WP}}}meta_key") == "_wp_attachment_image_alt"
    assert alt.findtext(f"{{{WP}}}meta_value") == "Kale"
    ids = [item.findtext(f"{{{WP}}}post_id") for item in root.iter("item")]
    assert len(set(ids)) == len(ids) == 6


def test_bodies_show_pictures_by_their_attachment_address(
    blog: Blog, author: User, settings: Any, tmp_path: Path
) -> None:
    add_pictures(blog, author, settings, tmp_path)

    root = etree.fromstring(exported(blog))

    attachment_urls = {
        item.findtext(f"{{{WP}}}attachment_url") for item in _items(root, "attachment")
    }
    for item in _items(root, "post") + _items(root, "page"):
        body = item.findtext(f"{{{CONTENT}}}encoded") or ""
        # WordPress's importer swaps each attachment address for its copy by plain string
        # replacement: any other address of a picture would still point at the old site.
        assert _media_addresses(body) and _media_addresses(body) <= attachment_urls, body
        assert "srcset" not in body and 'src="/media/' not in body
    first = next(i for i in _items(root, "post") if i.findtext("title") == "Kale")
    body = first.findtext(f"{{{CONTENT}}}encoded") or ""
    assert body.count(BASE + "/media/") == 2  # the picture and the link around it


def test_the_wordpress_importer_leaves_attachments(
    blog: Blog, other_blog: Blog, author: User, settings: Any, tmp_path: Path, write_file: Any
) -> None:
    add_pictures(blog, author, settings, tmp_path)

    report = import_wordpress(other_blog, write_file(exported(blog)), now=NOW)

    assert report.created["posts"] == 2 and report.created["pages"] == 1
