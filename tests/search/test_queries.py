"""search: what matches, in what order, how it is highlighted, and what it costs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache import store
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
from broadsheet.reader import tallied
from broadsheet.search import queries
from broadsheet.search.models import PostDocument
from broadsheet.search.queries import (
    MAX_TERMS,
    Hit,
    postgres_matches,
    query_terms,
    snippet_html,
)
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 index")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL index")

HOSTILE = [
    '"',
    '""',
    'garden"',
    "NEAR(",
    "NEAR(garden weather, 2)",
    "title:garden",
    "{title text}: garden",
    "*",
    "gard*",
    "^garden",
    "a OR",
    "OR",
    "AND NOT",
    "-garden",
    "(((",
    ")))",
    "' OR 1=1 --",
    "'; DROP TABLE posts_post; --",
    "%s %% %(x)s",
    "\\",
    "garden\x00weather",
    "\ud800",
    "\x02garden\x03",
    "🌱 garden",
    "x" * 10_000,
    "garden " * 2_000,
]


def search(blog: Blog, query: str, **kwargs: Any) -> tuple[list[Hit], bool]:
    found = queries.search(blog, query, now=NOON, **kwargs)
    return found.hits, found.more


def titles(hits: list[Hit]) -> list[str]:
    return [hit.post.title for hit in hits]


def days_ago(days: int) -> dt.datetime:
    return NOON - dt.timedelta(days=days)


@pytest.fixture
def filler(make_post: MakePost) -> None:
    """Unrelated posts, so that word rarity (which both rankings weigh) behaves as on a real blog."""
    for n in range(6):
        make_post(title=f"Weather {n}", source="Rain again, and wind.", published_at=days_ago(30))


def test_word_in_title_finds_post(make_post: MakePost, blog: Blog) -> None:
    make_post(title="Tomatoes ripening", source="Nothing else to say.")
    hits, more = search(blog, "tomatoes")
    assert titles(hits) == ["Tomatoes ripening"]
    assert more is False


def test_word_in_body_finds_post(make_post: MakePost, blog: Blog) -> None:
    make_post(title="Saturday", source="The *courgettes* are enormous this year.")
    assert titles(search(blog, "courgettes")[0]) == ["Saturday"]


def test_every_word_must_match(make_post: MakePost, blog: Blog) -> None:
    make_post(title="Rain", source="Rain on the roof.")
    make_post(title="Rain and wind", source="Wind in the trees.")
    assert titles(search(blog, "rain wind")[0]) == ["Rain and wind"]


def test_stemming_finds_other_forms_of_a_word(make_post: MakePost, blog: Blog) -> None:
    make_post(title="Notes", source="An hour in the garden.")
    assert titles(search(blog, "gardens")[0]) == ["Notes"]
    assert titles(search(blog, "GARDEN")[0]) == ["Notes"]


def test_title_match_ranks_above_body_match(make_post: MakePost, blog: Blog, filler: None) -> None:
    make_post(title="Garden plans", source="Seeds to order.", published_at=days_ago(3))
    make_post(title="Sunday", source="Walked past the garden gate.", published_at=days_ago(1))
    assert titles(search(blog, "garden")[0]) == ["Garden plans", "Sunday"]


def test_by_date_orders_newest_first(make_post: MakePost, blog: Blog, filler: None) -> None:
    make_post(title="Garden plans", source="Seeds.", published_at=days_ago(3))
    make_post(title="Sunday", source="The garden gate.", published_at=days_ago(1))
    make_post(title="Monday", source="Garden, garden.", published_at=days_ago(2))
    hits, _ = search(blog, "garden", by_date=True)
    assert titles(hits) == ["Sunday", "Monday", "Garden plans"]


def test_snippet_marks_the_matched_word(make_post: MakePost, blog: Blog) -> None:
    make_post(title="Notes", source="We dug in the gardens all afternoon.")
    (hit,), _ = search(blog, "garden")
    assert "<mark>gardens</mark>" in hit.snippet_html
    assert "We dug in the" in hit.snippet_html


def test_snippet_follows_an_edit_of_the_post(make_post: MakePost, blog: Blog) -> None:
    # Snippets are kept between searches (PostgreSQL): by the text they came from.
    post = make_post(title="Notes", source="We dug in the gardens all afternoon.")
    (hit,), _ = search(blog, "garden")
    assert "<mark>gardens</mark> all afternoon" in hit.snippet_html
    post.source = "The garden gate needs oil."
    save_post(post, now=NOON)
    (hit,), _ = search(blog, "garden")
    assert hit.snippet_html == "The <mark>garden</mark> gate needs oil."
    (again,), _ = search(blog, "garden gate")
    assert again.snippet_html == "The <mark>garden</mark> <mark>gate</mark> needs oil."


def test_snippet_of_a_long_body_is_cut_with_ellipses(make_post: MakePost, blog: Blog) -> None:
    words = " ".join(f"word{n}" for n in range(200))
    make_post(title="Long", source=f"{words} marigold {words}")
    (hit,), _ = search(blog, "marigold")
    assert hit.snippet_html.startswith("…")
    assert hit.snippet_html.endswith("…")
    assert "<mark>marigold</mark>" in hit.snippet_html
    assert len(hit.snippet_html) < 600


def test_title_only_match_shows_the_start_of_the_body(make_post: MakePost, blog: Blog) -> None:
    make_post(title="Marigolds", source="Orange flowers by the door.")
    (hit,), _ = search(blog, "marigold")
    assert hit.snippet_html.startswith("Orange flowers")
    assert "<mark>" not in hit.snippet_html


def test_snippet_escapes_html_like_text_of_the_post(make_post: MakePost, blog: Blog) -> None:
    post = make_post(title="Code", source="A garden of `<script>alert(1)</script>` tags.")
    assert "<script>alert(1)</script>" in post.text  # visible text, not markup
    (hit,), _ = search(blog, "garden")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.snippet_html
    assert "<script" not in hit.snippet_html


def test_snippet_html_balances_stray_markers_from_post_text() -> None:
    # A post's own text may contain the control characters used as markers.
    assert snippet_html("a\x03b \x02c\x02d\x03 e\x02f") == "ab <mark>cd</mark> e<mark>f</mark>"
    assert snippet_html("x\x01<b>&") == "x&lt;b&gt;&amp;"


def test_drafts_scheduled_and_other_blogs_posts_do_not_match(
    make_post: MakePost, blog: Blog, other_blog: Blog
) -> None:
    make_post(title="Marigold draft", status=Post.Status.DRAFT, published_at=None)
    make_post(title="Marigold later", published_at=NOON + dt.timedelta(days=1))
    make_post(title="Marigold elsewhere", target=other_blog)
    make_post(title="Marigold now", published_at=NOON)
    assert titles(search(blog, "marigold")[0]) == ["Marigold now"]
    assert titles(search(other_blog, "marigold")[0]) == ["Marigold elsewhere"]


def test_scheduled_post_matches_once_its_time_has_come(make_post: MakePost, blog: Blog) -> None:
    later = NOON + dt.timedelta(days=1)
    make_post(title="Marigold later", published_at=later)
    assert queries.search(blog, "marigold", now=later).hits[0].post.title == "Marigold later"


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_return_without_error(make_post: MakePost, blog: Blog, query: str) -> None:
    make_post(title="Garden weather", source="Rain on the garden, title and text.")
    hits, more = search(blog, query)
    assert isinstance(hits, list)
    assert more is False


@pytest.mark.parametrize("query", ['"garden', "garden*", "(garden)", "title:garden", "-garden"])
def test_punctuation_around_words_is_ignored(make_post: MakePost, blog: Blog, query: str) -> None:
    make_post(title="Garden title", source="Rain.")
    assert titles(search(blog, query)[0]) == ["Garden title"]


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "!!! ???", "(((", '""'])
def test_empty_query_finds_nothing_without_asking_the_database(
    make_post: MakePost, blog: Blog, query: str, django_assert_num_queries: Any
) -> None:
    make_post()
    with django_assert_num_queries(0):
        assert search(blog, query) == ([], False)


def test_long_queries_are_capped() -> None:
    assert len(query_terms(" ".join(f"w{n}" for n in range(1000)))) == MAX_TERMS
    assert query_terms("a" * 10_000) == ["a" * 500]
    assert query_terms("Garden, garden! GARDEN") == ["Garden", "garden", "GARDEN"]


def test_editing_the_title_updates_the_index(make_post: MakePost, blog: Blog) -> None:
    post = make_post(title="Marigolds", source="Orange.")
    post.title = "Nasturtiums"
    save_post(post, now=NOON)
    assert search(blog, "marigold") == ([], False)
    assert titles(search(blog, "nasturtiums")[0]) == ["Nasturtiums"]


def test_editing_the_body_updates_the_index(make_post: MakePost, blog: Blog) -> None:
    post = make_post(title="Notes", source="Marigolds.")
    post.source = "Nasturtiums."
    save_post(post, now=NOON)
    assert search(blog, "marigold") == ([], False)
    assert titles(search(blog, "nasturtium")[0]) == ["Notes"]


def test_deleting_a_post_removes_it(make_post: MakePost, blog: Blog) -> None:
    post = make_post(title="Marigolds")
    post.delete()
    assert search(blog, "marigold") == ([], False)


def test_paging_walks_every_hit_once(make_post: MakePost, blog: Blog) -> None:
    for day in range(5):
        make_post(title=f"Day {day}", source="In the garden.", published_at=days_ago(day))
    pages = [search(blog, "garden", by_date=True, offset=start, limit=2) for start in (0, 2, 4)]
    assert [titles(hits) for hits, _ in pages] == [
        ["Day 0", "Day 1"],
        ["Day 2", "Day 3"],
        ["Day 4"],
    ]
    assert [more for _, more in pages] == [True, True, False]
    assert search(blog, "garden", offset=5, limit=2) == ([], False)


@pytest.mark.parametrize("offset, limit", [(-5, 7), (0, 0), (0, -1), (10**30, 7), (0, 10**30)])
def test_out_of_range_paging_is_harmless(
    make_post: MakePost, blog: Blog, offset: int, limit: int
) -> None:
    make_post(title="Garden")
    hits, more = search(blog, "garden", offset=offset, limit=limit)
    assert len(hits) <= 1
    assert more is False


def count_queries(blog: Blog) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        hits, _ = search(blog, "garden", limit=100)
        for hit in hits:
            assert hit.post.author is not None
            assert [label.name for label in hit.post.labels.all()] == ["Flowers", "Outside"]
    return len(hits), len(queries)


def test_queries_do_not_grow_with_the_number_of_hits(make_post: MakePost, blog: Blog) -> None:
    make_post(title="Garden 0", labels=("Flowers", "Outside"))
    one = count_queries(blog)
    for n in range(1, 30):
        make_post(title=f"Garden {n}", labels=("Flowers", "Outside"), published_at=days_ago(n))
    thirty = count_queries(blog)
    assert (one[0], thirty[0]) == (1, 30)
    assert one[1] == thirty[1] <= 4  # SQLite: count, page, posts, labels


@on_sqlite
def test_sqlite_index_agrees_with_the_posts_table(make_post: MakePost) -> None:
    kept = make_post(title="Kept", source="One.")
    edited = make_post(title="Edited", source="Two.")
    make_post(title="Deleted").delete()
    edited.source = "Three."
    save_post(edited, now=NOON)
    Post.objects.filter(pk=kept.pk).update(comment_count=3)
    with connection.cursor() as cursor:
        # Raises "database disk image is malformed" if the index and posts_post disagree.
        cursor.execute(
            "INSERT INTO search_post_fts(search_post_fts, rank) VALUES ('integrity-check', 1)"
        )


@on_postgres
def test_postgres_matches_on_the_stored_document_through_its_index(
    make_post: MakePost, blog: Blog
) -> None:
    make_post()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    query = SearchQuery("garden", config="english", search_type="plain")
    assert "search_post_document_gin" in PostDocument.objects.filter(document=query).explain()
    for by_date in (False, True):
        matches = postgres_matches(Post.objects.public(blog, NOON), ["garden"], by_date)
        plan = matches.explain(verbose=True)
        assert "search_post_document.document @@" in plan
        # Neither matching nor ranking parses a post again: that is what made it slow.
        assert "to_tsvector" not in plan


@on_postgres
@pytest.mark.parametrize("fields", [(), ("title", "permalink", "published_at")])
def test_the_first_page_compiled_once_is_the_orms_page(
    make_post: MakePost, blog: Blog, other_blog: Blog, filler: None, fields: tuple[str, ...]
) -> None:
    """The first page comes from SQL the ORM compiled once (`queries._first_page`); each
    search still sends its own words and moment, and gets the posts, order and scores the
    queryset gives, whatever the words, the order, the size or the blog."""
    make_post(title="Garden plans", source="Seeds, garden <b>gate</b>.", published_at=days_ago(3))
    make_post(title="Sunday", source="The garden gate.", published_at=days_ago(1))
    make_post(title="Later garden", source="Garden gate.", published_at=NOON + dt.timedelta(days=1))
    make_post(title="Draft garden", source="Garden.", status=Post.Status.DRAFT)
    make_post(title="Elsewhere garden", source="Garden gate.", target=other_blog)
    for words, by_date, limit in [
        ("garden", False, 7), ("garden", True, 2), ("gate garden", False, 1), ("rain", True, 7),
        ("nothing-matches", False, 7), ("' OR 1=1 --", False, 3),
    ]:  # fmt: skip
        with CaptureQueriesContext(connection) as sent:
            found = queries.search(
                blog, words, now=NOON, by_date=by_date, limit=limit, fields=fields
            )
        terms = query_terms(words)
        public = Post.objects.public(blog, NOON)
        expected = list(postgres_matches(public, terms, by_date, headline=False)[: limit + 1])
        assert [(hit.post.pk, hit.post.title) for hit in found.hits] == [
            (post.pk, post.title) for post in expected[:limit]
        ], words
        assert [hit.post.score for hit in found.hits] == [post.score for post in expected[:limit]]  # type: ignore[attr-defined]
        assert found.more == (len(expected) > limit)
        # Planned for its words: the words and the moment are in the statement sent.
        page = [q["sql"] for q in sent.captured_queries if "ts_rank_cd" in q["sql"]]
        assert len(page) == 1 and " ".join(terms).replace("'", "''") in page[0], page
    assert queries._first_page.cache_info().currsize >= 2


@on_sqlite
@pytest.mark.parametrize("fields", [(), ("title", "permalink", "published_at")])
def test_the_sqlite_page_compiled_once_is_the_orms_page(
    make_post: MakePost,
    blog: Blog,
    other_blog: Blog,
    filler: None,
    fields: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On SQLite the public posts' subquery and the page's posts by id come from SQL the ORM
    compiled once (`queries._sqlite_inner`, `queries._sqlite_by_id`); each search still sends
    its own blog and moment, and gets the posts, order, columns, authors and snippets that
    the querysets built for it give, ranked or newest first, broad or not, at any size."""
    make_post(title="Garden plans", source="Seeds, garden <b>gate</b>.", published_at=days_ago(3))
    make_post(title="Sunday", source="The garden gate.", published_at=days_ago(1))
    make_post(title="Later garden", source="Garden gate.", published_at=NOON + dt.timedelta(days=1))
    make_post(title="Draft garden", source="Garden.", status=Post.Status.DRAFT)
    make_post(title="Elsewhere garden", source="Garden gate.", target=other_blog)
    asked = [
        (blog, "garden", NOON, False, 7), (blog, "garden", NOON, True, 2),
        (blog, "gate garden", NOON, False, 1), (other_blog, "garden", NOON, False, 7),
        (blog, "garden", NOON + dt.timedelta(days=2), True, 7), (blog, "rain", NOON, True, 7),
        (blog, "nothing-matches", NOON, False, 7), (blog, "' OR 1=1 --", NOON, False, 3),
    ]  # fmt: skip

    def shown(found: queries.Results) -> list[Any]:
        posts = [hit.post for hit in found.hits]
        columns = fields or ("title", "permalink", "published_at", "author_id", "body_html")
        rows = [
            (*(getattr(post, name) for name in columns), sorted(post.get_deferred_fields()))
            for post in posts
        ]
        authors = [post.author.username for post in posts] if not fields else []
        return [rows, authors, [hit.snippet_html for hit in found.hits], found.more, found.by_date]

    for broad in (5_000, 2):  # ranked, and too broad to rank (the date index's walk)
        monkeypatch.setattr(queries, "BROAD_MATCHES", broad)
        once = [
            shown(queries.search(b, words, now=now, by_date=by_date, limit=limit, fields=fields))
            for b, words, now, by_date, limit in asked
        ]
        assert once[0][0] and once[3][0] and once[4][0], "the cases find posts"
        assert len(once[4][0]) == len(once[0][0]) + 1, "the moment sent sees the later post"
        with monkeypatch.context() as orm:  # what the querysets give, built for each search
            orm.setattr(queries, "_sqlite_inner", lambda alias: None)
            orm.setattr(queries, "_sqlite_by_id", lambda size, fields, alias: None)
            each = [
                shown(queries.search(b, w, now=now, by_date=d, limit=limit, fields=fields))
                for b, w, now, d, limit in asked
            ]
        assert once == each, broad
    assert queries._sqlite_by_id.cache_info().currsize >= 2


def test_a_word_in_too_many_posts_comes_newest_first(
    make_post: MakePost, blog: Blog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "BROAD_MATCHES", 2)
    make_post(title="Garden plans", source="Garden, garden.", published_at=days_ago(3))
    make_post(title="Sunday", source="The garden gate.", published_at=days_ago(1))
    make_post(title="Monday", source="A garden.", published_at=days_ago(2))
    make_post(title="Draft garden", status=Post.Status.DRAFT)
    found = queries.search(blog, "garden", now=NOON)
    assert found.by_date is True
    assert titles(found.hits) == ["Sunday", "Monday", "Garden plans"]
    assert "<mark>garden</mark>" in found.hits[0].snippet_html
    pages = [queries.search(blog, "garden", now=NOON, offset=n, limit=2) for n in (0, 2)]
    assert [titles(page.hits) for page in pages] == [["Sunday", "Monday"], ["Garden plans"]]
    assert [page.more for page in pages] == [True, False]
    # A rarer word is still ranked.
    narrow = queries.search(blog, "gate", now=NOON)
    assert (narrow.by_date, titles(narrow.hits)) == (False, ["Sunday"])


@on_sqlite
def test_a_common_word_missing_from_the_newest_posts_is_still_found_in_order(
    make_post: MakePost, blog: Blog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "BROAD_MATCHES", 1)
    monkeypatch.setattr(queries, "RECENT_WINDOW", 2)  # the newest two hold no garden
    make_post(title="Kale", source="Kale.", published_at=days_ago(1))
    make_post(title="Beans", source="Beans.", published_at=days_ago(2))
    make_post(title="New garden", source="Garden.", published_at=days_ago(3))
    make_post(title="Old garden", source="Garden.", published_at=days_ago(5))
    make_post(title="Oldest garden", source="Garden.", published_at=days_ago(6))
    found = queries.search(blog, "garden", now=NOON, limit=2)
    assert (titles(found.hits), found.more) == (["New garden", "Old garden"], True)


def test_a_post_that_makes_a_word_common_is_seen_at_once(
    make_post: MakePost, blog: Blog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PostgreSQL keeps whether a query is too broad to rank until the blog's next write.
    monkeypatch.setattr(queries, "BROAD_MATCHES", 2)
    for day in (1, 2):
        make_post(title=f"Garden {day}", source="Garden.", published_at=days_ago(day))
    blog.refresh_from_db()
    assert queries.search(blog, "garden", now=NOON).by_date is False
    with CaptureQueriesContext(connection) as again:
        assert queries.search(blog, "garden", now=NOON).by_date is False
    counted = [q["sql"] for q in again.captured_queries if "COUNT(*)" in q["sql"].upper()]
    assert len(counted) == (0 if connection.vendor == "postgresql" else 1)
    make_post(title="Garden 3", source="Garden.", published_at=days_ago(3))
    blog.refresh_from_db()  # as the next request reads it
    assert queries.search(blog, "garden", now=NOON).by_date is True


def test_the_breadth_outlives_a_write_that_moves_no_posts_words(
    make_post: MakePost, blog: Blog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kept under the blog's stamps too (PostgreSQL; SQLite counts each time): a write that
    # moved no public post's words or place (a setting here) keeps the breadth; a post
    # deleted moves it.
    monkeypatch.setattr(queries, "BROAD_MATCHES", 2)
    for day in (1, 2, 3):
        make_post(title=f"Garden {day}", source="Garden.", published_at=days_ago(day))
    blog.refresh_from_db()

    def find() -> tuple[bool, int]:
        with CaptureQueriesContext(connection) as seen:
            found = queries.search(blog, "garden", now=NOON, stamps=tallied.stamps_of)
        counts = [q for q in seen.captured_queries if "COUNT(*)" in q["sql"].upper()]
        return found.by_date, len(counts)

    assert find() == (True, 1)
    bump_content_version(blog)
    assert find() == (True, 0 if connection.vendor == "postgresql" else 1)
    Post.objects.get(title="Garden 3").delete()
    bump_content_version(blog)
    assert find() == (False, 1)


@on_postgres
def test_the_first_search_after_a_new_post_finds_its_breadth_counted_by_the_write(
    make_post: MakePost,
    blog: Blog,
    monkeypatch: pytest.MonkeyPatch,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The write counts the breadth of the blog's recent searches once it commits (as it draws
    # the layout): the next reader counts nothing, and still sees the new post, in the order
    # its count calls for (here the post that makes the word too common to rank).
    monkeypatch.setattr(queries, "BROAD_MATCHES", 2)
    for day in (2, 3):
        make_post(title=f"Garden {day}", source="Garden.", published_at=days_ago(day))

    def read() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as seen:
            page = client.get("/search", {"q": "garden"}).content.decode()
        return page, len(counted(seen.captured_queries))

    def counted(queries: list[dict[str, str]]) -> list[str]:  # the matches counted
        return [q["sql"] for q in queries if "COUNT(*) FROM (SELECT" in q["sql"].upper()
                and "search_post_document" in q["sql"]]  # fmt: skip

    page, counted_now = read()
    assert ("sorted by relevance" in page, counted_now) == (True, 1)
    with django_capture_on_commit_callbacks(execute=True):
        make_post(title="Garden 1", source="Garden.", published_at=days_ago(1))
    page, counted_now = read()
    assert ("sorted by date for query" in page, counted_now) == (True, 0)
    assert page.index("Garden 1") < page.index("Garden 2") < page.index("Garden 3")
    store.clear()  # nothing kept: the reader counts, and draws the same page
    assert read() == (page, 1)
    # A write that moves no post (a draft) counts nothing again.
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as w:
        make_post(title="Draft", source="Garden.", status=Post.Status.DRAFT)
    assert counted(w.captured_queries) == []
    assert read() == (page, 0)


def test_posts_out_of_sight_among_the_newest_hide_no_match(
    make_post: MakePost, blog: Blog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The newest-first walk is bounded by the blog's dated posts of any state: trashed ones
    # fill the window here, and the public matches are still found, in order.
    monkeypatch.setattr(queries, "BROAD_MATCHES", 1)
    monkeypatch.setattr(queries, "RECENT_WINDOW", 2)
    for day in (1, 2):
        make_post(title=f"Trashed {day}", source="Garden.", published_at=days_ago(day))
    Post.objects.filter(title__startswith="Trashed").update(status=Post.Status.TRASH)
    for day in (3, 4, 5):
        make_post(title=f"Garden {day}", source="Garden.", published_at=days_ago(day))
    found = queries.search(blog, "garden", now=NOON, limit=2)
    assert (titles(found.hits), found.more) == (["Garden 3", "Garden 4"], True)
    everything = queries.search(blog, "garden", now=NOON, limit=1, offset=2)
    assert (titles(everything.hits), everything.more) == (["Garden 5"], False)


def test_the_results_page_says_why_it_is_sorted_by_date(
    make_post: MakePost, blog: Blog, monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    monkeypatch.setattr(queries, "BROAD_MATCHES", 1)
    make_post(title="Garden plans", source="Garden.", published_at=days_ago(3))
    make_post(title="Sunday", source="The garden gate.", published_at=days_ago(1))
    page = client.get("/search", {"q": "garden"}).content.decode()
    assert "sorted by date for query <strong>garden</strong>: so many posts" in page
    assert "Sort by relevance" not in page
    assert page.index("Sunday") < page.index("Garden plans")
