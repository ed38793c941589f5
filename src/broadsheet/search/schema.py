"""The triggers that keep the search index in step with posts_post, and their repair.

Migrations create the index (0001 on SQLite, 0002 on PostgreSQL) and keep frozen copies of
this SQL; this module holds the current definitions, which `repair_index` recreates when they
have gone missing. A test checks that the two agree.

Why they go missing: when a posts migration makes Django remake posts_post on SQLite (copy to
a new table, drop, rename), the drop takes the table's triggers with it, and every later edit
would silently stay out of the index. `broadsheet.search.apps` runs `repair_index` after every
`migrate`, so such a migration needs nothing from the search app.
"""

from __future__ import annotations

import logging

from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

# --- SQLite: FTS5 -------------------------------------------------------------------------------

SQLITE_TABLE = "search_post_fts"

# External content: FTS5 removes a row by being told the values it indexed, hence 'delete'
# with the old title and text. Updates that leave both alone (status, comment counts) skip it.
SQLITE_TRIGGERS = {
    "search_post_fts_insert": """
    CREATE TRIGGER search_post_fts_insert AFTER INSERT ON posts_post BEGIN
        INSERT INTO search_post_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END
    """,
    "search_post_fts_delete": """
    CREATE TRIGGER search_post_fts_delete AFTER DELETE ON posts_post BEGIN
        INSERT INTO search_post_fts(search_post_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END
    """,
    "search_post_fts_update": """
    CREATE TRIGGER search_post_fts_update AFTER UPDATE OF title, text ON posts_post
    WHEN old.title IS NOT new.title OR old.text IS NOT new.text BEGIN
        INSERT INTO search_post_fts(search_post_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO search_post_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END
    """,
}

SQLITE_REBUILD = "INSERT INTO search_post_fts(search_post_fts) VALUES ('rebuild')"

# --- PostgreSQL: a stored tsvector per post -----------------------------------------------------

PG_TABLE = "search_post_document"
PG_FUNCTION = "search_post_document_sync"

# The document of one posts_post row; `{row}` is "NEW." in the trigger and "" in the rebuild.
# coalesce as in Django's SearchVector: to_tsvector(NULL) would null the whole document.
PG_DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce({row}title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce({row}text, '')), 'D')"
)

# An upsert, so the function also heals a row that is missing for whatever reason. (Here and
# below, f-strings only join this module's constants: nothing from outside reaches the SQL.)
PG_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {PG_TABLE} (post_id, document)
    VALUES (NEW.id, {PG_DOCUMENT.format(row="NEW.")})
    ON CONFLICT (post_id) DO UPDATE SET document = EXCLUDED.document;
    RETURN NULL;
END
$$
"""  # noqa: S608

# Deletes need no trigger: the row goes with its post through ON DELETE CASCADE. An update
# trigger fires only when the document can change; Django's save() names every column in its
# UPDATE, so `UPDATE OF` alone would not skip a save that only moves the status.
PG_TRIGGERS = {
    "search_post_document_insert": f"""
    CREATE TRIGGER search_post_document_insert AFTER INSERT ON posts_post
    FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()
    """,
    "search_post_document_update": f"""
    CREATE TRIGGER search_post_document_update AFTER UPDATE OF title, text ON posts_post
    FOR EACH ROW WHEN (
        OLD.title IS DISTINCT FROM NEW.title OR OLD.text IS DISTINCT FROM NEW.text
    )
    EXECUTE FUNCTION {PG_FUNCTION}()
    """,
}

PG_REBUILD = [
    f"DELETE FROM {PG_TABLE}",  # noqa: S608
    f"INSERT INTO {PG_TABLE} (post_id, document)"  # noqa: S608
    f" SELECT id, {PG_DOCUMENT.format(row='')} FROM posts_post",
]


# --- Repair -------------------------------------------------------------------------------------


def repair_index(connection: BaseDatabaseWrapper) -> bool:
    """Recreate the triggers (and on PostgreSQL their function) if any is missing, and rebuild
    the index, which has missed every write since. True if a repair was needed.

    Does nothing where the index is not installed (search migrations not applied, or unapplied
    again): its triggers would write into a table that does not exist.
    """
    if connection.vendor == "sqlite":
        return _repair_sqlite(connection)
    if connection.vendor == "postgresql":
        return _repair_postgres(connection)
    return False


def _repair_sqlite(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE name = %s OR "
            "(type = 'trigger' AND tbl_name = 'posts_post')",
            [SQLITE_TABLE],
        )
        found = {name for _, name in cursor.fetchall()}
        if SQLITE_TABLE not in found or found >= {SQLITE_TABLE, *SQLITE_TRIGGERS}:
            return False
        missing = sorted(set(SQLITE_TRIGGERS) - found)
        for name, create in SQLITE_TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(create)
        cursor.execute(SQLITE_REBUILD)
    _log_repair(connection, missing)
    return True


def _repair_postgres(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        # A table, not merely the name: before 0002 it names the expression index of 0001.
        cursor.execute(
            "SELECT EXISTS (SELECT FROM pg_class WHERE oid = to_regclass(%s) AND relkind = 'r'),"
            " to_regprocedure(%s) IS NOT NULL",
            [PG_TABLE, f"{PG_FUNCTION}()"],
        )
        table_exists, function_exists = cursor.fetchone()
        if not table_exists:
            return False
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'posts_post'::regclass "
            "AND NOT tgisinternal"
        )
        missing = sorted(set(PG_TRIGGERS) - {name for (name,) in cursor.fetchall()})
        if function_exists and not missing:
            return False
        cursor.execute(PG_FUNCTION_SQL)
        for name, create in PG_TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON posts_post")
            cursor.execute(create)
        for statement in PG_REBUILD:
            cursor.execute(statement)
    _log_repair(connection, missing if function_exists else [f"{PG_FUNCTION}()", *missing])
    return True


def _log_repair(connection: BaseDatabaseWrapper, missing: list[str]) -> None:
    # Loud on purpose: something dropped them, and whoever did should hear about it.
    logger.warning(
        "Search index triggers were missing on %s (%s): recreated them and rebuilt the index.",
        connection.alias,
        ", ".join(missing),
    )
