"""What moderators teach the filter, per blog and install-wide (comments/training.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments import actions, training
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from tests.conftest import MakeComment, MakePost

pytestmark = pytest.mark.django_db


def teach(post: Post, user: User, make_comment: MakeComment, n: int, spam: str, ham: str) -> None:
    member = Membership.of(user, post.blog)
    assert member is not None
    for i in range(n):
        actions.mark_spam(member, make_comment(post, f"{spam} {i}"))
        actions.approve(member, make_comment(post, f"{ham} {i}"))


def test_a_new_blog_borrows_what_the_install_learnt(
    post: Post, admin: User, make_post: MakePost, other_blog: Blog, make_comment: MakeComment
) -> None:
    teach(post, admin, make_comment, 3, "cheap casino pills", "lovely rhubarb")
    elsewhere = make_post("Elsewhere", target=other_blog)
    probe = Comment(post=elsewhere, body="cheap casino")
    score = training.spam_probability(probe)
    assert score is not None and score > training.SPAM_THRESHOLD


def test_a_trained_blog_follows_its_own_decisions(
    post: Post,
    admin: User,
    make_post: MakePost,
    other_blog: Blog,
    make_comment: MakeComment,
    outsider: User,
) -> None:
    # On Field Notes "pattern" is spam; on Another Blog (trained enough) it is welcome.
    teach(post, admin, make_comment, 3, "pattern discount", "garden news")
    theirs = make_post("Knitting", target=other_blog)
    teach(theirs, outsider, make_comment, training.OWN_MODEL_AFTER, "casino bonus", "pattern help")
    own = training.spam_probability(Comment(post=theirs, body="pattern"))
    assert own is not None and own < 0.5


def test_untrained_filter_has_no_opinion(post: Post) -> None:
    assert training.spam_probability(Comment(post=post, body="anything")) is None
