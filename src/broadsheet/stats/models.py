"""Counts, never visitors: views per page per day, per ten minutes for the last two days,
and per referrer, search words, device and browser per day. No row names a reader."""

from __future__ import annotations

from django.db import models

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Page, Post


class DailyViews(models.Model):
    """Views of one post, one static page, or the home page (neither) on one day of the
    blog's calendar. Kept as long as the blog: "all time" is their sum."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    post = models.ForeignKey(Post, null=True, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(Page, null=True, on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["blog", "day"], name="stats_daily_blog_day"),
            models.Index(fields=["post", "day"], name="stats_daily_post_day"),
        ]

    def __str__(self) -> str:
        return f"{self.views} views on {self.day}"


class RecentViews(models.Model):
    """Views in one ten-minute slot (its start, UTC), for "now" and "day"; pruned after two
    days."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    slot = models.DateTimeField()
    post = models.ForeignKey(Post, null=True, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(Page, null=True, on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["blog", "slot"], name="stats_recent_blog_slot")]

    def __str__(self) -> str:
        return f"{self.views} views from {self.slot:%Y-%m-%d %H:%M}"


class DailySource(models.Model):
    """Views on one day by one referring site, search words, device class or browser family;
    pruned after `BROADSHEET_STATS_RETENTION_DAYS`."""

    class Kind(models.TextChoices):
        REFERRER = "referrer", "Referring site"
        SEARCH = "search", "Search words"
        DEVICE = "device", "Device"
        BROWSER = "browser", "Browser"

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=200)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["blog", "kind", "day"], name="stats_source_blog_kind")]

    def __str__(self) -> str:
        return f"{self.views} views on {self.day} by {self.kind} {self.value}"


class Aggregation(models.Model):
    """One row: when the spool was last folded in. Updating it first makes concurrent runs
    take turns (a row lock on PostgreSQL, the write lock on SQLite)."""

    finished_at = models.DateTimeField(null=True)
    views = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.views} views counted, last at {self.finished_at}"
