"""Writers of one blog at once on PostgreSQL: no deadlock, no lost count.

Each test runs real actions in threads, each thread on its own connection, in the one order
that closes a cycle when two transactions take a blog's rows in opposite orders. A raw
session holds the blog's row while the writers start, one at a time, each once the one
before waits on a lock; then it lets go. Before the lock order of `blogs.actions.lock_blog`
(the blog's row first, before any other row of the blog), PostgreSQL broke each of these
cycles by aborting one writer with "deadlock detected" after `deadlock_timeout`: a 500.

SQLite writers take turns on the whole database, so these run in the PostgreSQL pass only.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test import RequestFactory

from broadsheet.blogs.actions import save_profile
from broadsheet.blogs.models import Blog, Membership, Profile
from broadsheet.comments import actions as comments
from broadsheet.comments.models import Comment, SpamToken
from broadsheet.portability.actions import import_blogger
from broadsheet.posts.actions import save_post
from broadsheet.posts.admin import PostAdmin
from broadsheet.posts.models import Post
from broadsheet.webmention.actions import record
from broadsheet.webmention.sources import Entry
from tests.conftest import NOON, MakePost

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the PostgreSQL pass only",
    ),
    pytest.mark.django_db(transaction=True),
]

Writer = Callable[[], object]
BLOG_ROW = "SELECT id FROM blogs_blog WHERE id = %(blog)s FOR NO KEY UPDATE"
PATIENCE = 20.0  # seconds: a writer that waits longer than this is stuck, not slow


def _raw() -> psycopg.Connection[Any]:
    """A session of our own on the test database, outside Django's connections."""
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"], host=s["HOST"] or None, port=s["PORT"] or None,
        user=s["USER"] or None, password=s["PASSWORD"] or None,
    )  # fmt: skip


def _waiting(session: psycopg.Connection[Any]) -> int:
    """How many sessions of this database wait on a lock."""
    row = session.execute(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    ).fetchone()
    return int(row[0]) if row else 0


def _until(check: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + PATIENCE
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.01)


def _run(writer: Writer, failures: list[BaseException]) -> None:
    try:
        writer()
    except BaseException as failure:  # every failure is the test's to report
        failures.append(failure)
    finally:
        connection.close()  # this thread's own connection


def interleave(blog: Blog, *writers: Writer, holding: str = BLOG_ROW) -> list[BaseException]:
    """Start `writers` in order while a raw session holds what `holding` takes (the blog's
    row unless told), each once the ones before it wait on a lock; let go; the failures of
    all of them once they are done."""
    failures: list[BaseException] = []
    threads = [threading.Thread(target=_run, args=(w, failures)) for w in writers]
    with _raw() as holder, _raw() as watcher:
        watcher.autocommit = True  # a transaction would see one snapshot of the activity
        holder.execute(holding, {"blog": blog.pk})
        for started, thread in enumerate(threads, start=1):
            thread.start()
            _until(
                lambda n=started: _waiting(watcher) >= n or bool(failures),  # type: ignore[misc]
                f"writer {started} to wait",
            )
        holder.commit()
    for thread in threads:
        thread.join(PATIENCE)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return failures


@contextmanager
def fast_deadlocks() -> Iterator[None]:
    """No test waits the default second for PostgreSQL to look for a cycle."""
    with _raw() as session:
        session.autocommit = True
        name = connection.settings_dict["NAME"]
        session.execute(f"ALTER DATABASE \"{name}\" SET deadlock_timeout = '100ms'")
        try:
            yield
        finally:
            session.execute(f'ALTER DATABASE "{name}" RESET deadlock_timeout')


@pytest.fixture(autouse=True)
def _quick() -> Iterator[None]:
    connection.close()  # the writers' connections are opened after the setting
    with fast_deadlocks():
        yield


@pytest.fixture
def moderator(blog: Blog, admin: User) -> Membership:
    return Membership.objects.get(blog=blog, user=admin)


@pytest.fixture
def two_posts(make_post: MakePost) -> tuple[Post, Post]:
    return make_post("First"), make_post("Second")


def held(post: Post, body: str) -> Comment:
    """A comment waiting in the moderation queue."""
    comment = Comment(post=post, body=body, author_name="Reader", status=Comment.Status.PENDING)
    return comments.add_comment(comment)


def new_comment(post: Post, body: str) -> Writer:
    comment = Comment(post=post, body=body, author_name="Reader", status="published")
    return lambda: comments.add_comment(comment)


def published_count(post: Post) -> int:
    post.refresh_from_db(fields=["comment_count"])
    return post.comment_count


def test_approving_comments_on_two_posts_while_a_reader_comments_on_the_second(
    blog: Blog, two_posts: tuple[Post, Post], moderator: Membership
) -> None:
    """The bulk moderation holds the change head and wants the second post's row, which the
    new comment holds while it wants the head."""
    first, second = two_posts
    queue = [held(first, "Waiting one."), held(second, "Waiting two.")]

    failures = interleave(
        blog,
        lambda: comments.bulk(moderator, "approve", queue),
        new_comment(second, "Here now."),
    )

    assert failures == []
    assert (published_count(first), published_count(second)) == (1, 2)


def test_a_like_arriving_while_comments_on_two_posts_are_approved(
    blog: Blog, two_posts: tuple[Post, Post], moderator: Membership
) -> None:
    """A Webmention like writes the post's stamp and then the change head; the moderation
    holds the head and wants the same stamp."""
    first, second = two_posts
    queue = [held(first, "Waiting one."), held(second, "Waiting two.")]
    like = Entry("like", "Someone", "https://elsewhere.example/", "", "", "")

    failures = interleave(
        blog,
        lambda: comments.bulk(moderator, "approve", queue),
        lambda: record(second, "https://elsewhere.example/likes/1", like),
    )

    assert failures == []
    assert published_count(second) == 1
    assert second.mentions.count() == 1


IMPORTED = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom'>
  <entry>
    <id>tag:blogger.com,1999:blog-1.post-7</id>
    <published>2019-12-31T00:00:00Z</published>
    <category scheme='http://schemas.google.com/g/2005#kind'
      term='http://schemas.google.com/blogger/2008/kind#post'/>
    <title>Brought over</title>
    <content type='html'>Body</content>
  </entry>
</feed>
"""


def test_importing_into_a_blog_while_a_reader_comments_on_one_of_its_posts(
    blog: Blog, two_posts: tuple[Post, Post], tmp_path: Path
) -> None:
    """The import takes the blog's row first and then the change head; a comment took the
    head with its post and wanted the blog's row last."""
    _, second = two_posts
    export = tmp_path / "blog.xml"
    export.write_text(IMPORTED, encoding="utf-8")

    failures = interleave(
        blog,
        lambda: import_blogger(blog, export, now=NOON),
        new_comment(second, "Here now."),
    )

    assert failures == []
    assert Post.objects.filter(blog=blog).count() == 3
    assert published_count(second) == 1


def test_a_profile_saved_while_a_post_is_written_and_commented(
    blog: Blog, two_posts: tuple[Post, Post], author: User
) -> None:
    """A profile's write moves the stamps of every blog its person writes on, and then their
    versions: with posts taking the blog's row first, it must too."""
    first, _ = two_posts
    profile, _ = Profile.objects.get_or_create(user=author)
    profile.display_name = "Renamed"
    first.source = "Edited at the same time."

    failures = interleave(
        blog,
        lambda: save_post(first, now=NOON + dt.timedelta(hours=1)),
        lambda: save_profile(profile),
    )

    assert failures == []


def test_the_django_admin_saving_a_post_while_a_reader_comments_on_it(
    blog: Blog, two_posts: tuple[Post, Post], admin: User
) -> None:
    """The admin's save writes the post and then moves the blog's version: it takes the
    blog's row first too, or it holds the post a comment waits for while waiting itself."""
    first, _ = two_posts
    request = RequestFactory().post("/admin/")
    request.user = admin
    first.title = "Renamed in the admin"

    def admin_save() -> None:
        with transaction.atomic():  # as the admin's change view is
            PostAdmin(Post, admin_site()).save_model(request, first, None, change=True)

    failures = interleave(blog, new_comment(first, "Here now."), admin_save)

    assert failures == []
    assert published_count(first) == 1


def test_two_moderators_approving_comments_that_share_new_words(
    blog: Blog, two_posts: tuple[Post, Post], moderator: Membership
) -> None:
    """Approving teaches the blog's spam filter each new word of the comment, in the order the
    comment has them; two approvals of "alpha gamma beta" and "beta gamma alpha" each made a
    word the other one then waited for."""
    first, second = two_posts
    one, two = held(first, "alpha gamma beta"), held(second, "beta gamma alpha")
    gamma_taught_elsewhere = (
        "INSERT INTO comments_spamtoken (blog_id, token, spam, ham) "
        "VALUES (%(blog)s, 'gamma', 0, 1)"
    )

    failures = interleave(
        blog,
        lambda: comments.approve(moderator, one),
        lambda: comments.approve(moderator, two),
        holding=gamma_taught_elsewhere,
    )

    assert failures == []
    assert (published_count(first), published_count(second)) == (1, 1)
    assert SpamToken.objects.get(blog=blog, token="gamma").ham == 3


def admin_site() -> Any:
    from django.contrib import admin

    return admin.site
