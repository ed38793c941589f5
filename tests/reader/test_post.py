from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from broadsheet.comments.models import Comment
from tests.conftest import NOON, MakeComment, MakePost

pytestmark = pytest.mark.django_db


def test_post_page_shows_the_blogger_anatomy(
    client: Client, make_post: MakePost, make_comment: MakeComment
) -> None:
    older = make_post("Older one", published_at=NOON - dt.timedelta(days=1))
    post = make_post("The middle", labels=("Garden", "Seed Saving"))
    newer = make_post("Newer one", published_at=NOON + dt.timedelta(days=1))
    make_comment(post, "First!")
    html = client.get(post.permalink).content.decode()
    assert post.permalink == "/2024/10/middle.html" or post.permalink.startswith("/2024/10/")
    assert "<title>Field Notes: The middle</title>" in html
    assert html.count("<h1") == 1 and ">The middle</h1>" in html
    assert "Sunday, October 20, 2024" in html
    assert "Posted by" in html and "Ada Byron" in html and "5:00 AM" in html
    assert 'href="/search/label/Seed%20Saving"' in html
    assert "1 comment:" in html and "First!" in html
    assert f'href="{newer.permalink}" rel="prev">Newer Post' in html
    assert f'href="{older.permalink}" rel="next">Older Post' in html
    assert 'class="home-link" href="/">Home' in html
    assert f"/feeds/{post.pk}/comments/default" in html and "Post Comments (Atom)" in html
    assert "Featured Post" in html and "Blog Archive" in html


def test_comment_counts_read_like_blogger(
    client: Client, make_post: MakePost, make_comment: MakeComment
) -> None:
    post = make_post()
    assert "No comments:" in client.get(post.permalink).content.decode()
    make_comment(post)
    make_comment(post)
    assert "2 comments:" in client.get(post.permalink).content.decode()


def test_replies_sit_under_their_parent_and_removed_stub_stays(
    client: Client, make_post: MakePost, make_comment: MakeComment
) -> None:
    post = make_post()
    parent = make_comment(post, "Parent words", status=Comment.Status.TRASH)
    make_comment(post, "A reply", parent=parent)
    make_comment(post, "Held back", status=Comment.Status.PENDING)
    html = client.get(post.permalink).content.decode()
    assert "This comment has been removed." in html
    assert "Parent words" not in html and "Held back" not in html
    stub = html.index("This comment has been removed.")
    assert html.index('class="comment-replies"', stub) < html.index("A reply")
    assert "1 comment:" in html


def test_comment_text_is_inert_and_links_are_nofollow(
    client: Client, make_post: MakePost, make_comment: MakeComment
) -> None:
    post = make_post()
    make_comment(
        post,
        "<script>alert(1)</script>\n\nSee https://example.org/x for more",
        author_name="<b>Eve</b>",
        author_url="javascript:alert(1)",
    )
    html = client.get(post.permalink).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html and "javascript:alert" not in html
    assert 'href="https://example.org/x" rel="nofollow ugc noopener"' in html


def test_unknown_post_is_a_themed_404(client: Client, make_post: MakePost) -> None:
    make_post()
    response = client.get("/2024/10/no-such-post.html")
    assert response.status_code == 404
    assert "Field Notes" in response.content.decode()
    assert 'role="search"' in response.content.decode()


def test_permalink_stays_when_title_and_date_change(client: Client, make_post: MakePost) -> None:
    from broadsheet.posts.actions import save_post

    post = make_post("Original title")
    first = post.permalink
    post.title = "A completely new title"
    post.published_at = NOON + dt.timedelta(days=40)
    save_post(post, now=NOON)
    assert post.permalink == first


def test_same_title_same_month_gets_distinct_permalinks(make_post: MakePost) -> None:
    one = make_post("Twice")
    two = make_post("Twice")
    assert one.permalink != two.permalink
    assert two.permalink.startswith("/2024/10/twice")
