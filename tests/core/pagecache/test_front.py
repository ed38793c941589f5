"""The WSGI front: hits without Django, conditional GET, HEAD, and what it never answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache import store
from broadsheet.core.pagecache.front import PageCacheApp
from tests.conftest import MakePost
from tests.core.pagecache.conftest import Front

pytestmark = pytest.mark.django_db


def test_a_hit_after_a_miss_gives_the_same_bytes_with_no_query(
    front: Front, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    post = make_post("Broad beans")
    first = front.get(post.permalink)
    assert first.status == 200 and "Broad beans" in first.text
    with django_assert_num_queries(0):
        second = front.get(post.permalink)
    assert second.body == first.body
    assert second.headers == first.headers


def test_cached_pages_carry_validators_and_revalidate_always(
    front: Front, make_post: MakePost
) -> None:
    make_post()
    headers = front.get("/").headers
    assert headers["ETag"].startswith('"') and headers["ETag"].endswith('"')
    assert headers["Last-Modified"].endswith(" GMT")
    assert headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert headers["Content-Security-Policy"]  # the outer middleware's headers are kept
    assert headers["Content-Length"] == str(len(front.get("/").body))


def test_a_matching_etag_gets_304_without_a_query(
    front: Front, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    make_post()
    etag = front.get("/").headers["ETag"]
    with django_assert_num_queries(0):
        answer = front.get("/", if_none_match=f'"other", W/{etag}')
    assert answer.status == 304 and answer.body == b""
    assert answer.headers["ETag"] == etag
    assert "Content-Security-Policy" not in answer.headers
    assert front.get("/", if_none_match='"other"').status == 200


def test_the_first_render_already_answers_304_to_a_matching_etag(
    front: Front, make_post: MakePost
) -> None:
    make_post()
    etag = front.get("/").headers["ETag"]
    store.clear()
    assert front.get("/", if_none_match=etag).status == 304


def test_if_modified_since_counts_only_without_if_none_match(
    front: Front, make_post: MakePost
) -> None:
    make_post()
    last_modified = front.get("/").headers["Last-Modified"]
    assert front.get("/", if_modified_since=last_modified).status == 304
    assert front.get("/", if_modified_since="Mon, 01 Jan 2001 00:00:00 GMT").status == 200
    assert front.get("/", if_modified_since=last_modified, if_none_match='"x"').status == 200


def test_head_gets_the_headers_alone(
    front: Front, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    make_post()
    full = front.get("/")
    with django_assert_num_queries(0):
        head = front.get("/", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == str(len(full.body))
    assert head.headers["ETag"] == full.headers["ETag"]


def test_a_head_miss_is_answered_but_not_kept(front: Front, make_post: MakePost) -> None:
    # Django leaves dropping a HEAD's body to the server; only a GET's page is kept, so that a
    # view that skipped the body for HEAD could never leave an empty page in the cache.
    make_post()
    assert front.get("/", method="HEAD").status == 200
    assert store.local.entries == {}


def test_the_mobile_switch_shares_the_page(
    front: Front, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    make_post()
    plain = front.get("/")
    with django_assert_num_queries(0):
        assert front.get("/?m=1").body == plain.body
        assert front.get("/?m=0").body == plain.body


def test_query_order_does_not_matter(
    front: Front, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    make_post()
    first = front.get("/feeds/posts/default?max-results=2&alt=rss")
    with django_assert_num_queries(0):
        again = front.get("/feeds/posts/default?alt=rss&max-results=2&m=1")
    assert again.body == first.body and b"<rss" in first.body


def test_feeds_are_cached_with_their_content_type(
    front: Front, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    make_post()
    first = front.get("/feeds/posts/default")
    with django_assert_num_queries(0):
        again = front.get("/feeds/posts/default")
    assert again.headers["Content-Type"].startswith("application/atom+xml")
    assert again.body == first.body


def test_a_signed_in_user_bypasses_the_cache(front: Front, make_post: MakePost) -> None:
    make_post()
    front.get("/")  # warm
    user = User.objects.create_user("reader", password="x" * 12)
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    answer = front.get("/", cookie=f"theme=dark; sessionid={session}")
    assert answer.status == 200
    # Not the cached page, which says "public".
    assert answer.headers["Cache-Control"] == "private, no-cache"


def test_other_cookies_still_get_the_cached_page(
    front: Front, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    make_post()
    front.get("/")
    with django_assert_num_queries(0):
        assert front.get("/", cookie="csrftoken=abc").status == 200


def test_a_private_blog_is_never_kept(front: Front, blog: Blog, make_post: MakePost) -> None:
    make_post()
    Blog.objects.filter(pk=blog.pk).update(is_private=True)
    assert front.get("/").status == 404
    assert front.get("/feeds/posts/default").status == 404
    assert store.local.entries == {}


def test_studio_and_comment_addresses_are_never_kept(front: Front, make_post: MakePost) -> None:
    post = make_post()
    front.get("/studio/login/")
    front.get(f"/comments/post/{post.pk}")
    assert store.local.entries == {}


def test_a_response_that_sets_a_cookie_is_not_kept(front: Front, make_post: MakePost) -> None:
    post = make_post()
    answer = front.get(f"/comments/token/{post.pk}")
    assert "Set-Cookie" in answer.headers
    assert store.local.entries == {}


def test_a_missing_page_is_not_kept(front: Front, blog: Blog) -> None:
    assert front.get("/2024/10/nothing-here.html").status == 404
    assert store.local.entries == {}


def test_the_cache_can_be_switched_off(front: Front, make_post: MakePost, settings: Any) -> None:
    make_post()
    settings.PAGE_CACHE = False
    front.app = PageCacheApp(front.app.app)
    front.get("/")
    assert "Cache-Control" not in front.get("/").headers
    assert store.local.entries == {}


def test_a_conditional_miss_is_rendered_whole_and_kept(
    front: Front, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    make_post()
    etag = front.get("/").headers["ETag"]
    store.clear()
    assert front.get("/", if_none_match=etag).status == 304
    with django_assert_num_queries(0):
        assert front.get("/").headers["ETag"] == etag
