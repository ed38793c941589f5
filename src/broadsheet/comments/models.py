"""Reader comments and their threads; what the spam filter has learnt from moderators."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.core import markup
from broadsheet.posts.models import Post

if TYPE_CHECKING:
    from broadsheet.blogs.models import Membership


# Blogger's comment ids end in `.post-NUMBER`, and its pages anchor each comment at `#cNUMBER`.
_BLOGGER_COMMENT = re.compile(r"^tag:blogger\.com,1999:blog-\d+\.post-(\d+)$")


class CommentQuerySet(models.QuerySet["Comment"]):
    def moderatable_by(self, member: Membership) -> CommentQuerySet:
        """The comments a member moderates: all of the blog's for an admin, those on their own
        posts for an author, none for a contributor."""
        if not member.can_publish:
            return self.none()
        mine = self.filter(post__blog=member.blog)
        return mine if member.is_admin else mine.filter(post__author=member.user)


class Shows:
    """How a comment shows on a page: for the model, and for the plain rows a post page reads
    (`reader.postpage.Shown`)."""

    pk: Any
    created_at: dt.datetime
    author_name: str
    body: str
    body_html: str
    source_id: str | None

    @property
    def shown_body(self) -> str:
        """The body's HTML: the stored copy, or made now for a row saved without one."""
        return self.body_html or markup.comment_html(self.body)

    @property
    def display_name(self) -> str:
        return self.author_name or "Anonymous"

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"

    @property
    def kept_anchor(self) -> str:
        """The anchor the comment had on Blogger (`c` and the number that ends its Blogger id),
        which old links still point at; our own anchor for a comment that has no such id."""
        match = _BLOGGER_COMMENT.search(self.source_id or "")
        return f"c{match.group(1)}" if match else self.anchor

    @property
    def show_comment(self) -> str:
        """What Blogger puts after a post's address to point at one comment: `showComment`
        (the comment's time in milliseconds) and its anchor."""
        return f"?showComment={int(self.created_at.timestamp() * 1000)}#{self.anchor}"


class Comment(Shows, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting moderation"
        PUBLISHED = "published", "Published"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Deleted"

    class Trained(models.TextChoices):
        NONE = "", "Not used for training"
        SPAM = "spam", "Taught as spam"
        HAM = "ham", "Taught as not spam"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    author_name = models.CharField(max_length=200, blank=True)
    author_url = models.URLField(max_length=500, blank=True)
    author_email = models.EmailField(blank=True)  # never shown to readers
    body = models.TextField()  # plain text; escaped and linkified on output
    # `body` as the page shows it (core.markup.comment_html), made whenever `body` is saved.
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The commenter asked to be mailed when someone replies (needs author_email).
    notify_replies = models.BooleanField(default=False)
    # The learning filter's probability that this is spam, when it was posted (null: unscored).
    spam_score = models.FloatField(null=True, blank=True)
    # What a moderator's decision taught the filter, so that a changed mind can be unlearnt.
    trained_as = models.CharField(
        max_length=8, choices=Trained.choices, default=Trained.NONE, blank=True
    )
    # The entry id the comment had before it was imported, served again by feeds and
    # exports; its number is Blogger's `#c<id>` anchor. Nullable: adding it rebuilds no table.
    source_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001

    objects = CommentQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["post", "status", "created_at"], name="comment_post_status"),
            models.Index(fields=["status", "created_at"], name="comment_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} on {self.post}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or "body" in fields:
            self.render_body()
            if fields is not None:
                kwargs["update_fields"] = {*fields, "body_html"}
        super().save(*args, **kwargs)

    def render_body(self) -> None:
        """Call before a bulk_create or bulk_update that writes `body` (they skip `save`)."""
        self.body_html = markup.comment_html(self.body)

    @property
    def asks_for_replies(self) -> bool:
        """Published, with an address, and the box ticked: worth a confirmation mail."""
        published = self.status == self.Status.PUBLISHED
        return published and self.notify_replies and bool(self.author_email)

    def moderatable_by(self, member: Membership) -> bool:
        post = self.post
        return (
            member.can_publish
            and post.blog_id == member.blog_id
            and (member.is_admin or post.author_id == member.user_id)
        )


class SpamFilter(models.Model):
    """One blog's totals for the naive Bayes filter: how many comments of each kind it was
    taught, and how many features those held (the per-feature counts are SpamToken rows)."""

    blog = models.OneToOneField(Blog, on_delete=models.CASCADE, related_name="spam_filter")
    spam_docs = models.PositiveIntegerField(default=0)
    ham_docs = models.PositiveIntegerField(default=0)
    spam_features = models.PositiveBigIntegerField(default=0)
    ham_features = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Spam filter of {self.blog}: {self.spam_docs} spam, {self.ham_docs} not spam"


class SpamToken(models.Model):
    """How many taught spam and not-spam comments of one blog held this feature."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=80)
    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blog", "token"], name="unique_spam_token")]
        indexes = [models.Index(fields=["token"], name="spam_token_token")]

    def __str__(self) -> str:
        return f"{self.token}: {self.spam} spam, {self.ham} not spam"


class ReplyAddressQuerySet(models.QuerySet["ReplyAddress"]):
    def confirmed(self, blog: Blog, email: str) -> bool:
        """Whether this address followed its confirmation link for this blog."""
        mine = self.filter(blog=blog, email=email.strip().lower())
        return mine.filter(confirmed_at__isnull=False).exists()


class ReplyAddress(models.Model):
    """An address a commenter gave for mail about replies on one blog, and whether its owner
    confirmed it by the mailed link. Only a confirmed address is told of replies, so a form
    can't sign someone else up.

    The address is kept in plain: the same address already sits in `Comment.author_email`, so
    a hash here would hide nothing, and an admin can find and remove the row for a reader who
    writes in.
    """

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()  # lower-cased
    # When the confirmation mail last went out: at most one a day, however many comments.
    asked_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ReplyAddressQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "email"], name="one_reply_address_per_blog")
        ]

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "unconfirmed"
        return f"{self.email} on {self.blog} ({state})"
