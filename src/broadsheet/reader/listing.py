"""Lists of posts as Blogger shows them: grouped under date headers, paged by time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol
from urllib.parse import urlencode

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.core import markup
from broadsheet.core.numbers import ascii_int
from broadsheet.posts.models import LABEL_ROW, Label, Post
from broadsheet.reader.popular import thumbnail
from broadsheet.reader.prepared import BEYOND, LABEL_ROWS, TICK, UNREAD


@dataclass
class Day:
    date: dt.date
    posts: list[Post]


def group_by_day(posts: list[Post], blog: Blog) -> list[Day]:
    """One date header above each run of posts published on the same local day."""
    days: list[Day] = []
    for post in posts:
        assert post.published_at is not None
        day = timezone.localtime(post.published_at, blog.tzinfo).date()
        if days and days[-1].date == day:
            days[-1].posts.append(post)
        else:
            days.append(Day(day, [post]))
    return days


def prepare(posts: list[Post]) -> list[Post]:
    """Labels in one query, whether there is a jump break, the teaser up to it for listings,
    and the first image for themes whose lists show one (Magazine, Gallery).

    The teaser is cut when a template first asks for it (a template calls what it is given):
    a post's listing HTML is kept (`reader.articles`), so on most misses nothing asks, and
    cutting at the break sanitises what comes before it again, a millisecond or more for a
    few KB (a blog brought from Blogger has a jump break in many of its posts)."""
    load_labels(posts)
    for post in posts:
        post.has_jump = markup.has_jump(post.body_html)  # type: ignore[attr-defined]
        post.teaser_html = partial(_teaser, post.body_html)  # type: ignore[attr-defined]
        post.feature_image = thumbnail(post)  # type: ignore[attr-defined]
    return posts


def _teaser(body_html: str) -> str:
    return markup.split_jump(body_html)[0]


_LABELS = (
    "SELECT pl.post_id, l.id, l.blog_id, l.name, l.folded FROM posts_label AS l "
    "JOIN posts_post_labels AS pl ON pl.label_id = l.id WHERE pl.post_id IN ({}) ORDER BY l.name"
)
_CACHE = "_prefetched_objects_cache"  # where Django's prefetch leaves related objects


def load_labels(posts: list[Post]) -> None:
    """Each post's labels, as `prefetch_related("labels")` leaves them (so `post.labels.all`
    in any template, an operator's theme too, reads no more), in the order of the model (by
    name, in the database's collation): from the rows the post was read with where its query
    read them (`prepared.LABEL_ROWS`), else in one query for all. Written out: building the
    prefetch through the ORM was a millisecond and a half of a listing's miss on the
    benchmark machine, for a query that takes a tenth of that."""
    posts = [post for post in posts if "labels" not in post.__dict__.get(_CACHE, {})]
    if not posts:  # none, or loaded already (the search's query prefetches them)
        return
    found: dict[int, list[Label]] = {}
    for post in posts:
        rows = post.__dict__.get(LABEL_ROWS)
        if rows is not None:
            found[post.pk] = [Label.from_db(connection.alias, LABEL_ROW, row) for row in rows]
    asked: dict[int, list[Label]] = {post.pk: [] for post in posts if post.pk not in found}
    if asked:
        with connection.cursor() as cursor:
            cursor.execute(_LABELS.format(", ".join(["%s"] * len(asked))), list(asked))
            rows = cursor.fetchall()
        for post_id, *fields in rows:
            asked[post_id].append(Label.from_db(connection.alias, LABEL_ROW, fields))
        found.update(asked)
    for post in posts:
        kept: QuerySet[Label] = QuerySet(model=Label)
        kept._result_cache = found[post.pk]
        kept._prefetch_done = True  # type: ignore[attr-defined]  # as Django's prefetch leaves it
        cache = post.__dict__.setdefault(_CACHE, {})
        cache["labels"] = kept


def timestamp(value: dt.datetime, blog: Blog) -> str:
    """Blogger's `updated-max` form: local time with the blog's offset."""
    local = timezone.localtime(value, blog.tzinfo)
    return local.isoformat(timespec="seconds" if local.microsecond == 0 else "microseconds")


def parse_timestamp(raw: str, blog: Blog) -> dt.datetime | None:
    """Read `updated-max`/`updated-min` (a `+` decoded as a space put back); None if malformed."""
    try:
        value = dt.datetime.fromisoformat(raw.strip().replace(" ", "+"))
        if timezone.is_naive(value):
            value = value.replace(tzinfo=blog.tzinfo)
        # The database compares in UTC: 0001-01-01T00:00-23:59 is no time it can hold.
        return value.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def page_link(path: str, **params: str | int) -> str:
    return f"{path}?{urlencode(params)}"


class Listed(Protocol):
    """A listing's posts read through SQL compiled once (`prepared.listed`, the blog and
    what the listing is bound in): its first page, or those published between two moments."""

    def __call__(
        self,
        limit: int,
        *,
        latest: dt.datetime | None = None,
        earliest: dt.datetime | None = None,
        oldest_first: bool = False,
    ) -> list[Post] | None: ...


@dataclass
class Window:
    posts: list[Post]
    has_older: bool
    has_newer: bool


def window(
    request: Any, blog: Blog, queryset: Any, size: int, listed: Listed | None = None
) -> Window | None:
    """The page of posts that `updated-max` (older) or `updated-min` (newer) asks for;
    `listed` reads them faster than the query set, where it can (`reader.prepared`).
    `queryset` may be a function making it: building a query set costs 0.1-0.2 ms of a
    miss, and compiling its queries 1 to 1.5 ms, which a page read through `listed` never
    pays."""
    raw_max, raw_min = request.GET.get("updated-max"), request.GET.get("updated-min")
    limit = parse_timestamp(raw_max or raw_min, blog) if raw_max or raw_min else None
    if (raw_max or raw_min) and limit is None:
        return None
    if listed is not None:
        found = _listed(listed, size, limit, older=bool(raw_max))
        if found is not None:
            return found
    queryset = made(queryset)
    if raw_max:
        rows = list(queryset.filter(published_at__lt=limit)[: size + 1])
        newer = queryset.filter(published_at__gte=limit).exists()
        return Window(rows[:size], len(rows) > size, newer)
    if raw_min:
        rows = list(
            queryset.filter(published_at__gt=limit).order_by("published_at", "id")[: size + 1]
        )
        older = queryset.filter(published_at__lte=limit).exists()
        return Window(list(reversed(rows[:size])), older, len(rows) > size)
    rows = list(queryset[: size + 1])
    return Window(rows[:size], len(rows) > size, False)


def _listed(listed: Listed, size: int, limit: dt.datetime | None, older: bool) -> Window | None:
    """`window` read through `listed`: the page's posts, each saying whether the listing goes
    on past the page's other edge (`prepared.BEYOND`); None if a query did not prepare. As
    the query set's: older is before the moment, newer after it."""
    if limit is None:
        rows = listed(size + 1)
        return None if rows is None else Window(rows[:size], len(rows) > size, False)
    try:
        if older:
            rows = listed(size + 1, latest=limit - TICK)
        else:
            rows = listed(size + 1, earliest=limit + TICK, oldest_first=True)
    except OverflowError:  # a tick past the first or the last moment there is
        rows = []
    if rows is None:
        return None
    if rows:
        other = bool(getattr(rows[0], BEYOND))
    else:  # a page past the listing's end: asked apart, as no post says it
        found = listed(1, earliest=limit) if older else listed(1, latest=limit)
        if found is None:
            return None
        other = bool(found)
    if older:
        return Window(rows[:size], len(rows) > size, other)
    return Window(list(reversed(rows[:size])), other, len(rows) > size)


def made(queryset: Any) -> Any:
    """The query set itself, from a query set or a function that makes one, leaving out the
    columns no page shows (`prepared.UNREAD`), as `prepared.listed` does."""
    return (queryset() if callable(queryset) else queryset).defer(*UNREAD)


def pager_links(
    blog: Blog, page: Window, path: str, size: int, extra: dict[str, str]
) -> dict[str, str]:
    links: dict[str, str] = {}
    if not page.posts:
        return links
    newest, oldest = page.posts[0].published_at, page.posts[-1].published_at
    assert newest is not None and oldest is not None
    if page.has_older:
        params: dict[str, str | int] = {"updated-max": timestamp(oldest, blog), "max-results": size}
        links["older_url"] = page_link(path, **params, **extra)
    if page.has_newer:
        params = {"updated-min": timestamp(newest, blog), "max-results": size}
        links["newer_url"] = page_link(path, **params, **extra)
    return links


def start_param(request: Any) -> int:
    return min(ascii_int(request.GET.get("start")) or 0, 10_000)


def search_links(query: str, by_date: bool, start: int, size: int, more: bool) -> dict[str, str]:
    def url(offset: int, dated: bool) -> str:
        params: dict[str, str | int] = {"q": query, "max-results": size}
        if offset:
            params["start"] = offset
        if dated:
            params["by-date"] = "true"
        return page_link("/search", **params)

    links = {"by_date_url": url(0, True), "by_relevance_url": url(0, False)}
    if more:
        links["older_url"] = url(start + size, by_date)
    if start > 0:
        links["newer_url"] = url(max(0, start - size), by_date)
    return links


def month_span(blog: Blog, year: int, month: int) -> tuple[dt.datetime, dt.datetime] | None:
    if not (1 <= year <= 9998 and 1 <= month <= 12):
        return None
    start = dt.datetime(year, month, 1, tzinfo=blog.tzinfo)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=blog.tzinfo)
    return start, end


def year_span(blog: Blog, year: int) -> tuple[dt.datetime, dt.datetime] | None:
    if not 1 <= year <= 9998:
        return None
    return dt.datetime(year, 1, 1, tzinfo=blog.tzinfo), dt.datetime(
        year + 1, 1, 1, tzinfo=blog.tzinfo
    )
