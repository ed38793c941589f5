"""The duplicate check tells a reader nothing about comments they cannot see.

A reader who posts the text of someone else's held or spam comment, under any name (the
author's own included, since anyone can type it), gets exactly the answer fresh text gets.
Only the same commenter sending their own published text again is refused.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from tests.cast import signed_in
from tests.commenting import PostAs
from tests.conftest import MakeComment, MakePost

pytestmark = pytest.mark.django_db

STRICT = {"enforce_csrf_checks": True}
HIDDEN = "I know where the bodies are buried."
FRESH = "Nobody has ever written this sentence."
WRITERS = {
    "anonymous": {"author_name": "Mary", "author_url": "", "author_email": "mary@example.com"},
    "named": {"author_name": "Ellen", "author_url": "https://ellen.example/"},
    "nameless": {"author_name": ""},
}
SENDERS = {
    "another name": {"name": "Zed", "url": "", "email": ""},
    "the author's name": {"name": "Mary", "url": "", "email": "mary@example.com"},
    "the named author": {"name": "Ellen", "url": "https://ellen.example/", "email": ""},
    "no name": {"name": "", "url": "", "email": ""},
}


def answer(response: Any) -> tuple[int, str]:
    """What the reader sees of the answer, ids and times aside."""
    return response.status_code, re.sub(r"\d+", "N", response.get("Location", ""))


def answers_for(post: Post, post_as: PostAs, sender: dict[str, str], body: str) -> tuple[int, str]:
    return answer(post_as(Client(**STRICT), post, body=body, **sender))


@pytest.mark.parametrize("moderation", [Blog.Moderation.NEVER, Blog.Moderation.ALWAYS])
@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM])
@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("sender", list(SENDERS))
def test_the_text_of_a_hidden_comment_is_answered_as_fresh_text(
    blog: Blog,
    post: Post,
    post_as: PostAs,
    make_comment: MakeComment,
    moderation: str,
    status: str,
    writer: str,
    sender: str,
) -> None:
    Blog.objects.filter(pk=blog.pk).update(moderation=moderation)
    make_comment(post, HIDDEN, status=status, **WRITERS[writer])
    expected = answers_for(post, post_as, SENDERS[sender], FRESH)
    assert answers_for(post, post_as, SENDERS[sender], HIDDEN) == expected
    assert expected[0] == 302


def test_a_signed_in_readers_hidden_comment_is_no_oracle_either(
    blog: Blog, post: Post, post_as: PostAs, make_comment: MakeComment
) -> None:
    writer = User.objects.create_user("hidden", "hidden@example.com", "pw")
    make_comment(post, HIDDEN, status=Comment.Status.PENDING, user=writer)
    expected = answers_for(post, post_as, SENDERS["another name"], FRESH)
    assert answers_for(post, post_as, SENDERS["another name"], HIDDEN) == expected


def test_the_same_commenter_sending_their_published_text_again_is_refused(
    post: Post, post_as: PostAs
) -> None:
    client = Client(**STRICT)
    assert post_as(client, post, body=FRESH).status_code == 302
    again = post_as(Client(**STRICT), post, body=FRESH)  # a new browser, the same form
    assert again.status_code == 400 and "already been posted" in again.content.decode()
    assert Comment.objects.count() == 1


def test_a_signed_in_reader_is_known_by_their_account_not_their_name(
    post: Post, post_as: PostAs
) -> None:
    reader = User.objects.create_user("reader", "reader@example.com", "pw")
    client = signed_in(reader, csrf=True)
    assert post_as(client, post, body=FRESH).status_code == 302
    again = post_as(client, post, body=FRESH, name="Someone Else")
    assert again.status_code == 400
    assert post_as(Client(**STRICT), post, body=FRESH, name="").status_code == 302


def test_someone_elses_published_text_is_theirs_not_a_duplicate(
    post: Post, post_as: PostAs, make_comment: MakeComment
) -> None:
    make_comment(post, FRESH, status=Comment.Status.PUBLISHED, author_name="Ellen")
    assert post_as(Client(**STRICT), post, body=FRESH, name="Zed").status_code == 302


# The flood rule (the same text on several posts of the blog within a day is spam) is a
# duplicate check across posts: it may count only what a reader could see for themselves,
# unless the comment is held anyway, when spam and held answer alike.
HIDDEN_STATUSES = [Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH]


@pytest.fixture
def two_more_posts(make_post: MakePost) -> list[Post]:
    return [make_post("Leeks"), make_post("Onions")]


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
@pytest.mark.parametrize("sender", list(SENDERS))
def test_a_hidden_comment_copied_on_other_posts_is_no_flood_oracle(
    post: Post,
    two_more_posts: list[Post],
    post_as: PostAs,
    make_comment: MakeComment,
    status: str,
    sender: str,
) -> None:
    for other in two_more_posts:
        make_comment(
            other, HIDDEN, status=status, created_at=timezone.now(), **WRITERS["anonymous"]
        )
    expected = answers_for(post, post_as, SENDERS[sender], FRESH)
    assert answers_for(post, post_as, SENDERS[sender], HIDDEN) == expected
    assert not expected[1].endswith("#comment-held")  # published: the blog does not moderate


def test_published_copies_on_posts_readers_cannot_see_are_no_flood_oracle(
    post: Post, two_more_posts: list[Post], post_as: PostAs, make_comment: MakeComment
) -> None:
    for other in two_more_posts:
        make_comment(other, HIDDEN, author_name="Bot", created_at=timezone.now())
    Post.objects.filter(pk__in=[other.pk for other in two_more_posts]).update(
        status=Post.Status.DRAFT
    )
    expected = answers_for(post, post_as, SENDERS["another name"], FRESH)
    assert answers_for(post, post_as, SENDERS["another name"], HIDDEN) == expected


def test_the_same_text_published_on_other_posts_is_still_held_as_spam(
    post: Post, two_more_posts: list[Post], post_as: PostAs, make_comment: MakeComment
) -> None:
    for other in two_more_posts:
        make_comment(other, HIDDEN, author_name="Bot", created_at=timezone.now())
    response = post_as(Client(**STRICT), post, body=HIDDEN, name="Another bot")
    assert response.status_code == 302 and response["Location"].endswith("#comment-held")
    assert post.comments.get(body=HIDDEN).status == Comment.Status.SPAM


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_on_a_moderated_blog_hidden_copies_still_send_a_flood_to_spam(
    blog: Blog,
    post: Post,
    two_more_posts: list[Post],
    post_as: PostAs,
    make_comment: MakeComment,
    status: str,
) -> None:
    Blog.objects.filter(pk=blog.pk).update(moderation=Blog.Moderation.ALWAYS)
    for other in two_more_posts:
        make_comment(other, HIDDEN, status=status, author_name="Bot", created_at=timezone.now())
    expected = answers_for(post, post_as, SENDERS["another name"], FRESH)
    assert answers_for(post, post_as, SENDERS["another name"], HIDDEN) == expected
    assert post.comments.get(body=HIDDEN).status == Comment.Status.SPAM
