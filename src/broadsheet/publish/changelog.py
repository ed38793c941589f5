"""Which posts of a blog moved since its static copy was made: a log kept by triggers.

The content version and the stamps of `posts.stamps` say *that* a blog changed, not what, so
an export after one new post planned all of the blog's posts again. These triggers write, in
the transaction of whatever writes a post (the actions, the Django admin, imports, restores,
bulk updates), a row naming the post, under a number counted per blog (`ChangeHead.seq`).
The manifest records the number its export saw; the next export reads the rows after it and
plans only what they touch (`publish.changes`), or the whole blog when they say it must.

What is logged, for the plan's sake (its keys read nothing else of a post):

- a post made, deleted, or its time, state, blog, address or robots tag changed (`moved`,
  with `old_at`, its time before, when it was published or scheduled: a place it may have held
  in the copy);
- its last edit or comment count changed, or a comment or reaction its page shows
  (`publish.poststamps`' triggers: not `moved`, the same place, other bytes);
- a label added to a post or taken off (`moved`, `old_at` the post's time);
- a post moved to another blog, or the triggers made again after a migration (anything may
  have been written while they were away): a row of no post, for the old blog or every blog;
- a label renamed or deleted: `whole` for the blog. The pages of its posts show its name,
  and their keys do not: the next export renders every page again.

The blog's settings are in the manifest's `everything` digest, and the static pages, fixed
files and their stamps are planned whole every time (they are few): they need no rows here.

The number is taken by an upsert of the blog's `ChangeHead` row, whose lock is held to the
end of the writing transaction: on PostgreSQL two writers of one blog take their numbers in
the order they commit, so an export never sees a later number before an earlier one.
"""

from __future__ import annotations

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from broadsheet.posts import triggers

HEAD, LOG = "publish_changehead", "publish_change"
TABLES = {HEAD, LOG, "posts_post", "posts_post_labels", "posts_label"}
KEEP = 5000  # changes kept per blog after an export: older ones are pruned
_SHOWN = "('published', 'scheduled')"
_PLACE = ("published_at", "status", "blog_id", "permalink", "robots")
_FACE = ("updated_at", "comment_count")


def _differs(columns: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns) + ")"


def _old_at(row: str) -> str:
    return f"CASE WHEN {row}.status IN {_SHOWN} THEN {row}.published_at END"


_POST_OF = "(SELECT {what} FROM posts_post WHERE id = {row}.post_id)"
# Typed, for PostgreSQL: an untyped NULL in an INSERT's SELECT is taken for text.
NO_POST, NO_TIME = "CAST(NULL AS bigint)", "CAST(NULL AS timestamp)"

# (trigger, table, event, when or "", blog, post, old_at, moved, whole)
_WATCHED = [
    ("publish_log_post_insert", "posts_post", "INSERT", "", "NEW.blog_id", "NEW.id", NO_TIME,
     "true", "false"),
    ("publish_log_post_update", "posts_post", "UPDATE", _differs(_PLACE + _FACE), "NEW.blog_id",
     "NEW.id", f"CASE WHEN {_differs(_PLACE)} THEN {_old_at('OLD')} END", _differs(_PLACE),
     "false"),
    ("publish_log_post_away", "posts_post", "UPDATE", "OLD.blog_id IS DISTINCT FROM NEW.blog_id",
     "OLD.blog_id", NO_POST, NO_TIME, "true", "false"),
    ("publish_log_post_delete", "posts_post", "DELETE", "", "OLD.blog_id", "OLD.id",
     _old_at("OLD"), "true", "false"),
    ("publish_log_labels_insert", "posts_post_labels", "INSERT", "",
     _POST_OF.format(what="blog_id", row="NEW"), "NEW.post_id",
     _POST_OF.format(what=_old_at("posts_post"), row="NEW"), "true", "false"),
    ("publish_log_labels_delete", "posts_post_labels", "DELETE", "",
     _POST_OF.format(what="blog_id", row="OLD"), "OLD.post_id",
     _POST_OF.format(what=_old_at("posts_post"), row="OLD"), "true", "false"),
    ("publish_log_label_update", "posts_label", "UPDATE", _differs(("name", "blog_id")),
     "OLD.blog_id", NO_POST, NO_TIME, "true", "true"),
    ("publish_log_label_delete", "posts_label", "DELETE", "", "OLD.blog_id", NO_POST, NO_TIME,
     "true", "true"),
]  # fmt: skip


def _log(blog: str, post: str, old_at: str, moved: str, whole: str) -> str:
    """The blog's next number, and the row under it (none when the post has no blog left)."""
    return (
        f"INSERT INTO {HEAD} (blog_id, seq, floor) SELECT {blog}, 1, 0 WHERE {blog} IS NOT NULL "  # noqa: S608
        f"ON CONFLICT (blog_id) DO UPDATE SET seq = {HEAD}.seq + 1; "
        f"INSERT INTO {LOG} (blog_id, seq, post_id, old_at, moved, whole) "
        f"SELECT blog_id, seq, {post}, {old_at}, {moved}, {whole} FROM {HEAD} "
        f"WHERE blog_id = {blog};"
    )


def _create(vendor: str) -> list[str]:
    return [
        statement
        for name, table, event, when, *logged in _WATCHED
        for statement in triggers.row_trigger(vendor, name, table, event, when, _log(*logged))
    ]


def _drop(vendor: str) -> list[str]:
    return triggers.drop_row_triggers(vendor, [(name, table) for name, table, *_ in _WATCHED])


def trigger_names() -> set[str]:
    return {name for name, *_ in _WATCHED}


def install(connection: BaseDatabaseWrapper) -> None:
    """Make the triggers (again), and log a change of no post for every blog: whatever was
    written while they were away is not in the log, so the next export plans it whole."""
    vendor = connection.vendor
    create = _create(vendor)
    with connection.cursor() as cursor:
        for statement in [*_drop(vendor), *create]:
            cursor.execute(statement)
    log_everywhere(connection)


def log_everywhere(connection: BaseDatabaseWrapper) -> None:
    """Log a change of no post for every blog: the next export of each plans it whole."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {HEAD} (blog_id, seq, floor) SELECT id, 1, 0 FROM blogs_blog "  # noqa: S608
            f"WHERE true ON CONFLICT (blog_id) DO UPDATE SET seq = {HEAD}.seq + 1"
        )
        cursor.execute(
            f"INSERT INTO {LOG} (blog_id, seq, post_id, old_at, moved, whole) "  # noqa: S608
            f"SELECT blog_id, seq, {NO_POST}, {NO_TIME}, true, false FROM {HEAD}"
        )


def edit_of(row: str) -> str:
    """The statements, for a trigger on a table with a `post_id`, that log an edit of the
    post `row` names (same place, other bytes: `publish.poststamps`)."""
    blog = _POST_OF.format(what="blog_id", row=row)
    return _log(blog, f"{row}.post_id", NO_TIME, "false", "false")


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _drop(connection.vendor):
            cursor.execute(statement)


def head(blog_id: int, connection: BaseDatabaseWrapper = default_connection) -> tuple[int, int]:
    """The blog's last change number and the highest one pruned ((0, 0): none logged yet)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, floor FROM {HEAD} WHERE blog_id = %s", [blog_id])  # noqa: S608
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def renames(blog_id: int, seq: int, connection: BaseDatabaseWrapper = default_connection) -> bool:
    """Whether a change after `seq` named something every page of the blog may show."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {LOG} WHERE blog_id = %s AND seq > %s AND whole",  # noqa: S608
            [blog_id, seq],
        )
        return cursor.fetchone() is not None


def prune(blog_id: int, seq: int, connection: BaseDatabaseWrapper = default_connection) -> None:
    """Forget the blog's changes more than `KEEP` before `seq` (an export's number): an export
    whose manifest is older than that plans the whole blog."""
    below = seq - KEEP
    if below <= 0:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {HEAD} SET floor = %s WHERE blog_id = %s AND floor < %s",  # noqa: S608
            [below, blog_id, below],
        )
        if cursor.rowcount:
            cursor.execute(f"DELETE FROM {LOG} WHERE blog_id = %s AND seq <= %s", [blog_id, below])  # noqa: S608
