"""The demo blog that `make run` loads: every page and gadget should have real content to show."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.utils import timezone

from broadsheet.blogs.models import Blog, Membership
from broadsheet.blogs.people import display_name
from broadsheet.comments.models import Comment
from broadsheet.demo import loader
from broadsheet.demo.loader import DemoAlreadyLoaded, load_demo
from broadsheet.posts.models import Label, Page, Post, SourceFormat

# A fixed "now" after the last dated post, so the scheduled post's week is deterministic.
LOADED_AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
PERMALINK = re.compile(r"^/(\d{4})/(\d{2})/[a-z0-9][a-z0-9_-]*\.html$")

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: Any) -> Blog:
    with time_machine.travel(LOADED_AT, tick=False):
        return load_demo()


def public_posts(blog: Blog, now: dt.datetime = LOADED_AT) -> list[Post]:
    return list(Post.objects.public(blog, now=now))


def published(post: Post) -> dt.datetime:
    assert post.published_at is not None
    return post.published_at


def local(blog: Blog, post: Post) -> dt.datetime:
    """When the post was published, on the blog's clock (what its date header shows)."""
    return timezone.localtime(published(post), blog.tzinfo)


def test_demo_is_the_default_blog_with_its_settings(demo: Blog) -> None:
    demo.refresh_from_db()
    assert (demo.slug, demo.is_default) == ("demo", True)
    assert demo.title and demo.description
    assert (demo.time_zone, demo.language, demo.posts_per_page) == ("Europe/London", "en", 7)


def test_featured_post_is_pinned_and_is_not_simply_the_newest(demo: Blog) -> None:
    with time_machine.travel(LOADED_AT, tick=False):
        featured = Post.objects.featured(demo)
    assert featured is not None and featured.pk == demo.featured_post_id
    assert featured != public_posts(demo)[0]


def test_authors_are_members_who_cannot_sign_in_with_a_password(demo: Blog) -> None:
    memberships = Membership.objects.filter(blog=demo).select_related("user")
    assert sorted(m.role for m in memberships) == [Membership.Role.ADMIN, Membership.Role.AUTHOR]
    for membership in memberships:
        assert membership.user.get_full_name().count(" ") >= 1
        assert not membership.user.has_usable_password()
    assert set(Post.objects.filter(blog=demo).values_list("author", flat=True)) == {
        m.user_id for m in memberships
    }


def test_demo_has_one_draft_and_one_scheduled_post(demo: Blog) -> None:
    statuses = Counter(Post.objects.filter(blog=demo).values_list("status", flat=True))
    assert sum(statuses.values()) >= 14
    assert statuses[Post.Status.DRAFT] == 1
    assert statuses[Post.Status.SCHEDULED] == 1


def test_scheduled_post_appears_on_its_own_a_week_after_loading(demo: Blog) -> None:
    scheduled = Post.objects.get(blog=demo, status=Post.Status.SCHEDULED)
    assert scheduled not in public_posts(demo)
    with time_machine.travel(LOADED_AT + dt.timedelta(days=8), tick=False):
        assert scheduled in Post.objects.public(demo)
        assert scheduled.is_public()


def test_draft_is_never_public_and_has_no_permalink(demo: Blog) -> None:
    draft = Post.objects.get(blog=demo, status=Post.Status.DRAFT)
    assert draft.permalink == ""
    assert draft not in public_posts(demo, now=LOADED_AT + dt.timedelta(days=365))


def test_public_posts_span_three_months_across_two_years(demo: Blog) -> None:
    months = {(local(demo, p).year, local(demo, p).month) for p in public_posts(demo)}
    assert len(months) >= 3
    assert len({year for year, _ in months}) >= 2


def test_three_public_posts_share_one_local_day(demo: Blog) -> None:
    days = Counter(local(demo, p).date() for p in public_posts(demo))
    busiest_day, count = days.most_common(1)[0]
    assert count >= 3
    times = [p.published_at for p in public_posts(demo) if local(demo, p).date() == busiest_day]
    assert len(set(times)) == count


def test_a_post_just_after_local_midnight_falls_on_another_utc_day(demo: Blog) -> None:
    # Date headers must group by the blog's day, not the server's; the demo makes that visible.
    assert any(
        local(demo, p).date() != published(p).astimezone(dt.UTC).date() for p in public_posts(demo)
    )


def test_every_public_post_has_a_blogger_permalink_from_its_local_month(demo: Blog) -> None:
    posts = public_posts(demo)
    for post in posts:
        match = PERMALINK.match(post.permalink)
        assert match, post.permalink
        published = local(demo, post)
        assert match.groups() == (f"{published:%Y}", f"{published:%m}")
    assert len({p.permalink for p in posts}) == len(posts)


def test_apostrophes_and_punctuation_leave_the_slug(demo: Blog) -> None:
    post = Post.objects.get(blog=demo, title__startswith="Who's")
    assert post.title.endswith("?")
    assert "/whos-afraid-" in post.permalink


def test_every_post_has_a_rendered_body_in_both_formats(demo: Blog) -> None:
    posts = Post.objects.filter(blog=demo)
    assert all(p.body_html.strip() for p in posts)
    assert set(posts.values_list("source_format", flat=True)) == set(SourceFormat.values)


def test_labels_have_different_counts(demo: Blog) -> None:
    public = Q(posts__in=public_posts(demo))
    counts = dict(
        Label.objects.filter(blog=demo)
        .annotate(n=Count("posts", filter=public))
        .values_list("name", "n")
    )
    assert 5 <= len(counts) <= 8
    assert len(set(counts.values())) >= 3
    assert {"Seed Saving", "Café"} <= counts.keys()
    assert any(p.labels.count() >= 2 for p in public_posts(demo))


def test_comments_appear_on_at_least_five_posts(demo: Blog) -> None:
    commented = Post.objects.filter(blog=demo, comment_count__gt=0)
    assert commented.count() >= 5
    assert commented.filter(comment_count__gte=6).exists()


def test_replies_stay_on_their_parents_post_and_nest_two_deep(demo: Blog) -> None:
    replies = Comment.objects.filter(post__blog=demo, parent__isnull=False).select_related("parent")
    assert replies.exists()
    assert all(reply.parent and reply.post_id == reply.parent.post_id for reply in replies)
    assert replies.filter(parent__parent__isnull=False).exists()


def test_commenters_come_with_and_without_links(demo: Blog) -> None:
    comments = Comment.objects.filter(post__blog=demo, status=Comment.Status.PUBLISHED)
    assert comments.exclude(author_url="").exists()
    assert comments.filter(author_url="").exists()
    assert comments.filter(body__contains="https://").exists()
    assert comments.filter(body__contains="\n\n").exists()


def test_author_replies_are_signed_by_the_author(demo: Blog) -> None:
    by_members = Comment.objects.filter(post__blog=demo, user__isnull=False)
    by_members = by_members.select_related("user__profile")
    assert by_members.exists()
    # Signed as every name is shown: the display name ("Owen P.") before the full name.
    assert all(c.user and c.author_name == display_name(c.user) for c in by_members)
    assert {c.author_name for c in by_members} <= {"Ruth Adebayo", "Owen P."}


def test_a_pending_comment_is_not_counted(demo: Blog) -> None:
    pending = Comment.objects.get(post__blog=demo, status=Comment.Status.PENDING)
    post = pending.post
    assert post.comment_count == post.comments.filter(status=Comment.Status.PUBLISHED).count()
    assert post.comment_count == post.comments.count() - 1


def test_comments_are_dated_after_their_post_and_before_loading(demo: Blog) -> None:
    for comment in Comment.objects.filter(post__blog=demo).select_related("post", "parent"):
        assert published(comment.post) < comment.created_at < LOADED_AT
        assert comment.parent is None or comment.parent.created_at < comment.created_at


def test_a_post_with_comments_turned_off_has_none(demo: Blog) -> None:
    closed = Post.objects.filter(blog=demo, comments_allowed=False)
    assert closed.count() == 1
    assert not closed.get().comments.exists()


def test_static_pages_are_published(demo: Blog) -> None:
    pages = Page.objects.filter(blog=demo)
    assert pages.count() >= 2
    about = pages.get(slug="about")
    assert about.title == "About this blog"
    assert about.get_absolute_url() == "/p/about.html"
    for page in pages:
        assert page.status == Page.Status.PUBLISHED
        assert page.published_at is not None and page.body_html.strip()


def test_loading_twice_raises_and_changes_nothing(demo: Blog) -> None:
    posts = Post.objects.count()
    with pytest.raises(DemoAlreadyLoaded):
        load_demo(now=LOADED_AT)
    assert Post.objects.count() == posts
    assert Blog.objects.count() == 1


def test_an_explicit_now_decides_what_is_scheduled(db: Any) -> None:
    blog = load_demo(now=LOADED_AT)
    scheduled = Post.objects.get(blog=blog, status=Post.Status.SCHEDULED)
    assert scheduled.published_at == LOADED_AT + dt.timedelta(days=7)


def test_demo_leaves_an_existing_default_blog_alone(db: Any) -> None:
    Blog.objects.create(slug="mine", title="Mine", is_default=True)
    blog = load_demo(now=LOADED_AT)
    assert not blog.is_default
    assert Blog.objects.get(slug="mine").is_default


def test_a_failed_load_leaves_nothing_behind(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "set_featured", broken)
    with pytest.raises(RuntimeError):
        load_demo(now=LOADED_AT)
    assert not Blog.objects.exists()
    assert not Post.objects.exists()
    assert not User.objects.exists()
