"""Comments in Chromium: posting, moderation, replies, members-only blogs, and hostile text.

The minimum time to fill the form is set to zero here: the tests never sleep on the clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import Page, expect

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments import defences
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from tests.comments.corpus import payloads
from tests.conftest import MakeComment, MakePost
from tests.tools.axe import format_violations, run_axe, serious
from tests.tools.fixtures import DialogTrap, screenshot

PER_PAGE = 450


@pytest.fixture(autouse=True)
def _quick_readers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(defences, "MIN_SECONDS_TO_FILL", 0)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(transactional_db: Any, make_post: MakePost) -> Post:
    return make_post("Rhubarb, forced")


def write(page: Page, body: str, name: str = "Mary") -> None:
    page.get_by_label("Your comment").fill(body)
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Publish").click()


def test_anonymous_reader_posts_and_sees_the_comment(
    page: Page, live_server: Any, post: Post
) -> None:
    page.goto(live_server.url + post.permalink)
    write(page, "First line.\nSecond line, see https://example.org/")
    comment = page.locator(".comment-thread .comment").first
    expect(comment).to_contain_text("Second line")
    expect(page.locator("#comments-heading")).to_have_text("1 comment:")
    expect(comment.get_by_role("link", name="https://example.org/")).to_have_attribute(
        "rel", "nofollow ugc noopener"
    )
    assert re.search(r"\?showComment=\d+#c\d+$", page.url)
    screenshot(page, "comments-posted")


def test_without_javascript_the_confirm_page_posts_it(
    new_page: Callable[..., Page], live_server: Any, post: Post
) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + post.permalink)
    write(page, "Typed without script.")
    expect(page.get_by_role("heading", name="Confirm your comment")).to_be_visible()
    expect(page.get_by_label("Your comment")).to_have_value("Typed without script.")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".comment-thread")).to_contain_text("Typed without script.")


def test_held_comment_is_approved_in_the_studio_and_appears(
    new_page: Callable[..., Page], live_server: Any, blog: Blog, post: Post, author: User
) -> None:
    blog.moderation = Blog.Moderation.ALWAYS
    blog.save()
    reader = new_page()
    reader.goto(live_server.url + post.permalink)
    write(reader, "Please approve me.")
    expect(reader.get_by_text("Your comment will be visible after approval.")).to_be_visible()
    expect(reader.locator(".comment-thread")).to_have_count(0)
    screenshot(reader, "comments-held")

    studio = new_page()
    sign_in(studio, live_server.url, author)
    studio.goto(live_server.url + "/studio/comments/notes/")
    row = studio.get_by_role("row").filter(has_text="Please approve me.")
    screenshot(studio, "comments-moderation-pending")
    row.get_by_role("button", name=re.compile("^Approve")).click()
    expect(studio.get_by_text("Approved: the comment by Mary.")).to_be_visible()
    screenshot(studio, "comments-moderation")

    reader.goto(live_server.url + post.permalink)
    expect(reader.locator(".comment-thread")).to_contain_text("Please approve me.")


def sign_in(page: Page, base: str, user: User) -> None:
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": base}])


def test_a_reply_shows_under_its_parent(
    page: Page, live_server: Any, post: Post, make_comment: MakeComment
) -> None:
    make_comment(post, "The first word.", author_name="Lu")
    page.goto(live_server.url + post.permalink)
    page.get_by_role("link", name="Reply to Lu").click()
    expect(page.get_by_text("Replying to Lu.")).to_be_visible()
    write(page, "An answer to Lu.")
    reply = page.locator(".comment-thread > .comment > .comment-replies > .comment")
    expect(reply).to_contain_text("An answer to Lu.")
    assert Comment.objects.get(body="An answer to Lu.").parent is not None


def test_members_only_blog_shows_the_note_instead_of_the_form(
    page: Page, live_server: Any, blog: Blog, post: Post
) -> None:
    blog.who_can_comment = Blog.WhoCanComment.MEMBERS
    blog.save()
    page.goto(live_server.url + post.permalink)
    expect(page.get_by_text("Only a member of this blog may post a comment.")).to_be_visible()
    expect(page.locator("form.comment-form")).to_have_count(0)
    assert Membership.objects.count() == 1  # Ada, the author: no reader is a member


def test_pages_full_of_hostile_comments_run_nothing(
    new_page: Callable[..., Page], live_server: Any, post: Post, make_post: MakePost
) -> None:
    found = payloads()
    posts = [make_post(f"Hostile {i}") for i in range(0, len(found), PER_PAGE)]
    Comment.objects.bulk_create(
        Comment(
            post=posts[i // PER_PAGE],
            author_name=payload[:200],
            author_url=payload[:500],
            body=payload,
            status=Comment.Status.PUBLISHED,
        )
        for i, payload in enumerate(found)
    )
    page = new_page()
    trap = DialogTrap.attach(page)
    for target in posts:
        page.goto(live_server.url + target.permalink, wait_until="load")
        page.get_by_label("Your comment").focus()  # let form.js run as for a reader
        page.wait_for_timeout(300)  # a moment for timers and error handlers a payload set
        assert page.locator(".comment-thread > .comment").count() > 0
    trap.assert_no_execution()


def test_form_confirm_page_and_moderation_list_pass_axe(
    axe_page: Page, live_server: Any, post: Post, admin_user: User, make_comment: MakeComment
) -> None:
    make_comment(post, "Held for axe.", status=Comment.Status.PENDING)
    Membership.objects.create(blog=post.blog, user=admin_user, role=Membership.Role.ADMIN)
    sign_in(axe_page, live_server.url, admin_user)
    pages = [post.permalink, f"/comments/post/{post.pk}", "/studio/comments/notes/"]
    for path in pages:
        axe_page.goto(live_server.url + path)
        if path.startswith("/comments/"):
            # Past the browser's own checks, so that the server's messages show on each field.
            axe_page.eval_on_selector("form.comment-form", "form => form.noValidate = true")
            axe_page.locator("#comment-email").fill("nope")
            axe_page.get_by_role("button", name="Publish").click()
            expect(axe_page.locator(".comment-field-error").first).to_be_visible()
        found = serious(run_axe(axe_page))
        assert not found, f"{path}: {format_violations(found)}"
