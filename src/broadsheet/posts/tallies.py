"""The triggers that keep the sidebar's tallies (`DayTally`, `LabelTally`) in step with posts.

Counting a blog's posts by month and by label read every public post: 120 to 150 ms at 100,000
posts, paid by the first reader after every post write. The tallies make that read a few
small lookups (`reader.tallied`). They are kept by the database itself, in the transaction of
whatever writes a post or its labels: the actions, the Django admin, imports and restores
(bulk inserts and deletes), a `QuerySet.update`; no write path can forget them.

What is tallied is a post's public *status* (published or scheduled, with a time), not its
being public now: a scheduled post becomes public with no write at all, so readers take off
the few posts whose time is still to come (cheap: they are the end of the posts' index).

Deleting a post, Django deletes its label rows first, while the post still has its status:
that is when its labels' tallies move down.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

PUBLIC = "('published', 'scheduled')"  # Post.Status.PUBLISHED, Post.Status.SCHEDULED


def _public(row: str) -> str:
    return f"({row}.status IN {PUBLIC} AND {row}.published_at IS NOT NULL)"


def _moved(old: str = "OLD", new: str = "NEW") -> str:
    return (
        f"({new}.status IS NOT {old}.status OR {new}.published_at IS NOT {old}.published_at "
        f"OR {new}.blog_id IS NOT {old}.blog_id)"
    )


# --- SQLite: stores times as UTC text, so a post's UTC day is its first ten characters ------

_SQLITE_DAY_UP = (
    "INSERT INTO posts_daytally (blog_id, day, n) "
    "VALUES (NEW.blog_id, substr(NEW.published_at, 1, 10), 1) "
    "ON CONFLICT (blog_id, day) DO UPDATE SET n = n + 1;"
)
_SQLITE_DAY_DOWN = (
    "UPDATE posts_daytally SET n = n - 1 "
    "WHERE blog_id = OLD.blog_id AND day = substr(OLD.published_at, 1, 10);"
)
_SQLITE_LABELS_UP = (
    "INSERT INTO posts_labeltally (label_id, blog_id, n) "
    "SELECT pl.label_id, l.blog_id, 1 FROM posts_post_labels AS pl "
    "JOIN posts_label AS l ON l.id = pl.label_id WHERE pl.post_id = NEW.id "
    "ON CONFLICT (label_id) DO UPDATE SET n = n + 1;"
)
_SQLITE_LABELS_DOWN = (
    "UPDATE posts_labeltally SET n = n - 1 "
    "WHERE label_id IN (SELECT label_id FROM posts_post_labels WHERE post_id = OLD.id);"
)
_SQLITE_ROW_LABEL = "EXISTS (SELECT 1 FROM posts_post AS p WHERE p.id = {row}.post_id AND {public})"

SQLITE_TRIGGERS = [
    ("posts_tally_insert", "AFTER INSERT ON posts_post", _public("NEW"), _SQLITE_DAY_UP),
    ("posts_tally_delete", "AFTER DELETE ON posts_post", _public("OLD"), _SQLITE_DAY_DOWN),
    (
        "posts_tally_leave",
        "AFTER UPDATE OF status, published_at, blog_id ON posts_post",
        f"{_public('OLD')} AND {_moved()}",
        _SQLITE_DAY_DOWN,
    ),
    (
        "posts_tally_enter",
        "AFTER UPDATE OF status, published_at, blog_id ON posts_post",
        f"{_public('NEW')} AND {_moved()}",
        _SQLITE_DAY_UP,
    ),
    (
        "posts_tally_labels_leave",
        "AFTER UPDATE OF status, published_at ON posts_post",
        f"{_public('OLD')} AND NOT {_public('NEW')}",
        _SQLITE_LABELS_DOWN,
    ),
    (
        "posts_tally_labels_enter",
        "AFTER UPDATE OF status, published_at ON posts_post",
        f"{_public('NEW')} AND NOT {_public('OLD')}",
        _SQLITE_LABELS_UP,
    ),
    (
        "posts_tally_label_add",
        "AFTER INSERT ON posts_post_labels",
        _SQLITE_ROW_LABEL.format(row="NEW", public=_public("p")),
        "INSERT INTO posts_labeltally (label_id, blog_id, n) "
        "SELECT NEW.label_id, l.blog_id, 1 FROM posts_label AS l WHERE l.id = NEW.label_id "
        "ON CONFLICT (label_id) DO UPDATE SET n = n + 1;",
    ),
    (
        "posts_tally_label_remove",
        "AFTER DELETE ON posts_post_labels",
        _SQLITE_ROW_LABEL.format(row="OLD", public=_public("p")),
        "UPDATE posts_labeltally SET n = n - 1 WHERE label_id = OLD.label_id;",
    ),
]


def _sqlite_create() -> list[str]:
    return [
        f"CREATE TRIGGER {name} {when} FOR EACH ROW WHEN {condition} BEGIN {body} END"
        for name, when, condition, body in SQLITE_TRIGGERS
    ]


# --- PostgreSQL: one function per table, the same rules -------------------------------------

_PG_DAY = "(({row}.published_at AT TIME ZONE 'UTC')::date)"

_PG_POST_FUNCTION = f"""
CREATE FUNCTION posts_tally_post() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was boolean := TG_OP <> 'INSERT' AND {_public("OLD")};
  now_is boolean := TG_OP <> 'DELETE' AND {_public("NEW")};
  moved boolean := TG_OP <> 'UPDATE'
    OR (NEW.status, NEW.published_at, NEW.blog_id)
       IS DISTINCT FROM (OLD.status, OLD.published_at, OLD.blog_id);
BEGIN
  IF was AND moved THEN
    UPDATE posts_daytally SET n = n - 1
    WHERE blog_id = OLD.blog_id AND day = {_PG_DAY.format(row="OLD")};
  END IF;
  IF now_is AND moved THEN
    INSERT INTO posts_daytally (blog_id, day, n)
    VALUES (NEW.blog_id, {_PG_DAY.format(row="NEW")}, 1)
    ON CONFLICT (blog_id, day) DO UPDATE SET n = posts_daytally.n + 1;
  END IF;
  IF TG_OP = 'UPDATE' AND was AND NOT now_is THEN
    UPDATE posts_labeltally SET n = n - 1
    WHERE label_id IN (SELECT label_id FROM posts_post_labels WHERE post_id = OLD.id);
  ELSIF TG_OP = 'UPDATE' AND now_is AND NOT was THEN
    INSERT INTO posts_labeltally (label_id, blog_id, n)
    SELECT pl.label_id, l.blog_id, 1 FROM posts_post_labels AS pl
    JOIN posts_label AS l ON l.id = pl.label_id WHERE pl.post_id = NEW.id
    ON CONFLICT (label_id) DO UPDATE SET n = posts_labeltally.n + 1;
  END IF;
  RETURN NULL;
END $$
"""  # noqa: S608 - the module's own constants, no input

_PG_LABEL_FUNCTION = f"""
CREATE FUNCTION posts_tally_label() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND EXISTS (
    SELECT 1 FROM posts_post AS p WHERE p.id = NEW.post_id AND {_public("p")}
  ) THEN
    INSERT INTO posts_labeltally (label_id, blog_id, n)
    SELECT NEW.label_id, l.blog_id, 1 FROM posts_label AS l WHERE l.id = NEW.label_id
    ON CONFLICT (label_id) DO UPDATE SET n = posts_labeltally.n + 1;
  ELSIF TG_OP = 'DELETE' AND EXISTS (
    SELECT 1 FROM posts_post AS p WHERE p.id = OLD.post_id AND {_public("p")}
  ) THEN
    UPDATE posts_labeltally SET n = n - 1 WHERE label_id = OLD.label_id;
  END IF;
  RETURN NULL;
END $$
"""  # noqa: S608 - the module's own constants, no input


def _postgres_create() -> list[str]:
    return [
        _PG_POST_FUNCTION,
        _PG_LABEL_FUNCTION,
        "CREATE TRIGGER posts_tally_post AFTER INSERT OR UPDATE OR DELETE ON posts_post "
        "FOR EACH ROW EXECUTE FUNCTION posts_tally_post()",
        "CREATE TRIGGER posts_tally_label AFTER INSERT OR DELETE ON posts_post_labels "
        "FOR EACH ROW EXECUTE FUNCTION posts_tally_label()",
    ]


def _drop(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            "DROP TRIGGER IF EXISTS posts_tally_post ON posts_post",
            "DROP TRIGGER IF EXISTS posts_tally_label ON posts_post_labels",
            "DROP FUNCTION IF EXISTS posts_tally_post()",
            "DROP FUNCTION IF EXISTS posts_tally_label()",
        ]
    return [f"DROP TRIGGER IF EXISTS {name}" for name, *_ in SQLITE_TRIGGERS]


def _recount(vendor: str) -> list[str]:
    """The tallies counted afresh from the posts (the migration that adds them; `rebuild`)."""
    day = _PG_DAY.format(row="p") if vendor == "postgresql" else "substr(p.published_at, 1, 10)"
    return [
        "DELETE FROM posts_daytally",
        "DELETE FROM posts_labeltally",
        f"INSERT INTO posts_daytally (blog_id, day, n) SELECT p.blog_id, {day}, count(*) "  # noqa: S608
        f"FROM posts_post AS p WHERE {_public('p')} GROUP BY p.blog_id, {day}",
        "INSERT INTO posts_labeltally (label_id, blog_id, n) "  # noqa: S608
        "SELECT pl.label_id, l.blog_id, count(*) FROM posts_post_labels AS pl "
        "JOIN posts_post AS p ON p.id = pl.post_id JOIN posts_label AS l ON l.id = pl.label_id "
        f"WHERE {_public('p')} GROUP BY pl.label_id, l.blog_id",
    ]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers and count the tallies from the posts there are."""
    create = _postgres_create() if connection.vendor == "postgresql" else _sqlite_create()
    with connection.cursor() as cursor:
        for statement in [*_drop(connection.vendor), *create, *_recount(connection.vendor)]:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _drop(connection.vendor):
            cursor.execute(statement)


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Count every tally afresh: a check on the triggers, or after writing around them."""
    with connection.cursor() as cursor:
        for statement in _recount(connection.vendor):
            cursor.execute(statement)


def trigger_names(vendor: str) -> set[str]:
    """The triggers `install` makes (`posts.triggers` looks for them after every migrate)."""
    if vendor == "postgresql":
        return {"posts_tally_post", "posts_tally_label"}
    return {name for name, *_ in SQLITE_TRIGGERS}
