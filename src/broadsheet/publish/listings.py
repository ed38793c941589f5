"""The pages of a listing (home, a label, a month, a year) as files that stay put.

Blogger pages a listing by time: "Older posts" is `?updated-max=<the oldest post shown>`, so
each new post shifts every page of the chain by one, and a copy that followed the live links
would write a whole new chain after every post. The export instead cuts each listing into
pages counted from its OLDEST post: page 1 holds the oldest `posts_per_page` posts, and a new
post never moves a page but the newest. Each page is still the live site's own page for its
time (`?updated-max=<the post just newer than the page>`), and the live pager links on it
are rewritten to the page that holds the post they lead to (`target`).

The first page of a listing (`/`, `/search/label/NAME`, `/2024/10/`) shows its newest posts
as the live one does, so its "Older posts" leads to a page that may repeat a few of them.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlencode

from django.db import connections

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from broadsheet.reader.listing import parse_timestamp, timestamp

Row = tuple[int, dt.datetime, dt.datetime, int]  # id, published at, updated at, comments
# A public post as the plan reads it: a Row, then its address and its robots tag.
PublicRow = tuple[int, dt.datetime, dt.datetime, int, str, str]


@dataclass
class Listing:
    first: str  # the listing's own address: "/", "/search/label/Travel", "/2024/10/"
    older: str  # the path its live pager links to: "/search" for the home page
    rows: list[Row] = field(default_factory=list)  # newest first, as the reader lists them

    @property
    def folder(self) -> str:
        return self.older if self.older.endswith("/") else self.older + "/"

    def page_count(self, size: int) -> int:
        """How many numbered pages: enough to reach the oldest post from the first page."""
        beyond_first = len(self.rows) - size
        return (beyond_first - 1) // size + 1 if beyond_first > 0 else 0

    def address(self, number: int) -> str:
        return f"{self.folder}page/{number}.html"

    def query(self, number: int, size: int, blog: Blog) -> str:
        """The live site's query for page `number`: posts older than the one just above it."""
        above = self.rows[len(self.rows) - number * size - 1]
        return urlencode({"updated-max": timestamp(above[1], blog), "max-results": size})

    def shown(self, number: int, size: int) -> list[Row]:
        """The rows on page `number` (0: the first page)."""
        if number == 0:
            return self.rows[:size]
        end = len(self.rows) - (number - 1) * size
        return self.rows[max(0, end - size) : end]

    def older_than(self, limit: dt.datetime | None, count: int) -> tuple[list[Row], bool]:
        """Up to `count` rows older than `limit` (None: from the newest), newest first, and
        whether any newer were skipped: the window of the live page `?updated-max=limit`."""
        start = 0
        if limit is not None:
            # The rows are newest first: those at or after the limit come before `start`.
            start = bisect.bisect_right(self.rows, -limit.timestamp(), key=_age)
        return self.rows[start : start + count], start > 0

    def target(self, params: dict[str, str], size: int, blog: Blog) -> str | None:
        """The page a live pager link leads to, or None if it leads nowhere we wrote."""
        ascending = [row[1] for row in reversed(self.rows)]
        if "updated-max" in params:
            moment = parse_timestamp(params["updated-max"], blog)
            if moment is None:
                return None
            older = bisect.bisect_left(ascending, moment)  # posts before the moment
            return self.address((older - 1) // size + 1) if older else None
        moment = parse_timestamp(params.get("updated-min", ""), blog)
        if moment is None:
            return None
        first_newer = bisect.bisect_right(ascending, moment)
        if first_newer >= len(ascending) - size:
            return self.first
        return self.address(first_newer // size + 1)


def _age(row: Row) -> float:
    return -row[1].timestamp()  # ascending along rows that are newest first


def listings(blog: Blog, rows: list[Row]) -> dict[str, Listing]:
    """Every listing the blog has, by the path its pager links to (decoded), from the public
    posts' rows (newest first) and one query for their labels, however many there are."""
    found: dict[str, Listing] = {"/search": Listing("/", "/search", rows)}
    names: dict[int, list[str]] = defaultdict(list)
    # All the blog's posts' labels, the non-public skipped below: naming the public ones in the
    # query would send 10,000 parameters for SQLite to parse on a 10,000-post blog.
    through = Post.labels.through.objects.filter(post__blog=blog).values_list(
        "post_id", "label__name"
    )
    for post_id, name in through:
        names[post_id].append(name)
    # Dealt out in the rows' order, each label's rows come out newest first with no sort.
    by_label: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        for name in names.get(row[0], ()):
            by_label[name].append(row)
    for name, labelled in by_label.items():
        path = "/search/label/" + quote(name, safe="")
        found[unquote(path)] = Listing(path, path, labelled)
    for path, dated in _archives(blog, rows).items():
        found[path] = Listing(path, path, dated)
    return found


def _archives(blog: Blog, rows: list[Row]) -> dict[str, list[Row]]:
    archives: dict[str, list[Row]] = defaultdict(list)
    zone = blog.tzinfo  # a property: read once, not for each of 10,000 rows
    for row in rows:
        local = row[1].astimezone(zone)  # `timezone.localtime`, without its checks
        archives[f"/{local.year:04d}/"].append(row)
        archives[f"/{local.year:04d}/{local.month:02d}/"].append(row)
    return archives


def public_rows(blog: Blog, now: dt.datetime) -> list[PublicRow]:
    """The public posts, newest first: id, time, last edit, comment count, permalink, robots.
    One query serves the listings, the posts' own keys and the sitemap index (on SQLite,
    reading the dates back is most of the plan's time)."""
    public = Post.objects.public(blog, now).select_related(None)
    fields = public.values_list(
        "pk", "published_at", "updated_at", "comment_count", "permalink", "robots"
    )
    # The query's own rows, not the queryset's: Django runs three converters on each of the
    # 20,000 dates of a 10,000-post blog, a third of this function's time, where making the
    # database's UTC times aware is all they do here.
    sql, params = fields.query.sql_with_params()
    with connections[fields.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return [
        (pk, aware(at), aware(edit), count, link, robots or "")
        for pk, at, edit, count, link, robots in found
        if at
    ]


def aware(moment: dt.datetime | str) -> dt.datetime:
    if isinstance(moment, str):  # SQLite without its converters: its ISO text
        moment = dt.datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
