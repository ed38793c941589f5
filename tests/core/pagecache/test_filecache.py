"""The page cache's file store: Django's file cache, counted on one write in `CULL_EVERY`."""

from __future__ import annotations

from pathlib import Path

from broadsheet.core.pagecache.filecache import CULL_EVERY, FileCache


def files(folder: Path) -> int:
    return len(list(folder.glob("*.djcache")))


def test_entries_are_kept_and_read_back(tmp_path: Path) -> None:
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10}})
    cache.set("sidebar", "<aside>kept</aside>", timeout=60)
    assert cache.get("sidebar") == "<aside>kept</aside>"


def test_a_full_folder_is_culled_within_cull_every_writes(tmp_path: Path) -> None:
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    for n in range(CULL_EVERY + 1):
        cache.set(f"part-{n}", n, timeout=60)
    # Past the limit for CULL_EVERY writes at most, then back under it at the next check.
    assert files(tmp_path) <= 10
    cache.set("after", "still written", timeout=60)
    assert cache.get("after") == "still written"
