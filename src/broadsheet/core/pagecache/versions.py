"""Each blog's content version, where every app process can read it on every cache hit.

With Redis (REDIS_URL) the versions sit in the shared cache beside the pages. Without it, on
one machine, they sit in a small memory-mapped file under the data folder: eight bytes per
blog id, read with one memory access, written by whichever process commits a change (an app
worker, the task worker, a `broadsheet` command). Reading a version is the one thing every
hit does, so it must cost about nothing; Django's file cache would open, unpickle and
decompress a file each time, some fifty times as slow.

Zero in the file means "unknown": the next miss fills it in from the database.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import sys
import threading
from pathlib import Path
from typing import Protocol

from django.core.cache import BaseCache

SLOT = 8  # bytes per blog: an unsigned 64-bit version, native order, aligned
GROWTH = 4096  # slots added at a time


class Versions(Protocol):
    def get(self, blog_id: int) -> int | None: ...
    def set(self, blog_id: int, version: int) -> None: ...
    def add(self, blog_id: int, version: int) -> bool: ...
    def clear(self) -> None: ...


class CacheVersions:
    """Versions as keys of a Django cache (Redis): shared by every machine."""

    def __init__(self, cache: BaseCache) -> None:
        self.cache = cache

    @staticmethod
    def key(blog_id: int) -> str:
        return f"pagecache:version:{blog_id}"

    def get(self, blog_id: int) -> int | None:
        found = self.cache.get(self.key(blog_id))
        return found if isinstance(found, int) else None

    def set(self, blog_id: int, version: int) -> None:
        self.cache.set(self.key(blog_id), version, timeout=None)

    def add(self, blog_id: int, version: int) -> bool:
        return bool(self.cache.add(self.key(blog_id), version, timeout=None))

    def clear(self) -> None:
        """Nothing of its own to do: the versions go when the shared cache is cleared."""


class BoardVersions:
    """Versions in a memory-mapped file: shared by every process on this machine.

    Readers take no lock: an aligned eight-byte load is atomic on the machines we run on, and
    versions only grow, so a reader sees the old version or the new one. Writers serialise
    on an advisory lock, which also makes `add` a true add-if-absent.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.fd = -1
        self.map: mmap.mmap | None = None
        self.slots: memoryview | None = None
        # A forked worker opens its own descriptor and mapping.
        os.register_at_fork(after_in_child=self.forget)

    def forget(self) -> None:
        self.fd, self.map, self.slots = -1, None, None

    def get(self, blog_id: int) -> int | None:
        slots = self.slots  # every hit asks: the mapped file is looked at only when it must be
        if slots is None or blog_id >= len(slots):
            slots = self._slots(blog_id)
            if slots is None:
                return None
        return int(slots[blog_id]) or None

    def set(self, blog_id: int, version: int) -> None:
        with self._writing(blog_id):
            self._write(blog_id, version)

    def add(self, blog_id: int, version: int) -> bool:
        with self._writing(blog_id):
            if self.get(blog_id) is not None:
                return False
            self._write(blog_id, version)
            return True

    def clear(self) -> None:
        # Zeros, never a shorter file: touching a mapped page past the end is a SIGBUS.
        with self._writing(0):
            os.pwrite(self.fd, bytes(os.fstat(self.fd).st_size), 0)

    def _write(self, blog_id: int, version: int) -> None:
        os.pwrite(self.fd, version.to_bytes(SLOT, sys.byteorder), blog_id * SLOT)

    def _slots(self, blog_id: int) -> memoryview | None:
        if self.fd < 0:
            self._open()
        if self.slots is None or blog_id >= len(self.slots):
            self._remap()
        if self.slots is None or blog_id >= len(self.slots):
            return None
        return self.slots

    def _open(self) -> None:
        with self.lock:
            if self.fd >= 0:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.map = self.slots = None
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    def _remap(self) -> None:
        with self.lock:
            size = os.fstat(self.fd).st_size
            if size < SLOT or (self.slots is not None and size // SLOT <= len(self.slots)):
                return
            self.map = mmap.mmap(self.fd, size - size % SLOT, mmap.MAP_SHARED, mmap.PROT_READ)
            self.slots = memoryview(self.map).cast("Q")

    def _writing(self, blog_id: int) -> _Writing:
        if self.fd < 0:
            self._open()
        return _Writing(self, blog_id)


class _Writing:
    """Holds the file's write lock, with the file long enough for `blog_id`."""

    def __init__(self, board: BoardVersions, blog_id: int) -> None:
        self.board, self.blog_id = board, blog_id

    def __enter__(self) -> None:
        fcntl.flock(self.board.fd, fcntl.LOCK_EX)
        needed = (self.blog_id // GROWTH + 1) * GROWTH * SLOT
        if os.fstat(self.board.fd).st_size < needed:
            os.ftruncate(self.board.fd, needed)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.board.fd, fcntl.LOCK_UN)
