"""Times no page can show: an import keeps a time only where every zone has a local time for
it (`portability.times`), whichever file it came from. A post at `0001-01-01T00:00Z` on a blog
twelve hours behind UTC made every page that lists it fail with OverflowError."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import hypothesis
import pytest
from django.test import Client
from hypothesis import strategies as st

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.times import EARLIEST, LATEST, in_range
from broadsheet.posts.models import Post
from tests.portability.conftest import BLOGGER, NOW, WXR
from tests.portability.test_restore_untrusted import TIME_EDGES as EDGES

pytestmark = pytest.mark.django_db

# UTC+14 and UTC-12, the zones furthest from UTC.
ZONES = ("Pacific/Kiritimati", "Etc/GMT+12")


def every_page_answers(blog: Blog) -> None:
    client = Client()
    host = f"{blog.slug}.localhost"
    urls = ["/", "/feeds/posts/default", "/feeds/comments/default", "/sitemap.xml"]
    urls += [post.permalink for post in Post.objects.filter(blog=blog).exclude(permalink="")]
    for url in urls:
        assert client.get(url, HTTP_HOST=host).status_code < 500, url
    assert client.get("/", HTTP_HOST=host).status_code == 200


@pytest.mark.parametrize("stamp", EDGES)
def test_blogger_times_no_zone_can_show_are_left_out(
    blog: Blog, tmp_path: Path, stamp: str
) -> None:
    Blog.objects.filter(pk=blog.pk).update(time_zone=ZONES[stamp.startswith("0001")])
    blog.refresh_from_db()
    text = (BLOGGER / "blogger-sample2.xml").read_text()
    for tag in ("published", "updated"):
        text = re.sub(f"<{tag}>[^<]*</{tag}>", f"<{tag}>{stamp}</{tag}>", text)
    path = tmp_path / "blogger.xml"
    path.write_text(text)

    import_blogger(blog, path, now=NOW)

    times = Post.objects.filter(blog=blog).values_list("published_at", "updated_at")
    assert times and all(t is None or EARLIEST <= t <= LATEST for pair in times for t in pair)
    every_page_answers(blog)


@pytest.mark.parametrize("stamp", ["0001-01-01 00:00:00", "9999-12-31 23:59:59"])
def test_wordpress_times_no_zone_can_show_are_left_out(
    blog: Blog, tmp_path: Path, stamp: str
) -> None:
    Blog.objects.filter(pk=blog.pk).update(time_zone=ZONES[stamp.startswith("0001")])
    blog.refresh_from_db()
    text = (WXR / "small-export.xml").read_text()
    for tag in ("post_date", "post_date_gmt", "comment_date", "comment_date_gmt"):
        text = re.sub(f"<wp:{tag}>[^<]*</wp:{tag}>", f"<wp:{tag}>{stamp}</wp:{tag}>", text)
    path = tmp_path / "wordpress.xml"
    path.write_text(text)

    import_wordpress(blog, path, now=NOW)

    times = Post.objects.filter(blog=blog).values_list("published_at", "updated_at")
    assert times and all(t is None or EARLIEST <= t <= LATEST for pair in times for t in pair)
    every_page_answers(blog)


@hypothesis.settings(max_examples=500, derandomize=True, database=None, deadline=None)
@hypothesis.given(
    when=st.datetimes(timezones=st.one_of(st.none(), st.timezones())),
    zone=st.sampled_from(sorted(zoneinfo.available_timezones())),
)
def test_a_kept_time_has_a_local_time_in_every_zone(when: dt.datetime, zone: str) -> None:
    kept = in_range(when)
    if kept is None:
        return
    local = kept.astimezone(zoneinfo.ZoneInfo(zone))
    # The archive pages' "next year" and "next month" exist too.
    assert local.replace(year=local.year + 1, day=1)


def test_the_range_keeps_every_time_a_real_blog_has() -> None:
    for stamp in ("1970-01-01T00:00:00+00:00", "0100-06-01T12:00:00-08:00", "9000-01-01"):
        assert in_range(dt.datetime.fromisoformat(stamp)) is not None
