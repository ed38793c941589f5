"""What the studio and the mirror know of a blog's static copy: one row per blog."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from broadsheet.blogs.models import Blog


class StaticCopy(models.Model):
    """The last export into `BROADSHEET_STATIC_EXPORT_DIR/<slug>/` and whether another is
    wanted. `pending` is how a burst of writes runs one export: a write during a run sets it,
    and the run goes again once, instead of each write queueing its own."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    blog = models.OneToOneField(Blog, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    pending = models.BooleanField(default=False)
    written = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"static copy of blog {self.blog_id}: {self.status}"


class ChangeHead(models.Model):
    """A blog's last change number (`publish.changelog`), and the highest one pruned away.
    `blog_id` is a plain number, as `posts.TallyStamp`'s: a blog being deleted writes here."""

    blog_id = models.BigIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    floor = models.BigIntegerField(default=0)  # changes up to this one are no longer logged

    def __str__(self) -> str:
        return f"blog {self.blog_id}: change {self.seq}"


class Change(models.Model):
    """One write that may move what a blog's static copy shows (`publish.changelog`)."""

    blog_id = models.BigIntegerField()
    seq = models.BigIntegerField()
    post_id = models.BigIntegerField(null=True)
    # Where the post stood before, if it may have been public there; a newer time than the
    # export's newest public post says the old place was not in the copy.
    old_at = models.DateTimeField(null=True)
    moved = models.BooleanField(default=False)  # the post's time, state, address or labels
    whole = models.BooleanField(default=False)  # something every page of the blog may show

    # Named for the type checker, which may read the models from another copy of the code.
    objects: ClassVar[models.Manager[Change]] = models.Manager()

    class Meta:
        indexes = [models.Index(fields=["blog_id", "seq"], name="publish_change_blog_seq")]

    def __str__(self) -> str:
        return f"blog {self.blog_id}: change {self.seq} of post {self.post_id}"


class PostStamp(models.Model):
    """A number drawn again whenever what a post's page shows of its comments and reactions
    moves (`publish.poststamps`). `post_id` is a plain number: a post being deleted deletes its
    comments first, whose triggers write here."""

    post_id = models.BigIntegerField(primary_key=True)
    stamp = models.BigIntegerField(default=0)

    objects: ClassVar[models.Manager[PostStamp]] = models.Manager()

    def __str__(self) -> str:
        return f"post {self.post_id}: stamp {self.stamp}"
