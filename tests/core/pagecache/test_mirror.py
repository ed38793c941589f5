"""Pages kept as files for nginx: written on a miss, dropped from nginx's view on a write."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.utils.http import http_date

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache import mirror as page_files
from broadsheet.core.pagecache import store
from broadsheet.core.pagecache.mirror import file_for, search_file
from tests.conftest import NOON, MakeComment, MakePost
from tests.core.pagecache.conftest import Front

pytestmark = pytest.mark.django_db


@pytest.fixture
def mirror(settings: Any, tmp_path: Path) -> Path:
    settings.PAGE_MIRROR_DIR = str(tmp_path)
    return tmp_path


def served(mirror: Path, host: str, path: str) -> bytes | None:
    """What nginx would find for the request, following the links as it does."""
    relative = file_for(path)
    assert relative is not None
    try:
        return (mirror / "hosts" / host / relative).read_bytes()
    except OSError:
        return None


@pytest.mark.parametrize(
    ("path", "file"),
    [
        ("/", "index.page"),
        ("/2024/10/beans.html", "2024/10/beans.html.page"),
        ("/2024/10/", "2024/10/index.page"),
        ("/search/label/Seed Saving", "search/label/Seed Saving.page"),
        ("/feeds/posts/default", "feeds/posts/default.page"),
    ],
)
def test_paths_map_to_files_that_cannot_collide(path: str, file: str) -> None:
    assert file_for(path) == Path(file)


@pytest.mark.parametrize(
    "path", ["/../etc/passwd", "/a/../b", "/a//b", "/..", "/a\x00b", "x", "/.q/search/leeks"]
)
def test_paths_that_could_escape_get_no_file(path: str) -> None:
    assert file_for(path) is None


def test_a_page_is_written_where_nginx_looks(
    front: Front, mirror: Path, make_post: MakePost
) -> None:
    post = make_post("Leeks")
    for path in ("/", post.permalink):
        page = front.get(path, host="localhost")
        assert served(mirror, "localhost", path) == page.body


@pytest.mark.parametrize(
    ("path", "ending"),
    [
        ("/", page_files.SUFFIX),
        ("post", page_files.SUFFIX),
        ("/search?q=leeks", page_files.SUFFIX),
        ("/feeds/posts/default", ".atom"),  # dated as the feed dates itself
        ("/sitemap.xml", ".xml"),
    ],
)
def test_each_file_has_its_gzipped_copy_beside_it_dated_as_it_is(
    front: Front, mirror: Path, make_post: MakePost, path: str, ending: str
) -> None:
    """What nginx sends a browser (`gzip_static`): the same page, gzipped once."""
    post = make_post("Leeks", published_at=NOON)
    path = post.permalink if path == "post" else path
    answer = front.get(path, host="localhost")
    assert answer.status == 200
    relative = search_file("/search", "q=leeks") if "?" in path else file_for(path, ending)
    assert relative is not None
    kept = mirror / "hosts" / "localhost" / relative
    packed = kept.with_name(kept.name + page_files.GZIP)
    assert gzip.decompress(packed.read_bytes()) == kept.read_bytes() == answer.body
    assert packed.stat().st_size < kept.stat().st_size
    assert packed.stat().st_mtime == kept.stat().st_mtime


def test_a_file_gzip_cannot_shrink_has_no_copy(mirror: Path) -> None:
    """nginx then sends the file itself, as it would have."""
    page_files.write(1, 1, "localhost", "/robots.txt", b"User-agent: *\n", ".txt")
    page_files.point_if_absent(1, 1)
    kept = mirror / "hosts" / "localhost" / "robots.txt.txt"
    assert kept.read_bytes() == b"User-agent: *\n"
    assert not kept.with_name(kept.name + page_files.GZIP).exists()


def test_a_write_takes_the_files_out_of_nginx_s_view_at_once(
    front: Front,
    mirror: Path,
    make_post: MakePost,
    make_comment: MakeComment,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = make_post()
    front.get(post.permalink, host="localhost")
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(post, "Blight on the potatoes.")
    assert served(mirror, "localhost", post.permalink) is None
    fresh = front.get(post.permalink, host="localhost")
    assert "Blight on the potatoes." in fresh.text
    assert served(mirror, "localhost", post.permalink) == fresh.body


def test_old_versions_are_removed(
    front: Front,
    blog: Blog,
    mirror: Path,
    make_post: MakePost,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_post()
    for _ in range(3):
        front.get("/", host="localhost")
        with django_capture_on_commit_callbacks(execute=True):
            bump_content_version(blog)
    versions = sorted(folder.name for folder in (mirror / "blogs" / str(blog.pk)).glob("v*"))
    assert len(versions) <= 2


@pytest.mark.parametrize(
    "request_headers",
    [{"host": "localhost:8000"}, {"host": "localhost", "x_forwarded_proto": "https"}],
)
def test_only_bare_hosts_on_the_site_s_scheme_are_written(
    front: Front, mirror: Path, make_post: MakePost, settings: Any, request_headers: dict[str, str]
) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    make_post()
    assert front.get("/", **request_headers).status == 200
    assert not (mirror / "hosts").exists()


def test_queries_stay_with_the_app(front: Front, mirror: Path, make_post: MakePost) -> None:
    make_post()
    front.get("/?max-results=1", host="localhost")
    front.get("/feeds/posts/default?alt=rss", host="localhost")
    assert not (mirror / "blogs").exists() or not [p for p in (mirror / "blogs").rglob("*.*")]


@pytest.mark.parametrize("label", ["Küche", "日本"])
def test_a_page_whose_address_is_not_ascii_is_kept_under_its_own_name(
    front: Front, mirror: Path, make_post: MakePost, label: str
) -> None:
    """A server hands the path over as latin-1 (PEP 3333) and Django puts it back into the
    environ decoded: the file is named from the path as it arrived, not from Django's."""
    make_post("Leeks", labels=(label,))
    path = f"/search/label/{label}"
    answer = front.get(path.encode().decode("latin-1"), host="localhost")
    assert answer.status == 200 and label in answer.text
    assert served(mirror, "localhost", path) == answer.body
    names = {kept.name for kept in mirror.rglob("*.page")}
    assert names == {f"{label}.page"}


@pytest.mark.parametrize(
    ("asked", "words"),
    [("q=leeks", "leeks"), ("q=leeks+in+rows", "leeks+in+rows"), ("q=caf%C3%A9", "caf%C3%A9")],
)
def test_a_search_for_words_is_kept_under_the_words_as_sent(
    front: Front, mirror: Path, make_post: MakePost, asked: str, words: str
) -> None:
    make_post("Leeks", source="Leeks in rows at the café.")
    answer = front.get("/search?" + asked, host="localhost")
    assert answer.status == 200 and "Leeks" in answer.text
    kept = mirror / "hosts" / "localhost" / ".q" / "search" / f"{words}.page"
    assert kept.read_bytes() == answer.body


def test_a_search_s_file_is_dated_as_its_answer(
    front: Front, mirror: Path, make_post: MakePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    """nginx sends the file's time as its Last-Modified: the app's answer gave its own, and a
    reader's If-Modified-Since must mean the same to both (the file was written a second
    after the answer was dated, as happens across a second's edge: here, an hour)."""
    make_post("Leeks", source="Leeks in rows.")
    an_hour_ago = time.time() - 3600
    monkeypatch.setattr(store, "wall_clock", lambda: an_hour_ago)
    answer = front.get("/search?q=leeks", host="localhost")
    kept = mirror / "hosts" / "localhost" / ".q" / "search" / "leeks.page"
    assert http_date(kept.stat().st_mtime) == answer.headers["Last-Modified"]


@pytest.mark.parametrize(
    "asked",
    [
        "q=leeks&max-results=1",  # more than the words: the app answers
        "q=leeks&q=beans",
        "q=",  # no words: the listing, under a query
        "q=" + "x" * 201,
        "label=Leeks",
    ],
)
def test_other_searches_are_not_kept(
    front: Front, mirror: Path, make_post: MakePost, asked: str
) -> None:
    make_post("Leeks", labels=("Leeks",))
    assert front.get("/search?" + asked, host="localhost").status == 200
    assert not list(mirror.rglob("*.page"))


def test_search_files_are_bounded_per_version(
    front: Front, mirror: Path, make_post: MakePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client inventing words cannot fill the disk: past the bound the app answers them."""
    monkeypatch.setattr(page_files, "MAX_SEARCHES", 3)
    make_post("Leeks")
    for word in ("leeks", "beans", "kale", "chard", "peas"):
        assert front.get(f"/search?q={word}", host="localhost").status == 200
    kept = sorted(
        path.name for path in (mirror / "hosts" / "localhost" / ".q" / "search").iterdir()
    )
    # Each with its gzipped copy, which is not counted as a search of its own.
    assert kept == [f"{word}.page{gz}" for word in ("beans", "kale", "leeks") for gz in ("", ".gz")]


def _pager_link(answer: Any, rel: str) -> str:
    """The address a listing's pager links to (`rel="next"`: Older Posts)."""
    found = re.search(rf'href="([^"]+)" rel="{rel}"', answer.text)
    assert found is not None, rel
    return html.unescape(found.group(1))


@pytest.mark.parametrize("listing", ["/", "/search/label/Garden", "/2024/10/"])
def test_older_and_newer_posts_are_kept_under_the_pager_s_query(
    front: Front, mirror: Path, make_post: MakePost, listing: str
) -> None:
    """The pages a reader paging back reaches, at the addresses the pager writes: the home
    page's at /search, a label's and an archive's at their own, each under its query."""
    for day in range(7):
        make_post(f"Day {day}", labels=("Garden",), published_at=NOON - dt.timedelta(days=day))
    older = _pager_link(front.get(listing, host="localhost"), "next")
    answer = front.get(older, host="localhost")
    assert answer.status == 200 and "Day 3" in answer.text
    path, _, query = older.partition("?")
    assert query.startswith("updated-max=") and path == (listing if listing != "/" else "/search")
    parts = [part for part in path.split("/") if part]
    kept = mirror / "hosts" / "localhost" / ".q" / "paged" / Path(*parts) / f"{query}.page"
    assert kept.read_bytes() == answer.body
    newer = _pager_link(answer, "prev")
    assert newer.partition("?")[2].startswith("updated-min=")
    answer = front.get(newer, host="localhost")
    assert answer.status == 200
    assert (kept.parent / f"{newer.partition('?')[2]}.page").read_bytes() == answer.body


@pytest.mark.parametrize(
    "asked",
    [
        "/search?updated-max=2024-10-17T05%3A00%3A00-07%3A00&max-results=3&m=1",  # more
        "/search?max-results=3&updated-max=2024-10-17T05%3A00%3A00-07%3A00",  # not the pager's
        "/search?updated-max=2024-10-17T05:00:00-07:00&max-results=3",  # not its encoding
        "/search?updated-max=2024-10-17&max-results=3",
        "/?updated-max=2024-10-17T05%3A00%3A00-07%3A00&max-results=3",  # the home page's own
        "/p/about.html?updated-max=2024-10-17T05%3A00%3A00-07%3A00&max-results=3",
    ],
)
def test_other_paged_queries_are_not_kept(
    front: Front, mirror: Path, make_post: MakePost, asked: str
) -> None:
    for day in range(4):
        make_post(f"Day {day}", published_at=NOON - dt.timedelta(days=day))
    assert front.get(asked, host="localhost").status in (200, 404)
    assert not (mirror / "blogs").exists() or not list(mirror.glob("blogs/*/v*/.q/paged"))


def test_listing_page_files_are_bounded_per_version(
    front: Front, mirror: Path, make_post: MakePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crawler walking the blog back page by page fills no disk: past the bound, counted
    over every listing's pages, the app answers them."""
    monkeypatch.setattr(page_files, "MAX_PAGED", 3)
    for day in range(8):
        make_post(f"Day {day}", labels=("Garden",), published_at=NOON - dt.timedelta(days=day))
    for listing in ("/search", "/search/label/Garden"):
        for day in (1, 3, 5):
            moment = (NOON - dt.timedelta(days=day)).isoformat()
            query = urlencode({"updated-max": moment, "max-results": 2})
            assert front.get(f"{listing}?{query}", host="localhost").status == 200
    kept = list((mirror / "hosts" / "localhost" / ".q" / "paged").rglob("*.page"))
    assert len(kept) == 3


def test_the_paged_pattern_nginx_uses_is_the_mirror_s() -> None:
    query = "updated-max=2024-10-17T05%3A00%3A00.250000%2B05%3A30&max-results=20"
    assert page_files.paged_file("/2024/", query) == Path(f".q/paged/2024/{query}.page")
    assert page_files.paged_file("/search/label/A+B", query) == Path(
        f".q/paged/search/label/A+B/{query}.page"
    )
    assert page_files.paged_file("/search/label/..", query) is None
    assert page_files.paged_file("/2024/10/beans.html", query) is None


def test_the_search_pattern_nginx_uses_is_the_mirror_s() -> None:
    assert search_file("/search", "q=leeks") == Path(".q/search/leeks.page")
    assert search_file("/search/", "q=leeks") is None
    assert search_file("/", "q=leeks") is None


@pytest.mark.parametrize(
    ("path", "ending"),
    [
        ("/feeds/posts/default", ".atom"),
        ("/rss.xml", ".rss"),
        ("/feed.json", ".feed"),
        ("/robots.txt", ".txt"),
    ],
)
def test_feeds_and_robots_are_kept_under_the_ending_of_their_type(
    front: Front, mirror: Path, make_post: MakePost, path: str, ending: str
) -> None:
    make_post()
    answer = front.get(path, host="localhost")
    assert answer.status == 200
    relative = file_for(path, ending)
    assert relative is not None
    assert (mirror / "hosts" / "localhost" / relative).read_bytes() == answer.body


def test_a_feed_s_file_is_dated_as_the_feed_dates_itself(
    front: Front, mirror: Path, make_post: MakePost
) -> None:
    make_post(published_at=NOON)
    answer = front.get("/feeds/posts/default", host="localhost")
    relative = file_for("/feeds/posts/default", ".atom")
    assert relative is not None
    written = (mirror / "hosts" / "localhost" / relative).stat().st_mtime
    assert http_date(written) == answer.headers["Last-Modified"]


def test_a_blog_with_a_scheduled_post_is_not_written(
    front: Front, mirror: Path, make_post: MakePost
) -> None:
    make_post()
    make_post("Later", published_at=NOON + dt.timedelta(days=3650))
    front.get("/", host="localhost")
    assert served(mirror, "localhost", "/") is None


def test_a_hit_writes_the_file_nginx_is_missing(
    front: Front, mirror: Path, make_post: MakePost, django_assert_num_queries: Any
) -> None:
    make_post()
    page = front.get("/", host="localhost")
    for leftover in (mirror / "blogs").rglob("*.page"):
        leftover.unlink()  # the folder emptied while the cache stayed warm
    with django_assert_num_queries(0):
        assert front.get("/", host="localhost").body == page.body
    assert served(mirror, "localhost", "/") == page.body
