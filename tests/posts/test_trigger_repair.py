"""A later migration that alters a table the sidebar's triggers watch must run, and must not
leave the counts unkept (posts.triggers).

SQLite rebuilds a table for most changes of its columns: with the triggers in place, the
rebuild of the posts table fails, and the profiles' loses its triggers. A `migrate` with
something to run drops them first and puts them back after, counting the tallies afresh.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection

from broadsheet.blogs.models import Blog, Profile
from broadsheet.posts import stamps, tallies, triggers
from broadsheet.posts.models import Post
from broadsheet.reader import gadgets
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db(transaction=True)
PLANNED = [("a migration", False)]


@pytest.fixture
def restored() -> Iterator[None]:
    yield
    triggers.repair(connection)  # whatever the test did, the next one has its triggers


def rebuild_tables() -> None:
    """What a migration altering posts and profiles does to them: on SQLite the schema editor
    rebuilds them; elsewhere columns change in place."""
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            editor._remake_table(Post)
            editor._remake_table(Profile)


def counts(blog: Blog) -> list[tuple[str, int]]:
    return [(label.name, label.n) for label in gadgets.label_counts(blog, NOON)]  # type: ignore[attr-defined]


def test_a_migration_rebuilding_the_tables_runs_and_the_counts_come_back(
    blog: Blog, make_post: MakePost, restored: None
) -> None:
    make_post("Counted", labels=("Kale",))
    triggers.before_migrate(plan=PLANNED)
    rebuild_tables()
    make_post("Written while the migration ran", labels=("Kale",))
    before = stamps.stamps(connection, blog.pk)
    call_command("migrate", verbosity=0)  # nothing to run: after_migrate puts them back
    names = tallies.trigger_names(connection.vendor) | stamps.trigger_names()
    assert names <= triggers.present(connection)
    assert counts(blog) == [("Kale", 2)]
    assert stamps.stamps(connection, blog.pk)["counts"] != before["counts"]
    make_post("Written after", labels=("Kale",))  # and the triggers count again
    assert counts(blog) == [("Kale", 3)]


def test_migrate_with_nothing_to_run_leaves_the_triggers_alone(
    blog: Blog, make_post: MakePost
) -> None:
    make_post("Counted", labels=("Kale",))
    before = stamps.stamps(connection, blog.pk)
    triggers.before_migrate(plan=[])
    call_command("migrate", verbosity=0)
    assert tallies.trigger_names(connection.vendor) <= triggers.present(connection)
    assert stamps.stamps(connection, blog.pk) == before
