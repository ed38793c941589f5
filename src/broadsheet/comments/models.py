"""Reader comments and their threads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from broadsheet.posts.models import Post


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting moderation"
        PUBLISHED = "published", "Published"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Deleted"

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
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["post", "status", "created_at"], name="comment_post_status"),
            models.Index(fields=["status", "created_at"], name="comment_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} on {self.post}"

    @property
    def display_name(self) -> str:
        return self.author_name or "Anonymous"

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"
