"""Content versions in the shared cache, and this process's copies of entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import F

from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache import store
from broadsheet.core.pagecache.http import build_entry
from broadsheet.core.pagecache.versions import BoardVersions

pytestmark = pytest.mark.django_db


def entry(blog_id: int, version: int, expires: float = 2e9) -> store.Entry:
    headers = [("Content-Type", "text/html")]
    return build_entry(blog_id, version, expires, "200 OK", headers, b"<p>x</p>", now=1e9)


def test_announcements_out_of_order_leave_the_newest_version(blog: Blog) -> None:
    # Two writes committed 2 then 3, but the one that made 2 announces last.
    Blog.objects.filter(pk=blog.pk).update(content_version=3)
    store.announce_version(blog.pk, 3, Blog.committed_version)
    store.announce_version(blog.pk, 2, Blog.committed_version)
    assert store.versions().get(blog.pk) == 3


def test_a_missing_version_is_filled_in_from_the_database(blog: Blog) -> None:
    store.ensure_version(blog.pk, Blog.committed_version)
    assert store.versions().get(blog.pk) == blog.content_version


def test_a_miss_never_overwrites_a_version_already_announced(blog: Blog) -> None:
    # A miss reads the version late (after rendering) and only fills a gap: a commit that
    # slipped in between announces itself, and must not be undone.
    store.versions().set(blog.pk, 7)
    Blog.objects.filter(pk=blog.pk).update(content_version=F("content_version") + 10)
    store.ensure_version(blog.pk, Blog.committed_version)
    assert store.versions().get(blog.pk) == 7


def test_an_entry_is_fresh_only_at_the_current_version_and_before_it_expires(blog: Blog) -> None:
    store.announce_version(blog.pk, blog.content_version, Blog.committed_version)
    store.keep("k", entry(blog.pk, blog.content_version, expires=1e9 + 50), now=1e9)
    assert store.fresh("k", now=1e9 + 10) is not None
    assert store.fresh("k", now=1e9 + 50) is None
    store.versions().set(blog.pk, blog.content_version + 1)
    assert store.fresh("k", now=1e9 + 10) is None


def test_another_process_s_entry_is_found_in_the_shared_cache(blog: Blog) -> None:
    store.announce_version(blog.pk, blog.content_version, Blog.committed_version)
    store.keep("k", entry(blog.pk, blog.content_version), now=1e9)
    store.local.clear()
    found = store.fresh("k", now=1e9)
    assert found is not None and found.body == b"<p>x</p>"
    assert store.local.get("k") == found


def test_local_entries_stay_within_their_limit() -> None:
    entries = store.LocalEntries(limit=2)
    for key in "abc":
        entries.put(key, entry(1, 1))
    assert list(entries.entries) == ["b", "c"]


def test_an_unreadable_shared_cache_is_a_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> object:
        raise ConnectionError("redis is down")

    with monkeypatch.context() as patch:
        patch.setattr(store, "shared", broken)
        assert store.fresh("k", now=1e9) is None


def test_the_version_board_is_shared_through_its_file(tmp_path: Path) -> None:
    writer, reader = BoardVersions(tmp_path / "v"), BoardVersions(tmp_path / "v")
    assert reader.get(3) is None
    writer.set(3, 41)
    assert reader.get(3) == 41
    writer.set(10_000, 5)  # past the first stretch of the file: the reader maps it again
    assert reader.get(10_000) == 5
    assert not reader.add(3, 1) and reader.get(3) == 41
    assert reader.add(4, 1) and writer.get(4) == 1
    writer.clear()
    assert reader.get(3) is None


def test_the_version_board_reopens_after_a_fork(tmp_path: Path) -> None:
    board = BoardVersions(tmp_path / "v")
    board.set(1, 2)
    board.forget()  # what a forked child does first
    assert board.get(1) == 2
