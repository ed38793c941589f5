"""The posts feed's first page of entries, read with SQL the ORM compiles once per process.

Every reader of the blog's feed (and every feed reader polling it) asks for its first page,
and on a page cache miss building and compiling that queryset was the largest part of the
render: about 2 ms of 7 at 100,000 posts on the benchmark machine, where the query itself
runs in 0.4. The SQL is the ORM's own, compiled from `Post.objects.public` (so visibility
keeps one definition) with a stand-in blog and moment, whose two parameters are then set for
each request; the columns are converted as the ORM converts them (`get_converters`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Expression, QuerySet

from broadsheet.blogs.models import Blog
from broadsheet.blogs.people import shown_name
from broadsheet.core.planned import planned_once
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

# A blog and a moment no request has: their parameters are found by value and replaced.
_SOME_BLOG = -7_346_021
_SOME_MOMENT = dt.datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=dt.UTC)

Converters = dict[int, tuple[list[Callable[..., Any]], Expression]]
EntryRows = Callable[[Blog, dt.datetime, str], QuerySet[Post]]  # blog, moment, order


@dataclass(frozen=True)
class Compiled:
    sql: str
    params: tuple[Any, ...]
    blog_at: int  # where the blog's id goes in `params`
    moment_at: int  # and the moment
    converters: Converters


# (database, order, size) → the compiled query, or None where the parameters were not found
# (the ORM would be asked instead). At most 2 orders by 501 sizes a database.
_compiled: dict[tuple[str, str, int], Compiled | None] = {}


def first_page(
    db: str, blog: Blog, now: dt.datetime, order: str, size: int, rows: EntryRows
) -> list[Post] | None:
    """The first `size` entries of `blog`'s feed at `now`, each with `label_names` and
    `feed_author`; None when this query shape could not be compiled with stand-ins."""
    key = (db, order, size)
    if key not in _compiled:  # two threads may compile it both: the same value
        _compiled[key] = _compile(db, rows(Blog(pk=_SOME_BLOG), _SOME_MOMENT, order)[:size])
    compiled = _compiled[key]
    if compiled is None:
        return None
    connection = connections[db]
    params = list(compiled.params)
    params[compiled.blog_at] = blog.pk
    params[compiled.moment_at] = connection.ops.adapt_datetimefield_value(now)
    with planned_once(connection) as cursor:  # planned once per connection on PostgreSQL
        cursor.execute(compiled.sql, params)
        found = cursor.fetchall()
    return [_entry(db, _converted(row, compiled.converters, connection)) for row in found]


def _compile(db: str, rows: QuerySet[Post]) -> Compiled | None:
    compiler = rows.values_list(*COLUMNS).query.get_compiler(using=db)
    sql, params = compiler.as_sql()
    moment = connections[db].ops.adapt_datetimefield_value(_SOME_MOMENT)
    blogs = [at for at, value in enumerate(params) if value == _SOME_BLOG]
    moments = [at for at, value in enumerate(params) if value == moment]
    if len(blogs) != 1 or len(moments) != 1:
        return None
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(fields)
    return Compiled(sql, tuple(params), blogs[0], moments[0], converters)


def _converted(row: tuple[Any, ...], converters: Converters, connection: Any) -> list[Any]:
    values = list(row)
    for at, (functions, expression) in converters.items():
        value = values[at]
        for function in functions:
            value = function(value, expression, connection)
        values[at] = value
    return values


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
