"""Django's file cache, without listing its whole folder on every write.

`FileBasedCache.set` lists the folder before each write to see whether it holds more than
`MAX_ENTRIES` files. The page cache keeps up to 5,000 entries there (pages and parts of
pages), so on a busy blog every page kept and every sidebar drawn paid for globbing thousands
of names: at 500 files that listing was already the dearest part of keeping a part of a page
after a post write (bench/RESULTS.md, issue 20). Here the folder is counted on one write in
`CULL_EVERY`, so it may pass `MAX_ENTRIES` by that many writes per process before it is culled.
"""

from __future__ import annotations

import itertools
import random

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 64


class FileCache(FileBasedCache):
    """The file cache with a cheap write: the limit is checked every `CULL_EVERY` writes."""

    def __init__(self, dir: str, params: dict[str, object]) -> None:
        super().__init__(dir, params)
        self._writes = itertools.count()  # `next` on it is atomic under the GIL

    def _cull(self) -> None:
        # The first write of a process checks, so a restart never leaves an overfull folder.
        if next(self._writes) % CULL_EVERY:
            return
        names: list[str] = self._list_cache_files()  # type: ignore[attr-defined]
        excess = len(names) - self._max_entries
        if excess < 0:
            return
        # Back under the limit, and the share Django would free besides, since the folder may
        # grow by CULL_EVERY writes before the next check (CULL_FREQUENCY 0: empty it).
        room = self._max_entries // self._cull_frequency if self._cull_frequency else len(names)
        for name in random.sample(names, min(len(names), excess + room)):
            self._delete(name)  # type: ignore[attr-defined]
