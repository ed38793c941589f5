"""The plan of the changes alone: after a few writes, the addresses they touch and their keys,
read from the change log (`publish.changelog`) instead of all the blog's posts.

`plan.plan` reads every public post and label and makes 27,000 keys for a 10,000-post blog,
to find the dozen that a new post moved. This plan makes the keys `plan.plan` would make for
the addresses the logged posts are on (their pages and comment feeds, their neighbours'
pages, the pages of their listings that show them or whose pager moved, the sitemap pages
that list them, the fixed files and the static pages), reading from the database only those
listings' counts and the few pages of rows the keys need; every other address keeps its
entry of the last manifest, whose key the whole plan would give it again.

That holds only for writes that leave every other post where it was in every listing: new
posts newer than any in the copy (a scheduled post come due is one), and edits or comments of
posts that stay where they are. Anything else plans the whole blog (`None` here): a post
deleted, unpublished, back-dated or moved in time, a label put on or taken off a post that
was public, a label renamed or deleted (which renders every page: `changelog.renames`), a
post moved to another blog, a setting changed (`everything`), the triggers made again after a
migration, a log pruned past the manifest's number, a manifest without one, or more changes
than a whole plan costs.
The count of public posts proves the rest: it must be the last export's and the new posts'.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from django.db.models import Q, QuerySet

from broadsheet.blogs.models import Blog
from broadsheet.feeds.sitemaps import NOINDEX, PostSitemap, label_files, posts_page
from broadsheet.posts.models import Post
from broadsheet.publish import manifest, poststamps
from broadsheet.publish.listings import Listing, PublicRow, Row
from broadsheet.publish.models import Change
from broadsheet.publish.plan import (
    Job,
    Plan,
    fixed_jobs,
    label_jobs,
    page_jobs,
    page_token,
    shown_key,
    sitemap_key,
    token,
)
from broadsheet.reader.listing import parse_timestamp, timestamp

MOST = 200  # more changes than this: the whole plan (a few hundred ms) is as cheap
LABELS = "/search/label/"
FIELDS = ("pk", "published_at", "updated_at", "comment_count", "permalink", "robots")


def rows_of(found: QuerySet[Post]) -> list[PublicRow]:
    return [(*row[:5], row[5] or "") for row in found.values_list(*FIELDS)]


def older_than(at: dt.datetime, pk: int) -> Q:
    """The posts after (`at`, `pk`) in the listings' order, newest first."""
    return Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk)


def page_count(count: int, size: int) -> int:
    """`Listing.page_count` of a listing of `count` posts."""
    beyond_first = count - size
    return (beyond_first - 1) // size + 1 if beyond_first > 0 else 0


class Counted(Listing):
    """A listing read from the database as its pages are asked for, not held whole: its
    count, and its newest `WINDOW` pages' rows (the first page, the newest numbered ones and
    the places their pager links lead to are there); older rows are asked for when needed."""

    WINDOW = 3

    def __init__(
        self, first: str, older: str, posts: QuerySet[Post], size: int, count: int | None = None
    ) -> None:
        super().__init__(first, older)
        self.posts = posts  # newest first
        self.count = posts.count() if count is None else count
        self.top = [row[:4] for row in rows_of(posts[: self.WINDOW * size])]
        self.whole = len(self.top) == self.count  # every row is in `top`

    def page_count(self, size: int) -> int:
        return page_count(self.count, size)

    def ascending(self, start: int, size: int) -> list[Row]:
        """The rows from the `start`th oldest on, newest first."""
        end = self.count - start  # in the rows newest first
        if end <= len(self.top):
            return self.top[max(0, end - size) : end]
        found = rows_of(self.posts.order_by("published_at", "pk")[start : start + size])
        return [row[:4] for row in reversed(found)]

    def query(self, number: int, size: int, blog: Blog) -> str:
        above = self.ascending(number * size, 1)[0]
        return urlencode({"updated-max": timestamp(above[1], blog), "max-results": size})

    def shown(self, number: int, size: int) -> list[Row]:
        if number == 0:
            return self.top[:size]
        return self.ascending((number - 1) * size, size)

    def older_than(self, limit: dt.datetime | None, count: int) -> tuple[list[Row], bool]:
        if limit is None or self.whole or (self.top and self.top[-1][1] < limit):
            start = sum(1 for row in self.top if limit is not None and row[1] >= limit)
            if start + count <= len(self.top) or self.whole:
                return self.top[start : start + count], start > 0
        posts = self.posts if limit is None else self.posts.filter(published_at__lt=limit)
        rows = [row[:4] for row in rows_of(posts[:count])]
        skipped = limit is not None and self.posts.filter(published_at__gte=limit).exists()
        return rows, skipped

    def before(self, moment: dt.datetime, inclusive: bool) -> int:
        """How many posts are older than `moment` (or at it, `inclusive`)."""
        if self.whole or (self.top and self.top[-1][1] < moment):
            newer = sum(
                1 for row in self.top if (row[1] > moment if inclusive else row[1] >= moment)
            )
            return self.count - newer
        if inclusive:
            return self.posts.filter(published_at__lte=moment).count()
        return self.posts.filter(published_at__lt=moment).count()

    def target(self, params: dict[str, str], size: int, blog: Blog) -> str | None:
        if "updated-max" in params:
            moment = parse_timestamp(params["updated-max"], blog)
            if moment is None:
                return None
            older = self.before(moment, inclusive=False)
            return self.address((older - 1) // size + 1) if older else None
        moment = parse_timestamp(params.get("updated-min", ""), blog)
        if moment is None:
            return None
        first_newer = self.before(moment, inclusive=True)
        if first_newer >= self.count - size:
            return self.first
        return self.address(first_newer // size + 1)


class Listings(dict[str, Listing]):
    """The listings by their pager's path (decoded), each read when first asked for; a path
    that is no listing with posts has none, as in the whole plan."""

    def __init__(self, blog: Blog, public: QuerySet[Post], count: int) -> None:
        super().__init__()
        self.blog, self.public, self.public_count = blog, public, count

    def get(self, path: str, default: Listing | None = None) -> Listing | None:  # type: ignore[override]
        if path not in self:
            made = self.make(path)
            if made is None or not made.count:
                return default
            self[path] = made
        return self[path]

    def __missing__(self, path: str) -> Listing:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def make(self, path: str) -> Counted | None:
        public, size = self.public.select_related(None), self.blog.posts_per_page
        if path == "/search":
            return Counted("/", "/search", public, size, self.public_count)
        if path.startswith(LABELS):
            name = path[len(LABELS) :]
            address = LABELS + quote(name, safe="")
            return Counted(address, address, public.filter(labels__name=name), size)
        span = _span(path, self.blog)
        if span is None:
            return None
        dated = public.filter(published_at__gte=span[0], published_at__lt=span[1])
        return Counted(path, path, dated, size)


def _span(path: str, blog: Blog) -> tuple[dt.datetime, dt.datetime] | None:
    """The times of the archive at `path` (`/2024/` or `/2024/10/`), in the blog's zone."""
    parts = path.strip("/").split("/")
    if not all(part.isdigit() for part in parts) or len(parts) not in (1, 2):
        return None
    year, month = int(parts[0]), int(parts[1]) if len(parts) == 2 else 0
    if not 1 <= year <= 9998 or month > 12:
        return None
    zone = blog.tzinfo
    if month:
        start = dt.datetime(year, month, 1, tzinfo=zone)
        end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    else:
        start, end = dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)
    return start, end


def archives_of(at: dt.datetime, blog: Blog) -> tuple[str, str]:
    local = at.astimezone(blog.tzinfo)
    return f"/{local.year:04d}/", f"/{local.year:04d}/{local.month:02d}/"


def plan_changes(
    blog: Blog, everything: str, header: manifest.Header, seq: int, floor: int, now: dt.datetime
) -> Plan | None:
    """The plan of what the changes logged after `header.seq` touch, or None where only the
    whole plan is right."""
    if header.seq < 0 or header.seq < floor or header.everything != everything:
        return None
    logged = list(
        Change.objects.filter(blog_id=blog.pk, seq__gt=header.seq, seq__lte=seq).values_list(
            "post_id", "old_at", "moved", "whole"
        )[: MOST + 1]
    )
    if len(logged) > MOST or any(whole or post is None for post, *_, whole in logged):
        return None
    newest = dt.datetime.fromtimestamp(header.newest, dt.UTC) if header.newest else None
    if any(old and (newest is None or old <= newest) for _, old, _, _ in logged):
        return None  # a post left (or moved from) a place the copy shows
    public = Post.objects.public(blog, now).select_related(None)
    new = rows_of(public.filter(published_at__gt=newest) if newest else public)
    count = public.count()
    if count != header.count + len(new):
        return None  # something came or went that the log does not explain
    new_ids = {row[0] for row in new}
    moved = {post for post, _, was_moved, _ in logged if was_moved and post} - new_ids
    if moved and public.filter(pk__in=moved).exists():
        return None  # made public at a time older than the copy's newest: back-dated
    edited_ids = {post for post, _, was_moved, _ in logged if post and not was_moved} - new_ids
    edited = rows_of(public.filter(pk__in=edited_ids - moved)) if edited_ids else []
    found = Plan(everything=everything, count=count, partial=True)
    found.newest = new[0][1] if new else newest
    found.listings = Listings(blog, public, count)
    return Changes(blog, found, public, new, edited).plan(header.count)


class Changes:
    def __init__(
        self,
        blog: Blog,
        found: Plan,
        public: QuerySet[Post],
        new: list[PublicRow],
        edited: list[PublicRow],
    ) -> None:
        self.blog, self.found, self.public = blog, found, public
        self.new, self.edited = new, edited
        self.stamps: dict[int, int] = {}  # of the posts whose pages are planned

    def plan(self, old_count: int) -> Plan:
        blog, found = self.blog, self.found
        version = f"{blog.content_version} {found.count}"
        fixed_jobs(found, version)
        # Every file of labels follows every change, as the first (a fixed file) does; new
        # posts may bring labels enough for one more.
        label_jobs(found, label_files(blog, self.public), version)
        page_jobs(blog, found)
        self.posts()
        self.sitemap()
        touched = [*self.new, *self.edited]
        labels = Post.labels.through.objects.filter(post_id__in=[row[0] for row in touched])
        by_post: dict[int, list[str]] = {}
        for post_id, name in labels.values_list("post_id", "label__name"):
            by_post.setdefault(post_id, []).append(name)
        paths: dict[str, list[PublicRow]] = {"/search": []}
        for row in touched:
            for path in (
                *archives_of(row[1], blog),
                *(LABELS + n for n in by_post.get(row[0], ())),
            ):
                paths.setdefault(path, []).append(row)
            paths["/search"].append(row)
        for path, rows in paths.items():
            listing = found.listings.get(path)
            if isinstance(listing, Counted):
                self.listing(listing, rows, version)
        return found

    def posts(self) -> None:
        """The new posts, the post they stand above, and the edited: pages and comment feeds."""
        top = rows_of(self.public[: len(self.new) + 2]) if self.new else []
        planned = [row[0] for row in [*top[: len(self.new) + 1], *self.edited]]
        self.stamps = poststamps.of_posts(planned)
        for index, row in enumerate(top[: len(self.new) + 1]):
            newer = top[index - 1][4] if index else ""
            older = top[index + 1][4] if index + 1 < len(top) else ""
            self.post(row, newer, older)
        for row in self.edited:
            above = self.public.filter(~older_than(row[1], row[0]), ~Q(pk=row[0]))
            next_up = above.order_by("published_at", "pk").values_list("permalink", flat=True)
            below = self.public.filter(older_than(row[1], row[0]))
            self.post(
                row, next_up.first() or "", below.values_list("permalink", flat=True).first() or ""
            )

    def post(self, row: PublicRow, newer: str, older: str) -> None:
        pk, permalink = row[0], row[4]
        own = page_token(token(pk, row[2], row[3]), self.stamps.get(pk))
        self.found.neighbours[permalink] = (newer, older)
        self.found.jobs[permalink] = Job(permalink, "", f"{own} {newer} {older}")
        feed = f"/feeds/{pk}/comments/default"
        self.found.jobs[feed] = Job(feed, "", own)

    def sitemap(self) -> None:
        """The sitemap pages of posts that list a new or edited post (counted from the oldest)."""
        listed = self.public.exclude(robots__in=NOINDEX)
        size, count = PostSitemap.limit, listed.count()
        new = sum(1 for row in self.new if row[5] not in NOINDEX)
        numbers = set(range((count - new) // size + 1, (count - 1) // size + 2)) if new else set()
        for row in self.edited:
            if row[5] not in NOINDEX:
                numbers.add(listed.filter(older_than(row[1], row[0])).count() // size + 1)
        ascending = listed.order_by("published_at", "pk")
        for number in numbers:
            shown = rows_of(ascending[(number - 1) * size : number * size])
            if shown:
                self.found.jobs[posts_page(number)] = Job(
                    posts_page(number), "", sitemap_key(shown)
                )

    def listing(self, listing: Counted, rows: list[PublicRow], version: str) -> None:
        """The first page and the numbered pages of `listing` that its new or edited posts'
        `rows` may have changed: those of the edited posts' places, and from the newest page
        before the new posts (whose "newest" mark moves) to the newest now."""
        size = self.blog.posts_per_page
        total = listing.page_count(size)
        new_ids = {row[0] for row in self.new}
        added = sum(1 for row in rows if row[0] in new_ids)
        numbers = set()
        if added:
            before = max(1, page_count(listing.count - added, size))
            numbers |= set(range(before, total + 1))
        for row in rows:
            if row[0] not in new_ids:
                rank = listing.posts.filter(older_than(row[1], row[0])).count()
                if rank // size + 1 <= total:
                    numbers.add(rank // size + 1)
        own = [token(row[0], row[2], row[3]) for row in listing.shown(0, size)]
        key = version if listing.first == "/" else shown_key(own, 0, size, total)
        self.found.jobs[listing.first] = Job(listing.first, "", key)
        for number in sorted(numbers):
            own = [token(row[0], row[2], row[3]) for row in listing.shown(number, size)]
            key = f"{','.join(own)};{number == total};"
            self.found.jobs[listing.address(number)] = Job(listing.older, "", key, number)
