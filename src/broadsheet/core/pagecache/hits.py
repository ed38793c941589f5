"""Who is told that a reader page went out: the hook the view counter (`stats`) fills in.

The front (`front.PageCacheApp`) knows no model and imports no app, yet every page it answers
(a hit, a 304, or a miss Django rendered and the cache kept) may be a read worth counting.
So the front calls `record` here, and an app that counts registers its recorder at start-up
(`stats.apps.StatsConfig.ready`). A recorder runs on the hot path: it may only look at the
request and append (a line to a file, a push to Redis), never query the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from wsgiref.types import WSGIEnvironment

log = logging.getLogger(__name__)
# (the request, the blog id of the page, the moment the request arrived as Unix time)
Recorder = Callable[[WSGIEnvironment, int, float], None]
_recorders: list[Recorder] = []


def register(recorder: Recorder) -> None:
    """Have `recorder` told of every page the front answers (once, however often called)."""
    if recorder not in _recorders:
        _recorders.append(recorder)


def unregister(recorder: Recorder) -> None:
    if recorder in _recorders:
        _recorders.remove(recorder)


def record(environ: WSGIEnvironment, blog_id: int, now: float) -> None:
    """Tell every recorder; a recorder that fails costs a count, never the reader's page."""
    for recorder in _recorders:
        try:
            recorder(environ, blog_id, now)
        except Exception:
            log.warning("view recorder failed; this view is not counted", exc_info=True)
