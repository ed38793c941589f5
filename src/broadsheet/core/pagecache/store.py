"""Where cached pages and each blog's content version are kept.

An entry is a rendered page with the blog id and content version it was rendered at, and the
time it expires (the blog's next scheduled publish at the latest). It is valid while the
blog's current version, read from the shared cache, is still the one it was rendered at.

Entries live in Django's cache alias `settings.PAGE_CACHE_ALIAS` (Redis when REDIS_URL is set,
shared by every process on every machine; otherwise files under the data folder, shared by
every process on this machine) and in this process's memory, so that a hit reads only the
blog's version (`versions`), never the page's bytes, from outside the process. That copy
cannot go stale: it is checked against the shared version on every hit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches

from broadsheet.core.pagecache import mirror
from broadsheet.core.pagecache.versions import BoardVersions, CacheVersions, Versions

log = logging.getLogger(__name__)
V = TypeVar("V")
# Reads a blog's content version as the database holds it now (None: no such blog).
Committed = Callable[[int], "int | None"]


class Entry(NamedTuple):
    blog_id: int
    version: int
    expires: float  # Unix time
    status: str  # the WSGI status line, "200 OK"
    headers: list[tuple[str, str]]  # everything but the validators' answer to a 304
    not_modified_headers: list[tuple[str, str]]
    body: bytes
    etag: str
    last_modified: float  # Unix time, whole seconds
    # No scheduled post was waiting: the page may also be kept as a file for nginx (`mirror`).
    lasting: bool = False


def shared() -> BaseCache:
    return caches[settings.PAGE_CACHE_ALIAS]


_versions: Versions | None = None


def versions() -> Versions:
    """Redis's keys when REDIS_URL is set, else the memory-mapped file under the data folder."""
    global _versions
    if _versions is None:
        if settings.REDIS_URL:
            _versions = CacheVersions(shared())
        else:
            _versions = BoardVersions(settings.DATA_DIR / "cache" / "versions")
    return _versions


class LocalEntries(Generic[V]):
    """This process's copies of entries (pages, or the parts of pages: `fragment`), oldest
    dropped first past `limit`.

    Plain dict reads need no lock (the GIL makes them atomic); only a write that may drop
    another entry takes it.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.entries: dict[str, V] = {}
        self.lock = threading.Lock()

    def get(self, key: str) -> V | None:
        return self.entries.get(key)

    def put(self, key: str, entry: V) -> None:
        with self.lock:
            self.entries.pop(key, None)
            while len(self.entries) >= self.limit > 0:
                del self.entries[next(iter(self.entries))]
            if self.limit > 0:
                self.entries[key] = entry

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


local = LocalEntries[Entry](limit=getattr(settings, "PAGE_CACHE_LOCAL_ENTRIES", 500))

# A part of pages kept in the shared cache (a blog's layout, its Popular Posts): the value, and
# the Unix time until which it holds.
Kept = tuple[Any, float]
# This process's copies of them: a blog's layout is some tens of KB.
fragments = LocalEntries[Kept](limit=64)


def fragment(key: str, moment: float) -> Kept | None:
    """The part kept at `key` if it still holds at `moment` (Unix time), else None.

    Read from the shared cache once, then from this process's copy until it stops holding:
    reading the layout meant opening its file, inflating and unpickling some tens of KB on
    every page miss (0.15 ms at 100,000 posts, as much as the page's own query). A key names
    the version its part was drawn at (`reader.pagecache.remember`), so no write can make a
    copy wrong; at the end of its time, when a scheduled post goes up, the shared cache is
    read again. May raise what the shared cache raises."""
    found = fragments.get(key)
    if found is not None and moment < found[1]:
        return found
    found = shared().get(key)
    if not (isinstance(found, tuple) and len(found) == 2 and moment < found[1]):
        return None
    fragments.put(key, found)
    return found


def keep_fragment(key: str, kept: Kept, moment: float) -> None:
    """Keep a part in this process and in the shared cache until its time (`fragment`). May
    raise what the shared cache raises; this process's copy is kept all the same."""
    fragments.put(key, kept)
    shared().set(key, kept, timeout=max(1, int(kept[1] - moment)))


def fresh(key: str, now: float) -> Entry | None:
    """The entry for `key` if the blog has not changed since it was rendered and it has not
    expired; otherwise None. No database query, whatever happens."""
    try:
        return _fresh(key, now)
    except Exception:
        # A cache that cannot be read is a miss (Django renders the page), not an error page.
        log.warning("page cache unreadable; rendering instead", exc_info=True)
        return None


def _fresh(key: str, now: float) -> Entry | None:
    entry = local.entries.get(key)
    if entry is not None and now < entry.expires and _current(entry):
        return entry
    entry = shared().get(key)
    if entry is None or now >= entry.expires:
        return None
    if not _current(entry):
        return None
    local.put(key, entry)
    return entry


def earlier(key: str) -> Entry | None:
    """The entry last kept for `key`, current or not, if the cache still holds it."""
    entry = local.entries.get(key)
    if entry is not None:
        return entry
    try:
        found = shared().get(key)
    except Exception:
        return None  # unreadable: `fresh` has said so already
    return found if isinstance(found, Entry) else None


def _current(entry: Entry) -> bool:
    return versions().get(entry.blog_id) == entry.version


def keep(key: str, entry: Entry, now: float) -> None:
    """Store a freshly rendered entry in this process and in the shared cache."""
    local.put(key, entry)
    try:
        shared().set(key, entry, timeout=max(1, int(entry.expires - now)))
    except Exception:
        log.warning("page cache unwritable; the page stays in this process only", exc_info=True)


def announce_version(blog_id: int, version: int, committed: Committed) -> None:
    """Publish a blog's new content version to every process (runs after the bump commits).

    Two bumps of one blog can commit in one order and announce in the other, so each announcer
    reads the committed version back after writing (`committed(blog_id)`, the database's
    answer: this library knows no model), and writes again until what it wrote is what the
    database holds: the last announcement then always leaves the newest version.
    """
    while True:
        versions().set(blog_id, version)
        mirror.point(blog_id, version)
        latest = committed(blog_id)
        if latest is None or latest == version:
            return
        version = latest


def ensure_version(blog_id: int, committed: Committed) -> None:
    """After a miss, make sure the shared cache knows the blog's version (it may have been
    evicted or never written): the one committed now, and only if no announcement came first.
    """
    if versions().get(blog_id) is not None:
        return
    latest = committed(blog_id)
    if latest is not None and versions().add(blog_id, latest):
        mirror.point_if_absent(blog_id, latest)


def clear() -> None:
    """Forget every entry and version (tests; `broadsheet` has no command for it)."""
    local.clear()
    fragments.clear()
    shared().clear()
    versions().clear()


def wall_clock() -> float:
    return time.time()
