"""Receiving Webmentions at POST /webmention (webmention/views.py, actions.py), with the
source pages served by a peer on loopback."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from broadsheet.webmention import actions
from broadsheet.webmention.models import Mention
from tests.cast import signed_in
from tests.webmention.conftest import Page, Peer

pytestmark = pytest.mark.django_db

ORIGIN = "http://localhost"


def reply_page(target: str, text: str = "Forced rhubarb is sweeter, I find.") -> str:
    return f"""<!doctype html><title>Reply</title>
<article class="h-entry">
  <a class="p-author h-card" href="https://lin.example/"><img class="u-photo"
     src="https://lin.example/me.jpg" alt="">Lin Park</a>
  <a class="u-in-reply-to" href="{target}">In reply to</a>
  <div class="e-content">{text}</div>
  <time class="dt-published" datetime="2026-11-30T10:00:00Z">30 Nov</time>
</article>"""


def send(source: str, target: str, capture: Any) -> Any:
    with capture(execute=True):
        return Client().post("/webmention", {"source": source, "target": target})


@pytest.fixture
def held(blog: Blog) -> Blog:
    blog.moderation = Blog.Moderation.ALWAYS
    blog.save(update_fields=["moderation"])
    return blog


def test_a_reply_is_held_then_shown_once_approved(
    held: Blog, post: Post, admin: User, peer: Peer, django_capture_on_commit_callbacks: Any
) -> None:
    target = ORIGIN + post.permalink
    peer.pages["/reply"] = Page(reply_page(target))
    response = send(peer.url("/reply"), target, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    comment = Comment.objects.get(post=post)
    assert comment.status == Comment.Status.PENDING and comment.author_name == "Lin Park"
    moderator = signed_in(admin)
    assert "sweeter, I find" in moderator.get("/studio/comments/notes/").content.decode()
    moderator.post(f"/studio/comments/notes/{comment.pk}/approve/", {"shelf": "pending"})
    assert "sweeter, I find" in Client().get(post.permalink).content.decode()
    assert "sweeter, I find" in Client().get("/feeds/comments/default").content.decode()


def test_sending_the_source_again_updates_the_reply(
    post: Post, peer: Peer, django_capture_on_commit_callbacks: Any
) -> None:
    target = ORIGIN + post.permalink
    peer.pages["/reply"] = Page(reply_page(target, "First thoughts."))
    send(peer.url("/reply"), target, django_capture_on_commit_callbacks)
    peer.pages["/reply"] = Page(reply_page(target, "Second thoughts."))
    send(peer.url("/reply"), target, django_capture_on_commit_callbacks)
    assert [c.body for c in Comment.objects.filter(post=post)] == ["Second thoughts."]
    assert "Second thoughts." in Client().get(post.permalink).content.decode()


@pytest.mark.parametrize("gone", [Page("Gone", 410), Page("<p>No link here any more.</p>")])
def test_a_deleted_or_unlinked_source_takes_its_reply_away(
    post: Post, peer: Peer, gone: Page, django_capture_on_commit_callbacks: Any
) -> None:
    target = ORIGIN + post.permalink
    peer.pages["/reply"] = Page(reply_page(target, "Soon to vanish."))
    send(peer.url("/reply"), target, django_capture_on_commit_callbacks)
    peer.pages["/reply"] = gone
    send(peer.url("/reply"), target, django_capture_on_commit_callbacks)
    assert not Mention.objects.exists()
    assert Comment.objects.get(post=post).status == Comment.Status.TRASH
    assert "Soon to vanish." not in Client().get(post.permalink).content.decode()


def test_likes_and_reposts_are_counted_not_commented(
    post: Post, peer: Peer, django_capture_on_commit_callbacks: Any
) -> None:
    target = ORIGIN + post.permalink
    for path, kind in (("/like", "u-like-of"), ("/repost", "u-repost-of")):
        body = f'<div class="h-entry"><a class="{kind}" href="{target}">this</a></div>'
        peer.pages[path] = Page(body)
        send(peer.url(path), target, django_capture_on_commit_callbacks)
    kinds = sorted(Mention.objects.values_list("kind", flat=True))
    assert kinds == ["like", "repost"] and not Comment.objects.exists()
    # The post's readers see them counted under it.
    page = Client().get(post.permalink).content.decode()
    assert "Around the web: 1 like, 1 repost" in page


def test_a_source_that_does_not_link_to_the_post_is_not_kept(
    post: Post, peer: Peer, django_capture_on_commit_callbacks: Any
) -> None:
    target = ORIGIN + post.permalink
    peer.pages["/elsewhere"] = Page(reply_page(ORIGIN + "/2001/01/other.html"))
    send(peer.url("/elsewhere"), target, django_capture_on_commit_callbacks)
    assert not Mention.objects.exists() and not Comment.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"source": "https://a.example/x", "target": "http://localhost/2099/01/nothing.html"},
        {"source": "ftp://a.example/x", "target": "http://localhost/"},
        {"source": "https://a.example/x", "target": "https://a.example/x"},
        {"source": "https://a.example/x"},
        {"source": "http://[::1", "target": "http://localhost/\x00"},
    ],
)
def test_bad_requests_get_a_clear_400(post: Post, data: dict[str, str]) -> None:
    response = Client().post("/webmention", data)
    assert response.status_code == 400 and response.json()["error"]


def test_only_post_is_answered(db: Any) -> None:
    assert Client().get("/webmention").status_code == 405


@pytest.mark.parametrize(
    "page",
    [
        Page("<a href=" * 5000),
        Page("<div>" * 100_000 + f"<a href='{ORIGIN}/'>x</a>"),
        Page("\x00\xff<div class='h-entry'><div class='h-entry'>" * 2000),
        Page('{"not": "html"}', content_type="application/json"),
        Page("x" * 2_000_000),
        Page("<p>", content_type="image/png"),
    ],
)
def test_hostile_sources_are_dropped_quietly(
    post: Post, peer: Peer, page: Page, django_capture_on_commit_callbacks: Any
) -> None:
    peer.pages["/hostile"] = page
    target = ORIGIN + post.permalink
    response = Client().post("/webmention", {"source": peer.url("/hostile"), "target": target})
    assert response.status_code == 202
    # Run in the test, not on the queue, so that an exception would fail it.
    assert actions.verify(peer.url("/hostile"), target, post.pk) is None


def test_a_private_address_is_never_fetched_outside_tests(
    post: Post, django_capture_on_commit_callbacks: Any
) -> None:
    # No loopback allowance here: the guarded fetcher refuses the peer's own machine.
    send("http://127.0.0.1:9/reply", ORIGIN + post.permalink, django_capture_on_commit_callbacks)
    assert not Mention.objects.exists()


def test_one_address_is_limited(post: Post) -> None:
    answers = [
        Client().post("/webmention", {"source": "x", "target": "y"}).status_code for _ in range(31)
    ]
    assert answers[-1] == 429 and answers[0] == 400


def test_post_pages_name_the_endpoint_even_from_the_page_cache(post: Post) -> None:
    for _ in range(2):  # a miss that renders, then a hit from the page cache
        response = Client().get(post.permalink)
        assert response["Link"] == '<http://localhost/webmention>; rel="webmention"'
        assert '<link rel="webmention" href="http://localhost/webmention">' in response.text


def test_a_private_blog_advertises_no_endpoint(blog: Blog, post: Post, author: User) -> None:
    blog.is_private = True
    blog.save(update_fields=["is_private"])
    response = signed_in(author).get(post.permalink)
    assert response.status_code == 200 and "Link" not in response
    assert 'rel="webmention"' not in response.text
