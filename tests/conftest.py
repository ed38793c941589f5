"""The cast every test shares (tests/cast.py): two blogs, their people, and ways to write
posts and comments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.comments.actions import add_comment
from broadsheet.comments.models import Comment
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
from tests import commenting
from tests.cast import ROLES, person
from tests.cast import signed_in as cast_signed_in
from tests.commenting import PostAs

pytest_plugins = ["tests.tools.fixtures"]

NOON = dt.datetime(2024, 10, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def empty_shared_cache() -> Iterator[None]:
    """Cached pages and sidebars are keyed by blog id and version, which come round again from
    test to test as the database is rolled back: start and end every test with none."""
    from broadsheet.core.pagecache import store

    store.clear()
    yield
    store.clear()


@pytest.fixture
def blog(db: Any) -> Blog:
    return Blog.objects.create(
        slug="notes",
        title="Field Notes",
        description="Small observations, written down.",
        is_default=True,
        time_zone="America/Los_Angeles",
        posts_per_page=3,
    )


@pytest.fixture
def other_blog(db: Any) -> Blog:
    return Blog.objects.create(slug="other", title="Another Blog", time_zone="UTC")


@pytest.fixture
def author(blog: Blog) -> User:
    return person("author", blog, ROLES.AUTHOR)


@pytest.fixture
def admin(blog: Blog) -> User:
    return person("admin", blog, ROLES.ADMIN)


@pytest.fixture
def other_author(blog: Blog) -> User:
    return person("other_author", blog, ROLES.AUTHOR)


@pytest.fixture
def contributor(blog: Blog) -> User:
    return person("contributor", blog, ROLES.CONTRIBUTOR)


@pytest.fixture
def outsider(other_blog: Blog) -> User:
    return person("outsider", other_blog, ROLES.ADMIN)


@pytest.fixture
def reader(db: Any) -> User:
    return person("reader")


@pytest.fixture
def operator(db: Any) -> User:
    return person("operator")


SignIn = Callable[..., Client]


@pytest.fixture
def signed_in() -> SignIn:
    """`signed_in(user)`: a client signed in as `user` (tests/cast.py)."""
    return cast_signed_in


MakePost = Callable[..., Post]


@pytest.fixture
def make_post(blog: Blog, author: User) -> MakePost:
    def make(
        title: str = "A day in the garden",
        source: str = "Some *words* about the garden.",
        published_at: dt.datetime | None = NOON,
        labels: tuple[str, ...] = (),
        status: str = Post.Status.PUBLISHED,
        target: Blog | None = None,
        **fields: Any,
    ) -> Post:
        post = Post(
            blog=target or blog,
            author=author,
            title=title,
            source=source,
            status=status,
            published_at=published_at,
            **fields,
        )
        return save_post(post, labels=labels, now=NOON)

    return make


MakeComment = Callable[..., Comment]


@pytest.fixture
def make_comment() -> MakeComment:
    def make(post: Post, body: str = "Lovely.", **fields: Any) -> Comment:
        fields.setdefault("author_name", "Reader")
        fields.setdefault("status", Comment.Status.PUBLISHED)
        fields.setdefault("created_at", NOON + dt.timedelta(hours=1))
        return add_comment(Comment(post=post, body=body, **fields))

    return make


@pytest.fixture(autouse=True)
def fresh_cache(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any
) -> None:
    """Rate limits and spent tokens live in the cache: no test may inherit another's counts.

    The cache is a table of the test database, cleared before each test that reaches the
    database (outside its transaction: this fixture may run before the test's `db`). Before,
    not after: a test may leave its connection closed (a worker run, a streamed download on
    PostgreSQL), and what a transactional test committed is gone before the next one starts.
    """
    uses_database = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if uses_database:
        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture
def post(make_post: MakePost) -> Post:
    return make_post("Rhubarb, forced")


@pytest.fixture
def post_as() -> PostAs:
    """`post_as(client, post, **fields)`: POST a comment as the page's script does."""
    return commenting.post_as
