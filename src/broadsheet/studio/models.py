"""What only the studio needs: invitations to join a blog, and uploaded images."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.html import format_html

from broadsheet.blogs.models import Blog, Membership


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self, now: dt.datetime | None = None) -> InvitationQuerySet:
        """Not accepted, not revoked, not expired."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """An emailed link that makes whoever follows it a member of a blog with a role.

    Only a hash of the link's token is stored: someone who reads the database cannot use the
    invitations in it.
    """

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.role} on {self.blog}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_open(self, now: dt.datetime | None = None) -> bool:
        return self.accepted_at is None and self.expires_at > (now or timezone.now())


# The reader's content column is 42rem wide from 44rem up, and the whole screen below that.
IMAGE_SIZES = "(min-width: 44rem) 42rem, 100vw"
# The width `src` points at, for browsers without srcset and for feed readers.
DEFAULT_WIDTH = 960


class UploadedImage(models.Model):
    """An image a member uploaded, stored in several widths for `srcset`.

    `variants` lists `{"width", "height", "name"}` for each stored file (a name in the default
    storage), narrowest first.
    """

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="images")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_name = models.CharField(max_length=255, blank=True)
    alt = models.CharField(max_length=500, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    variants = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["blog", "created_at"], name="image_blog_created")]

    def __str__(self) -> str:
        return self.original_name or f"image {self.pk}"

    @property
    def default_variant(self) -> dict[str, Any]:
        fitting = [v for v in self.variants if v["width"] <= DEFAULT_WIDTH]
        return fitting[-1] if fitting else self.variants[0]

    @property
    def src(self) -> str:
        return default_storage.url(self.default_variant["name"])

    @property
    def srcset(self) -> str:
        return ", ".join(f"{default_storage.url(v['name'])} {v['width']}w" for v in self.variants)

    def snippet(self) -> str:
        """The `<img>` the editor inserts: valid in Markdown (as raw HTML) and in HTML posts."""
        variant = self.default_variant
        return format_html(
            '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="lazy">',
            self.src,
            self.srcset,
            IMAGE_SIZES,
            variant["width"],
            variant["height"],
            self.alt,
        )
