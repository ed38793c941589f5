"""Blogger's per-post comment options on the reader's side: Allow, "Don't allow, show
existing" (no new comments, the thread stays) and "Don't allow, hide existing" (no thread, no
count, no comment feed)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from broadsheet.blogs.access import NotAllowed
from broadsheet.comments import actions
from broadsheet.comments.forms import Submission
from broadsheet.comments.models import Comment
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post, ReaderComments
from tests.commenting import comment_data
from tests.conftest import MakeComment, MakePost
from tests.feeds.rules import read_feed

pytestmark = pytest.mark.django_db


@pytest.fixture
def talked_about(make_post: MakePost, make_comment: MakeComment) -> Post:
    post = make_post("Slug pellets")
    make_comment(post, "Beer traps work better.")
    return post


def set_option(post: Post, option: str) -> None:
    """As the editor saves it: the blog's content version moves, so cached pages go."""
    post.set_reader_comments(option)
    save_post(post)


def test_stopped_comments_keep_the_thread_and_drop_the_form(
    client: Client, talked_about: Post
) -> None:
    set_option(talked_about, ReaderComments.STOP)
    html = client.get(talked_about.permalink).content.decode()
    assert "Beer traps work better." in html and "1 comment:" in html
    assert "Comments are closed for this post." in html
    assert 'class="comment-form"' not in html and "comment-reply" not in html


def test_hidden_comments_leave_no_trace_on_pages_or_feeds(
    client: Client, talked_about: Post
) -> None:
    set_option(talked_about, ReaderComments.HIDE)
    html = client.get(talked_about.permalink).content.decode()
    assert "Beer traps" not in html and "1 comment" not in html
    assert f"/feeds/{talked_about.pk}/comments/default" not in html
    assert "1 comment" not in client.get("/").content.decode()
    assert client.get(f"/feeds/{talked_about.pk}/comments/default").status_code == 404
    assert read_feed(client.get("/feeds/comments/default")).entries == []
    posts_feed = client.get("/feeds/posts/default").content.decode()
    assert "thr:total" not in posts_feed and 'rel="replies"' not in posts_feed


def test_allowing_again_brings_the_thread_back(client: Client, talked_about: Post) -> None:
    set_option(talked_about, ReaderComments.HIDE)
    client.get(talked_about.permalink)  # now in the page cache
    set_option(talked_about, ReaderComments.ALLOW)
    html = client.get(talked_about.permalink).content.decode()
    assert "Beer traps work better." in html and 'class="comment-form"' in html


def test_a_comment_sent_after_closing_is_refused_and_handed_back(
    client: Client, talked_about: Post
) -> None:
    set_option(talked_about, ReaderComments.STOP)
    typed = "I was halfway through writing this."
    response = client.post(
        f"/comments/post/{talked_about.pk}", comment_data(talked_about, body=typed)
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "Comments are closed for this post." in html and typed in html
    assert talked_about.comments.count() == 1


def test_the_action_refuses_too_whatever_the_form(talked_about: Post) -> None:
    for option in (ReaderComments.STOP, ReaderComments.HIDE):
        set_option(talked_about, option)
        typed = Submission("Mary", "", "", "Let me in.", False, None)
        with pytest.raises(NotAllowed, match=r"Comments are closed for this post\."):
            actions.post_comment(talked_about, typed, user=AnonymousUser(), address="192.0.2.1")
    assert not Comment.objects.filter(body="Let me in.").exists()


def test_the_form_page_of_a_closed_post_is_not_found(client: Client, talked_about: Post) -> None:
    set_option(talked_about, ReaderComments.HIDE)
    assert client.get(f"/comments/post/{talked_about.pk}").status_code == 404
    assert client.get(f"/comments/token/{talked_about.pk}").status_code == 404
