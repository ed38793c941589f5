"""Posts, static pages and labels."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from broadsheet.blogs.models import Blog


class SourceFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML"


class Label(models.Model):
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["blog", "name"], name="unique_label")]

    def __str__(self) -> str:
        return self.name


class PostQuerySet(models.QuerySet["Post"]):
    def public(self, blog: Blog, now: dt.datetime | None = None) -> PostQuerySet:
        """What readers may see: published or scheduled, and whose time has come."""
        return (
            self.filter(
                blog=blog,
                status__in=(Post.Status.PUBLISHED, Post.Status.SCHEDULED),
                published_at__lte=now or timezone.now(),
            )
            .select_related("author")
            .order_by("-published_at", "-id")
        )


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    # The name shown under the post; imported posts keep their old author's name here.
    author_name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=500, blank=True)
    slug = models.CharField(max_length=200, blank=True)
    # "/2024/10/some-title.html": fixed at first publication, never moved by later edits.
    permalink = models.CharField(max_length=500, blank=True)
    source = models.TextField(blank=True)
    source_format = models.CharField(
        max_length=16, choices=SourceFormat.choices, default=SourceFormat.MARKDOWN
    )
    body_html = models.TextField(blank=True)
    # The visible text of body_html, for the search index and meta descriptions.
    text = models.TextField(blank=True)
    snippet = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    labels = models.ManyToManyField(Label, blank=True, related_name="posts")
    comments_allowed = models.BooleanField(default=True)
    search_description = models.CharField(max_length=300, blank=True)
    # Approved comments, kept by the comment actions so listings need no COUNT per post.
    comment_count = models.PositiveIntegerField(default=0)

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["blog", "published_at"], name="post_blog_published"),
            models.Index(fields=["blog", "status", "published_at"], name="post_blog_status_pub"),
            models.Index(fields=["blog", "permalink"], name="post_blog_permalink"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["blog", "permalink"],
                condition=~models.Q(permalink=""),
                name="unique_post_permalink",
            )
        ]

    def __str__(self) -> str:
        return self.title or "(untitled)"

    def get_absolute_url(self) -> str:
        return self.permalink

    @property
    def display_author(self) -> str:
        if self.author_name:
            return self.author_name
        if self.author is not None:
            return self.author.get_full_name() or self.author.get_username()
        return "Unknown"

    def is_public(self, now: dt.datetime | None = None) -> bool:
        return (
            self.status != Post.Status.DRAFT
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )


class Page(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="pages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField(max_length=500)
    slug = models.CharField(max_length=200)
    source = models.TextField(blank=True)
    source_format = models.CharField(
        max_length=16, choices=SourceFormat.choices, default=SourceFormat.MARKDOWN
    )
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    position = models.PositiveSmallIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "title"]
        constraints = [models.UniqueConstraint(fields=["blog", "slug"], name="unique_page_slug")]
        indexes = [models.Index(fields=["blog", "status"], name="page_blog_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/p/{self.slug}.html"
