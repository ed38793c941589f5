"""The search index survives losing its triggers, and migration 0002 goes both ways."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
from broadsheet.search import schema
from broadsheet.search.schema import repair_index
from tests.conftest import NOON, MakePost

from .test_queries import search, titles

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL index")

UPDATE_TRIGGER = {
    "sqlite": "DROP TRIGGER search_post_fts_update",
    "postgresql": "DROP TRIGGER search_post_document_update ON posts_post",
}[connection.vendor]


def execute(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def rename(post: Post, title: str) -> None:
    post.title = title
    save_post(post, now=NOON)


def definitions() -> dict[str, str]:
    """What the database holds for the index's triggers (and function), spacing aside."""
    if connection.vendor == "sqlite":
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = (
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
            "UNION ALL SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE proname = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [schema.PG_FUNCTION] if connection.vendor == "postgresql" else [])
        return {name: re.sub(r"\s+", " ", text).strip() for name, text in cursor.fetchall()}


def test_migrate_puts_back_a_lost_trigger_and_catches_up(
    make_post: MakePost, blog: Blog, caplog: pytest.LogCaptureFixture
) -> None:
    post = make_post(title="Marigolds", source="Orange.")
    execute(UPDATE_TRIGGER)  # what remaking posts_post on SQLite does to it
    rename(post, "Nasturtiums")
    assert search(blog, "nasturtiums") == ([], False)  # the edit missed the index
    with caplog.at_level(logging.WARNING, logger="broadsheet.search.schema"):
        call_command("migrate", verbosity=0)
    assert "search_post_" in caplog.text
    assert titles(search(blog, "nasturtiums")[0]) == ["Nasturtiums"]  # rebuilt
    assert search(blog, "marigold") == ([], False)
    rename(post, "Sunflowers")  # and kept in step again
    assert titles(search(blog, "sunflowers")[0]) == ["Sunflowers"]
    assert search(blog, "nasturtiums") == ([], False)


def test_a_complete_index_is_left_alone(
    make_post: MakePost, blog: Blog, django_assert_max_num_queries: Any
) -> None:
    make_post(title="Marigolds")
    with django_assert_max_num_queries(2):
        assert repair_index(connection) is False
    assert titles(search(blog, "marigold")[0]) == ["Marigolds"]


def test_repair_recreates_the_triggers_the_migrations_made() -> None:
    # The repair's copy of the SQL and the migrations' frozen copies must not drift apart.
    made_by_migrations = definitions()
    names = schema.SQLITE_TRIGGERS if connection.vendor == "sqlite" else schema.PG_TRIGGERS
    assert set(names) <= set(made_by_migrations)
    if connection.vendor == "sqlite":
        execute(*(f"DROP TRIGGER {name}" for name in names))
    else:
        execute(f"DROP FUNCTION {schema.PG_FUNCTION}() CASCADE")  # takes the triggers along
    assert repair_index(connection) is True
    assert definitions() == made_by_migrations
    assert repair_index(connection) is False


@on_postgres
def test_repair_recreates_a_dropped_function(make_post: MakePost, blog: Blog) -> None:
    post = make_post(title="Marigolds")
    execute(f"DROP FUNCTION {schema.PG_FUNCTION}() CASCADE")
    assert repair_index(connection) is True
    rename(post, "Nasturtiums")
    assert titles(search(blog, "nasturtiums")[0]) == ["Nasturtiums"]


@on_postgres
def test_migration_0002_goes_back_to_the_expression_index_and_forward_again(
    make_post: MakePost, blog: Blog
) -> None:
    make_post(title="Marigolds", source="Orange.")
    # Django's foreign keys are deferred to the commit this test never reaches, and PostgreSQL
    # will not alter a table with checks pending; a real migrate runs in a fresh transaction.
    execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("migrate", "search", "0001", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relkind FROM pg_class WHERE oid = to_regclass('search_post_document')"
        )
        assert cursor.fetchone() == ("i",)  # 0001's expression index is back
    # and the name is not the table's: the repair must leave it alone.
    assert repair_index(connection) is False
    make_post(title="Nasturtiums", source="Also orange.")  # written with no trigger at all
    call_command("migrate", "search", verbosity=0)
    assert sorted(titles(search(blog, "orange")[0])) == ["Marigolds", "Nasturtiums"]  # backfilled
    assert titles(search(blog, "nasturtiums")[0]) == ["Nasturtiums"]
