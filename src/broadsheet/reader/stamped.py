"""Parts of a post's page kept in the process under the post's stamp: its comment thread
(`reader.thread.kept`) and its likes and boosts (`reader.views.reactions`).

The stamp (`prepared.THREAD_STAMP`, read in the post's own query) is a number the database's
triggers draw again, in the transaction of any write, whenever a comment the thread shows or a
counted reaction is made, deleted, moved or changed (`publish.poststamps`), whoever writes:
the actions, the Django admin, an import, raw SQL. So what a key names never changes and a
kept part needs no check. A comment or a like anywhere on a blog moves its content version,
and every page misses after it; the parts of every other post are as they were, and reading
them again cost a post page's miss its comments' query, tree and HTML and two counting
queries (round trips that cost most on PostgreSQL, bench/RESULTS.md, session 16).

Kept in the process, not the shared cache: writing a hundred comments' HTML there (pickled
and compressed) cost more than drawing it, on the one miss after a comment on the post.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from broadsheet.reader import prepared

T = TypeVar("T")

# Part of every key: a release that changes what a part holds changes it.
FORMAT = 1
# What the process keeps in all, in characters of HTML (a count is a few), the least recently
# shown going first; a part longer than an eighth of it (a thread of thousands) is drawn each
# time.
RECENT_CHARACTERS = 4_000_000
_recent: dict[Hashable, Any] = {}
_sizes: dict[Hashable, int] = {}
_recent_size = [0]
_recent_lock = threading.Lock()  # a server may answer from several threads


def kept(
    blog: Blog,
    post: Post,
    part: tuple[Hashable, ...],
    draw: Callable[[], T],
    size: Callable[[T], int],
) -> T:
    """`draw()`, kept under the post's stamp and `part` (everything else the value is drawn
    from: a thread names the post's address, whether replies are open, the blog's zone, time
    format and language); drawn every time for a post without a stamp (none kept, or nothing
    written under it since stamps were)."""
    stamp = getattr(post, prepared.THREAD_STAMP, None)
    if stamp is None:
        return draw()
    # The blog and the post by id and creation time: a post (or a blog, on SQLite) that
    # reuses a deleted one's id is another.
    key = (FORMAT, blog.pk, blog.created_at, post.pk, post.created_at, stamp, *part)
    with _recent_lock:
        found = _recent.pop(key, _recent)
        if found is not _recent:
            _recent[key] = found  # now the most recently shown
            return found  # type: ignore[no-any-return,unused-ignore]  # what `draw` returned
    value = draw()
    _keep(key, value, max(1, size(value)))
    return value


def _keep(key: Hashable, value: Any, size: int) -> None:
    if size > RECENT_CHARACTERS // 8:
        return
    with _recent_lock:
        if key in _recent:  # another thread drew it meanwhile
            return
        _recent[key], _sizes[key] = value, size
        _recent_size[0] += size
        while _recent_size[0] > RECENT_CHARACTERS:
            oldest = next(iter(_recent))
            del _recent[oldest]
            _recent_size[0] -= _sizes.pop(oldest)
