"""What other sites said about a post, as their Webmentions told us."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post


class Mention(models.Model):
    """One source page that links to one of our posts, verified by fetching it.

    A reply also has a Comment (held or shown by the blog's moderation, like a reader's);
    likes, reposts and plain mentions are only counted. Keyed by (post, source): the same
    source sent again updates this row, and a source that is gone removes it.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply"
        LIKE = "like", "Like"
        REPOST = "repost", "Repost"
        MENTION = "mention", "Mention"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    source = models.URLField(max_length=2000)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MENTION)
    author_name = models.CharField(max_length=200, blank=True)
    author_url = models.URLField(max_length=2000, blank=True)
    author_photo = models.URLField(max_length=2000, blank=True)
    comment = models.OneToOneField(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="mention"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "source"], name="unique_mention_source")
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.post} from {self.source}"


class Sent(models.Model):
    """A Webmention we sent for one of our posts to a page it links (or linked) to.

    `fingerprint` is the post's content when it was sent: an edit that leaves it the same
    sends nothing again, a changed post is sent again (the spec's update), and a link taken
    out is sent once more so that the other site sees it gone (the spec's delete).
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="webmentions_sent")
    target = models.URLField(max_length=2000)
    endpoint = models.URLField(max_length=2000, blank=True)  # "" when the page names none
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # None: not delivered
    fingerprint = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "target"], name="unique_sent_target")
        ]

    def __str__(self) -> str:
        return f"{self.post} to {self.target}"
