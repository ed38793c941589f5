"""What the studio's Stats page and the reader's Popular Posts read: sums over the tables,
a handful of queries per page whatever the traffic."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet, Sum

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Page, Post
from broadsheet.stats.actions import SLOT_MINUTES
from broadsheet.stats.models import DailySource, DailyViews, RecentViews

PERIODS = {
    "now": "Last hour",
    "day": "Last 24 hours",
    "week": "Last 7 days",
    "month": "Last 30 days",
    "all": "All time",
}
DAYS = {"week": 7, "month": 30}
Row = tuple[str, int]


@dataclass(frozen=True)
class Target:
    """A post, a static page or the home page, with its views."""

    title: str
    path: str
    views: int


def series(blog: Blog, period: str, now: dt.datetime) -> list[Row]:
    """Views over the period, oldest first, one bar per ten minutes, hour, day or month."""
    if period in ("now", "day"):
        return _recent_series(blog, period, now)
    if period in DAYS:
        today = now.astimezone(blog.tzinfo).date()
        days = [today - dt.timedelta(days=n) for n in range(DAYS[period] - 1, -1, -1)]
        rows = _daily(blog).filter(day__gte=days[0]).values_list("day").annotate(n=Sum("views"))
        counts = dict(rows)
        return [(day.isoformat(), counts.get(day, 0)) for day in days]
    return _monthly_series(blog)


def _daily(blog: Blog) -> QuerySet[Any]:
    return DailyViews.objects.filter(blog=blog).order_by()


def _recent_series(blog: Blog, period: str, now: dt.datetime) -> list[Row]:
    step = SLOT_MINUTES if period == "now" else 60
    span = dt.timedelta(hours=1 if period == "now" else 24)
    first = _floor(now - span, step) + dt.timedelta(minutes=step)
    rows = RecentViews.objects.filter(blog=blog, slot__gte=first).values_list("slot", "views")
    counts: Counter[dt.datetime] = Counter()
    for slot, n in rows:
        counts[_floor(slot, step)] += n
    bars = int(span / dt.timedelta(minutes=step))
    moments = [first + dt.timedelta(minutes=step * n) for n in range(bars)]
    zone = blog.tzinfo
    return [(f"{moment.astimezone(zone):%H:%M}", counts[moment]) for moment in moments]


def _floor(moment: dt.datetime, minutes: int) -> dt.datetime:
    utc = moment.astimezone(dt.UTC)
    return utc.replace(minute=utc.minute // minutes * minutes, second=0, microsecond=0)


def _monthly_series(blog: Blog) -> list[Row]:
    counts: Counter[str] = Counter()
    for day, n in _daily(blog).values_list("day").annotate(n=Sum("views")):
        counts[f"{day:%Y-%m}"] += n
    return sorted(counts.items())


def _views(blog: Blog, period: str, now: dt.datetime) -> QuerySet[Any]:
    """The rows the period sums: ten-minute slots for now and day, days for the rest."""
    if period in ("now", "day"):
        since = now - dt.timedelta(hours=1 if period == "now" else 24)
        return RecentViews.objects.filter(blog=blog, slot__gte=_floor(since, SLOT_MINUTES))
    if period in DAYS:
        today = now.astimezone(blog.tzinfo).date()
        return _daily(blog).filter(day__gt=today - dt.timedelta(days=DAYS[period]))
    return _daily(blog)


def total(blog: Blog, period: str, now: dt.datetime) -> int:
    return _views(blog, period, now).aggregate(n=Sum("views"))["n"] or 0


def targets(blog: Blog, period: str, now: dt.datetime, limit: int = 10) -> list[Target]:
    """The most-read posts, static pages and the home page over the period, most first."""
    rows = (
        _views(blog, period, now)
        .values_list("post_id", "page_id")
        .annotate(n=Sum("views"))
        .order_by("-n")[:limit]
    )
    found = list(rows)
    posts = Post.objects.in_bulk([post for post, _, _ in found if post])
    pages = Page.objects.in_bulk([page for _, page, _ in found if page])
    return [_target(posts.get(post), pages.get(page), n) for post, page, n in found]


def _target(post: Post | None, page: Page | None, views: int) -> Target:
    if post is not None:
        return Target(str(post), post.permalink, views)
    if page is not None:
        return Target(page.title, f"/p/{page.slug}.html", views)
    return Target("Home page", "/", views)


def sources(blog: Blog, kind: str, period: str, now: dt.datetime, limit: int = 10) -> list[Row]:
    """Views by referring site, search words, device or browser over the period, most first
    (by whole days of the blog's calendar: "now" and "day" show today's)."""
    today = now.astimezone(blog.tzinfo).date()
    rows = DailySource.objects.filter(blog=blog, kind=kind)
    if period in DAYS:
        rows = rows.filter(day__gt=today - dt.timedelta(days=DAYS[period]))
    elif period != "all":
        rows = rows.filter(day__gte=today - dt.timedelta(days=1 if period == "day" else 0))
    ranked = rows.values_list("value").annotate(n=Sum("views")).order_by("-n", "value")
    return list(ranked[:limit])


def views_of_posts(posts: Iterable[int]) -> dict[int, int]:
    """All-time views of each post (one query, for the studio's post list)."""
    rows = (
        DailyViews.objects.filter(post__in=list(posts)).values_list("post").annotate(n=Sum("views"))
    )
    return dict(rows)


def popular(blog: Blog, now: dt.datetime, days: int | None, limit: int = 5) -> list[Post]:
    """The blog's most-read public posts over the last `days` (None: all time), each with
    `.views`."""
    return _with_views(_ranked(blog, now, days, limit))


def _ranked(blog: Blog, now: dt.datetime, days: int | None, limit: int) -> list[tuple[int, int]]:
    """(post id, views) of the most read, most first (ties to the newer id). Written out:
    the ORM built this query, a grouped sum over a subquery, afresh on every sidebar that
    asked for it (2 ms at 100,000 posts; the SQL, on the day index, a tenth of that)."""
    connection = connections[router.db_for_read(DailyViews)]
    ops, since = connection.ops, ""
    params: list[Any] = [blog.pk]
    if days is not None:
        today = now.astimezone(blog.tzinfo).date()
        since, params = (
            " AND v.day > %s",
            [*params, ops.adapt_datefield_value(today - dt.timedelta(days=days))],
        )
    public = [str(Post.Status.PUBLISHED), str(Post.Status.SCHEDULED)]
    params += [blog.pk, *public, ops.adapt_datetimefield_value(now), limit]
    sql = (
        f"SELECT v.post_id, SUM(v.views) AS n FROM {DailyViews._meta.db_table} AS v "  # noqa: S608
        f"WHERE v.blog_id = %s AND v.post_id IS NOT NULL{since} AND v.post_id IN "
        f"(SELECT p.id FROM {Post._meta.db_table} AS p WHERE p.blog_id = %s "
        "AND p.status IN (%s, %s) AND p.published_at <= %s) "
        "GROUP BY v.post_id ORDER BY n DESC, v.post_id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(pk), int(n)) for pk, n in cursor.fetchall()]


def orm_ranked(blog: Blog, now: dt.datetime, days: int | None, limit: int) -> list[tuple[int, int]]:
    """`_ranked` through the ORM: what the written-out query must agree with (tests)."""
    rows = DailyViews.objects.filter(blog=blog, post__isnull=False).order_by()
    if days is not None:
        today = now.astimezone(blog.tzinfo).date()
        rows = rows.filter(day__gt=today - dt.timedelta(days=days))
    public = Post.objects.public(blog, now).values("pk")
    ranked = rows.filter(post__in=public).values_list("post").annotate(n=Sum("views"))
    return list(ranked.order_by("-n", "-post")[:limit])


def _with_views(top: list[tuple[int, int]]) -> list[Post]:
    if not top:
        return []
    posts = Post.objects.in_bulk([pk for pk, _ in top])
    for pk, n in top:
        posts[pk].views = n  # type: ignore[attr-defined]
    return [posts[pk] for pk, _ in top]
