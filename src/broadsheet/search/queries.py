"""Full-text search over a blog's public posts.

SQLite (the default) searches an FTS5 table that triggers keep in step with `posts_post`;
PostgreSQL searches a GIN index over a stored tsvector of the same two columns, which a trigger
keeps in `search_post_document` (`PostDocument`). Both are created by this app's migrations and
repaired after any `migrate` that lost their triggers (`broadsheet.search.schema`). Either way
the reader's words are reduced to plain terms before they reach the database, so no query syntax
(quotes, `NEAR(`, `OR`, `title:`, `*`) ever comes from the reader.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, connections
from django.db.models import F, QuerySet, Value, prefetch_related_objects
from django.db.models.functions import Replace
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from broadsheet.blogs.models import Blog
from broadsheet.core import compiled
from broadsheet.core.pagecache import store
from broadsheet.posts import stamps
from broadsheet.posts.models import Post
from broadsheet.search.models import PostDocument

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Ranked(TypedDict):  # what `postgres_matches` adds to each post
        score: float
        headline: str


# Bounds on what one reader's query may cost, whatever they type or put in the URL.
MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MAX_LIMIT = 100
MAX_OFFSET = 10_000

SNIPPET_WORDS = 32
ELLIPSIS = "…"
# The database wraps matched words in these; control characters because an author's text could
# contain any printable marker we picked, and `_segments` copes with stray ones in the text.
START, STOP = "\x02", "\x03"

# Letters and digits only: every operator of FTS5 and tsquery syntax is punctuation.
_TERM = re.compile(r"[^\W_]+")
_MARKERS = re.compile(f"([{START}{STOP}])")
# C0 controls are not allowed in HTML; the few an imported text may carry are dropped.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PG_CONFIG = "english"


@dataclass(frozen=True)
class Hit:
    post: Post
    snippet_html: str  # safe HTML: the matching passage, matched words in <mark>, all else escaped


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    more: bool  # another page follows
    by_date: bool  # newest first: asked for, or the query matched too many posts to rank


def search(
    blog: Blog,
    query: str,
    *,
    now: dt.datetime,
    by_date: bool = False,
    offset: int = 0,
    limit: int = 7,
    labels: bool = True,
    stamps: Stamps | None = None,
    fields: tuple[str, ...] = (),
) -> Results:
    """Public posts of `blog` matching `query`, ranked by relevance (or newest first when
    `by_date`), each with a highlighted snippet; whether more follow; in which order they come.

    A query that matches more than `BROAD_MATCHES` posts comes newest first even when
    relevance was asked for: ranking every match of a word most posts contain costs a third
    of a second at 100,000 posts on SQLite (135 ms on PostgreSQL) and tells the reader
    little. Four queries on SQLite, three or four on PostgreSQL (fewer once the query's
    breadth and snippets are kept: `_kept_broad`, `_snippets`), however many posts match; none for
    an empty query. `labels=False` leaves the posts' labels unread, for a page that shows
    none; `stamps` reads the blog's stamps (`posts.stamps`), so that the breadth outlives a
    write that moved no post's words (`_kept_broad`); `fields`, when given, are the only
    columns the caller reads of each post (no author is loaded then): a results page reads
    three of some forty, and building and compiling the rest was a third of the search.
    """
    terms = query_terms(query)
    offset = max(offset, 0)
    limit = min(limit, MAX_LIMIT)
    if not terms or limit < 1 or offset > MAX_OFFSET:
        return Results([], False, by_date)
    asked = _Asked(blog, terms, stamps, fields)
    found, by_date = _find(asked, now, by_date, offset, limit + 1)
    # Checked again post by post: on SQLite the page's posts are read by id (`_by_id`).
    shown = [(post, raw) for post, raw in found[:limit] if _visible(post, blog, now)]
    hits = [Hit(post, snippet_html(raw)) for post, raw in shown]
    if labels:
        prefetch_related_objects([hit.post for hit in hits], "labels")
    return Results(hits, len(found) > limit, by_date)


# What the search itself reads of each post: whose it is, whether it is public, its text.
_SEARCH_READS = ("blog_id", "status", "published_at", "text")


def _trimmed(posts: QuerySet[Post], fields: tuple[str, ...]) -> QuerySet[Post]:
    """`posts` reading only `fields` and what the search reads, with no author; all if ()."""
    if not fields:
        return posts
    return posts.select_related(None).only(*fields, *_SEARCH_READS)


def _dated(blog: Blog, now: dt.datetime) -> QuerySet[Post]:
    """The blog's posts dated up to `now`, whatever their state: more than the public ones,
    but read from the date index alone (see `_SQLITE_RECENT_SQL`)."""
    return Post.objects.filter(blog=blog, published_at__lte=now)


def _visible(post: Post, blog: Blog, now: dt.datetime) -> bool:
    return post.blog_id == blog.pk and post.is_public(now)


def query_terms(query: str) -> list[str]:
    """The reader's words, without punctuation or duplicates, capped in length and number."""
    text = unicodedata.normalize("NFKC", query[:MAX_QUERY_CHARS])
    return list(dict.fromkeys(_TERM.findall(text)))[:MAX_TERMS]


def _find(
    asked: _Asked,
    now: dt.datetime,
    by_date: bool,
    offset: int,
    count: int,
) -> tuple[list[tuple[Post, str]], bool]:
    db = Post.objects.db
    vendor = connections[db].vendor
    if vendor == "sqlite":
        return _sqlite_find(asked, db, now, by_date, offset, count)
    if vendor == "postgresql":
        public = _trimmed(Post.objects.public(asked.blog, now), asked.fields)
        return _postgres_find(asked, public, now, by_date, offset, count)
    raise NotImplementedError(f"Search supports SQLite and PostgreSQL, not {vendor}.")


# --- Too broad to rank: decided once ------------------------------------------------------------

Stamps = Callable[[Blog], Mapping[str, int]]


@dataclass(frozen=True)
class _Asked:
    blog: Blog
    terms: list[str]
    stamps: Stamps | None  # how the caller reads the blog's stamps, or None: not kept under them
    fields: tuple[str, ...]  # the posts' columns the caller reads, or (): all, and the author


def _kept_broad(asked: _Asked, count: Callable[[], bool], *, note: bool = True) -> bool:
    """Whether the terms match more than `BROAD_MATCHES` posts, as `count()` answers it, kept
    in the page cache's store: counting reads up to 5,001 documents (4 to 9 ms at 100,000
    posts on PostgreSQL, a third of the page).

    Kept under the blog's content version, and, when the caller reads stamps, under the
    stamps that move with every public post's coming, going, words or title (`posts.stamps`,
    kept by triggers in the write's transaction): after a write that moved none of them (a
    comment, a setting, a draft) the version's key is new but the stamps' still answers. The
    count spans the install (drafts and other blogs too): their writes are seen within
    `PAGE_CACHE_SECONDS`; either answer lists the same posts, only their order differs.
    A count made for a caller that reads stamps is `note`d, so that the next post write counts
    those terms again itself (`count_ahead`)."""
    blog = asked.blog
    prefix = f"search-broad:{_blog_key(blog)}:{BROAD_MATCHES}:{_digest(asked.terms)}"
    keys = [f"{prefix}:v{blog.content_version}"]
    kept = store.shared().get(keys[0])
    if isinstance(kept, bool):
        return kept
    if asked.stamps is not None:
        marks = asked.stamps(blog)
        keys.append(f"{prefix}:s{marks['counts']}.{marks['posts']}")
        kept = store.shared().get(keys[1])
    if not isinstance(kept, bool):
        kept = count()
        if note and asked.stamps is not None:
            _note_asked(blog, asked.terms)
    for key in keys:
        store.shared().set(key, kept, timeout=settings.PAGE_CACHE_SECONDS)
    return kept


def _blog_key(blog: Blog) -> str:
    """The blog, as keys in the store name it: a blog made again under the same id is another."""
    return blog.lasting_id


def _digest(terms: list[str]) -> str:
    return hashlib.sha256("\n".join(terms).encode()).hexdigest()


# --- Counted by the write: the breadth of the blog's recent queries after a post write ------------

# How many of a blog's queries a post write counts again (`count_ahead`), the latest counted.
COUNTED_AHEAD = 4


def _asked_key(blog: Blog) -> str:
    return f"search-asked:{_blog_key(blog)}"


def _note_asked(blog: Blog, terms: list[str]) -> None:
    """Put `terms` first among the blog's queries a reader had to count, at most
    `COUNTED_AHEAD` of them, kept for `PAGE_CACHE_SECONDS` from the last one noted. Two
    readers noting at once may lose one of theirs: its next reader counts, and notes it."""
    kept = store.shared().get(_asked_key(blog))
    asked = [terms, *(t for t in kept if t != terms)] if isinstance(kept, list) else [terms]
    store.shared().set(_asked_key(blog), asked[:COUNTED_AHEAD], timeout=settings.PAGE_CACHE_SECONDS)


def count_ahead(blog_id: int) -> None:
    """Count the breadth of the blog's latest counted queries (`_note_asked`) once a post
    write has committed (`blogs.actions.on_sidebar_moved`), under the stamps and version it
    left, so that the first reader of those searches after a new post counts nothing: the
    count, 4 to 9 ms of a page on PostgreSQL at 100,000 posts, was that reader's whole cost
    over a plain miss. The writer pays it, as it pays for the layout (`reader.gadgets`).

    The same keys and the same order as a reader's (`_kept_broad`): the stamps are read
    before the documents are counted, so an answer is never older than the stamps it is kept
    under, and a write committed meanwhile moves them again (and counts again, by its own
    call or by its first reader). After a write that moved neither stamp (a page, a draft) the
    stamps' key answers and nothing is counted. PostgreSQL only: SQLite counts each time."""
    if connection.vendor != "postgresql":
        return
    blog = Blog.objects.filter(pk=blog_id).first()
    asked = store.shared().get(_asked_key(blog)) if blog is not None else None
    if blog is None or not isinstance(asked, list):
        return
    for terms in asked:
        question = _Asked(blog, terms, _stamps_now, ())
        _kept_broad(question, partial(_postgres_broad, terms), note=False)


def _stamps_now(blog: Blog) -> Mapping[str, int]:
    return stamps.stamps(connection, blog.pk)


# --- SQLite: FTS5 -------------------------------------------------------------------------------

_SQLITE_ORDER = {
    False: "score, published_at DESC, id DESC",
    True: "published_at DESC, id DESC",
}
# The page of ids is chosen first and snippets are made for that page only: snippet() reads and
# tokenizes the whole body, too slow to do for every match of a common word. The public posts
# come in as a subquery compiled from `Post.objects.public`, so visibility has one definition.
# bm25 weights (title, text): a word in the title counts ten times one in the body, as on
# PostgreSQL (weights A and D). CROSS JOIN fixes SQLite's loop order: left table outermost.
# Left to itself, for by-date order it walks every post of the blog newest first and probes
# the index for each (200 ms on 10,000 posts for a rare word); driven by MATCH, the cost
# follows the number of matches instead. The page's few rows then drive the snippet lookups.
_SQLITE_SQL = """
WITH page AS (
    SELECT p.id AS id, p.published_at AS published_at,
           bm25(search_post_fts, 10.0, 1.0) AS score
    FROM search_post_fts CROSS JOIN ({public}) AS p ON p.id = search_post_fts.rowid
    WHERE search_post_fts MATCH %s
    ORDER BY {order} LIMIT %s OFFSET %s
)
SELECT page.id, snippet(search_post_fts, 1, char(2), char(3), '{ellipsis}', {words})
FROM page CROSS JOIN search_post_fts ON search_post_fts.rowid = page.id
WHERE search_post_fts MATCH %s
ORDER BY {order}
"""


# A query matching more posts than this (in any blog of the install: the FTS table is shared)
# is answered newest first, from the date index (`_SQLITE_BROAD_SQL`).
BROAD_MATCHES = 5_000
# The rows of the FTS index, not the posts: counting stops at the first one past the bound.
_SQLITE_COUNT_SQL = """
SELECT count(*) FROM (
    SELECT 1 FROM search_post_fts WHERE search_post_fts MATCH %s LIMIT %s
)
"""
# Newest first for a word most posts contain: the matching ids are gathered into a temporary
# b-tree (6 ms for 94,000 of them) and the public posts walked down the date index against it,
# so no match is ranked and the walk stops at the page's last row.
_SQLITE_BROAD_SQL = """
WITH page AS (
    SELECT p.id AS id, p.published_at AS published_at
    FROM ({public}) AS p
    WHERE p.id IN (SELECT rowid FROM search_post_fts WHERE search_post_fts MATCH %s)
    ORDER BY p.published_at DESC, p.id DESC LIMIT %s OFFSET %s
)
SELECT page.id, snippet(search_post_fts, 1, char(2), char(3), '{ellipsis}', {words})
FROM page CROSS JOIN search_post_fts ON search_post_fts.rowid = page.id
WHERE search_post_fts MATCH %s
ORDER BY page.published_at DESC, page.id DESC
"""

# Before that: a common word is in most of the newest posts, so walking the date index newest
# first and looking each post up in the FTS index finds a page after a few dozen posts (under
# a millisecond), where gathering every match first grew with the install (29 ms at 100,000
# posts). The walk is bounded to the newest `RECENT_WINDOW` posts, a prefix of the date order:
# when it finds the whole page, that page is exact; when not (the word is common only in other
# blogs, or the page is deep), the gathering query answers. The bound is counted over the blog's
# dated posts of any state (`_dated`): that is still a prefix of the public posts' date order
# (never more than the window's public posts), and it is read from the date index alone, where
# counting public posts only read 2,000 rows for their state (2.5 ms at 100,000 posts).
RECENT_WINDOW = 2_000
_SQLITE_RECENT_SQL = """
WITH page AS (
    SELECT p.id AS id, p.published_at AS published_at
    FROM ({public}) AS p
    WHERE p.published_at >= coalesce((
        SELECT w.published_at FROM ({dated}) AS w
        ORDER BY w.published_at DESC LIMIT 1 OFFSET %s
    ), '') AND EXISTS (
        SELECT 1 FROM search_post_fts AS f WHERE f.search_post_fts MATCH %s AND f.rowid = p.id
    )
    ORDER BY p.published_at DESC, p.id DESC LIMIT %s OFFSET %s
)
SELECT page.id, snippet(search_post_fts, 1, char(2), char(3), '{ellipsis}', {words})
FROM page CROSS JOIN search_post_fts ON search_post_fts.rowid = page.id
WHERE search_post_fts MATCH %s
ORDER BY page.published_at DESC, page.id DESC
"""


def _sqlite_find(
    asked: _Asked,
    db: str,
    now: dt.datetime,
    by_date: bool,
    offset: int,
    count: int,
) -> tuple[list[tuple[Post, str]], bool]:
    match = fts5_query(asked.terms)
    # Counted each time: at most 5,001 rows of the FTS index cost less than the page cache's
    # store (files, by default) takes to keep the answer (`_kept_broad`, PostgreSQL's).
    broad = _sqlite_matches(db, match) > BROAD_MATCHES
    rows = _sqlite_page(db, asked.blog, now, match, by_date, offset, count, broad=broad)
    posts = _by_id(db, [pk for pk, _ in rows], asked.fields)
    return [(posts[pk], raw) for pk, raw in rows if pk in posts], by_date or broad


def _by_id(db: str, ids: list[int], fields: tuple[str, ...]) -> dict[int, Post]:
    """The page's posts by primary key. Asked through the public posts, SQLite walks the
    blog's date index over every post to find the page's few ids (40 ms at 100,000 posts).
    The ids come from the public posts in the page's own query, and `search` checks each post
    again."""
    if not ids:
        return {}
    by_id = _sqlite_by_id(len(ids), fields, db)
    if by_id is None:  # compiled.compile_once did not find its probes: the ORM asks
        return {post.pk: post for post in _posts_by_id(ids, fields).using(db)}
    found: list[Post] = compiled.objects(by_id, ids, connections[db])
    return {post.pk: post for post in found}


def _posts_by_id(ids: list[int], fields: tuple[str, ...]) -> QuerySet[Post]:
    """Posts by id with their author, or only `fields` (`_trimmed`)."""
    return _trimmed(Post.objects.select_related("author__profile"), fields).filter(pk__in=ids)


# Values no request sends, one for each id of a page's posts (`_sqlite_by_id`).
_PROBE_IDS = [-7_100_000 - n for n in range(MAX_LIMIT + 1)]


@functools.lru_cache(maxsize=64)
def _sqlite_by_id(size: int, fields: tuple[str, ...], alias: str) -> compiled.Compiled | None:
    """`_posts_by_id` for `size` posts, compiled by the ORM once per size and columns
    (`core.compiled`): built and compiled on each request, it was a tenth of a results page's
    miss at 100,000 posts."""
    probes = _PROBE_IDS[:size]
    return compiled.compile_once(_posts_by_id(probes, fields), probes, connections[alias])


def _inner(blog: Blog, now: dt.datetime) -> list[QuerySet[Any]]:
    """The subqueries of `_SQLITE_SQL` and its kin: the public posts' ids and dates
    (`Post.objects.public`, so visibility keeps one definition) and the dated posts' dates
    (`_dated`)."""
    public = Post.objects.public(blog, now).order_by().values("id", "published_at")
    return [public, _dated(blog, now).order_by().values("published_at")]


@functools.lru_cache(maxsize=8)
def _sqlite_inner(alias: str) -> list[compiled.Compiled] | None:
    """`_inner`, compiled by the ORM once with the blog and the moment as its inputs."""
    made = []
    for rows in _inner(Blog(pk=_PROBE_BLOG), _PROBE_NOW):
        query = compiled.compile_once(rows, [_PROBE_BLOG, _PROBE_NOW], connections[alias])
        if query is None:
            return None
        made.append(query)
    return made


def _sqlite_inner_sql(db: str, blog: Blog, now: dt.datetime) -> list[tuple[str, Any]]:
    """The SQL and values of `_inner` for this blog and moment."""
    made = _sqlite_inner(db)
    if made is None:  # as the ORM writes them for these values
        return [_compiled(rows.using(db)) for rows in _inner(blog, now)]
    return [(query.sql, compiled.bound(query, [blog.pk, now], connections[db])) for query in made]


def _sqlite_matches(db: str, match: str) -> int:
    """How many posts hold the terms, counted up to one past `BROAD_MATCHES`."""
    with connections[db].cursor() as cursor:
        cursor.execute(_SQLITE_COUNT_SQL, [match, BROAD_MATCHES + 1])
        found: int = cursor.fetchone()[0]
        return found


def _sqlite_page(
    db: str,
    blog: Blog,
    now: dt.datetime,
    match: str,
    by_date: bool,
    offset: int,
    count: int,
    *,
    broad: bool,
) -> list[tuple[int, str]]:
    (public_sql, public_params), window = _sqlite_inner_sql(db, blog, now)
    if broad:
        recent = _sqlite_recent(db, (public_sql, public_params), window, match, offset, count)
        if len(recent) == count:
            return recent
        template, order = _SQLITE_BROAD_SQL, ""
    else:
        template, order = _SQLITE_SQL, _SQLITE_ORDER[by_date]
    sql = template.format(public=public_sql, order=order, ellipsis=ELLIPSIS, words=SNIPPET_WORDS)
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [*public_params, match, count, offset, match])
        return [(pk, raw or "") for pk, raw in cursor.fetchall()]


def _compiled(rows: QuerySet[Any]) -> tuple[str, Any]:
    return rows.query.get_compiler(using=rows.db).as_sql()


def _sqlite_recent(
    db: str, public: tuple[str, Any], dated: tuple[str, Any], match: str, offset: int, count: int
) -> list[tuple[int, str]]:
    """The page from the newest `RECENT_WINDOW` dated posts, newest first; short if they
    hold fewer than `offset + count` matches."""
    sql = _SQLITE_RECENT_SQL.format(
        public=public[0], dated=dated[0], ellipsis=ELLIPSIS, words=SNIPPET_WORDS
    )
    params = [*public[1], *dated[1], RECENT_WINDOW - 1, match, count, offset, match]
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, raw or "") for pk, raw in cursor.fetchall()]


def fts5_query(terms: list[str]) -> str:
    """Each term as an FTS5 string, so it is a word to find and never an operator; the
    terms are implicitly ANDed. Terms hold no `"` (see `_TERM`), so none needs escaping."""
    return " ".join(f'"{term}"' for term in terms)


# --- PostgreSQL: tsvector / tsquery ---------------------------------------------------------------


def _postgres_find(
    asked: _Asked,
    public: QuerySet[Post],
    now: dt.datetime,
    by_date: bool,
    offset: int,
    count: int,
) -> tuple[list[tuple[Post, str]], bool]:
    by_date = by_date or _kept_broad(asked, lambda: _postgres_broad(asked.terms))
    db = connections[public.db]
    first = None if offset else _first_page(by_date, count, asked.fields, db.alias)
    if first is not None:
        inputs = [asked.blog.pk, now, " ".join(asked.terms)]
        found: list[Post] = compiled.objects(first, inputs, db, planned=False)
    else:
        matches = postgres_matches(public, asked.terms, by_date, headline=False)
        found = list(matches[offset : offset + count])
    snippets = _snippets(public.db, found, asked.terms)
    return [(post, snippets[post.pk]) for post in found], by_date


# Values no request sends, standing for the blog, the moment and the words in `_first_page`.
_PROBE_BLOG, _PROBE_NOW, _PROBE_WORDS = (
    -7_000_003,
    dt.datetime(1002, 1, 1, tzinfo=dt.UTC),
    "\x00probe",
)


@functools.lru_cache(maxsize=64)
def _first_page(
    by_date: bool, count: int, fields: tuple[str, ...], alias: str
) -> compiled.Compiled | None:
    """The first page of matches, the page nearly every search asks for, compiled by the ORM
    once per order, size and columns (`core.compiled`): building and compiling it was 1.3 to
    1.7 ms of a results page's miss at 100,000 posts. Sent with the values in the SQL, so
    PostgreSQL plans each search for its words: a common word's newest matches come from the
    date index, a rare word's from the document index, and a plan kept for any words would
    have to pick one."""
    public = _trimmed(Post.objects.public(Blog(pk=_PROBE_BLOG), _PROBE_NOW), fields)
    rows = postgres_matches(public, [_PROBE_WORDS], by_date, headline=False)[:count]
    probes = [_PROBE_BLOG, _PROBE_NOW, _PROBE_WORDS]
    return compiled.compile_once(rows, probes, connections[alias])


# Snippets made in this process: (terms, text) digest → snippet; least recently used first,
# dropped past KEPT_SNIPPETS (some 300 bytes each).
KEPT_SNIPPETS = 4000
_snippets_kept: OrderedDict[bytes, str] = OrderedDict()
_snippets_lock = threading.Lock()


def _snippets(db: str, posts: Sequence[Post], terms: list[str]) -> dict[int, str]:
    """Each post's snippet for the terms, made by ts_headline only where this process has not
    made it before. A snippet is a function of the text and the terms alone, so one made
    before any write is still right after it; ts_headline parses the whole text, most of a
    results page's query (2.5 of 3 ms at 100,000 posts), and after a write (which empties the
    page cache) the same pages are asked for again."""
    digests = {post.pk: _snippet_key(post.text, terms) for post in posts}
    found = {pk: _snippets_kept.get(key) for pk, key in digests.items()}
    missing = [pk for pk, snippet in found.items() if snippet is None]
    if missing:
        query = SearchQuery(" ".join(terms), config=PG_CONFIG, search_type="plain")
        rows = Post.objects.using(db).filter(pk__in=missing).annotate(headline=_headline(query))
        texts = {post.pk: post.text for post in posts}
        for pk, headline in rows.values_list("pk", "headline"):
            found[pk] = _keep_snippet(digests[pk], _with_ellipses(headline, texts[pk]))
    return {pk: snippet or "" for pk, snippet in found.items()}


def _snippet_key(text: str, terms: list[str]) -> bytes:
    whole = "\n".join(terms) + "\x00" + text
    return hashlib.blake2b(whole.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _keep_snippet(key: bytes, snippet: str) -> str:
    with _snippets_lock:
        _snippets_kept[key] = snippet
        while len(_snippets_kept) > KEPT_SNIPPETS:
            _snippets_kept.popitem(last=False)
    return snippet


def _postgres_broad(terms: list[str]) -> bool:
    """Whether more than `BROAD_MATCHES` posts hold the terms, as on SQLite: ranking all
    94,000 matches of a word most posts contain took 135 ms at 100,000 posts; newest first,
    PostgreSQL walks the date index and stops at the page's last row (under 2 ms). Counted
    on the documents alone, stopping one past the bound."""
    query = SearchQuery(" ".join(terms), config=PG_CONFIG, search_type="plain")
    matching = PostDocument.objects.filter(document=query).values("pk")
    return matching[: BROAD_MATCHES + 1].count() > BROAD_MATCHES


def postgres_matches(
    public: QuerySet[Post], terms: list[str], by_date: bool, headline: bool = True
) -> QuerySet[WithAnnotations[Post, _Ranked]]:
    """The matching public posts in result order, each with `score` and `headline` (empty
    when not `headline`: `_snippets` makes them).

    Matching and ranking read the stored document: computing to_tsvector for every match of a
    common word cost seconds. ts_headline still parses the text, but PostgreSQL puts off costly
    output columns until after ORDER BY ... LIMIT, so it runs for the page of hits only.
    """
    # plainto_tsquery ANDs the words and has no syntax of its own to get wrong.
    query = SearchQuery(" ".join(terms), config=PG_CONFIG, search_type="plain")
    order = ("-published_at", "-id") if by_date else ("-score", "-published_at", "-id")
    return (
        public.filter(search_document__document=query)
        .annotate(
            score=SearchRank(F("search_document__document"), query, cover_density=True),
            headline=_headline(query) if headline else Value(""),
        )
        .order_by(*order)
    )


# PostgreSQL's parser reads `<...>` as an XML tag and ts_headline leaves tags out, which would
# drop text such as "<script>" that a post shows literally: swap the brackets out and back.
_PG_STAND_INS = {"<": "\x04", ">": "\x05"}
_PG_RESTORE = str.maketrans({stand_in: char for char, stand_in in _PG_STAND_INS.items()})


def _headline(query: SearchQuery) -> SearchHeadline:
    text: F | Replace = F("text")
    for char, stand_in in _PG_STAND_INS.items():
        text = Replace(text, Value(char), Value(stand_in))
    return SearchHeadline(
        text,
        query,
        config=PG_CONFIG,
        start_sel=START,
        stop_sel=STOP,
        max_words=SNIPPET_WORDS,
        min_words=SNIPPET_WORDS // 2,
    )


def _with_ellipses(headline: str | None, text: str) -> str:
    """Brackets restored, and a cut at either end marked as FTS5's snippet() does (ts_headline
    has no ellipsis option)."""
    headline = (headline or "").translate(_PG_RESTORE)
    plain = _MARKERS.sub("", headline)
    before = "" if text.startswith(plain) else ELLIPSIS
    after = "" if text.endswith(plain) else ELLIPSIS
    return f"{before}{headline}{after}"


# --- Highlighting ---------------------------------------------------------------------------------


def snippet_html(raw: str) -> SafeString:
    """Turn a marked-up snippet from the database into safe HTML: text escaped, marks balanced."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<mark>{}</mark>", text) if marked else text,)
            for text, marked in _runs(raw)
        ),
    )


def _runs(raw: str) -> Iterator[tuple[str, bool]]:
    """Adjacent segments in one state joined: no `<mark>b</mark><mark>c</mark>`."""
    for marked, group in groupby(_segments(raw), key=itemgetter(1)):
        yield "".join(text for text, _ in group), marked


def _segments(raw: str) -> Iterator[tuple[str, bool]]:
    """Pieces of text and whether each is marked. Markers only set the state and are never
    output, so a stray one from the post's own text cannot unbalance the marks."""
    marked = False
    for piece in _MARKERS.split(raw):
        if piece in (START, STOP):
            marked = piece == START
        elif piece:
            yield _CONTROLS.sub("", piece), marked
