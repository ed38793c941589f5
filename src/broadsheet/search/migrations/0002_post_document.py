"""PostgreSQL: store each post's weighted tsvector instead of indexing an expression.

With the expression index of 0001, every row the GIN index returns was checked and ranked by
computing to_tsvector over its text again: a common word on a 10,000-post blog took seconds.
Now a trigger on posts_post writes the document into `search_post_document` (one row per post,
removed with it by ON DELETE CASCADE), and the GIN index covers the stored column.

SQLite keeps the FTS5 table of 0001 and gains nothing but the model state: the model is marked
`required_db_vendor = "postgresql"`, so Django never looks for its table there.

The SQL below is a frozen copy of `broadsheet.search.schema` as it stood when this migration
was written; `schema.repair_index` recreates the current triggers after any migrate.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

DOCUMENT = (
    "setweight(to_tsvector('english'::regconfig, coalesce({row}title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce({row}text, '')), 'D')"
)

CREATE = [
    # 0001's expression index; its name is taken by the table below (one namespace).
    "DROP INDEX IF EXISTS search_post_document",
    """
    CREATE TABLE search_post_document (
        post_id bigint PRIMARY KEY REFERENCES posts_post (id) ON DELETE CASCADE,
        document tsvector NOT NULL
    )
    """,
    # Backfill before indexing: one bulk build is faster than growing the index row by row.
    f"""
    INSERT INTO search_post_document (post_id, document)
    SELECT id, {DOCUMENT.format(row="")} FROM posts_post
    """,  # noqa: S608 - constants only
    "CREATE INDEX search_post_document_gin ON search_post_document USING gin (document)",
    f"""
    CREATE OR REPLACE FUNCTION search_post_document_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_post_document (post_id, document)
        VALUES (NEW.id, {DOCUMENT.format(row="NEW.")})
        ON CONFLICT (post_id) DO UPDATE SET document = EXCLUDED.document;
        RETURN NULL;
    END
    $$
    """,  # noqa: S608 - constants only
    """
    CREATE TRIGGER search_post_document_insert AFTER INSERT ON posts_post
    FOR EACH ROW EXECUTE FUNCTION search_post_document_sync()
    """,
    """
    CREATE TRIGGER search_post_document_update AFTER UPDATE OF title, text ON posts_post
    FOR EACH ROW WHEN (
        OLD.title IS DISTINCT FROM NEW.title OR OLD.text IS DISTINCT FROM NEW.text
    )
    EXECUTE FUNCTION search_post_document_sync()
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS search_post_document_insert ON posts_post",
    "DROP TRIGGER IF EXISTS search_post_document_update ON posts_post",
    "DROP FUNCTION IF EXISTS search_post_document_sync()",
    "DROP TABLE IF EXISTS search_post_document",
]


def expression_index():
    # Frozen copy of 0001's index, for going back.
    return GinIndex(
        SearchVector("title", config="english", weight="A")
        + SearchVector("text", config="english", weight="D"),
        name="search_post_document",
    )


def store_documents(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def restore_expression_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)
        schema_editor.add_index(apps.get_model("posts", "Post"), expression_index())


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0001_initial"),
        ("search", "0001_initial"),
    ]

    operations = [
        # The table is made by hand, not by CreateModel: Django cannot declare ON DELETE
        # CASCADE in the database, and the trigger is what writes the rows.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PostDocument",
                    fields=[
                        (
                            "post",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                primary_key=True,
                                related_name="search_document",
                                serialize=False,
                                to="posts.post",
                            ),
                        ),
                        ("document", django.contrib.postgres.search.SearchVectorField()),
                    ],
                    options={
                        "db_table": "search_post_document",
                        "required_db_vendor": "postgresql",
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(store_documents, restore_expression_index),
            ],
        ),
    ]
