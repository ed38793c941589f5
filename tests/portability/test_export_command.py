"""`broadsheet export blogger|wordpress|broadsheet --blog SLUG -o FILE`."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import feedparser
import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger
from tests.portability.conftest import BLOGGER, NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(blog: Blog) -> Blog:
    import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)
    return blog


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_blogger_export_with_the_blogs_address(imported: Blog, tmp_path: Path) -> None:
    target = tmp_path / "blog.xml"
    output = export("blogger", "--blog", "notes", "-o", str(target))

    assert "4 posts, 0 pages, 3 comments" in output
    feed = feedparser.parse(target.read_bytes())
    assert not feed.bozo
    assert "http://localhost/2008/04/about-me.html" in {entry.get("link") for entry in feed.entries}


def test_base_url_can_be_given(imported: Blog, tmp_path: Path) -> None:
    target = tmp_path / "blog.xml"
    export("blogger", "--blog", "notes", "-o", str(target), "--base-url", "https://new.example/")

    assert b'href="https://new.example/2008/04/about-me.html"' in target.read_bytes()


def test_wordpress_export(imported: Blog, tmp_path: Path) -> None:
    target = tmp_path / "blog.wxr"
    export("wordpress", "--blog", "notes", "-o", str(target))

    assert etree.parse(str(target)).getroot().tag == "rss"


def test_broadsheet_backup(imported: Blog, tmp_path: Path) -> None:
    target = tmp_path / "blog.zip"
    export("broadsheet", "--blog", "notes", "-o", str(target))

    with zipfile.ZipFile(target) as archive:
        assert "data.json" in archive.namelist()


def test_failed_export_leaves_no_file(
    imported: Blog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "blog.xml"
    target.write_text("the previous export")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    # The command imports its writer when it runs: patch it where it lives.
    monkeypatch.setattr("broadsheet.portability.blogger_export.export_blogger", broken)
    with pytest.raises(RuntimeError):
        export("blogger", "--blog", "notes", "-o", str(target))

    assert target.read_text() == "the previous export"
    assert [path.name for path in tmp_path.iterdir()] == ["blog.xml"]


def test_unknown_blog_and_folder(imported: Blog, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no blog"):
        export("blogger", "--blog", "nope", "-o", str(tmp_path / "x.xml"))
    with pytest.raises(CommandError, match="no folder"):
        export("blogger", "--blog", "notes", "-o", str(tmp_path / "missing" / "x.xml"))
