"""A private blog's host answers a reader exactly as a host where no blog lives.

A private blog is its members' business: if its addresses answered outsiders differently from
those of a blog that does not exist (a header, a status, a byte), anyone could list which
`<slug>.<base>` hosts hold one, and which of its posts, comments, pages and authors exist.
Every route the URL resolver knows is asked on the private blog's host, with the ids, slugs
and dates of its real objects, and on a host of the same length where no blog lives: status,
headers and body must be the same apart from the host name.
"""

from __future__ import annotations

import re

import pytest

from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_page
from broadsheet.posts.models import Page
from tests.conftest import MakeComment, MakePost
from tests.core.pagecache.conftest import Answer, Front, front
from tests.security.fuzz_routes import Route, fill, routes

__all__ = ["front"]  # the page cache's WSGI front, as its own tests call it

pytestmark = pytest.mark.django_db

NOWHERE = "qqqqq.localhost"  # as long as the private blog's host, `other.localhost`
# What differs between any two requests, whatever host they name: the time, and a form's
# fresh CSRF token (in its cookie and in the page, and so in the ETag, the body's hash: that
# it is there is compared, the body itself stands for its value).
PER_REQUEST = {"date", "expires", "set-cookie", "etag"}
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def private_values(
    other_blog: Blog, make_post: MakePost, make_comment: MakeComment
) -> dict[str, str]:
    """A value for every part of every route, naming the private blog's real objects."""
    post = make_post("Behind the door", target=other_blog)
    comment = make_comment(post, "Only members see this.")
    page = save_page(
        Page(blog=other_blog, title="About", slug="about", status=Page.Status.PUBLISHED)
    )
    Blog.objects.filter(pk=other_blog.pk).update(is_private=True)
    assert post.published_at is not None and post.author is not None
    year, month, slug = post.permalink.strip("/").split("/")
    return {
        "path": "x.png",
        "user_id": str(post.author.pk),
        "blog_id": str(other_blog.pk),
        "post_id": str(post.pk),
        "comment_id": str(comment.pk),
        "verb": "approve",
        "page_id": str(page.pk),
        "rest": "v3/blogs",
        "username": post.author.get_username(),
        "pk": str(post.pk),
        "projection": "default",
        "labels": "Garden",
        "number": "1",
        "token": "abc",
        "names": "Garden",
        "year": year,
        "month": month,
        "slug": slug.removesuffix(".html"),
        "day": f"{post.published_at.day:02d}",
        # The studio's parts: the studio answers on every host, and must the same way too.
        "blog": other_blog.slug,
        "blog_slug": other_blog.slug,
        "kind": "posts",
        "action": "approve",
        "revision_pk": "1",
        "uidb64": "MQ",
        "url": "x",
    }


def every_route() -> list[Route]:
    # Django's admin answers on every host alike and knows nothing of blogs.
    return [route for route in routes() if not route.template.startswith("/admin/")]


def seen(answer: Answer, host: str) -> tuple[int, dict[str, str], bytes]:
    headers = {
        name.lower(): value.replace(host, "HOST")
        for name, value in answer.headers.items()
        if name.lower() not in PER_REQUEST
    }
    headers["etag"] = "present" if "ETag" in answer.headers else "absent"
    body = CSRF_TOKEN.sub(b"TOKEN", answer.body.replace(host.encode(), b"HOST"))
    return answer.status, headers, body


def test_every_route_of_a_private_blog_answers_as_where_no_blog_lives(
    other_blog: Blog, private_values: dict[str, str], front: Front
) -> None:
    private = f"{other_blog.slug}.localhost"
    assert len(private) == len(NOWHERE)
    differ = []
    for route in every_route():
        path = fill(route, private_values)
        for method in ("GET", "HEAD"):
            there = seen(front.get(path, method, host=private), private)
            nowhere = seen(front.get(path, method, host=NOWHERE), NOWHERE)
            if there != nowhere:
                differ.append((method, path, there[:2], nowhere[:2]))
    assert not differ
    # What was compared was a real blog, hidden only by being private.
    Blog.objects.filter(pk=other_blog.pk).update(is_private=False)
    assert front.get("/", host=private).status == 200
