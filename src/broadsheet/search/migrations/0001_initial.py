"""The full-text index of posts: an FTS5 table on SQLite, a GIN expression index on PostgreSQL.

SQLite: `search_post_fts` is an external-content FTS5 table over posts_post(title, text); it
stores only the index, and triggers on posts_post keep it in step, so every write path (actions,
admin, imports, raw SQL) is indexed in the same transaction. When a later posts migration makes
Django *remake* posts_post on SQLite (copy to a new table, drop, rename), the drop takes these
triggers with it; `broadsheet.search.schema.repair_index` puts them back after every migrate.

PostgreSQL: an expression index over the weighted tsvector. Migration 0002 replaces it with a
stored tsvector per post.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SQLITE_TABLE = """
CREATE VIRTUAL TABLE search_post_fts USING fts5(
    title, text,
    content='posts_post', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
)
"""

# External content: FTS5 removes a row by being told the values it indexed, hence 'delete'
# with the old title and text. Updates that leave both alone (status, comment counts) skip it.
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER search_post_fts_insert AFTER INSERT ON posts_post BEGIN
        INSERT INTO search_post_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END
    """,
    """
    CREATE TRIGGER search_post_fts_delete AFTER DELETE ON posts_post BEGIN
        INSERT INTO search_post_fts(search_post_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END
    """,
    """
    CREATE TRIGGER search_post_fts_update AFTER UPDATE OF title, text ON posts_post
    WHEN old.title IS NOT new.title OR old.text IS NOT new.text BEGIN
        INSERT INTO search_post_fts(search_post_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO search_post_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END
    """,
]

SQLITE_REBUILD = "INSERT INTO search_post_fts(search_post_fts) VALUES ('rebuild')"

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_post_fts_insert",
    "DROP TRIGGER IF EXISTS search_post_fts_delete",
    "DROP TRIGGER IF EXISTS search_post_fts_update",
    "DROP TABLE IF EXISTS search_post_fts",
]


def postgres_index():
    # Frozen copy of queries.document_vector(): title weighted A, body text D.
    return GinIndex(
        SearchVector("title", config="english", weight="A")
        + SearchVector("text", config="english", weight="D"),
        name="search_post_document",
    )


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in [SQLITE_TABLE, *SQLITE_TRIGGERS, SQLITE_REBUILD]:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("posts", "Post"), postgres_index())


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("posts", "Post"), postgres_index())


class Migration(migrations.Migration):
    dependencies = [("posts", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
