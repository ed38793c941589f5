"""The change log's triggers (`publish.changelog`) through a migration: a `migrate` with
something to run takes them out of the way (SQLite rebuilds the posts table, and a trigger
naming a table being rebuilt breaks it) and makes them again after, `posts.triggers`'
mechanism; what was written meanwhile is in no row, so the next export plans the whole blog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection

from broadsheet.blogs.models import Blog
from broadsheet.posts import triggers
from broadsheet.posts.models import Post
from broadsheet.publish import changelog, changes, manifest
from broadsheet.publish.models import Change
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db(transaction=True)
PLANNED = [("a migration", False)]


@pytest.fixture
def restored() -> Iterator[None]:
    yield
    triggers.repair(connection)  # whatever the test did, the next one has its triggers


def rebuild_posts() -> None:
    """What a migration altering posts does on SQLite: the table copied, dropped, renamed."""
    if connection.vendor == "sqlite":
        with connection.schema_editor() as editor:
            editor._remake_table(Post)
            editor._remake_table(Post.labels.through)


def header(blog: Blog, seq: int) -> manifest.Header:
    """The header an export of the blog as it is at change `seq` would have left."""
    public = Post.objects.public(blog, NOON)
    newest = public.first()
    assert newest is not None and newest.published_at is not None
    at = newest.published_at.timestamp()
    return manifest.Header(blog.pk, "e", seq=seq, newest=at, count=public.count())


def test_a_migration_rebuilding_the_posts_table_runs_and_the_log_plans_whole_after(
    blog: Blog, make_post: MakePost, restored: None
) -> None:
    make_post("Logged", labels=("Kale",))
    seq, _ = changelog.head(blog.pk)
    triggers.before_migrate(plan=PLANNED)
    assert not changelog.trigger_names() & triggers.present(connection)
    rebuild_posts()
    make_post("Written while the migration ran", labels=("Kale",))  # no trigger logs it
    call_command("migrate", verbosity=0)  # nothing to run: after_migrate puts them back
    assert changelog.trigger_names() <= triggers.present(connection)
    after, _ = changelog.head(blog.pk)
    # Rows of no post only (the post stamps' triggers, made again too, log one of their own).
    logged = Change.objects.filter(blog_id=blog.pk, seq__gt=seq).values_list("post_id")
    assert set(logged) == {(None,)}
    # A row of no post: the plan of the changes cannot say what moved, the whole plan does.
    assert changes.plan_changes(blog, "e", header(blog, seq), after, 0, NOON) is None
    post = make_post("Written after", labels=("Kale",))  # and the triggers log again
    assert Change.objects.filter(blog_id=blog.pk, post_id=post.pk).exists()


def test_migrate_with_nothing_to_run_leaves_the_log_alone(blog: Blog, make_post: MakePost) -> None:
    make_post("Logged")
    before = changelog.head(blog.pk)
    triggers.before_migrate(plan=[])
    call_command("migrate", verbosity=0)
    assert changelog.trigger_names() <= triggers.present(connection)
    assert changelog.head(blog.pk) == before
