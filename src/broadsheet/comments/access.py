"""Who may comment where, and how views get at comments: one helper per question.

Readers: a post takes comments when it is public and neither it nor its blog has them turned
off; the blog's "who can comment" setting then says who. Moderators: a comment someone may not
moderate answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post

MEMBERS_ONLY = "Only a member of this blog may post a comment."
USERS_ONLY = "Only signed-in users may post a comment."
CLOSED = "Comments are closed for this post."

User = AbstractBaseUser | AnonymousUser


class Refusal(enum.Enum):
    SIGN_IN = USERS_ONLY  # might be allowed after signing in
    MEMBERS = MEMBERS_ONLY


def comments_open(post: Post) -> bool:
    return post.is_public() and post.comments_allowed and post.blog.comments_enabled


def commentable_post(blog: Blog, post_id: int) -> Post:
    """The blog's public post with comments open, or 404."""
    post = public_post(blog, post_id)
    if not comments_open(post):
        raise Http404("No post here takes comments.")
    return post


def public_post(blog: Blog, post_id: int) -> Post:
    """The blog's public post, whatever its comment setting, or 404: a comment sent to a post
    whose comments were closed since its page was read is answered, not lost."""
    post = Post.objects.public(blog).filter(pk=post_id).first()
    if post is None:
        raise Http404("No post here takes comments.")
    post.blog = blog
    return post


def refusal(blog: Blog, user: User) -> Refusal | None:
    """Why this visitor may not comment on the blog, or None if they may."""
    rule = blog.who_can_comment
    if rule in (Blog.WhoCanComment.ANYONE, Blog.WhoCanComment.NAMED):
        return None
    if not user.is_authenticated:
        return Refusal.SIGN_IN if rule == Blog.WhoCanComment.USERS else Refusal.MEMBERS
    if rule == Blog.WhoCanComment.MEMBERS and Membership.of(user, blog) is None:
        return Refusal.MEMBERS
    return None


def comment_for(member: Membership, pk: int) -> Comment:
    comment = Comment.objects.filter(pk=pk).select_related("post", "post__blog").first()
    if comment is None or not comment.moderatable_by(member):
        raise Http404("No such comment in your studio.")
    return comment


def comments_for(member: Membership, pks: Iterable[int]) -> list[Comment]:
    """All the ticked comments, or 404 if any is out of the member's reach."""
    wanted = set(pks)
    found = list(
        Comment.objects.moderatable_by(member)
        .filter(pk__in=wanted)
        .select_related("post", "post__blog")
    )
    if len(found) != len(wanted):
        raise Http404("No such comment in your studio.")
    return found
