"""A stamp per post that moves whenever what its page shows from others moves: its comments,
and the likes and reposts counted under it (Webmention, the fediverse).

A post's keys in the export's plan are its last edit and comment count (`plan.token`). A
comment's text revised, a comment hidden that leaves the count (a stub where it has replies),
a like or a boost: none moves either, and the post's page and comment feed stayed as they were
in the copy. These triggers, in the transaction of whatever writes (the comment actions, the
studio, the API, webmention and federation's inboxes, imports, restores, a bulk update), draw
the post's stamp again and log an edit of the post (`publish.changelog`), so both the whole
plan and the plan of the changes give its page a new key.

What moves it is what the page reads: a comment in the thread (`reader.postpage`'s statuses
and fields) made, deleted, moved or changed in a field the thread shows; a reaction of a
counted kind made, deleted or moved. Held and spam comments come and go unlogged: they are
on no page, and a flood of them would fill the log.

The reader keeps each post's comment thread and reaction counts under its stamp too
(`reader.thread.kept`, `reader.views.reactions`), read with the post (`STAMP_OF_POST`,
registered at start-up).

The stamp is a random number drawn again, not a count, as `posts.stamps`' are: a count
starts again at the same values after a rollback or a restore. `PostStamp.post_id` is a plain
number: a post being deleted deletes its comments first, whose triggers write here.
"""

from __future__ import annotations

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from broadsheet.posts import triggers
from broadsheet.publish import changelog

STAMPS = "publish_poststamp"
_RANDOM = {"sqlite": "random()", "postgresql": "floor(random() * 9007199254740991)::bigint"}

# What a post's page reads, written out rather than imported: this module is imported at
# start-up (`PublishConfig.ready`), and the reader's post page would bring a dozen modules
# that a command with nothing to export never needs. tests/publish/test_poststamps.py holds
# them to `reader.postpage`'s thread, `webmention.queries.SHOWN` and the models' tables.
THREAD = ("published", "trash")  # the statuses of the comments in a post's thread
THREAD_COLUMNS = (
    "id", "parent_id", "status", "author_name", "author_url", "body", "body_html",
    "created_at", "source_id",
)  # fmt: skip
COUNTED = ("like", "repost")  # the kinds of Webmention a post's page counts


def _listed(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


# Each table a post's page reads: (table, the rows shown or "", the columns shown).
WATCHED = [
    ("comments_comment", f"{{row}}.status IN {_listed(THREAD)}", THREAD_COLUMNS),
    ("webmention_mention", f"{{row}}.kind IN {_listed(COUNTED)}", ("kind",)),
    ("federation_reaction", "", ("kind",)),  # every kind is counted
]
# A post's stamp, as an expression on its row: the reader keeps each post's comment thread
# and reactions under it (`reader.prepared.keep_thread_stamp`). A post without a row has none
# of either (`_redraw` makes one for every post that has any), so it is 0 until a write draws
# it: kept too, not read again on every miss.
STAMP_OF_POST = (
    f"COALESCE((SELECT s.stamp FROM {STAMPS} AS s "  # noqa: S608 - our own names
    'WHERE s.post_id = "posts_post"."id"), 0)'
)
TABLES = {STAMPS, "posts_post", changelog.HEAD, changelog.LOG, *(t for t, *_ in WATCHED)}


def _either(*conditions: str) -> str:
    return " AND ".join(f"({condition})" for condition in conditions if condition)


def _triggers() -> list[tuple[str, str, str, str, str]]:
    """(trigger, table, event, when or "", the row whose post moves) of every table."""
    found = []
    for table, shown, columns in WATCHED:
        new, old = shown.format(row="NEW"), shown.format(row="OLD")
        seen = f"{old} OR {new}" if shown else ""
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in ("post_id", *columns))
        name = f"publish_stamp_{table}"
        found += [
            (f"{name}_insert", table, "INSERT", new, "NEW"),
            (f"{name}_update", table, "UPDATE", _either(seen, changed), "NEW"),
            # A row moved to another post leaves the old one's page too.
            (f"{name}_away", table, "UPDATE", _either(old, "OLD.post_id <> NEW.post_id"), "OLD"),
            (f"{name}_delete", table, "DELETE", old, "OLD"),
        ]
    return found


def _body(row: str, vendor: str) -> str:
    """Draw the stamp of the post `row` names again, and log an edit of it."""
    return (
        f"INSERT INTO {STAMPS} (post_id, stamp) VALUES ({row}.post_id, {_RANDOM[vendor]}) "  # noqa: S608
        f"ON CONFLICT (post_id) DO UPDATE SET stamp = excluded.stamp; {changelog.edit_of(row)}"
    )


def _create(vendor: str) -> list[str]:
    return [
        statement
        for name, table, event, when, row in _triggers()
        for statement in triggers.row_trigger(vendor, name, table, event, when, _body(row, vendor))
    ]


def _drop(vendor: str) -> list[str]:
    return triggers.drop_row_triggers(vendor, [(name, table) for name, table, *_ in _triggers()])


def _redraw(vendor: str) -> list[str]:
    """Every stamp drawn again, and one for every post with anything its page may show:
    what was written while the triggers were away moved none."""
    random = _RANDOM[vendor]
    talked = " UNION ".join(f"SELECT post_id FROM {table}" for table, *_ in WATCHED)  # noqa: S608
    return [
        f"UPDATE {STAMPS} SET stamp = {random}",  # noqa: S608 - our own names
        f"INSERT INTO {STAMPS} (post_id, stamp) SELECT post_id, {random} "  # noqa: S608
        f"FROM ({talked}) AS talked WHERE true ON CONFLICT (post_id) DO NOTHING",
    ]


def trigger_names() -> set[str]:
    return {name for name, *_ in _triggers()}


def install(connection: BaseDatabaseWrapper) -> None:
    """Make the triggers (again), draw the stamps again, and have the next export of every
    blog plan it whole (the log, too, missed what was written while they were away)."""
    vendor = connection.vendor
    create = _create(vendor)
    with connection.cursor() as cursor:
        for statement in [*_drop(vendor), *create, *_redraw(vendor)]:
            cursor.execute(statement)
    changelog.log_everywhere(connection)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _drop(connection.vendor):
            cursor.execute(statement)


def of_blog(blog_id: int, connection: BaseDatabaseWrapper = default_connection) -> dict[int, int]:
    """The stamps of the blog's posts that have one, by post (the whole plan's)."""
    return _read(
        "JOIN posts_post p ON p.id = s.post_id WHERE p.blog_id = %s", [blog_id], connection
    )


def of_posts(
    post_ids: list[int], connection: BaseDatabaseWrapper = default_connection
) -> dict[int, int]:
    """The stamps of the posts `post_ids` that have one (the plan of the changes')."""
    if not post_ids:
        return {}
    marks = ", ".join(["%s"] * len(post_ids))
    return _read(f"WHERE s.post_id IN ({marks})", post_ids, connection)


def _read(where: str, params: list[int], connection: BaseDatabaseWrapper) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.post_id, s.stamp FROM {STAMPS} s {where}", params)  # noqa: S608
        return dict(cursor.fetchall())
