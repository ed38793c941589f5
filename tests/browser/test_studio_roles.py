"""Roles as a browser shows them: a contributor writes drafts and gets no Publish button;
an author meets a 404 at another author's post. (Forged requests are refused too: see
tests/studio/test_permissions.py, which presses every action directly.)"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from broadsheet.blogs.models import Membership
from broadsheet.posts.models import Post
from tests.cast import member
from tests.studio.browser_steps import sign_in, with_password
from tests.studio.conftest import write


def test_contributor_writes_a_draft_and_cannot_publish(
    transactional_db: Any, live_server: Any, page: Page, blog: Any, author: Any
) -> None:
    with_password(member(blog, "kit", Membership.Role.CONTRIBUTOR))
    theirs = write(blog, author, "Ada's draft")
    base = live_server.url
    sign_in(page, base, "kit")
    page.goto(base + "/studio/notes/posts/new/")
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    expect(page.get_by_role("button", name="Schedule")).to_have_count(0)
    page.get_by_label("Title").fill("Compost thoughts")
    page.get_by_label("Body").fill("Turn it monthly.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Draft saved.")
    assert Post.objects.get(title="Compost thoughts").status == Post.Status.DRAFT

    # Someone else's post does not exist, as far as Kit can tell.
    response = page.goto(base + f"/studio/notes/posts/{theirs.pk}/")
    assert response is not None and response.status == 404
    page.goto(base + "/studio/notes/posts/")
    expect(page.get_by_text("Ada's draft")).to_have_count(0)
