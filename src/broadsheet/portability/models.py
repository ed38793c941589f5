"""What an import leaves behind besides the content itself: where each item came from, and
the old addresses that must keep leading to it."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import LIVE_STATUSES, Page, Post

# PostgreSQL refuses a b-tree entry over ~2,700 bytes; at four bytes a character these keep
# the unique indexes below that, whatever the alphabet.
MAX_PATH = 500
MAX_EXTERNAL_ID = 255
MAX_ORIGIN = 200
# Drafts and anything else readers cannot reach lead nowhere.
_POST_LIVE = LIVE_STATUSES


class ImportedItem(models.Model):
    """One post, page or comment that came from another system, under the id it had there.

    Importing the same file again finds its items here and updates them instead of making
    copies. WordPress numbers posts from 1 on every site, so the old site's address (`origin`)
    is part of the key.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"
        COMMENT = "comment", "Comment"

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16)  # "blogger" or "wordpress"
    origin = models.CharField(max_length=MAX_ORIGIN, blank=True)
    external_id = models.CharField(max_length=MAX_EXTERNAL_ID)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    # What the source had and Broadsheet has no field for, such as WordPress post meta: kept
    # as the text it was (PHP-serialised values are never unserialised).
    extra = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["blog", "source", "origin", "external_id"], name="unique_imported_item"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="imported_kind_object")]

    def __str__(self) -> str:
        return f"{self.source} {self.external_id} -> {self.kind} {self.object_id}"


class Redirect(models.Model):
    """An old address that answers with a permanent redirect: an imported post's or page's
    former address (WordPress's `/?p=12`, `/2024/10/20/slug/`), or Blogger's per-post comment
    feed, whose address carried Blogger's post id.

    A redirect tied to a post or page follows it (its permalink is fixed once published, and
    a post back in draft leads nowhere); `new_path` is for redirects tied to neither.
    `old_path` is the decoded path as Django's `request.path` has it, with the one query
    WordPress used in addresses (`?p=N`, `?page_id=N`) kept.
    """

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    old_path = models.CharField(max_length=MAX_PATH)
    # The redirect goes when its post or page goes.
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_comment_feed = models.BooleanField(
        default=False, help_text="Lead to the post's comment feed rather than the post."
    )
    new_path = models.CharField(max_length=MAX_PATH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "old_path"], name="unique_redirect_path")
        ]

    def __str__(self) -> str:
        return f"{self.old_path} -> {self.destination() or '(nowhere)'}"

    def destination(self) -> str:
        """Where the old address leads now; empty when nowhere public."""
        if self.post is not None:
            if self.to_comment_feed:
                return f"/feeds/{self.post.pk}/comments/default"
            return self.post.permalink if self.post.status in _POST_LIVE else ""
        if self.page is not None:
            live = self.page.status == Page.Status.PUBLISHED
            return self.page.get_absolute_url() if live else ""
        return self.new_path


class ImportedImage(models.Model):
    """A remote image address an import copied into the media store, so that importing the
    same file again (which puts the remote address back) reuses the copy."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    url = models.TextField()
    # The key is the address's SHA-256: addresses can be longer than a b-tree entry allows.
    url_hash = models.CharField(max_length=64)
    image = models.ForeignKey(
        "media.UploadedImage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "url_hash"], name="unique_imported_image")
        ]

    def __str__(self) -> str:
        return self.url

    @staticmethod
    def hash_url(url: str) -> str:
        return hashlib.sha256(url.encode()).hexdigest()


class ImportJob(models.Model):
    """An import started from the studio and run by the task queue. The uploaded file waits
    under the data folder (never in public media) and is deleted once the job ends."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        BLOGGER = "blogger", "Blogger backup (.xml)"
        WORDPRESS = "wordpress", "WordPress export (WXR, .xml)"
        BROADSHEET = "broadsheet", "Broadsheet backup (.zip)"

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    format = models.CharField(max_length=16, choices=Format.choices)
    download_images = models.BooleanField(default=False)
    file_name = models.CharField(max_length=255, help_text="The uploaded file's name.")
    stored_as = models.CharField(max_length=255, help_text="Its path under the data folder.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    bytes_read = models.PositiveBigIntegerField(default=0)
    total_bytes = models.PositiveBigIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    report = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.format} import of {self.file_name} into {self.blog}: {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
