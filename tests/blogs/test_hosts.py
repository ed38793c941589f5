from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from broadsheet.blogs.hosts import blog_for_host
from broadsheet.blogs.models import Blog

pytestmark = pytest.mark.django_db


def _same_as_the_orm(found: Blog | None, expected: Blog) -> None:
    """Every field as the ORM reads it, type too: the lookup writes its own read of the row, and
    a time read without the database's converters is naive on SQLite."""
    assert found is not None
    fresh = Blog.objects.get(pk=expected.pk)
    for field in Blog._meta.concrete_fields:
        mine, theirs = getattr(found, field.attname), getattr(fresh, field.attname)
        assert (mine, type(mine)) == (theirs, type(theirs)), field.name
    assert found.created_at.tzinfo is not None


def test_each_route_reads_the_whole_row(blog: Blog, other_blog: Blog) -> None:
    other_blog.custom_domain = "example.com"
    other_blog.save()
    _same_as_the_orm(blog_for_host("localhost"), blog)
    _same_as_the_orm(blog_for_host("127.0.0.1"), blog)
    _same_as_the_orm(blog_for_host("other.localhost"), other_blog)
    _same_as_the_orm(blog_for_host("Example.COM."), other_blog)


def test_unknown_hosts_have_no_blog(blog: Blog) -> None:
    assert blog_for_host("nobody.localhost") is None
    assert blog_for_host("a.b.localhost") is None
    assert blog_for_host("evil.example") is None


def test_the_next_request_follows_a_change_of_default(blog: Blog, other_blog: Blog) -> None:
    assert blog_for_host("localhost") == blog
    Blog.objects.filter(pk=blog.pk).update(is_default=False)
    Blog.objects.filter(pk=other_blog.pk).update(is_default=True)
    assert blog_for_host("localhost") == other_blog
    Blog.objects.update(is_default=False)  # none is the default: the oldest answers
    assert blog_for_host("localhost") == blog


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan cache")
def test_every_requests_lookup_is_planned_once_per_connection(blog: Blog, other_blog: Blog) -> None:
    """The lookup every request makes (with what apps read with it, the reader's stamps) is
    a prepared statement on PostgreSQL, not parsed and planned for each request."""
    with CaptureQueriesContext(connection) as queries:
        for _ in range(12):  # five runs before psycopg prepares it, five plans for its values
            assert blog_for_host("localhost") == blog
            assert blog_for_host("other.localhost") == other_blog
    # Django's record of the queries keeps their text once they are prepared too.
    recorded = [query["sql"] for query in queries.captured_queries]
    assert len(recorded) == 24 and all('FROM "blogs_blog"' in (sql or "") for sql in recorded)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "blogs_blog"%LIMIT 1'],
        )
        found = cursor.fetchall()
    assert len(found) == 2, found  # the default blog's, and the one by name
    assert all(generic >= 1 for generic, _statement in found), found
