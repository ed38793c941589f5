"""Workflows that write comments. Every write goes through here.

`add_comment` is the low-level write the loaders use (demo, importers): it trusts its caller.
`post_comment` is a reader's comment, with the blog's rules and the spam defences. The
moderation actions take the acting member and check that they may moderate the comment
(`Comment.moderatable_by`) before touching it, so a forged request meets the same rules as the
studio's buttons; they raise `NotAllowed` otherwise.

Any change to what readers see bumps the blog's content version, so the next reader of any
cached page gets the new state. E-mail goes out after the transaction commits, on the task
queue (`tasks.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from broadsheet.blogs.access import NotAllowed, require
from broadsheet.blogs.actions import bump_content_version, lock_blog
from broadsheet.blogs.models import Blog, Membership
from broadsheet.blogs.people import display_name
from broadsheet.comments import access, defences, hooks, tasks, training
from broadsheet.comments.forms import Submission
from broadsheet.comments.models import Comment, ReplyAddress
from broadsheet.posts.models import Post, live

Status = Comment.Status
# The same text on this many other posts of a blog within a day is a campaign, not a reader.
FLOOD_POSTS = 2
# How long a comment counts as "already posted" when its commenter sends the same text again.
DUPLICATE_WINDOW = dt.timedelta(days=1)


class RateLimited(Exception):
    """Too many comments from one address, or on one post, in too short a time."""


def refresh_comment_count(post: Post) -> None:
    """Keep the post's denormalised count of published comments exact."""
    count = post.comments.filter(status=Status.PUBLISHED).count()
    Post.objects.filter(pk=post.pk).update(comment_count=count)
    post.comment_count = count


def lock_post(post: Post) -> None:
    """Take the turn of the post's blog for the rest of the transaction: its row, the first
    lock of every write of a blog (`blogs.actions.lock_blog`).

    Comment writers on one post then take turns, so each recount sees the comments committed
    before it: without a lock, on PostgreSQL two comments committed at once can both count
    only themselves and leave the denormalised count one short. This once locked the post's
    row, which a write of several posts (bulk moderation, an import) took after the blog's
    change head and a comment before it: each held what the other waited for. Every writer
    of a count (these actions, webmention's `forget`, imports) takes the blog's row first
    now, which serialises the recounts as well. (SQLite writers take turns anyway; there
    this is a no-op.)
    """
    lock_blog(post.blog_id)


@transaction.atomic
def add_comment(comment: Comment) -> Comment:
    """Store a comment as given (status decided by the caller) and update counts and caches."""
    lock_post(comment.post)
    comment.save()
    refresh_comment_count(comment.post)
    bump_content_version(comment.post.blog, sidebar=False)
    return comment


# --- a reader's comment ----------------------------------------------------------------------


def post_comment(
    post: Post,
    submission: Submission,
    *,
    user: AbstractBaseUser | AnonymousUser,
    address: str,
    now: dt.datetime | None = None,
) -> Comment:
    """Take a reader's comment on a post whose comments are open.

    Raises NotAllowed when the blog's "who can comment" rule keeps the visitor out,
    ValidationError (keyed by form field) for a reply to a comment that is not on the page or a
    comment already posted, and RateLimited when the address or the post has had too many.
    """
    now = now or timezone.now()
    blog = post.blog
    require(access.comments_open(post), access.CLOSED)
    refused = access.refusal(blog, user)
    require(refused is None, refused.value if refused else "")
    comment = _build(post, submission, user, now)
    if blog.who_can_comment == Blog.WhoCanComment.NAMED and not comment.author_name:
        raise ValidationError({"name": "Please give your name: this blog asks for one."})
    _refuse_duplicate(comment)
    if not defences.within_limits(address, post.pk):
        raise RateLimited
    comment.status = _status_for(comment, Membership.of(user, blog), now)
    with transaction.atomic():
        add_comment(comment)
        transaction.on_commit(lambda: _notify_new(comment))
    return comment


def _build(
    post: Post, submission: Submission, user: AbstractBaseUser | AnonymousUser, now: dt.datetime
) -> Comment:
    comment = Comment(
        post=post,
        author_name=submission.name or (_user_name(user) if user.is_authenticated else ""),
        author_url=submission.url,
        author_email=submission.email or (getattr(user, "email", "") or ""),
        body=submission.body,
        notify_replies=submission.notify,
        created_at=now,
        updated_at=now,
        user=user if user.is_authenticated else None,  # type: ignore[misc]
    )
    if submission.parent_id is not None:
        comment.parent = _parent(post, submission.parent_id)
    return comment


def _user_name(user: AbstractBaseUser | AnonymousUser) -> str:
    return display_name(user)


def _parent(post: Post, parent_id: int) -> Comment:
    parent = post.comments.filter(pk=parent_id, status=Status.PUBLISHED).first()
    if parent is None:
        raise ValidationError({"parent": "The comment you are replying to is not on the page."})
    return parent


def _refuse_duplicate(comment: Comment) -> None:
    # A resubmitted form: the same commenter's same text, recently, on this post. Held and
    # spam comments are left out, and so is anyone else's text: refusing a copy of them
    # would tell a reader that someone wrote it and that it waits in the moderation queue.
    same = comment.post.comments.filter(
        body=comment.body,
        status=Status.PUBLISHED,
        created_at__gte=comment.created_at - DUPLICATE_WINDOW,
        **_same_commenter(comment),
    )
    if same.exists():
        raise ValidationError({"body": "This comment has already been posted here."})


def _same_commenter(comment: Comment) -> dict[str, Any]:
    if comment.user_id is not None:
        return {"user_id": comment.user_id}
    # Anonymous: who the form says, as far as the page shows it (never the e-mail address).
    return {"user": None, "author_name": comment.author_name, "author_url": comment.author_url}


def _status_for(comment: Comment, member: Membership | None, now: dt.datetime) -> str:
    """Members' comments go straight up; then spam checks; then the blog's moderation rule."""
    if member is not None:
        return Status.PUBLISHED
    held = needs_moderation(comment.post, now)
    if _is_flood(comment, now, seen_only=not held):
        return Status.SPAM
    comment.spam_score = training.spam_probability(comment)
    if comment.spam_score is not None and comment.spam_score >= training.SPAM_THRESHOLD:
        return Status.SPAM
    return Status.PENDING if held else Status.PUBLISHED


def _is_flood(comment: Comment, now: dt.datetime, *, seen_only: bool) -> bool:
    # The same text on other posts of the blog within a day. A comment that would go up at
    # once may be held only for copies any reader can see: counting held, spam or deleted
    # ones would tell the sender, by where the form sends them, that someone wrote this
    # text and it waits unseen. A comment held anyway answers alike as spam or pending, so
    # there every copy counts.
    elsewhere = Comment.objects.filter(
        post__blog=comment.post.blog,
        body=comment.body,
        created_at__gte=now - dt.timedelta(days=1),
    ).exclude(post=comment.post)
    if seen_only:
        elsewhere = elsewhere.filter(live(now, "post__"), status=Status.PUBLISHED)
    return elsewhere.values("post").distinct().count() >= FLOOD_POSTS


def needs_moderation(post: Post, now: dt.datetime | None = None) -> bool:
    """The blog's rule: moderate always, never, or only on posts older than N days."""
    blog = post.blog
    if blog.moderation == Blog.Moderation.ALWAYS:
        return True
    if blog.moderation == Blog.Moderation.OLDER and post.published_at is not None:
        age = (now or timezone.now()) - post.published_at
        return age > dt.timedelta(days=blog.moderation_after_days)
    return False


def _notify_new(comment: Comment) -> None:
    if comment.status == Status.PUBLISHED:
        hooks.comment_published(comment.pk)
    if comment.status in (Status.PUBLISHED, Status.PENDING):
        tasks.notify_moderators.enqueue(comment.pk)
    if comment.status == Status.PUBLISHED and comment.parent_id:
        tasks.notify_reply.enqueue(comment.pk)
    if comment.asks_for_replies:
        tasks.ask_to_confirm.enqueue(comment.pk)


# --- moderation ------------------------------------------------------------------------------


def _require_moderator(member: Membership, comment: Comment) -> None:
    require(comment.moderatable_by(member), "You do not moderate this comment.")


@transaction.atomic
def set_status(member: Membership, comment: Comment, status: str) -> Comment:
    """Move a comment between the pending, published, spam and trash lists."""
    _require_moderator(member, comment)
    before = comment.status
    if before == status:
        return comment
    lock_post(comment.post)
    comment.status = status
    comment.updated_at = timezone.now()
    comment.save(update_fields=["status", "updated_at"])
    if Status.PUBLISHED in (before, status) or Status.TRASH in (before, status):
        refresh_comment_count(comment.post)
        bump_content_version(comment.post.blog, sidebar=False)
    if status == Status.PUBLISHED:
        transaction.on_commit(lambda: hooks.comment_published(comment.pk))
    if status == Status.PUBLISHED and before != Status.TRASH and comment.parent_id:
        transaction.on_commit(lambda: tasks.notify_reply.enqueue(comment.pk))
    if comment.asks_for_replies:  # held or spam until now: no mail went to its address yet
        transaction.on_commit(lambda: tasks.ask_to_confirm.enqueue(comment.pk))
    return comment


@transaction.atomic  # the filter learns in the decision's transaction, its blog's row held
def approve(member: Membership, comment: Comment) -> Comment:
    """Publish a held comment; approving is also telling the filter it is not spam."""
    comment = set_status(member, comment, Status.PUBLISHED)
    training.teach(comment, Comment.Trained.HAM)
    return comment


@transaction.atomic
def mark_spam(member: Membership, comment: Comment) -> Comment:
    comment = set_status(member, comment, Status.SPAM)
    training.teach(comment, Comment.Trained.SPAM)
    return comment


def mark_not_spam(member: Membership, comment: Comment) -> Comment:
    """Out of the spam list and onto the page: a false alarm, and the filter learns it."""
    return approve(member, comment)


def delete(member: Membership, comment: Comment) -> Comment:
    """To the trash: off the page (a stub stays where it has replies), restorable."""
    return set_status(member, comment, Status.TRASH)


def restore(member: Membership, comment: Comment) -> Comment:
    require(comment.status == Status.TRASH, "Only a deleted comment can be restored.")
    return set_status(member, comment, Status.PUBLISHED)


ACTIONS = {
    "approve": approve,
    "spam": mark_spam,
    "not-spam": mark_not_spam,
    "delete": delete,
    "restore": restore,
}


@transaction.atomic
def bulk(member: Membership, action: str, comments: Iterable[Comment]) -> int:
    """One action on many comments, all or none (a refusal on one undoes the rest)."""
    done = 0
    for comment in comments:
        if action == "restore" and comment.status != Status.TRASH:
            continue
        ACTIONS[action](member, comment)
        done += 1
    return done


def reply(member: Membership, parent: Comment, body: str) -> Comment:
    """The post's author (or an admin) answers in the thread; a held comment answered is
    approved first, since a reply under an invisible comment would be lost."""
    _require_moderator(member, parent)
    require(parent.status in (Status.PENDING, Status.PUBLISHED), "Reply to a visible comment.")
    with transaction.atomic():
        if parent.status == Status.PENDING:
            approve(member, parent)
        user = member.user
        answer = Comment(
            post=parent.post,
            parent=parent,
            user=user,
            author_name=_user_name(user),
            author_email=getattr(user, "email", "") or "",
            body=body,
            status=Status.PUBLISHED,
        )
        add_comment(answer)
        transaction.on_commit(lambda: tasks.notify_reply.enqueue(answer.pk))
        transaction.on_commit(lambda: hooks.comment_published(answer.pk))
    return answer


@transaction.atomic
def revise(comment: Comment, body: str) -> Comment:
    """The commenter changed their text (a fediverse reply edited at its home server, which
    vouched for who they are): the new text, through the same filter as a new comment."""
    lock_post(comment.post)
    comment.body, comment.updated_at = body, timezone.now()
    if comment.status == Status.PUBLISHED and _is_spam_now(comment):
        comment.status = Status.SPAM
    comment.save(update_fields=["body", "status", "updated_at"])
    refresh_comment_count(comment.post)
    bump_content_version(comment.post.blog, sidebar=False)
    return comment


def _is_spam_now(comment: Comment) -> bool:
    score = training.spam_probability(comment)
    return score is not None and score >= training.SPAM_THRESHOLD


def withdraw(comment: Comment) -> Comment:
    """The commenter deleted their comment at its source: to the trash, as a moderator's
    delete would (a stub stays where it has replies)."""
    with transaction.atomic():
        lock_post(comment.post)
        comment.status, comment.updated_at = Status.TRASH, timezone.now()
        comment.save(update_fields=["status", "updated_at"])
        refresh_comment_count(comment.post)
        bump_content_version(comment.post.blog, sidebar=False)
    return comment


def confirm_replies(blog: Blog, email: str) -> None:
    """The address's owner followed the mailed link: reply mails may go to it on this blog."""
    ReplyAddress.objects.update_or_create(
        blog=blog, email=email.strip().lower(), defaults={"confirmed_at": timezone.now()}
    )


def unsubscribe(blog: Blog, email: str) -> int:
    """Stop reply mails to this address for every comment it left on the blog; ticking the box
    again later asks for a new confirmation."""
    if not email:
        return 0
    ReplyAddress.objects.filter(blog=blog, email=email.strip().lower()).update(confirmed_at=None)
    mine = Comment.objects.filter(post__blog=blog, author_email__iexact=email)
    return mine.filter(notify_replies=True).update(notify_replies=False)


__all__ = [
    "NotAllowed",
    "RateLimited",
    "add_comment",
    "approve",
    "bulk",
    "confirm_replies",
    "delete",
    "mark_not_spam",
    "mark_spam",
    "needs_moderation",
    "post_comment",
    "refresh_comment_count",
    "reply",
    "restore",
    "revise",
    "unsubscribe",
    "withdraw",
]
