"""What federation keeps: our actors' keys, the remote actors we met, who follows whom, what
we announced, and the replies and reactions that came in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post


class LocalActor(models.Model):
    """The blog (user null) or one of its authors, as the fediverse sees them. The private key
    signs our requests and is never served."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    username = models.CharField(max_length=150)
    public_key_pem = models.TextField()
    private_key_pem = models.TextField()
    # Where the blog moved to (Move sent), and the accounts it says it also is.
    moved_to = models.URLField(max_length=500, blank=True)
    also_known_as = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "username"], name="localactor_blog_username"),
        ]

    def __str__(self) -> str:
        return f"{self.username} on {self.blog_id}"


class RemoteActor(models.Model):
    """An actor on another server, as its document said when we last fetched it."""

    uri = models.URLField(max_length=500, unique=True)
    key_id = models.URLField(max_length=500, db_index=True)
    public_key_pem = models.TextField()
    inbox = models.URLField(max_length=500)
    shared_inbox = models.URLField(max_length=500, blank=True)
    username = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    domain = models.CharField(max_length=255, db_index=True)
    moved_to = models.URLField(max_length=500, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.uri

    @property
    def delivery_inbox(self) -> str:
        """One POST per server for everyone there who follows us, where it offers that."""
        return self.shared_inbox or self.inbox


class Follower(models.Model):
    actor = models.ForeignKey(LocalActor, on_delete=models.CASCADE, related_name="followers")
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="follows")
    follow_id = models.URLField(max_length=500)  # the Follow activity, which Undo names
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "remote"], name="follower_once"),
        ]

    def __str__(self) -> str:
        return f"{self.remote_id} follows {self.actor_id}"


class Block(models.Model):
    """A domain (`example.social`) or one actor (its URI) the blog hears nothing from and
    delivers nothing to."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    target = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "target"], name="block_once"),
        ]

    def __str__(self) -> str:
        return self.target


class Instance(models.Model):
    """A remote server's delivery health: failures in a row, and when it was given up on."""

    domain = models.CharField(max_length=255, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)  # of the current run
    last_failure_at = models.DateTimeField(null=True, blank=True)
    dead_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.domain


class Announced(models.Model):
    """A post sent out as Create: later saves go as Update, never as a second Create."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"post {self.post_id}"


class RemoteReply(models.Model):
    """A comment that came in as a Note (or went out as one): its object URI ties later
    Update, Delete and replies to it."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="+")
    uri = models.URLField(max_length=500, unique=True)
    remote = models.ForeignKey(RemoteActor, null=True, blank=True, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return self.uri


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", "Like"
        ANNOUNCE = "announce", "Boost"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    activity_id = models.URLField(max_length=500, unique=True)
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.activity_id
