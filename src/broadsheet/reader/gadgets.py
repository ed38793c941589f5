"""The sidebar gadgets: Featured Post, Blog Archive, Labels, Pages (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Label, Page, Post


@dataclass
class ArchiveYear:
    year: int
    count: int = 0
    months: list[tuple[dt.date, int]] = field(default_factory=list)


def archive(blog: Blog, now: dt.datetime) -> list[ArchiveYear]:
    """Years and months (in the blog's time zone) with their numbers of posts, newest first."""
    rows = (
        Post.objects.public(blog, now)
        .annotate(month=TruncMonth("published_at", tzinfo=blog.tzinfo))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
        .order_by("-month")
    )
    years: dict[int, ArchiveYear] = {}
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        entry = years.setdefault(month.year, ArchiveYear(month.year))
        entry.count += row["n"]
        entry.months.append((month, row["n"]))
    return list(years.values())


def label_counts(blog: Blog, now: dt.datetime) -> list[Label]:
    """Labels that at least one public post carries, each with `.n`, by name."""
    public = Q(
        posts__status__in=(Post.Status.PUBLISHED, Post.Status.SCHEDULED),
        posts__published_at__lte=now,
    )
    return list(
        Label.objects.filter(blog=blog)
        .annotate(n=Count("posts", filter=public))
        .filter(n__gt=0)
        .order_by("name")
    )


def published_pages(blog: Blog) -> list[Page]:
    return list(
        Page.objects.filter(blog=blog, status=Page.Status.PUBLISHED).only("title", "slug", "blog")
    )


def sidebar(blog: Blog, now: dt.datetime) -> dict[str, object]:
    return {
        "featured": blog.featured(),
        "archive_years": archive(blog, now),
        "label_counts": label_counts(blog, now),
        "pages": published_pages(blog),
    }
