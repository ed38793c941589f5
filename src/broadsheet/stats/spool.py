"""Where views wait for the worker: append-only, one line per view.

One machine: a file per process under `$BROADSHEET_DATA_DIR/stats/spool`, named by the minute
it was opened in. A writer moves to a new file when the minute turns, so a file two minutes
old is never written again; the worker claims such files by renaming them (a rename is atomic,
so two workers never read one file), reads them, and deletes them once their counts are
committed. Many machines (`REDIS_URL`): one Redis list; the worker claims it by RENAME, and
the next view starts a new list. Either way no append waits for the worker, and none is lost
to it.

Views are counted in memory and written once a second (`Buffer`), with one `os.write` on an
`O_APPEND` descriptor or one `RPUSH`: lines from threads of one process never interleave.
"""

from __future__ import annotations

import atexit
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

REDIS_KEY = "stats:views"
SUFFIX = ".log"
TAKEN = ".taken"
# A file is claimed once its minute is this far behind: the last write into it began (the
# clock was read) in its own minute, some microseconds before the minute turned.
SETTLED_MINUTES = 2
# A claimed file left by a worker that died mid-run is read again after this long.
ORPHAN_SECONDS = 600
# nginx's own files (ops.nginx): the pages it answers from the page mirror never reach the
# app, so nginx writes those reads here itself, in the same line format, one file per hundred
# seconds (`n17961707.log`: nginx can cut digits off a time but cannot divide it by 60).
NGINX_PREFIX = "n"
NGINX_BUCKET_SECONDS = 100


def folder() -> Path:
    return settings.DATA_DIR / "stats" / "spool"


class FileSpool:
    """This process's spool file, reopened when the minute turns or the process forked."""

    def __init__(self) -> None:
        self.fd = -1
        self.minute = -1
        self.pid = -1

    def write(self, data: bytes) -> None:
        minute = int(time.time() // 60)
        if minute != self.minute or os.getpid() != self.pid:
            self.reopen(minute)
        os.write(self.fd, data)

    def reopen(self, minute: int) -> None:
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
        name = f"{minute}-{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}"
        fd = os.open(where / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        old, self.fd, self.minute, self.pid = self.fd, fd, minute, os.getpid()
        if old >= 0:
            os.close(old)


# A view as the recorder saw it: second, blog id, path, referrer, host, user agent.
View = tuple[int, int, str, str, str, str]


class Buffer:
    """Views counted in memory and written out at most a second later, in one write.

    A system call per view cost a third of a cached page's throughput on the benchmark
    machine (bench/RESULTS.md, "Stats"). Views are counted, not formatted: a hot page read by
    many people in one second is one dictionary entry counted up, and each distinct view is
    written as one line (`line`, the recorder's) with how many times it was seen: a hot
    page's second is a line, not ten thousand. The first view after a second has passed
    writes the batch, and a daemon thread does it when views stop coming, as does the
    process's exit. A process killed outright loses its last second of views.
    """

    def __init__(self, line: Callable[[View, int], str]) -> None:
        self.line = line
        self.views: dict[View, int] = {}
        self.lock = threading.Lock()
        self.due = 0.0  # Unix time
        self.flusher: int | None = None  # the pid whose thread is running

    def add(self, view: View, now: float) -> None:
        """Count `view`, seen at Unix time `now`."""
        with self.lock:
            views = self.views
            views[view] = views.get(view, 0) + 1
        if now >= self.due:
            self.flush()

    def flush(self) -> None:
        """Write what is waiting (tests call it instead of waiting for the second)."""
        with self.lock:
            self.due = time.time() + FLUSH_SECONDS
            views, self.views = self.views, {}
            batch = [self.line(view, seen) for view, seen in views.items()]
            if batch:
                _sink(batch)
            if self.flusher != os.getpid():
                self.flusher = os.getpid()
                threading.Thread(target=self._keep_flushing, daemon=True).start()

    def _keep_flushing(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            if self.views:
                self.flush()


FLUSH_SECONDS = 1.0
_file = FileSpool()
_buffer: Buffer | None = None
_redis: Any = None


def buffer(line: Callable[[View, int], str]) -> Buffer:
    """This process's buffer, writing each view as `line` makes it (the recorder's format:
    the spool keeps lines, and knows nothing of what they say)."""
    global _buffer
    if _buffer is None:
        _buffer = Buffer(line)
        atexit.register(_buffer.flush)
    return _buffer


def redis_client() -> Any:
    global _redis
    if _redis is None:
        import redis

        _redis = redis.Redis.from_url(settings.REDIS_URL)
    return _redis


def flush() -> None:
    if _buffer is not None:
        _buffer.flush()


def _sink(batch: list[str]) -> None:
    if settings.REDIS_URL:
        redis_client().rpush(REDIS_KEY, *(line.encode("utf-8", "replace") for line in batch))
    else:
        _file.write("".join(batch).encode("utf-8", "replace"))


# --- the worker's side --------------------------------------------------------------------


def claim_files(now: float) -> list[Path]:
    """Rename the settled files (and orphans of a dead run) to this run's; return them."""
    where = folder()
    if not where.exists():
        return []
    run = secrets.token_hex(4)
    claimed = []
    for path in sorted(where.iterdir()):
        if _claimable(path, now):
            target = path.with_name(f"{path.name}.{run}{TAKEN}")
            try:
                path.rename(target)
            except FileNotFoundError:
                continue  # another run claimed it first
            claimed.append(target)
    return claimed


def _claimable(path: Path, now: float) -> bool:
    if path.name.endswith(SUFFIX) and path.name.startswith(NGINX_PREFIX):
        bucket = path.name[len(NGINX_PREFIX) : -len(SUFFIX)]
        settled = now // NGINX_BUCKET_SECONDS - SETTLED_MINUTES
        return bucket.isdigit() and int(bucket) <= settled
    if path.name.endswith(SUFFIX):
        minute = int(path.name.split("-", 1)[0]) if path.name[0].isdigit() else 0
        return minute <= now // 60 - SETTLED_MINUTES
    if path.name.endswith(TAKEN):
        return path.stat().st_mtime < now - ORPHAN_SECONDS
    return False


def claim_redis() -> str | None:
    """Rename the list of views to this run's key; None when no view is waiting."""
    import redis

    client, key = redis_client(), f"{REDIS_KEY}:taken:{secrets.token_hex(4)}"
    try:
        client.rename(REDIS_KEY, key)
    except redis.ResponseError:
        return None  # no such key: nothing was viewed since the last run
    return key


def redis_lines(key: str) -> Iterator[str]:
    client, start, step = redis_client(), 0, 10_000
    while batch := client.lrange(key, start, start + step - 1):
        yield from (item.decode("utf-8", "replace") for item in batch)
        start += step


def file_lines(paths: list[Path]) -> Iterator[str]:
    for path in paths:
        with path.open(encoding="utf-8", errors="replace") as lines:
            yield from lines
