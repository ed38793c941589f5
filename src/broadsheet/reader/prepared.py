"""The posts of the commonest misses, a listing's pages (home, an archive's month or year, a
label's; the first, and those further back or forward) and a post's page (the post and its
comments), through SQL that the ORM writes once per process.

Each such miss asks the same query with other values (the blog, the moment, the month, the
address). Django compiled it afresh every time: 1.5 ms of CPU on the benchmark machine for SQL
that runs in 0.25, the larger part of the page's database time. Here the ORM compiles the
query once, with probe values standing where the real ones go, and each request sends that
SQL with its own values and reads the rows back into posts as the ORM does (`core.compiled`:
its converters, the author and profile joined in), so a page is the same page either way.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateTimeField, Exists, Func, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.core import compiled
from broadsheet.posts import models as post_models
from broadsheet.posts.labels import fold
from broadsheet.posts.models import Label, Post

Span = tuple[dt.datetime, dt.datetime] | None
Shape = Callable[[list[Any], int], QuerySet[Any, Any]]

# Values no request sends, each standing for one input of a query: a blog's id, a moment.
_PROBE_BLOG = -7_000_001
_PROBE_TIMES = [dt.datetime(1001 + n, 1, 1, tzinfo=dt.UTC) for n in range(3)]
_PROBE_TEXT = "\x00probe"


# The attribute each post these queries read carries its labels in, as lists of
# `post_models.LABEL_ROW` (`listing.load_labels` reads them): with the posts, not in a query
# after them, a round trip fewer on every listing's and post's miss.
LABEL_ROWS = "label_rows"

# What a post is made from and its plain text: read for the studio, search, feeds and
# exports, never shown by a page (`reader.articles` leaves them out of a post's key for the
# same reason), and together about twice the body's bytes, so a listing or post page leaves
# them in the database. A theme's template that asks for one still gets it, a query a post.
UNREAD = ("source", "text")


def _newest(inputs: list[Any], limit: int) -> QuerySet[Post]:
    blog, now, *span = inputs
    found = Post.objects.public(Blog(pk=blog), now)
    if span:
        found = found.filter(published_at__gte=span[0], published_at__lt=span[1])
    return found.defer(*UNREAD).annotate(**{LABEL_ROWS: post_models.label_row_list()})[:limit]


def _labelled(inputs: list[Any], limit: int) -> QuerySet[Post]:
    blog, now, label = inputs
    carrying = Post.objects.public(Blog(pk=blog), Unseen(now)).carrying([label])
    found = _walked(carrying, limit, NEWEST_FIRST)
    found = found.defer(*UNREAD).annotate(**{LABEL_ROWS: post_models.label_row_list()})
    return found[:limit]


NEWEST_FIRST = ("-published_at", "-id")
OLDEST_FIRST = ("published_at", "id")


def _walked(found: QuerySet[Post], limit: int, order: tuple[str, str]) -> QuerySet[Post]:
    """A label's posts in `order`, walked as suits the database.

    On PostgreSQL the walk asks for ids alone, which an index holding each post's date, id
    and status answers on its own (`post_blog_walk`, posts migration 0011); then the page's
    posts are read by key. Reading each post it passed (about 600 for 20) was a third of the
    query's time at 100,000 posts (bench/RESULTS.md). SQLite reads a row by its key in the
    table's own B-tree; there the walk of the posts themselves is quicker."""
    found = found.order_by(*order)
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return found
    walk = found.select_related(None).values("pk")[:limit]
    found = Post.objects.filter(pk__in=walk).select_related("author__profile")
    return found.order_by(*order)


class Unseen(Func):
    """A moment that PostgreSQL's planner does not read when it plans: a subquery of one value.

    Once prepared (`planned_once`), a statement is planned for its values five times; then the
    server plans it once for any values if that plan is estimated no dearer than theirs. Seeing
    the moment, it counts every post as published before it, which makes a label's page look
    cheaper than a plan for an unknown moment (a third of the posts), though the two are the
    same walk; so it planned the page on every request (0.8 to 1 ms of server time). Unseen,
    the moment counts as unknown both ways, and the one plan is kept. SQLite is sent the value.
    """

    template = "(SELECT %(expressions)s)"
    output_field = DateTimeField()

    def __init__(self, moment: Any) -> None:
        super().__init__(Value(moment, output_field=DateTimeField()))

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return compiler.compile(self.source_expressions[0])


def _among(inputs: list[Any], limit: int) -> QuerySet[Post]:
    blog, now, label = inputs
    found = Post.objects.public(Blog(pk=blog), now).among([label]).defer(*UNREAD)
    return found.annotate(**{LABEL_ROWS: post_models.label_row_list()})[:limit]


def _between(walk: str, order: tuple[str, str]) -> Shape:
    """A listing's page after its first: the public posts published from `earliest` to
    `latest`, both included, in `order`; of one label where `walk` names how a label's first
    page finds its posts ("labelled" or "among"), else all the blog's. Each post carries
    `BEYOND`: whether the listing has a post from `beyond_earliest` to `beyond_latest`, the
    far side of the page's edge that its pager's other link leads to, asked in the same
    statement (a round trip fewer).

    The page's two edges are the only bounds on the moment: `latest` is already the
    earliest of now, the page's edge and its archive's end (`listed`), where the query set
    filtered on each. Given two upper bounds and no statistics, SQLite ranges the index over
    whichever the statement names last: sent Older Posts of 2013 at 100,000 posts with its
    edge before now, it walked every post since (20 ms against 8 µs)."""

    def within(blog: int, latest: Any, earliest: Any, labels: list[Any]) -> QuerySet[Post]:
        if walk == "labelled":
            found = Post.objects.public(Blog(pk=blog), Unseen(latest)).carrying(labels)
            return found.filter(published_at__gte=Unseen(earliest))
        found = Post.objects.public(Blog(pk=blog), latest).filter(published_at__gte=earliest)
        return found.among(labels) if labels else found

    def build(inputs: list[Any], limit: int) -> QuerySet[Post]:
        blog, latest, earliest, beyond_latest, beyond_earliest, *labels = inputs
        found = within(blog, latest, earliest, labels)
        found = _walked(found, limit, order) if walk == "labelled" else found.order_by(*order)
        beyond = Exists(within(blog, beyond_latest, beyond_earliest, labels))
        found = found.defer(*UNREAD).annotate(**{LABEL_ROWS: post_models.label_row_list()})
        return found.annotate(**{BEYOND: beyond})[:limit]

    return build


# What each post of a page `listed` between two moments carries: whether the listing goes on
# past the page's other edge (`_between`).
BEYOND = "beyond"


def _label(inputs: list[Any], limit: int) -> QuerySet[Label, tuple[str, int, int | None]]:
    blog, now, folded = inputs
    return Post.objects.public(Blog(pk=blog), now).labels_named(Blog(pk=blog), [folded])


def _permalink(inputs: list[Any], limit: int) -> QuerySet[Post]:
    blog, permalink = inputs
    found = Post.objects.filter(blog=Blog(pk=blog), permalink=permalink).defer(*UNREAD)
    found = found.annotate(**{LABEL_ROWS: post_models.label_row_list()})
    if _thread_stamp:  # read with the post, in the same query
        stamp = RawSQL(_thread_stamp[0], ())  # noqa: S611 - an app's own SQL, no values
        found = found.annotate(**{THREAD_STAMP: stamp})
    return found.select_related("author__profile")


# The attribute a post read `by_permalink` carries when an app keeps a stamp of its thread.
THREAD_STAMP = "thread_stamp"
_thread_stamp: list[str] = []


def keep_thread_stamp(sql: str) -> None:
    """Read with every post `by_permalink` (as its `THREAD_STAMP`) the value of `sql`, a
    subquery on `posts_post`'s row that moves, in the transaction of any write, whenever
    anything the post's comment thread shows moves (`reader.thread.kept`). A hook, since the
    app that keeps such a value sits above this one (`publish.poststamps`); called once, at
    start-up, before any request."""
    if not _thread_stamp:
        _thread_stamp.append(sql)
        _prepared.cache_clear()


# What a post page shows of a comment (`postpage.Shown`, in this order), and which comments
# its thread holds: the published ones, and removed ones where they have replies.
THREAD_FIELDS = (
    "pk",
    "parent_id",
    "status",
    "author_name",
    "author_url",
    "body",
    "body_html",
    "created_at",
    "source_id",
)
THREAD_STATUSES = (Comment.Status.PUBLISHED, Comment.Status.TRASH)


def _thread(inputs: list[Any], limit: int) -> QuerySet[Comment, tuple[Any, ...]]:
    (post,) = inputs
    found = Comment.objects.filter(post_id=post, status__in=THREAD_STATUSES)
    return found.order_by("created_at", "id").values_list(*THREAD_FIELDS)


def _between_name(walk: str, order: tuple[str, str]) -> str:
    return f"{walk} between" + (", oldest first" if order == OLDEST_FIRST else "")


SHAPES: dict[str, tuple[Shape, list[Any]]] = {
    "newest": (_newest, [_PROBE_BLOG, _PROBE_TIMES[0]]),
    "span": (_newest, [_PROBE_BLOG, *_PROBE_TIMES]),
    "labelled": (_labelled, [_PROBE_BLOG, _PROBE_TIMES[0], _PROBE_BLOG - 1]),
    "among": (_among, [_PROBE_BLOG, _PROBE_TIMES[0], _PROBE_BLOG - 1]),
    "label": (_label, [_PROBE_BLOG, _PROBE_TIMES[0], _PROBE_TEXT]),
    "permalink": (_permalink, [_PROBE_BLOG, _PROBE_TEXT]),
    "thread": (_thread, [_PROBE_BLOG]),  # the probe stands for a post's id here
}
_PROBE_EDGES = [dt.datetime(1101 + n, 1, 1, tzinfo=dt.UTC) for n in range(4)]
for _walk in ("newest", "labelled", "among"):
    _label_probe = [] if _walk == "newest" else [_PROBE_BLOG - 1]
    for _order in (NEWEST_FIRST, OLDEST_FIRST):
        SHAPES[_between_name(_walk, _order)] = (
            _between(_walk, _order),
            [_PROBE_BLOG, *_PROBE_EDGES, *_label_probe],
        )


# The first moment and the smallest step the databases keep a moment at (both keep
# microseconds): a bound that excludes a moment is the one a tick short of it.
EARLIEST = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
TICK = dt.timedelta(microseconds=1)


def listed(
    blog: Blog,
    limit: int,
    span: Span = None,
    label: OneLabel | None = None,
    latest: dt.datetime | None = None,
    earliest: dt.datetime | None = None,
    oldest_first: bool = False,
) -> list[Post] | None:
    """`limit` public posts of the blog's listing (within `span`, the posts of `label` if
    named), newest first: its first page (`newest`, `labelled`), or with `latest` or
    `earliest` the posts published between them, both included (a page further back or
    forward, `listing.window`), `oldest_first` if asked, each carrying `BEYOND`: whether the
    listing has a post after `latest` (newest first) or before `earliest` (oldest first).
    None if the query did not prepare."""
    if latest is None and earliest is None and not oldest_first:
        return newest(blog, limit, span) if label is None else labelled(blog, label, limit)
    now = timezone.now()
    last, first = now, EARLIEST  # the listing's own ends
    if span is not None:
        last, first = min(now, span[1] - TICK), span[0]
    upper, lower = min(last, latest or last), max(first, earliest or first)
    if upper < lower:  # nothing is published between
        return []
    beyond = (first, last)  # the latest before the earliest: nothing is between
    if oldest_first and earliest is not None and earliest > first:
        beyond = (min(last, earliest - TICK), first)
    elif not oldest_first and latest is not None and latest < last:
        beyond = (last, max(first, latest + TICK))
    walk, labels, planned = "newest", [], True
    if label is not None:
        label_id, dense = label
        # A label on few posts: sent with its values, as its first page (`labelled`).
        walk, labels, planned = ("labelled" if dense else "among"), [label_id], dense
    order = OLDEST_FIRST if oldest_first else NEWEST_FIRST
    inputs = [blog.pk, upper, lower, *beyond, *labels]
    return posts(_between_name(walk, order), inputs, limit, planned=planned)


def newest(blog: Blog, limit: int, span: Span = None) -> list[Post] | None:
    """The blog's `limit` newest public posts (within `span`, from its start to before its
    end), as `Post.objects.public(blog)` lists them; None if the query did not prepare."""
    if span is None:
        return posts("newest", [blog.pk, timezone.now()], limit)
    return posts("span", [blog.pk, timezone.now(), *span], limit)


# A label found by `one_label`: its id, and whether it is on at least `DENSE_LABEL` posts.
OneLabel = tuple[int, bool]


def labelled(blog: Blog, label: OneLabel, limit: int) -> list[Post] | None:
    """The blog's `limit` newest public posts carrying the label, as `Post.objects.with_labels`
    lists them: walking the posts for a label on many, from the label's posts on few."""
    label_id, dense = label
    inputs = [blog.pk, timezone.now(), label_id]
    if dense:
        return posts("labelled", inputs, limit)
    # Sent with its values, not planned once for any: PostgreSQL's generic plan, one for every
    # label, walks the posts by date as for a label on many; for a label on 2 of 10,000 posts
    # it read all 10,000 (17 ms), where a plan for the label reads its 2 rows first.
    return posts("among", inputs, limit, planned=False)


def one_label(blog: Blog, name: str) -> OneLabel | None:
    """The label `name` names when it is one label on posts readers can see; None for any
    other name (one of several spellings, or none: `Post.objects.with_labels` answers those)."""
    # Sent with its values, not planned once for any (`compiled.fetch`): PostgreSQL's generic
    # plan hashed every post of the label to learn whether one is public (2.8 ms for a label
    # on 5,000 posts), where a plan for the name stops at the first (0.25 ms).
    found = rows("label", [blog.pk, timezone.now(), fold(name)], planned=False)
    if found is None or len(found) != 1:
        return None
    _folded, label, carried_by = found[0]
    return int(label), (carried_by or 0) >= post_models.DENSE_LABEL


def by_permalink(blog: Blog, permalink: str) -> list[Post] | None:
    """The blog's posts at `permalink`, whatever their status, with author and profile."""
    return posts("permalink", [blog.pk, permalink], 0)


def thread(post_id: int) -> list[tuple[Any, ...]] | None:
    """The post's comments as its thread shows them (`THREAD_FIELDS`), oldest first, ties
    by id; None if the query did not prepare."""
    return rows("thread", [post_id])


def posts(shape: str, inputs: list[Any], limit: int, planned: bool = True) -> list[Post] | None:
    """The posts of the query `shape` for these inputs; None if it did not prepare.
    `planned=False` for SQL whose best plan depends on the values (`compiled.fetch`)."""
    db = connections[DEFAULT_DB_ALIAS]
    prepared = _prepared(shape, limit, db.alias)
    return None if prepared is None else compiled.objects(prepared, inputs, db, planned)


def rows(shape: str, inputs: list[Any], planned: bool = True) -> list[Any] | None:
    """The rows of the values query `shape` for these inputs; None if it did not prepare."""
    db = connections[DEFAULT_DB_ALIAS]
    prepared = _prepared(shape, 0, db.alias)
    return None if prepared is None else compiled.values(prepared, inputs, db, planned)


@functools.cache
def _prepared(shape: str, limit: int, alias: str) -> compiled.Compiled | None:
    """The query compiled once per shape, limit and database (not per connection: a server
    that starts a thread per request, `runserver`, would keep one for every thread)."""
    build, probes = SHAPES[shape]
    return compiled.compile_once(build(probes, limit), probes, connections[alias])
