"""Comment feeds, blog-wide and per post, in Atom and RSS: published comments on public posts."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from tests.conftest import NOON, MakeComment, MakePost
from tests.feeds.conftest import ORIGIN, entries_titles, hours
from tests.feeds.rules import THR, A, parse_xml, read_feed

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_post: MakePost) -> Post:
    return make_post("Frost on the kale")


def test_post_comment_feed_lists_published_comments_newest_first(
    client: Client, post: Post, make_comment: MakeComment
) -> None:
    make_comment(post, "What a harvest", created_at=NOON + hours(1))
    make_comment(post, "Mine froze too", created_at=NOON + hours(2))
    make_comment(post, "Buy my pills", status=Comment.Status.SPAM)
    make_comment(post, "Awaiting a look", status=Comment.Status.PENDING)
    make_comment(post, "Taken back", status=Comment.Status.TRASH)
    for query, version in (("", "atom10"), ("?alt=rss", "rss20")):
        feed = read_feed(client.get(f"/feeds/{post.pk}/comments/default{query}"))
        assert feed.version == version
        assert entries_titles(feed) == ["Mine froze too", "What a harvest"]
    feed = read_feed(client.get(f"/feeds/{post.pk}/comments/default"))
    assert feed.feed.title == "Field Notes: Comments on Frost on the kale"
    assert feed.feed.link == ORIGIN + post.permalink
    assert feed.feed.id == f"tag:localhost,2024:{post.permalink}#comments"


def test_comment_entries_link_the_comment_and_name_its_author(
    client: Client, post: Post, make_comment: MakeComment
) -> None:
    comment = make_comment(
        post, "Lovely.", author_name="Grace", author_url="https://grace.example/"
    )
    entry = read_feed(client.get(f"/feeds/{post.pk}/comments/default")).entries[0]
    stamp = int((NOON + hours(1)).timestamp() * 1000)
    assert entry.link == f"{ORIGIN}{post.permalink}?showComment={stamp}#c{comment.pk}"
    assert entry.id == f"tag:localhost,2024:{post.permalink}#c{comment.pk}"
    assert entry.author_detail.name == "Grace"
    assert entry.author_detail.href == "https://grace.example/"
    assert entry.content[0].value == "<p>Lovely.</p>"


def test_comment_author_urls_that_are_not_web_links_are_dropped(
    client: Client, post: Post, make_comment: MakeComment
) -> None:
    make_comment(post, author_url="javascript:alert(1)")
    body = client.get(f"/feeds/{post.pk}/comments/default").content
    assert b"javascript" not in body


def test_comments_say_what_they_answer(
    client: Client, post: Post, make_comment: MakeComment
) -> None:
    parent = make_comment(post, "A question?", created_at=NOON + hours(1))
    make_comment(post, "An answer.", parent=parent, created_at=NOON + hours(2))
    root = parse_xml(client.get(f"/feeds/{post.pk}/comments/default").content)
    answered = [entry.find(f"{THR}in-reply-to") for entry in root.findall(f"{A}entry")]
    post_id = f"tag:localhost,2024:{post.permalink}"
    assert [(item.get("ref"), item.get("href")) for item in answered if item is not None] == [
        (f"{post_id}#c{parent.pk}", f"{ORIGIN}{post.permalink}#c{parent.pk}"),
        (post_id, ORIGIN + post.permalink),
    ]


def test_blog_comment_feed_spans_public_posts_only(
    client: Client,
    post: Post,
    make_post: MakePost,
    make_comment: MakeComment,
    other_blog: Blog,
) -> None:
    older = make_post("Older post", published_at=NOON - hours(24))
    scheduled = make_post("Next week", published_at=NOON + hours(24 * 7))
    draft = make_post("Draft", status=Post.Status.DRAFT, published_at=None)
    elsewhere = make_post("Elsewhere", target=other_blog)
    make_comment(post, "On the new post", created_at=NOON + hours(2))
    make_comment(older, "On the old post", created_at=NOON + hours(1))
    for hidden in (scheduled, draft, elsewhere):
        make_comment(hidden, f"Hidden on {hidden.title}")
    with time_machine.travel(NOON + hours(3), tick=False):
        for path in ("/feeds/comments/default", "/feeds/comments/default?alt=rss"):
            feed = read_feed(client.get(path))
            assert entries_titles(feed) == ["On the new post", "On the old post"]
    feed = read_feed(client.get("/feeds/comments/default"))
    assert feed.feed.title == "Field Notes: Comments"


def test_long_comments_are_cut_for_their_title(
    client: Client, post: Post, make_comment: MakeComment
) -> None:
    make_comment(post, "word " * 100)
    title = read_feed(client.get("/feeds/comments/default")).entries[0].title
    assert len(title) <= 63 and title.endswith("...")


@pytest.mark.parametrize("post_id", ["draft", "scheduled", "other", "missing", "huge"])
def test_comment_feed_of_a_post_readers_cannot_see_is_404(
    client: Client, make_post: MakePost, other_blog: Blog, post_id: str
) -> None:
    posts = {
        "draft": make_post(status=Post.Status.DRAFT, published_at=None).pk,
        "scheduled": make_post(published_at=NOON + hours(24 * 365 * 10)).pk,
        "other": make_post(target=other_blog).pk,
        "missing": 999_999,
        "huge": 10**17,
    }
    assert client.get(f"/feeds/{posts[post_id]}/comments/default").status_code == 404


def test_private_blog_comment_feeds_are_404(
    client: Client, blog: Blog, post: Post, make_comment: MakeComment
) -> None:
    make_comment(post, "Between members")
    blog.is_private = True
    blog.save()
    for path in ("/feeds/comments/default", f"/feeds/{post.pk}/comments/default"):
        response = client.get(path)
        assert response.status_code == 404 and b"Between members" not in response.content


def test_blog_comment_feed_total_follows_comments_and_the_clock(
    client: Client, post: Post, make_post: MakePost, make_comment: MakeComment
) -> None:
    # The total is kept between requests (it walks every comment): a new comment and a
    # scheduled post's time both move it.
    scheduled = make_post("Next week", published_at=NOON + hours(24 * 7))
    make_comment(post, "First", created_at=NOON + hours(1))
    make_comment(scheduled, "Early bird", created_at=NOON + hours(1))
    path = "/feeds/comments/default?max-results=1"
    total = "{http://a9.com/-/spec/opensearchrss/1.0/}totalResults"
    with time_machine.travel(NOON + hours(3), tick=False):
        assert parse_xml(client.get(path).content).findtext(total) == "1"
        make_comment(post, "Second", created_at=NOON + hours(2))
        assert parse_xml(client.get(path).content).findtext(total) == "2"
    with time_machine.travel(NOON + hours(24 * 8), tick=False):
        assert parse_xml(client.get(path).content).findtext(total) == "3"
