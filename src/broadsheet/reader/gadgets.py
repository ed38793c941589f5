"""The sidebar gadgets: Featured Post, Blog Archive, Labels, Pages (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache.fragments import remember
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


def sidebar_html(blog: Blog, now: dt.datetime) -> dict[str, SafeString]:
    """The sidebar's gadgets as HTML, rendered once per sidebar version of the blog.

    Counting a blog's posts by month and by label reads every post: at 100,000 posts that is
    most of a page's render. The counts change only when a post, a page or the settings do (or
    a scheduled post's time comes, when the fragment expires), never with a comment, so the
    HTML is kept in the shared cache under `Blog.sidebar_version`. Only the search box, which
    shows the reader's query, is rendered with each page.
    """

    def render() -> dict[str, SafeString]:
        context = {"blog": blog, **sidebar(blog, now)}
        return {
            part: mark_safe(render_to_string(f"reader/_sidebar_{part}.html", context))  # noqa: S308
            for part in ("top", "bottom")
        }

    return remember(blog, "sidebar", render, now, version=blog.sidebar_version)
