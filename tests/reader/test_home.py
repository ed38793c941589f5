from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="post-title p-name"><a href="[^"]+">([^<]+)</a>', html)


def test_home_lists_newest_posts_under_date_headers(client: Client, make_post: MakePost) -> None:
    make_post("Morning walk", published_at=NOON)
    make_post("Evening walk", published_at=NOON + dt.timedelta(hours=5))
    make_post("Last week", published_at=NOON - dt.timedelta(days=7))
    html = client.get("/").content.decode().split("<aside")[0]
    assert titles(html) == ["Evening walk", "Morning walk", "Last week"]
    # Both walks fall on Sunday 20 October in Los Angeles: one header above the pair.
    assert html.count("Sunday, October 20, 2024") == 1
    assert "Sunday, October 13, 2024" in html


def test_date_header_follows_blog_time_zone(client: Client, make_post: MakePost) -> None:
    make_post("Late post", published_at=dt.datetime(2024, 10, 21, 3, 0, tzinfo=dt.UTC))
    html = client.get("/").content.decode()
    assert "Sunday, October 20, 2024" in html  # 8 pm on the 20th in Los Angeles
    assert "8:00 PM" in html


def test_older_posts_link_pages_back_by_time(client: Client, make_post: MakePost) -> None:
    for day in range(5):
        make_post(f"Post {day}", published_at=NOON - dt.timedelta(days=day))
    first = client.get("/")
    assert titles(first.content.decode()) == ["Post 0", "Post 1", "Post 2"]
    older = re.search(r'class="older-link" href="([^"]+)"', first.content.decode())
    assert older is not None
    assert "updated-max=" in older.group(1) and "max-results=3" in older.group(1)
    second = client.get(older.group(1).replace("&amp;", "&"))
    assert titles(second.content.decode()) == ["Post 3", "Post 4"]
    assert 'class="older-link"' not in second.content.decode()
    newer = re.search(r'class="newer-link" href="([^"]+)"', second.content.decode())
    assert newer is not None
    back = client.get(newer.group(1).replace("&amp;", "&"))
    assert titles(back.content.decode()) == ["Post 0", "Post 1", "Post 2"]


def test_blogger_style_updated_max_with_offset(client: Client, make_post: MakePost) -> None:
    make_post("Before", published_at=NOON - dt.timedelta(hours=2))
    make_post("After", published_at=NOON + dt.timedelta(hours=2))
    # 12:00 UTC is 05:00 in Los Angeles (-07:00); `+` written raw decodes to a space.
    html = client.get("/search?updated-max=2024-10-20T05:00:00-07:00&max-results=7").content
    assert titles(html.decode()) == ["Before"]


def test_scheduled_post_is_hidden_until_its_time(client: Client, make_post: MakePost) -> None:
    post = make_post("Tomorrow's news", published_at=NOON + dt.timedelta(days=1))
    assert post.status == Post.Status.SCHEDULED
    with time_machine.travel(NOON, tick=False):
        assert "Tomorrow" not in client.get("/").content.decode()
        assert client.get(post.permalink).status_code == 404
    with time_machine.travel(NOON + dt.timedelta(days=1, minutes=1), tick=False):
        assert "Tomorrow" in client.get("/").content.decode()
        assert client.get(post.permalink).status_code == 200


def test_drafts_never_show(client: Client, make_post: MakePost) -> None:
    make_post("Half-written thought", status=Post.Status.DRAFT, published_at=None)
    assert "Half-written" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "updated-max=yesterday",
        "updated-max=2024-13-45T99:00:00",
        "updated-min=%00",
        "updated-max=",
        # Valid ISO times that are no time in UTC (the database's): were a 500.
        "updated-max=0001-01-01T00:00:00-23:59",
        "updated-min=9999-12-31T23:59:59-14:00",
    ],
)
def test_malformed_paging_gives_themed_404_or_page(
    client: Client, make_post: MakePost, query: str
) -> None:
    make_post()
    response = client.get(f"/search?{query}")
    assert response.status_code in (200, 404)
    assert "Field Notes" in response.content.decode()


# "²" passes str.isdigit() and fails int(); 5,000 digits fail int() too: both were a 500.
@pytest.mark.parametrize("value", ["abc", "-3", "0", "999999", "%C2%B2", "9" * 5000, "%D9%A3"])
def test_odd_max_results_still_gives_a_page(
    client: Client, make_post: MakePost, value: str
) -> None:
    make_post()
    response = client.get(f"/?max-results={value}")
    assert response.status_code == 200
    assert "A day in the garden" in response.content.decode()


def test_mobile_parameter_gives_the_same_page(client: Client, make_post: MakePost) -> None:
    make_post()
    assert client.get("/?m=1").content == client.get("/").content
    assert client.get("/?m=0").status_code == 200


def test_post_with_method_not_allowed(client: Client, blog: object) -> None:
    assert client.post("/").status_code in (403, 405)


def test_page_title_reads_blog_name(client: Client, make_post: MakePost) -> None:
    make_post()
    assert "<title>Field Notes</title>" in client.get("/").content.decode()


def test_a_date_header_format_with_the_clock_draws_the_home_page(
    client: Client, make_post: MakePost
) -> None:
    # The studio's settings took "F j, Y g:i A" and the home page's day headings were a 500.
    post = make_post("Morning walk", published_at=NOON)
    Blog.objects.filter(pk=post.blog_id).update(date_header_format="l, F j, Y g:i A")
    bump_content_version(Blog.objects.get(pk=post.blog_id))
    response = client.get("/")
    assert response.status_code == 200
    assert "Sunday, October 20, 2024 12:00 AM" in response.content.decode()
