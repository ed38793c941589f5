"""`broadsheet import blogger|wordpress|broadsheet FILE --blog SLUG`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from tests.portability.conftest import BLOGGER, CORPORA, WXR, snapshot

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_imports_a_blogger_backup_and_prints_a_summary(blog: Blog) -> None:
    output = run("blogger", str(BLOGGER / "blogger-sample2.xml"), "--blog", "notes")

    assert "posts: 4 new, 0 updated" in output
    assert "comments: 3 new, 0 updated" in output
    assert Post.objects.filter(blog=blog).count() == 4


def test_imports_a_wordpress_export(blog: Blog) -> None:
    output = run("wordpress", str(WXR / "valid-wxr-1.1.xml"), "--blog", "notes")

    assert "posts: 1 new" in output and "pages: 1 new" in output


def test_hostile_file_is_a_command_error_and_nothing_is_written(blog: Blog) -> None:
    before = snapshot(blog)
    bomb = CORPORA / "xml" / "defusedxml" / "xmlbomb.xml"

    with pytest.raises(CommandError, match=r"DOCTYPE.*Nothing was imported"):
        run("blogger", str(bomb), "--blog", "notes")

    assert snapshot(blog) == before


def test_unknown_blog_and_missing_file_are_explained(blog: Blog, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no blog with the slug 'nope'"):
        run("wordpress", str(WXR / "valid-wxr-1.1.xml"), "--blog", "nope")
    with pytest.raises(CommandError, match="There is no file"):
        run("blogger", str(tmp_path / "missing.xml"), "--blog", "notes")


def test_format_is_required(blog: Blog) -> None:
    with pytest.raises(CommandError):
        run(str(BLOGGER / "blogger-sample2.xml"), "--blog", "notes")


def test_restores_a_backup_into_a_new_blog(blog: Blog, tmp_path: Path) -> None:
    run("blogger", str(BLOGGER / "blogger-sample2.xml"), "--blog", "notes")
    archive = tmp_path / "notes.zip"
    call_command(
        "export", "broadsheet", "--blog", "notes", "-o", str(archive), stdout=io.StringIO()
    )

    output = run("broadsheet", str(archive), "--blog", "restored")

    assert "posts: 4 new" in output
    restored = Blog.objects.get(slug="restored")
    assert Post.objects.filter(blog=restored).count() == 4


def test_bad_slug_for_a_restore_is_refused(blog: Blog, tmp_path: Path, write_file: Any) -> None:
    with pytest.raises(CommandError, match="cannot be a blog's slug"):
        run("broadsheet", str(write_file(b"PK", "x.zip")), "--blog", "Not A Slug")


PELICAN = BLOGGER / "pelican-bloggerexport-2018.xml"


def test_a_blogger_backup_makes_its_blog_when_none_is_named(operator: Any) -> None:
    output = run("blogger", str(PELICAN), "--admin", operator.username)

    blog = Blog.objects.get(slug="youngdoctornotes")  # youngdoctornotes.blogspot.com
    assert "Created the blog 'youngdoctornotes'" in output
    assert blog.title == "Notes of a Young Doctor" and blog.language == "nl"
    assert Post.objects.filter(blog=blog).exists()
    assert blog.memberships.get().user == operator
    assert blog.memberships.get().role == "admin"


def test_a_named_blog_that_does_not_exist_is_made_under_that_name(db: Any) -> None:
    run("blogger", str(PELICAN), "--blog", "doctor")

    assert Blog.objects.get(slug="doctor").title == "Notes of a Young Doctor"


def test_the_blog_is_not_made_when_the_import_fails(db: Any, write_file: Any) -> None:
    bad = write_file(PELICAN.read_bytes()[:-2000])

    with pytest.raises(CommandError, match="Nothing was imported"):
        run("blogger", str(bad))

    assert not Blog.objects.filter(slug="youngdoctornotes").exists()


def test_an_existing_blog_of_the_old_name_is_not_taken_over(blog: Blog) -> None:
    Blog.objects.create(slug="youngdoctornotes", title="Someone else's")

    with pytest.raises(CommandError, match="already a blog with the slug 'youngdoctornotes'"):
        run("blogger", str(PELICAN))


def test_an_unknown_admin_is_explained(db: Any) -> None:
    with pytest.raises(CommandError, match="no user 'nobody'"):
        run("blogger", str(PELICAN), "--admin", "nobody")
    assert not Blog.objects.exists()
