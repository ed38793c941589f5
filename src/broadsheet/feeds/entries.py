"""The posts feed's first page of entries, read with SQL the ORM compiles once per process.

Every reader of the blog's feed (and every feed reader polling it) asks for its first page,
and on a page cache miss building and compiling that queryset was the largest part of the
render: about 2 ms of 7 at 100,000 posts on the benchmark machine, where the query itself
runs in 0.4. The SQL is the ORM's own, compiled from `Post.objects.public` (so visibility
keeps one definition) with a stand-in blog and moment, whose two parameters are then set for
each request; the columns are converted as the ORM converts them (`core.compiled`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from broadsheet.blogs.models import Blog
from broadsheet.blogs.people import shown_name
from broadsheet.core import compiled
from broadsheet.posts.models import Post

# What an entry shows of its post, in the model's field order (`Model.from_db` wants that),
# then its label names and what its author is shown by.
_WANTED = {
    *("id", "blog_id", "author_id", "author_name", "title", "permalink", "body_html"),
    *("snippet", "published_at", "created_at", "updated_at", "source_id"),
    *("comments_allowed", "comments_hidden", "comment_count"),
}
POST_COLUMNS = tuple(f.attname for f in Post._meta.concrete_fields if f.attname in _WANTED)
AUTHOR_COLUMNS = (
    *("author__username", "author__first_name", "author__last_name"),
    "author__profile__display_name",
)
COLUMNS = (*POST_COLUMNS, "label_names", *AUTHOR_COLUMNS)

# A blog and a moment no request has: they stand where each request's own go.
_SOME_BLOG = -7_346_021
_SOME_MOMENT = dt.datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC)

EntryRows = Callable[[Blog, dt.datetime, str], QuerySet[Post]]  # blog, moment, order


@functools.lru_cache(maxsize=1024)  # at most 2 orders by 501 sizes a database
def _compiled(db: str, order: str, size: int, rows: EntryRows) -> compiled.Compiled | None:
    entries = rows(Blog(pk=_SOME_BLOG), _SOME_MOMENT, order)[:size].values_list(*COLUMNS)
    return compiled.compile_once(entries, [_SOME_BLOG, _SOME_MOMENT], connections[db])


def first_page(
    db: str, blog: Blog, now: dt.datetime, order: str, size: int, rows: EntryRows
) -> list[Post] | None:
    """The first `size` entries of `blog`'s feed at `now`, each with `label_names` and
    `feed_author`; None when this query shape could not be compiled with stand-ins."""
    found = _compiled(db, order, size, rows)
    if found is None:
        return None
    # Planned once per connection on PostgreSQL (`core.compiled`).
    return [
        _entry(db, list(row)) for row in compiled.values(found, [blog.pk, now], connections[db])
    ]


def _entry(db: str, values: list[Any]) -> Post:
    """The post, as `Post.display_author` would name its author (with no query for it)."""
    count = len(POST_COLUMNS)
    post = Post.from_db(db, POST_COLUMNS, values[:count])
    post.label_names = values[count]  # type: ignore[attr-defined]
    username, first, last, display = values[count + 1 :]
    full = f"{first or ''} {last or ''}".strip()  # as `User.get_full_name`
    shown = shown_name(display or "", full, username) if username is not None else ""
    post.feed_author = post.author_name or shown or "Unknown"  # type: ignore[attr-defined]
    return post
