"""The comment workflows (comments/actions.py): a reader's comment and moderation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError

from broadsheet.blogs.access import NotAllowed
from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments import actions, training
from broadsheet.comments.forms import Submission
from broadsheet.comments.models import Comment, SpamFilter
from broadsheet.posts.models import Post
from tests.conftest import NOON, MakeComment, MakePost

pytestmark = pytest.mark.django_db

ANON = AnonymousUser()


def say(body: str = "Nice beans.", **fields: Any) -> Submission:
    values: dict[str, Any] = {"name": "Mary", "url": "", "email": "", "notify": False}
    values.update(fields)
    return Submission(body=body, parent_id=values.pop("parent_id", None), **values)


def post_one(post: Post, body: str = "Nice beans.", **kwargs: Any) -> Comment:
    kwargs.setdefault("user", ANON)
    kwargs.setdefault("address", "203.0.113.1")
    return actions.post_comment(post, say(body), **kwargs)


def as_member(user: User, blog: Blog) -> Membership:
    member = Membership.of(user, blog)
    assert member is not None
    return member


def test_moderation_never_always_and_older(blog: Blog, make_post: MakePost) -> None:
    fresh = make_post("Fresh")
    assert post_one(fresh, "one").status == Comment.Status.PUBLISHED
    blog.moderation = Blog.Moderation.ALWAYS
    blog.save()
    assert post_one(fresh, "two").status == Comment.Status.PENDING
    blog.moderation, blog.moderation_after_days = Blog.Moderation.OLDER, 14
    blog.save()
    assert post_one(fresh, "three", now=NOON + dt.timedelta(days=13)).status == "published"
    assert post_one(fresh, "four", now=NOON + dt.timedelta(days=15)).status == "pending"


def test_members_comments_skip_moderation(blog: Blog, post: Post, author: User) -> None:
    blog.moderation = Blog.Moderation.ALWAYS
    blog.save()
    assert post_one(post, user=author).status == Comment.Status.PUBLISHED


def test_published_comment_counts_and_pending_does_not(blog: Blog, post: Post) -> None:
    post_one(post, "one")
    blog.moderation = Blog.Moderation.ALWAYS
    blog.save()
    post_one(post, "two")
    assert Post.objects.get(pk=post.pk).comment_count == 1


def test_the_same_text_on_several_posts_is_spam(make_post: MakePost) -> None:
    posts = [make_post(f"Post {i}") for i in range(3)]
    statuses = [post_one(p, "Cheap pills at pills.example").status for p in posts]
    assert statuses == ["published", "published", "spam"]


def test_the_trained_filter_sends_likely_spam_to_the_spam_list(
    post: Post, admin: User, make_comment: MakeComment
) -> None:
    member = as_member(admin, post.blog)
    for i in range(4):
        actions.mark_spam(member, make_comment(post, f"buy cheap pills now casino {i}"))
        actions.approve(member, make_comment(post, f"my rhubarb grew well this spring {i}"))
    spam = post_one(post, "cheap pills casino now")
    ham = post_one(post, "rhubarb grew well")
    assert spam.status == Comment.Status.SPAM and spam.spam_score is not None
    assert spam.spam_score >= training.SPAM_THRESHOLD
    assert ham.status == Comment.Status.PUBLISHED


def test_members_only_refuses_outsiders_in_the_action(
    blog: Blog, post: Post, outsider: User
) -> None:
    blog.who_can_comment = Blog.WhoCanComment.MEMBERS
    blog.save()
    with pytest.raises(NotAllowed):
        post_one(post, user=outsider)
    with pytest.raises(NotAllowed):
        post_one(post)


def test_named_blog_refuses_a_nameless_comment_in_the_action(blog: Blog, post: Post) -> None:
    blog.who_can_comment = Blog.WhoCanComment.NAMED
    blog.save()
    with pytest.raises(ValidationError):
        actions.post_comment(post, say(name=""), user=ANON, address="203.0.113.1")


def test_moderation_moves_counts_and_bumps_the_version(
    post: Post, admin: User, make_comment: MakeComment
) -> None:
    member = as_member(admin, post.blog)
    comment = make_comment(post, status=Comment.Status.PENDING)
    version = Blog.objects.get(pk=post.blog.pk).content_version
    actions.approve(member, comment)
    assert Post.objects.get(pk=post.pk).comment_count == 1
    assert Blog.objects.get(pk=post.blog.pk).content_version > version
    actions.delete(member, comment)
    assert Post.objects.get(pk=post.pk).comment_count == 0
    actions.restore(member, comment)
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PUBLISHED


def test_authors_moderate_their_own_posts_only(
    post: Post, other_author: User, author: User, contributor: User, make_comment: MakeComment
) -> None:
    comment = make_comment(post, status=Comment.Status.PENDING)
    with pytest.raises(NotAllowed):
        actions.approve(as_member(other_author, post.blog), comment)
    with pytest.raises(NotAllowed):
        actions.approve(as_member(contributor, post.blog), comment)
    actions.approve(as_member(author, post.blog), comment)


def test_admin_of_another_blog_moderates_nothing_here(
    post: Post, outsider: User, other_blog: Blog, make_comment: MakeComment
) -> None:
    with pytest.raises(NotAllowed):
        actions.mark_spam(as_member(outsider, other_blog), make_comment(post))


def test_changing_ones_mind_unlearns_the_first_decision(
    post: Post, admin: User, make_comment: MakeComment
) -> None:
    member = as_member(admin, post.blog)
    comment = make_comment(post, "free casino bonus")
    actions.mark_spam(member, comment)
    actions.mark_not_spam(member, comment)
    totals = SpamFilter.objects.get(blog=post.blog)
    assert (totals.spam_docs, totals.ham_docs) == (0, 1)
    assert Comment.objects.get(pk=comment.pk).trained_as == Comment.Trained.HAM


def test_reply_as_the_author_approves_a_held_parent(
    post: Post, author: User, make_comment: MakeComment
) -> None:
    parent = make_comment(post, status=Comment.Status.PENDING)
    answer = actions.reply(as_member(author, post.blog), parent, "Thank you!")
    parent.refresh_from_db()
    assert parent.status == answer.status == Comment.Status.PUBLISHED
    assert answer.parent == parent and answer.user == author and answer.author_name == "Ada Byron"
    assert Post.objects.get(pk=post.pk).comment_count == 2


def test_bulk_is_all_or_nothing(
    post: Post, author: User, other_author: User, make_comment: MakeComment
) -> None:
    mine = [make_comment(post, f"c{i}", status=Comment.Status.PENDING) for i in range(3)]
    alans = Post.objects.create(blog=post.blog, author=other_author, title="Alan's")
    theirs = make_comment(alans, "theirs", status=Comment.Status.PENDING)
    with pytest.raises(NotAllowed):
        actions.bulk(as_member(author, post.blog), "approve", [*mine, theirs])
    assert set(Comment.objects.values_list("status", flat=True)) == {"pending"}
    assert actions.bulk(as_member(author, post.blog), "approve", mine) == 3


def test_add_comment_still_serves_the_loaders(post: Post) -> None:
    comment = actions.add_comment(Comment(post=post, body="Imported.", status="published"))
    assert comment.pk and Post.objects.get(pk=post.pk).comment_count == 1


def test_unsubscribe_stops_reply_mails_on_that_blog(post: Post, make_comment: MakeComment) -> None:
    make_comment(post, "a", author_email="Mary@Example.com", notify_replies=True)
    assert actions.unsubscribe(post.blog, "mary@example.com") == 1
    assert not Comment.objects.filter(notify_replies=True).exists()
