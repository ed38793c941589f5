"""Images members upload, kept in several widths."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.html import format_html

from broadsheet.blogs.models import Blog

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


class EmbedPoster(models.Model):
    """The poster image of an embed (`core.embeds`), fetched once per blog and stored as one of
    its images, so the facade shows a picture without the reader's browser asking the video
    provider for anything. `image` is empty when the fetch failed: the facade goes without."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)  # "youtube:ID"; only providers with posters
    image = models.ForeignKey(UploadedImage, null=True, on_delete=models.SET_NULL, related_name="+")
    failure = models.CharField(max_length=300, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blog", "key"], name="poster_blog_key")]

    def __str__(self) -> str:
        return self.key
