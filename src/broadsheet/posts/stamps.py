"""Per-blog stamps that move whenever something the sidebar's gadgets show moves.

After a post write the sidebar is drawn again, and reading what its gadgets show (the
archive's months, the label counts, the featured post, the pages, the authors, Popular
Posts) was a dozen small queries, 6 to 8 ms on the benchmark machine. Most post writes move
little of it (an edit of a post's body moves only what the featured post and Popular Posts
show; a comment moderated or a setting, none), so the reader keeps that data under these
stamps (`reader.tallied.kept`) and reads it again only when one it shows moved. They are kept
by triggers, in the transaction of whatever writes (the actions, the Django admin, imports,
restores, bulk updates), so no write can move what a gadget shows without moving its stamp:

- the tallies (`posts.tallies`, moved by every public post's coming, going or day) and a
  label's name: the archive and the labels;
- a public post's time, status, blog or byline: the featured post and the authors;
- a public post's title, snippet, address or body: the featured post and Popular Posts;
- any page: the pages list;
- a profile, or a person's name: the authors (every blog's stamp, as these are rare);
- `history`: the day tallies, but only those of days before the database's current UTC day,
  and a public post's byline. A new post, or one going up today, leaves it alone, so the
  archive's closed months, the older posts' neighbours and the authors of the older posts,
  kept under it, are not read again after every post (`reader.tallied.month_counts`).

The stamp is a random number drawn again, not a count: a count starts again at the same values
after a rollback or a restore, with other data behind them, and the reader's entries would
match. `TallyStamp.blog_id` is a plain number, not a foreign key: deleting a blog deletes its
tallies, whose triggers write the stamp of a blog being deleted.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

# Each stamp and what moves it; the reader keys each gadget's data on the ones it shows.
STAMPS = ("counts", "posts", "pages", "people", "history")
_SQLITE_RANDOM = "random()"
_PG_RANDOM = "floor(random() * 9007199254740991)::bigint"


def _insert(names: tuple[str, ...]) -> str:
    return f"INSERT INTO posts_tallystamp (blog_id, {', '.join(names)}) "


def _bump(stamp: str, row: str, random: str, names: tuple[str, ...] = STAMPS) -> str:
    """Draw `stamp` again for `row`'s blog, or for every blog when `row` is empty."""
    if not row:
        return f"UPDATE posts_tallystamp SET {stamp} = {random};"  # noqa: S608 - our own names
    values = ", ".join(random if name == stamp else "0" for name in names)
    return (
        f"{_insert(names)}VALUES ({row}.blog_id, {values}) "
        f"ON CONFLICT (blog_id) DO UPDATE SET {stamp} = excluded.{stamp};"
    )


_PUBLIC = "({row}.status IN ('published', 'scheduled') AND {row}.published_at IS NOT NULL)"


def _public_post_moved(columns: tuple[str, ...]) -> str:
    either = f"({_PUBLIC.format(row='OLD')} OR {_PUBLIC.format(row='NEW')})"
    return (
        f"{either} AND (" + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns) + ")"
    )


# A public post's time, status, blog or byline: which posts are public now and whose they are
# (the current day's count is read from the posts, so a time moved within a day counts too).
_POST_PLACE = _public_post_moved(("published_at", "status", "blog_id", "author_id", "author_name"))
# What the featured post and Popular Posts show of a post (the thumbnail is the body's first
# image).
_POST_FACE = _public_post_moved(("title", "snippet", "permalink", "body_html"))
_NAMES = ("username", "first_name", "last_name", "date_joined")
_USER_NAMED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _NAMES)

# (trigger, table, event, when or "", stamp, the row whose blog moves or "" for every blog)
_WATCHED = [
    ("posts_daytally_stamp_insert", "posts_daytally", "INSERT", "", "counts", "NEW"),
    ("posts_daytally_stamp_update", "posts_daytally", "UPDATE", "", "counts", "NEW"),
    ("posts_daytally_stamp_delete", "posts_daytally", "DELETE", "", "counts", "OLD"),
    ("posts_labeltally_stamp_insert", "posts_labeltally", "INSERT", "", "counts", "NEW"),
    ("posts_labeltally_stamp_update", "posts_labeltally", "UPDATE", "", "counts", "NEW"),
    ("posts_labeltally_stamp_delete", "posts_labeltally", "DELETE", "", "counts", "OLD"),
    ("posts_label_stamp_update", "posts_label", "UPDATE OF name", "", "counts", "NEW"),
    # A post moved to another blog moves the old one's tally too.
    ("posts_post_stamp_place", "posts_post", "UPDATE", _POST_PLACE, "counts", "NEW"),
    ("posts_post_stamp_face", "posts_post", "UPDATE", _POST_FACE, "posts", "NEW"),
    ("posts_page_stamp_insert", "posts_page", "INSERT", "", "pages", "NEW"),
    ("posts_page_stamp_update", "posts_page", "UPDATE", "", "pages", "NEW"),
    ("posts_page_stamp_delete", "posts_page", "DELETE", "", "pages", "OLD"),
    # People belong to no one blog, and change their names rarely: every blog's stamp.
    ("blogs_profile_stamp_insert", "blogs_profile", "INSERT", "", "people", ""),
    ("blogs_profile_stamp_update", "blogs_profile", "UPDATE", "", "people", ""),
    ("blogs_profile_stamp_delete", "blogs_profile", "DELETE", "", "people", ""),
    ("auth_user_stamp_update", "auth_user", "UPDATE", _USER_NAMED, "people", ""),
]


# --- history: the days before today ---------------------------------------------------------

# The database's current UTC day, as each database compares it with a tally's day.
_TODAY = {"sqlite": "date('now')", "postgresql": "(now() AT TIME ZONE 'UTC')::date"}


def _history(vendor: str) -> list[tuple[str, str, str, str, str, str]]:
    """The triggers that move `history`, in `_WATCHED`'s shape, for `vendor`'s dialect.

    The day tallies: every public post's coming, going, day, time or blog moves its day's
    tally (a time moved within its day moves it down and up again), so nothing that moves a
    day before today can miss them; and a public post's byline, whatever its day."""
    before = "{0} < " + _TODAY.get(vendor, _TODAY["sqlite"])
    return [
        ("posts_daytally_history_insert", "posts_daytally", "INSERT", before.format("NEW.day"),
         "history", "NEW"),
        ("posts_daytally_history_update", "posts_daytally", "UPDATE",
         f"({before.format('OLD.day')} OR {before.format('NEW.day')})", "history", "NEW"),
        ("posts_daytally_history_delete", "posts_daytally", "DELETE", before.format("OLD.day"),
         "history", "OLD"),
        # A public post's byline moves no tally (the authors are kept under `history` too).
        ("posts_post_history_byline", "posts_post", "UPDATE",
         _public_post_moved(("author_id", "author_name")), "history", "NEW"),
    ]  # fmt: skip


def _all(vendor: str, names: tuple[str, ...] = STAMPS) -> list[tuple[str, str, str, str, str, str]]:
    """The triggers of the stamps in `names` (those whose columns the table has)."""
    return [row for row in [*_WATCHED, *_history(vendor)] if row[4] in names]


def _made(connection: BaseDatabaseWrapper) -> tuple[str, ...]:
    """The stamps the table has columns for: a database migrated to 0009 has no `history`
    (the migrations install the triggers with the code of the day)."""
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "posts_tallystamp")
    present = {column.name for column in columns}
    return tuple(name for name in STAMPS if name in present)


def _sqlite_create(names: tuple[str, ...]) -> list[str]:
    return [
        f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
        + (f"WHEN {when.replace('IS DISTINCT FROM', 'IS NOT')} " if when else "")
        + f"BEGIN {_bump(stamp, row, _SQLITE_RANDOM, names)} END"
        for name, table, event, when, stamp, row in _all("sqlite", names)
    ]


def _pg_function(name: str, stamp: str, row: str, names: tuple[str, ...]) -> str:
    """One function per stamp and row (PostgreSQL's trigger functions take no columns)."""
    if row:
        body = f"IF TG_OP = 'DELETE' THEN {_bump(stamp, 'OLD', _PG_RANDOM, names)} "
        body += f"ELSE {_bump(stamp, 'NEW', _PG_RANDOM, names)} END IF;"
    else:
        body = _bump(stamp, "", _PG_RANDOM, names)
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} RETURN NULL; END $$"
    )


def _postgres_create(names: tuple[str, ...]) -> list[str]:
    return [
        statement
        for name, table, event, when, stamp, row in _all("postgresql", names)
        for statement in (
            _pg_function(name, stamp, row, names),
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
            + (f"WHEN ({when}) " if when else "")
            + f"EXECUTE FUNCTION {name}()",
        )
    ]


def _drop(vendor: str) -> list[str]:
    if vendor != "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name}" for name, *_ in _all(vendor)]
    return [
        statement
        for name, table, *_ in _all(vendor)
        for statement in (
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"DROP FUNCTION IF EXISTS {name}()",
        )
    ]


def _seed(vendor: str, names: tuple[str, ...]) -> str:
    """A stamp for every blog there is, so that a change of a person's name, which moves
    every stamp there is, moves theirs too."""
    random = _PG_RANDOM if vendor == "postgresql" else _SQLITE_RANDOM
    return (
        f"{_insert(names)}SELECT id, {', '.join([random] * len(names))} FROM blogs_blog "  # noqa: S608
        "WHERE true ON CONFLICT (blog_id) DO NOTHING"
    )


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the stamp's triggers (the migration that adds the stamp)."""
    vendor, names = connection.vendor, _made(connection)
    create = _postgres_create(names) if vendor == "postgresql" else _sqlite_create(names)
    with connection.cursor() as cursor:
        for statement in [*_drop(vendor), *create, _seed(vendor, names)]:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _drop(connection.vendor):
            cursor.execute(statement)


def stamps(connection: BaseDatabaseWrapper, blog_id: int) -> dict[str, int]:
    """The blog's stamps now, by name (0 before anything they watch moved)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(STAMPS)} FROM posts_tallystamp WHERE blog_id = %s",  # noqa: S608
            [blog_id],
        )
        row = cursor.fetchone()
    return dict(zip(STAMPS, row or [0] * len(STAMPS), strict=True))


def columns_of(blog_id: str) -> list[str]:
    """The stamps of the blog whose id is the SQL `blog_id`, as subqueries in `STAMPS`' order,
    for a query that reads them with the blog's own row (NULL before anything moved)."""
    return [
        f"(SELECT s.{name} FROM posts_tallystamp AS s WHERE s.blog_id = {blog_id})"  # noqa: S608 - our own names
        for name in STAMPS
    ]


def trigger_names() -> set[str]:
    """The triggers `install` makes (`posts.triggers` looks for them after every migrate)."""
    return {name for name, *_ in _all("sqlite")}


def move_all(connection: BaseDatabaseWrapper) -> None:
    """Draw every stamp of every blog again: what they watch may have moved unseen."""
    random = _PG_RANDOM if connection.vendor == "postgresql" else _SQLITE_RANDOM
    moved = ", ".join(f"{name} = {random}" for name in _made(connection))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE posts_tallystamp SET {moved}")  # noqa: S608 - our own names
