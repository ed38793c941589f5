"""A Blogger backup's settings are applied to the blog, and the report lists every one."""

from __future__ import annotations

import re
from typing import Any

import pytest

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.errors import ImportFileError
from tests.portability.conftest import BLOGGER, NOW, WXR, snapshot

pytestmark = pytest.mark.django_db

PELICAN = BLOGGER / "pelican-bloggerexport-2018.xml"
KIND = "http://schemas.google.com/blogger/2008/kind#"


def backup(settings: dict[str, str], entries: str = "") -> str:
    """A Blogger backup with these settings entries, then `entries`."""
    rows = "".join(
        f"<entry><id>tag:blogger.com,1999:blog-42.settings.{name}</id>"
        f'<category scheme="http://schemas.google.com/g/2005#kind" term="{KIND}settings"/>'
        f"<content type='text'>{value}</content></entry>"
        for name, value in settings.items()
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>Old</title>{rows}{entries}</feed>'


def post_entry(path: str) -> str:
    return (
        "<entry><id>tag:blogger.com,1999:blog-42.post-1</id>"
        "<published>2024-10-20T09:00:00.000-07:00</published>"
        f'<category scheme="http://schemas.google.com/g/2005#kind" term="{KIND}post"/>'
        "<title type='text'>Frost</title><content type='html'>&lt;p&gt;Cold.&lt;/p&gt;</content>"
        f"<link rel='alternate' type='text/html' href='https://old.blogspot.com{path}'/></entry>"
    )


def test_a_real_backups_settings_are_applied(blog: Blog) -> None:
    import_blogger(blog, PELICAN, now=NOW)

    blog.refresh_from_db()
    assert blog.title == "Notes of a Young Doctor"
    assert blog.language == "nl"
    assert blog.time_zone == "America/Los_Angeles"
    assert blog.posts_per_page == 100
    assert blog.who_can_comment == Blog.WhoCanComment.USERS  # BLOGGERS: Google accounts
    assert blog.moderation == Blog.Moderation.NEVER
    assert blog.moderation_after_days == 14
    assert blog.feed_content == Blog.FeedContent.FULL
    assert (blog.date_header_format, blog.time_format) == ("l, F j, Y", "g:i A")


def test_the_report_lists_every_setting_of_the_file(blog: Blog) -> None:
    names = set(re.findall(r"\.settings\.(\w+)</id>", PELICAN.read_text(encoding="utf-8")))

    lines = import_blogger(blog, PELICAN, now=NOW).lines()

    reported = {m.group(1) for line in lines if (m := re.match(r"setting (\w+) = ", line))}
    assert reported == names
    assert len(names) > 50
    assert any(
        line.startswith("setting BLOG_ADMIN_PERMISSION") and "ignored, people are invited" in line
        for line in lines
    )
    assert "setting BLOG_NAME = 'Notes of a Young Doctor': applied, as the title" in lines


def test_feed_comment_and_format_settings(blog: Blog, write_file: Any) -> None:
    settings = {
        "BLOG_POST_FEED": "SHORT",
        "BLOG_FEED_REDIRECT_URL": "https://feeds.feedburner.com/oldnotes",
        "BLOG_COMMENT_ACCESS": "MEMBERS",
        "BLOG_COMMENT_MODERATION": "ALWAYS",
        "BLOG_COMMENT_MESSAGE": "Be kind.",
        "BLOG_COMMENTS_ALLOWED": "false",
        "BLOG_DATE_FORMAT": "3",
        "BLOG_MAX_UNIT": "DAYS",
        "BLOG_MAX_NUM": "7",
        "BLOG_READ_ACCESS_MODE": "PRIVATE",
    }
    report = import_blogger(blog, write_file(backup(settings)), now=NOW)

    blog.refresh_from_db()
    assert blog.feed_content == Blog.FeedContent.SUMMARY
    assert blog.feed_redirect_url == "https://feeds.feedburner.com/oldnotes"
    assert blog.who_can_comment == Blog.WhoCanComment.MEMBERS
    assert blog.moderation == Blog.Moderation.ALWAYS
    assert blog.comment_form_message == "Be kind."
    assert blog.comments_enabled is False
    assert blog.is_private is True
    # A format number we cannot vouch for, and "7 days" of posts: the blog's own stand.
    assert (blog.date_header_format, blog.posts_per_page) == ("l, F j, Y", 3)
    lines = "\n".join(report.lines())
    assert "setting BLOG_DATE_FORMAT = '3': ignored, a value Broadsheet does not know" in lines
    assert "setting BLOG_MAX_NUM = '7': ignored" in lines


def test_bad_values_are_ignored_not_applied(blog: Blog, write_file: Any) -> None:
    settings = {
        "BLOG_TIME_ZONE": "Mars/Olympus",
        "BLOG_LOCALE": "&lt;script&gt;",
        "BLOG_FEED_REDIRECT_URL": "javascript:alert(1)",
        "BLOG_COMMENT_MODERATION_DELAY": "-3",
    }
    report = import_blogger(blog, write_file(backup(settings)), now=NOW)

    blog.refresh_from_db()
    assert (blog.time_zone, blog.language, blog.feed_redirect_url) == (
        "America/Los_Angeles",
        "en",
        "",
    )
    assert sum("ignored" in line for line in report.settings) == 4


def test_a_refused_import_leaves_the_settings_as_they_were(
    blog: Blog, make_post: Any, write_file: Any
) -> None:
    taken = make_post(title="Frost")
    before = snapshot(blog)
    file = write_file(backup({"BLOG_NAME": "Renamed"}, post_entry(taken.permalink)))

    with pytest.raises(ImportFileError):
        import_blogger(blog, file, now=NOW)

    assert snapshot(blog) == before
    blog.refresh_from_db()
    assert blog.title == "Field Notes"


def test_wordpress_imports_change_no_setting(blog: Blog) -> None:
    import_wordpress(blog, WXR / "valid-wxr-1.1.xml", now=NOW)

    blog.refresh_from_db()
    assert blog.title == "Field Notes"
