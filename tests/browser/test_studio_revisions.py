"""Edit a published post, then bring back an earlier version from its history (Chromium)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from broadsheet.blogs.models import Membership
from broadsheet.posts.actions import Content, Intent, write_post
from tests.studio.browser_steps import sign_in, with_password


def test_edit_a_published_post_and_restore_an_earlier_revision(
    transactional_db: Any, live_server: Any, page: Page, blog: Any, author: Any
) -> None:
    with_password(author)
    first = Content(title="Garlic notes", source="Plant the cloves in October.\n\nPointy end up.")
    post = write_post(
        Membership.of(author, blog),
        None,
        first,
        Intent.PUBLISH,
        now=timezone.now() - dt.timedelta(days=1),
    )
    base = live_server.url
    sign_in(page, base, "ada")

    page.goto(base + "/studio/notes/posts/")
    page.get_by_role("link", name="Garlic notes").click()
    body = page.get_by_label("Body")
    expect(body).to_have_value(first.source)
    body.fill("Plant the cloves in March.\n\nPointy end up.")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_role("status").first).to_contain_text("Published.")
    page.goto(base + post.permalink)
    expect(page.locator(".post-body")).to_contain_text("Plant the cloves in March.")

    page.go_back()
    page.get_by_role("link", name="Revision history").click()
    versions = page.locator("#main ol").get_by_role("link")
    expect(versions).to_have_count(2)
    versions.last.click()  # the oldest version
    diff = page.get_by_role("list", name="Differences in the body")
    expect(diff.locator("del mark")).to_have_text("March.")
    expect(diff.locator("ins mark")).to_have_text("October.")
    page.get_by_role("button", name="Restore this version").click()
    expect(page.get_by_role("status").first).to_contain_text("The earlier version is back")
    expect(page.get_by_label("Body")).to_have_value(first.source)

    page.goto(base + post.permalink)
    expect(page.locator(".post-body")).to_contain_text("Plant the cloves in October.")
    expect(page.get_by_text("March")).to_have_count(0)
