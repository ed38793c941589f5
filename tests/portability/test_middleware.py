"""`RedirectMiddleware`: old addresses of imported content answer 301 to the new ones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.models import Redirect
from broadsheet.posts.models import Page, Post
from tests.conftest import MakePost
from tests.portability.conftest import BLOGGER, NOW, WXR

pytestmark = pytest.mark.django_db

MIDDLEWARE = "broadsheet.portability.middleware.RedirectMiddleware"


@pytest.fixture(autouse=True)
def with_redirects() -> Iterator[None]:
    # Until the lead adds it to MIDDLEWARE (after BlogMiddleware); then this is a no-op.
    stack = list(settings.MIDDLEWARE)
    if MIDDLEWARE not in stack:
        stack.append(MIDDLEWARE)
    with override_settings(MIDDLEWARE=stack):
        yield


OLD = "/2010/10/16/hello-world/"  # valid-wxr-1.1.xml's post, by WordPress's day-and-name
NEW = "/2010/10/hello-world.html"


@pytest.fixture
def wordpress_blog(blog: Blog) -> Blog:
    import_wordpress(blog, WXR / "valid-wxr-1.1.xml", now=NOW)
    return blog


def test_old_wordpress_path_redirects_permanently(wordpress_blog: Blog, client: Client) -> None:
    response = client.get(OLD)

    assert response.status_code == 301
    assert response["Location"] == NEW
    assert client.get(response["Location"]).status_code == 200


def test_query_address_redirects_although_the_home_page_exists(
    wordpress_blog: Blog, client: Client
) -> None:
    response = client.get("/?p=1")
    assert (response.status_code, response["Location"]) == (301, NEW)
    page = client.get("/?page_id=2")
    assert (page.status_code, page["Location"]) == (301, "/p/about.html")
    assert client.get("/?p=999999").status_code == 200  # unknown: just the home page


def test_trailing_slash_is_forgiven_both_ways(wordpress_blog: Blog, client: Client) -> None:
    assert client.get(OLD.rstrip("/"))["Location"] == NEW
    Redirect.objects.create(blog=wordpress_blog, old_path="/old.php", new_path="/p/about.html")
    assert client.get("/old.php/")["Location"] == "/p/about.html"


def test_head_redirects_and_post_does_not(wordpress_blog: Blog, client: Client) -> None:
    assert client.head(OLD).status_code == 301
    assert client.post(OLD).status_code in (403, 404, 405)


def test_a_path_with_a_nul_is_the_themed_404(wordpress_blog: Blog, client: Client) -> None:
    # PostgreSQL refuses a NUL in the redirect lookup: this was a 500 there.
    response = client.get("/2010/10/16/hello%00world/")
    assert response.status_code == 404 and wordpress_blog.title in response.content.decode()


def test_a_post_back_in_draft_leads_nowhere(wordpress_blog: Blog, client: Client) -> None:
    Post.objects.filter(blog=wordpress_blog, permalink=NEW).update(status="draft")
    assert client.get(OLD).status_code == 404


def test_a_page_in_draft_leads_nowhere(wordpress_blog: Blog, client: Client) -> None:
    Page.objects.filter(blog=wordpress_blog, slug="about").update(status="draft")
    assert client.get("/?page_id=2").status_code == 200  # the home page, no redirect


def test_private_blogs_do_not_tell_outsiders(wordpress_blog: Blog, client: Client) -> None:
    Blog.objects.filter(pk=wordpress_blog.pk).update(is_private=True)
    assert client.get(OLD).status_code == 404


def test_redirects_belong_to_their_blog(
    wordpress_blog: Blog, other_blog: Blog, client: Client
) -> None:
    host = f"{other_blog.slug}.{settings.BASE_DOMAIN}"
    assert client.get(OLD, HTTP_HOST=host).status_code == 404


def test_existing_pages_never_touch_the_redirect_table(
    blog: Blog, make_post: MakePost, client: Client
) -> None:
    post = make_post()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(post.permalink).status_code == 200
    assert not [q for q in queries.captured_queries if "portability_redirect" in q["sql"]]


def test_blogger_comment_feed_redirects_to_ours(blog: Blog, client: Client) -> None:
    import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)
    post = Post.objects.get(blog=blog, permalink="/2008/04/this-about-sums-up-my-life.html")

    response = client.get("/feeds/7031156583478223661/comments/default")

    assert response["Location"] == f"/feeds/{post.pk}/comments/default"
    assert client.get(response["Location"]).status_code == 200
