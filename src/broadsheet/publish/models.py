"""What the studio and the mirror know of a blog's static copy: one row per blog."""

from __future__ import annotations

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
