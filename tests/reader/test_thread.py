"""The comment thread's anchors go out unescaped: they can only be `c` and digits."""

from __future__ import annotations

import datetime as dt
from html import escape
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from broadsheet.reader.postpage import Node, Shown
from broadsheet.reader.templatetags.reader_tags import local_comment_time
from broadsheet.reader.thread import moment, thread_html

pytestmark = pytest.mark.django_db

SOURCES = [
    None,
    "tag:blogger.com,1999:blog-7.post-4242",
    'tag:blogger.com,1999:blog-7.post-1"><script>alert(1)</script>',
    "tag:blogger.com,1999:blog-7.post-99\n",
    "<b>not blogger</b>",
]


@pytest.mark.parametrize("source", SOURCES)
def test_an_anchor_needs_no_escaping_whatever_the_source_id(
    blog: Blog, post: Post, source: str | None
) -> None:
    when = dt.datetime(2024, 10, 20, 12, tzinfo=dt.UTC)
    shown = Shown(31, None, "published", "Ada", "", "Hi", "<p>Hi</p>", when, source)
    assert escape(shown.anchor) == shown.anchor == "c31"
    assert escape(shown.kept_anchor) == shown.kept_anchor
    assert shown.kept_anchor[0] == "c" and shown.kept_anchor[1:].isdigit()
    html = thread_html([Node(shown)], post, blog)
    assert "<script>" not in html and "<b>" not in html


ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kathmandu"]
FORMATS = ["g:i A", "H:i:s", "P T", "j F Y, H:i e"]
# Both sides of London's and New York's autumn clock change, an hour apart in UTC but the
# same wall-clock time, and a moment with microseconds.
INSTANTS = [
    dt.datetime(2024, 10, 27, 0, 30, tzinfo=dt.UTC),
    dt.datetime(2024, 10, 27, 1, 30, tzinfo=dt.UTC),
    dt.datetime(2024, 11, 3, 5, 30, tzinfo=dt.UTC),
    dt.datetime(2024, 11, 3, 6, 30, tzinfo=dt.UTC),
    dt.datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("language", ["en", "fr", "de"])
@pytest.mark.parametrize("zone_name", ZONES)
def test_a_comments_time_kept_is_the_time_formatted_afresh(zone_name: str, language: str) -> None:
    """`moment` keeps each instant's text: asked again (the instant in another zone's clothes
    too, equal to it), it answers what formatting afresh does."""
    zone = ZoneInfo(zone_name)
    with translation.override(language):
        for fmt in FORMATS:
            for instant in INSTANTS:
                for asked in (instant, instant.astimezone(ZoneInfo("Pacific/Auckland"))):
                    local = asked.astimezone(zone)
                    afresh = (
                        local.isoformat(timespec="seconds"),
                        escape(local_comment_time(local, fmt, language)),
                        int(asked.timestamp() * 1000),
                    )
                    assert moment(asked, zone, fmt, language) == afresh
