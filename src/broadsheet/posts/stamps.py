"""A per-blog stamp that moves whenever the sidebar's tallies or a label's name move.

After a post write the sidebar is drawn again, and reading the archive's months and the label
counts was most of its queries' time (4 ms at 100,000 posts on the benchmark machine). Most
post writes move no tally (an edit, a comment's moderation, a page), so the reader keeps those
counts under this stamp (`reader.tallied`) and reads them again only when it moved. It is kept
by triggers on the tallies themselves, which the triggers of `posts.tallies` move from every
write path; so no write can move a count without moving the stamp, in the same transaction.

`TallyStamp.blog_id` is a plain number, not a foreign key: deleting a blog deletes its
tallies, whose triggers would write the stamp of a blog being deleted.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

# A random number rather than a count: a count starts again at the same values after a
# rollback or a restore, with other data behind them, and the reader's entries would match.
_BUMP = (
    "INSERT INTO posts_tallystamp (blog_id, n) VALUES ({row}.blog_id, {random}) "
    "ON CONFLICT (blog_id) DO UPDATE SET n = excluded.n;"
)
_SQLITE_RANDOM = "random()"
_PG_RANDOM = "floor(random() * 9007199254740991)::bigint"

# (table, event, the row whose blog moves); a label moves the gadget only by its name.
_WATCHED = [
    ("posts_daytally", "INSERT", "NEW"),
    ("posts_daytally", "UPDATE", "NEW"),
    ("posts_daytally", "DELETE", "OLD"),
    ("posts_labeltally", "INSERT", "NEW"),
    ("posts_labeltally", "UPDATE", "NEW"),
    ("posts_labeltally", "DELETE", "OLD"),
    ("posts_label", "UPDATE OF name", "NEW"),
]


def _name(table: str, event: str) -> str:
    return f"{table}_stamp_{event.split()[0].lower()}"


def _sqlite_create() -> list[str]:
    return [
        f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} FOR EACH ROW "
        f"BEGIN {_BUMP.format(row=row, random=_SQLITE_RANDOM)} END"
        for table, event, row in _WATCHED
    ]


_PG_FUNCTION = f"""
CREATE FUNCTION posts_tally_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    {_BUMP.format(row="OLD", random=_PG_RANDOM)}
  ELSE
    {_BUMP.format(row="NEW", random=_PG_RANDOM)}
  END IF;
  RETURN NULL;
END $$
"""


def _postgres_create() -> list[str]:
    return [_PG_FUNCTION] + [
        f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION posts_tally_stamp()"
        for table, event, _ in _WATCHED
    ]


def _drop(vendor: str) -> list[str]:
    on = " ON {table}" if vendor == "postgresql" else ""
    drops = [
        f"DROP TRIGGER IF EXISTS {_name(table, event)}" + on.format(table=table)
        for table, event, _ in _WATCHED
    ]
    if vendor == "postgresql":
        drops.append("DROP FUNCTION IF EXISTS posts_tally_stamp()")
    return drops


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the stamp's triggers (the migration that adds the stamp)."""
    vendor = connection.vendor
    create = _postgres_create() if vendor == "postgresql" else _sqlite_create()
    with connection.cursor() as cursor:
        for statement in [*_drop(vendor), *create]:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _drop(connection.vendor):
            cursor.execute(statement)


def stamp(connection: BaseDatabaseWrapper, blog_id: int) -> int:
    """The blog's stamp now (0 before its first tally moved)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM posts_tallystamp WHERE blog_id = %s", [blog_id])
        row = cursor.fetchone()
    return int(row[0]) if row else 0
