"""The sidebar's archive and label counts read from the tallies (`posts.tallies`), in a few
milliseconds whatever the blog's size.

A month of the blog's calendar is its whole UTC days, summed from `DayTally`, plus the posts
between the month's first instant and the next UTC midnight, and between the last UTC
midnight and its end: at most a day of posts at each edge, counted on the posts' index. So the
months are exact in any time zone, and nothing is rebuilt when the zone changes. The current
month ends at `now`, so a scheduled post counts from its time on.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import BigIntegerField
from django.db.models.expressions import RawSQL

from broadsheet.blogs.models import Blog
from broadsheet.posts import stamps
from broadsheet.posts.models import Label, Post
from broadsheet.reader.drawn import blog_key
from broadsheet.reader.pagecache import holds_until

Span = tuple[dt.datetime, dt.datetime]
DAY = dt.timedelta(days=1)
T = TypeVar("T")
_WHERE = "p.blog_id = %s AND p.status IN (%s, %s)"


def _statuses() -> list[str]:
    return [str(Post.Status.PUBLISHED), str(Post.Status.SCHEDULED)]


def _param(kind: str) -> str:
    """A placeholder typed for PostgreSQL, whose VALUES lists otherwise hold text."""
    return f"CAST(%s AS {kind})" if connection.vendor == "postgresql" else "%s"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _utc_text(value: dt.datetime) -> str:
    """A moment as SQLite stores it: Django's text form, in UTC. Written here directly:
    `adapt_datetimefield_value` cost two thirds of the archive's time."""
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _moments() -> Callable[[dt.datetime], Any]:
    return _utc_text if connection.vendor == "sqlite" else _utc


def _midnight(moment: dt.datetime, up: bool) -> dt.datetime:
    """The UTC midnight at or after (`up`) or at or before `moment`."""
    start = dt.datetime.combine(moment.astimezone(dt.UTC).date(), dt.time(), dt.UTC)
    return start + DAY if up and start < moment else start


def month_counts(blog: Blog, now: dt.datetime) -> list[tuple[dt.date, int]]:
    """Public posts per month of the blog's calendar, oldest first; months with none left out."""
    first = _first_day(blog)
    if first is None:
        return []
    start = dt.datetime.combine(first, dt.time(), dt.UTC).astimezone(blog.tzinfo).date()
    spans = _spans(blog, start, now.astimezone(blog.tzinfo).date())
    if not spans:  # the blog's first post is scheduled for a later month: none to show yet
        return []
    spans[-1] = (spans[-1][0], min(spans[-1][1], now + dt.timedelta.resolution))
    counts = _counts(blog, spans, now)
    return [(span[0].date(), n) for span, n in zip(spans, counts, strict=True) if n]


# Months that ended before the UTC midnight this many days back are "closed": the `history`
# stamp (`posts.stamps`) moves with every write that touches them, by the database's clock,
# at a day's margin for an app server whose clock is a little off the database's.
CLOSED_DAYS = 2


def closed_edge(now: dt.datetime) -> dt.datetime:
    """The first instant of the days the `history` stamp may not watch (`posts.stamps`)."""
    return _midnight(now, up=False) - CLOSED_DAYS * DAY


def _closed(spans: Sequence[Span], now: dt.datetime) -> int:
    """How many of `spans` (oldest first) ended before the closed months' edge."""
    edge = closed_edge(now)
    return sum(1 for _, end in spans if end <= edge)


def _counts(blog: Blog, spans: Sequence[Span], now: dt.datetime) -> list[int]:
    """Each span's count, the closed months' kept under the `history` stamp: a new post, or
    any write to today's posts, leaves them as they were, so only the open month or two are
    counted after it (a blog of fifteen years had 180 months counted after every post). When
    they are not kept, all are counted in the one query, and the closed ones kept."""
    closed = _closed(spans, now)
    if not closed:
        return _count(blog, spans)
    # The closed months are the same months while the first and their number are.
    shape = (stamps_of(blog)["history"], spans[0][0].toordinal(), closed)
    key = (blog_key(blog), "archive-closed", shape)
    known: list[int] | None = peek(key, now)
    if known is not None:
        return [*known, *_count(blog, spans[closed:])]
    counts = _count(blog, spans)
    kept(key, blog, now, lambda: counts[:closed])
    return counts


def _first_day(blog: Blog) -> dt.date | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(day) FROM posts_daytally WHERE blog_id = %s AND n > 0", [blog.pk]
        )
        first = cursor.fetchone()[0]
    return dt.date.fromisoformat(first) if isinstance(first, str) else first


def _spans(blog: Blog, first: dt.date, last: dt.date) -> list[Span]:
    """Each month from `first`'s to `last`'s as the archive page bounds it."""
    return list(_month_spans(blog.tzinfo, (first.year, first.month), (last.year, last.month)))


@functools.lru_cache(maxsize=256)
def _month_spans(
    zone: dt.tzinfo, first: tuple[int, int], last: tuple[int, int]
) -> tuple[Span, ...]:
    """`listing.month_span` for each month, kept per zone and range (the same every render)."""
    spans = []
    year, month = first
    while (year, month) <= last:
        spans.append(_month_span(zone, year, month))
        year, month = year + month // 12, month % 12 + 1
    return tuple(spans)


def _month_span(zone: dt.tzinfo, year: int, month: int) -> Span:
    # The bounds of the month's archive page (`listing.month_span`), in the blog's zone.
    start = dt.datetime(year, month, 1, tzinfo=zone)
    return start, dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)


@functools.lru_cache(maxsize=4096)
def _bounds(start: dt.datetime, end: dt.datetime, sqlite: bool) -> tuple[Any, ...]:
    """A span's edges and whole days as the query takes them. Kept: a month's are the same on
    every render, and working out 180 of them was most of the archive's time."""
    low, high = _midnight(start, up=True), _midnight(end, up=False)
    if low > high:  # within one UTC day: no whole day, one edge
        low = high = end
    moment = _utc_text if sqlite else _utc
    return (*map(moment, (start, end, low, high)), str(low.date()), str(high.date()))


def _count(blog: Blog, spans: Sequence[Span]) -> list[int]:
    """Each span's public posts: whole UTC days from the tally, the edges from the posts."""
    stamp, day, sqlite = _param("timestamptz"), _param("date"), connection.vendor == "sqlite"
    row = f"(%s, {stamp}, {stamp}, {stamp}, {stamp}, {day}, {day})"
    rows, params = [row] * len(spans), []
    for index, (start, end) in enumerate(spans):
        params += [index, *_bounds(start, end, sqlite)]
    # A month that begins at a UTC midnight (a blog in UTC) has no edges: no lookup then.
    edge = (
        "CASE WHEN {0} < {1} THEN (SELECT count(*) FROM posts_post AS p "  # noqa: S608
        f"WHERE {_WHERE} AND p.published_at >= {{0}} AND p.published_at < {{1}}) ELSE 0 END"
    )
    sql = (
        f"WITH m(i, a, b, lo, hi, dlo, dhi) AS (VALUES {', '.join(rows)}) "  # noqa: S608
        "SELECT m.i, (SELECT coalesce(sum(t.n), 0) FROM posts_daytally AS t "
        "WHERE t.blog_id = %s AND t.day >= m.dlo AND t.day < m.dhi) "
        f"+ {edge.format('m.a', 'm.lo')} + {edge.format('m.hi', 'm.b')} FROM m ORDER BY m.i"
    )
    where: list[Any] = [blog.pk, *_statuses()]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, blog.pk, *where, *where])
        return [int(n) for _, n in cursor.fetchall()]


def public_total(blog: Blog, now: dt.datetime) -> int:
    """How many posts readers see at `now`: every public-status post the day tallies hold,
    less those whose time is still to come (the end of the posts' index). Counting the posts
    themselves reads them all: 10 ms at 100,000 on SQLite, 40 on PostgreSQL. Summing the
    tallies reads a row a day (some 5,500 for fifteen years, 1 to 2 ms): the closed days'
    sum is kept under the `history` stamp, as the closed months are (`_counts`), so after a
    new post the open days alone are summed, in the same query as the posts to come."""
    edge = closed_edge(now)
    key = (blog_key(blog), "total-closed", (stamps_of(blog)["history"], edge.toordinal()))
    closed: int | None = peek(key, now)
    day, moment = _param("date"), _param("timestamptz")
    days = "SELECT coalesce(sum(t.n), 0) FROM posts_daytally AS t WHERE t.blog_id = %s AND t.day {}"
    sums = [f"({days.format('>=')} {day})"]
    if closed is None:
        sums.append(f"({days.format('<')} {day})")
    to_come = f"SELECT count(*) FROM posts_post AS p WHERE {_WHERE} AND p.published_at > {moment}"  # noqa: S608 - ours
    where = [blog.pk, *_statuses(), _moments()(now)]
    params: list[Any] = [blog.pk, str(edge.date())] * len(sums) + where
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(sums)}, ({to_come})", params)
        open_days, *closed_days, later = cursor.fetchone()
    if closed is None:
        closed = int(closed_days[0])
        kept(key, blog, now, lambda: closed)
    return closed + int(open_days) - int(later)


def label_counts(blog: Blog, now: dt.datetime, shown: int) -> list[Label]:
    """Labels with public posts, each with `.n`: the `shown` most used (ties to the older
    label), in that order.

    The tally counts scheduled posts whose time is still to come; those few are taken off.
    Taking off only lowers counts, so the `shown` most used are among the tally's first
    `shown` plus however many labels the posts to come carry.
    """
    to_come = _labels_to_come(blog, now)
    labels = list(
        Label.objects.raw(
            "SELECT l.*, t.n AS n FROM posts_labeltally AS t "
            "JOIN posts_label AS l ON l.id = t.label_id WHERE t.blog_id = %s AND t.n > 0 "
            "ORDER BY t.n DESC, t.label_id LIMIT %s",
            [blog.pk, shown + len(to_come)],
        )
    )
    for label in labels:
        label.n -= to_come.get(label.pk, 0)  # type: ignore[attr-defined]
    kept = [label for label in labels if label.n > 0]  # type: ignore[attr-defined]
    kept.sort(key=lambda label: (-label.n, label.pk))  # type: ignore[attr-defined]
    return kept[:shown]


def _labels_to_come(blog: Blog, now: dt.datetime) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pl.label_id, count(*) FROM posts_post AS p "  # noqa: S608
            f"JOIN posts_post_labels AS pl ON pl.post_id = p.id WHERE {_WHERE} "
            f"AND p.published_at > {_param('timestamptz')} GROUP BY pl.label_id",
            [blog.pk, *_statuses(), _moments()(now)],
        )
        return dict(cursor.fetchall())


# --- the sidebar's data kept between post writes ----------------------------------------

Key = tuple[str, str, tuple[int, ...]]  # the blog as drawn, what, its stamps


class Shelf:
    """Data read in this process: key → (until, value), least recently used first, dropped
    past `limit` entries."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: OrderedDict[Key, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def peek(self, key: Key, now: dt.datetime) -> Any:
        """What `kept` holds under `key` at `now`, or None: for a caller that reads more at
        once when it is not there."""
        found = self.kept.get(key)
        return found[1] if found is not None and now.timestamp() < found[0] else None

    def keep(self, key: Key, blog: Blog, now: dt.datetime, read: Callable[[], T]) -> T:
        """`read()`'s value, read again only when one of the blog's stamps in `key` (with its
        `blog_key` and what is read) moved, or a scheduled post's time came (`kept`)."""
        moment = now.timestamp()
        found = self.kept.get(key)
        if found is not None and moment < found[0]:
            with self.lock:  # the least recently used go first: a blog's sidebar stays in
                if key in self.kept:
                    self.kept.move_to_end(key)
            value: T = found[1]
            return value
        value = read()
        until = holds_until(blog, now)
        with self.lock:
            self.kept[key] = (until, value)
            while len(self.kept) > self.limit:
                self.kept.popitem(last=False)
        return value


# A blog's sidebar data, and each post page's neighbours (two small rows).
KEPT = 5000
_shelf = Shelf(KEPT)


# The stamps read with the blog a request's host names (`hosts.read_with_blog`, registered
# at start-up): the feed, a label's page and the page after a write ask for them next.
STAMP_COLUMNS = stamps.columns_of('"blogs_blog"."id"')


def stamp_columns(vendor: str) -> list[RawSQL]:
    """`STAMP_COLUMNS` as the blog's lookup reads them (the same SQL on every database)."""
    return [RawSQL(sql, (), BigIntegerField()) for sql in STAMP_COLUMNS]  # noqa: S611 - ours, no values


def stamps_read(blog: Blog, values: list[int | None]) -> None:
    """Keep on `blog` its stamps, read with its row, as `stamps_of` keeps those it reads."""
    found = dict(zip(stamps.STAMPS, (value or 0 for value in values), strict=True))
    blog._stamps = (blog.content_version, found)  # type: ignore[attr-defined]


def stamps_of(blog: Blog) -> dict[str, int]:
    """The blog's stamps (`posts.stamps`). Read before the data they keep, so that the data
    kept under them is never older than they are; once a request (kept on the blog object,
    which lives as long as the request, at its content version, as `next_publish` is), since
    the sidebar and a post's pager both ask. The blog a request's host names comes with them
    (`stamps_read`), read at the request's start."""
    known: tuple[int, dict[str, int]] | None = getattr(blog, "_stamps", None)
    if known is not None and known[0] == blog.content_version:
        return known[1]
    found = stamps.stamps(connection, blog.pk)
    blog._stamps = (blog.content_version, found)  # type: ignore[attr-defined]
    return found


def peek(key: Key, now: dt.datetime) -> Any:
    """What `kept` holds under `key` at `now`, or None: for a caller that reads more at once
    when it is not there."""
    return _shelf.peek(key, now)


def kept(key: Key, blog: Blog, now: dt.datetime, read: Callable[[], T]) -> T:
    """`read()`'s value, read again only when one of the blog's stamps in `key` (with its
    `blog_key` and what is read) moved, or a scheduled post's time came.

    After most post writes (an edit of a body, a page, a comment moderated) the archive's
    months, the label counts, the pages and the authors are what they were, and reading them
    was most of the sidebar's queries. The key names the blog's settings too (its time zone
    draws the months, its pinned post is the featured one), and the values expire at the
    blog's next scheduled publish, as the layout does, since a post going up moves them with
    no write."""
    return _shelf.keep(key, blog, now, read)
