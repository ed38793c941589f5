"""The layout drawn when a post write commits (`reader.gadgets.draw_ahead`): the first reader
after the write draws no gadget, and every page is byte for byte the page the reader would
have drawn itself, after each kind of write the sidebar shows."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from broadsheet.blogs import layout_actions
from broadsheet.blogs.actions import bump_content_version, save_blog_settings, sidebar_moved
from broadsheet.blogs.layout import Kind
from broadsheet.blogs.models import Blog, Membership
from broadsheet.core.pagecache import store
from broadsheet.posts.actions import save_post, trash
from broadsheet.posts.models import Label, Post
from broadsheet.reader import drawn, tallied
from tests.conftest import NOON, MakeComment, MakePost

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
Capture = Callable[..., Any]


def pages(post: Post) -> list[str]:
    month = post.permalink.rsplit("/", 1)[0] + "/"
    return ["/", post.permalink, "/search/label/Veg", month, "/search?q=rhubarb"]


def first_readers(paths: list[str]) -> tuple[dict[str, bytes], set[str]]:
    """Each page as the first reader after the write gets it, and the gadget templates drawn
    for them (the search box is drawn on every page: it shows the reader's query)."""
    found, templates = {}, set()
    for path in paths:
        response = Client().get(path)
        assert response.status_code == 200, path
        found[path] = response.content
        templates |= {t.name or "" for t in response.templates}
    return found, {name for name in templates if name.startswith("reader/gadgets/")} - {
        "reader/gadgets/search.html"
    }


def drawn_by_the_reader(paths: list[str]) -> dict[str, bytes]:
    """The same pages with nothing kept anywhere: the path the drawing ahead skips."""
    store.clear()
    tallied._shelf.kept.clear()
    drawn.GADGETS.kept.clear()
    found, templates = first_readers(paths)
    assert "reader/gadgets/archive.html" in templates  # drawn afresh indeed
    return found


@contextmanager
def studio_request(blog: Blog) -> Iterator[None]:
    """As the studio writes: another language active, the blog's time zone (studio.access)."""
    with translation.override("de"), timezone.override(blog.tzinfo):
        yield


def check(
    capture: Capture,
    blog: Blog,
    post: Post,
    write: Callable[[], object],
    until: dt.datetime | None = None,
) -> None:
    """`until`: when the layout drawn ahead expires (a scheduled post's time), if it does."""
    paths = pages(post)
    first_readers(paths)  # every page and the layout kept as they were before the write
    # The hooks run as the write commits, in the writer's request.
    with studio_request(blog), capture(execute=True):
        write()
    after, templates = first_readers(paths)
    fresh = drawn_by_the_reader(paths)
    if until is None or timezone.now() < until:  # else the post came due meanwhile
        assert templates == set()  # the layout came drawn: the reader drew no gadget
        assert after == fresh


@pytest.fixture
def member(blog: Blog, admin: User) -> Membership:
    return Membership.objects.get(blog=blog, user=admin)


@pytest.fixture
def seeded(blog: Blog, make_post: MakePost) -> Post:
    blog.time_zone = "America/Los_Angeles"
    blog.language = "fr"  # month names the writer's language would get wrong
    blog.save()
    make_post("Seed potatoes", published_at=NOON - 40 * DAY, labels=("Veg",))
    make_post("Leeks", published_at=NOON - 400 * DAY, labels=("Veg", "Winter"))
    return make_post("Rhubarb, forced", labels=("Veg",))


def test_after_a_new_post_the_first_reader_draws_nothing_and_sees_the_same_pages(
    django_capture_on_commit_callbacks: Capture, blog: Blog, author: User, seeded: Post
) -> None:
    def new_post() -> None:
        post = Post(blog=blog, author=author, title="Rhubarb crumble", status="published")
        save_post(post, labels=("Veg", "Puddings"))

    check(django_capture_on_commit_callbacks, blog, seeded, new_post)
    page = Client().get("/").content.decode()
    assert "Rhubarb crumble" in page and "Puddings" in page
    assert "octobre" in page  # the blog's language, not the studio's


def test_after_each_kind_of_post_write_the_pages_are_the_readers_own(
    django_capture_on_commit_callbacks: Capture,
    blog: Blog,
    author: User,
    member: Membership,
    seeded: Post,
) -> None:
    capture = django_capture_on_commit_callbacks
    back = Post(blog=blog, author=author, title="Back-dated", status="published")
    back.published_at = NOON - 70 * DAY
    check(capture, blog, seeded, lambda: save_post(back, labels=("Veg", "Old")))

    def unpublish() -> None:
        back.status = Post.Status.DRAFT
        save_post(back, labels=("Veg", "Old"))

    check(capture, blog, seeded, unpublish)
    gone = Post.objects.get(title="Seed potatoes")
    check(capture, blog, seeded, lambda: trash(member, gone))

    @transaction.atomic
    def deleted_as_the_admin_does() -> None:  # a row deleted, then the blog's bump
        Post.objects.filter(title="Leeks").delete()
        bump_content_version(blog)

    check(capture, blog, seeded, deleted_as_the_admin_does)

    @transaction.atomic
    def label_renamed() -> None:
        Label.objects.filter(blog=blog, name="Veg").update(name="Vegetables")
        bump_content_version(blog)

    check(capture, blog, seeded, label_renamed)
    assert "Vegetables" in Client().get("/").content.decode()


def test_after_a_delete_in_the_django_admin_the_pages_are_the_readers_own(
    django_capture_on_commit_callbacks: Capture, blog: Blog, seeded: Post
) -> None:
    operator = Client()
    operator.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    gone = Post.objects.get(title="Seed potatoes")

    def delete() -> None:
        response = operator.post(f"/admin/posts/post/{gone.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302

    check(django_capture_on_commit_callbacks, blog, seeded, delete)
    assert "Seed potatoes" not in Client().get("/").content.decode()


def test_after_a_layout_or_settings_change_the_pages_are_the_readers_own(
    django_capture_on_commit_callbacks: Capture, blog: Blog, member: Membership, seeded: Post
) -> None:
    capture = django_capture_on_commit_callbacks
    archive = next(g for g in layout_actions.stored_layout(blog) if g.kind == Kind.ARCHIVE)
    config = {**archive.options, "style": "flat"}
    check(
        capture, blog, seeded, lambda: layout_actions.configure_gadget(member, archive, "", config)
    )
    check(capture, blog, seeded, lambda: layout_actions.move_gadget(member, archive, -1))

    def settings_changed() -> None:
        fresh = Blog.objects.get(pk=blog.pk)
        fresh.time_zone, fresh.language = "Pacific/Auckland", "en"
        save_blog_settings(member, fresh)

    check(capture, blog, seeded, settings_changed)


def test_a_scheduled_post_drawn_ahead_shows_when_its_time_comes(
    django_capture_on_commit_callbacks: Capture, blog: Blog, author: User, seeded: Post
) -> None:
    due = timezone.now() + dt.timedelta(seconds=3)
    post = Post(blog=blog, author=author, title="Tomorrow's", status="published")
    post.published_at = due
    check(django_capture_on_commit_callbacks, blog, seeded, lambda: save_post(post), due)
    if timezone.now() < due:
        assert "Tomorrow&#x27;s" not in Client().get("/").content.decode()
    time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 0.1)
    paths = pages(seeded)
    shown, _ = first_readers(paths)
    assert "Tomorrow&#x27;s" in shown["/"].decode()
    assert shown == drawn_by_the_reader(paths)


def test_a_comment_draws_nothing_ahead(
    django_capture_on_commit_callbacks: Capture, seeded: Post, make_comment: MakeComment
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        make_comment(seeded)
    assert not [c for c in callbacks if getattr(c, "func", None) is sidebar_moved]
