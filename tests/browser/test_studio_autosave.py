"""Autosave in Chromium: what was typed survives an expired session and a closed tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from broadsheet.posts.models import Autosave, Post
from tests.studio.browser_steps import sign_in, with_password

FIRST = "Slugs came out after the rain."
LATER = " Forty-two of them, counted by torchlight."


def test_text_typed_survives_an_expired_session(
    transactional_db: Any,
    live_server: Any,
    page: Page,
    new_page: Callable[..., Page],
    blog: Any,
    author: Any,
    settings: Any,
) -> None:
    with_password(author)
    base = live_server.url
    sign_in(page, base, "ada")
    page.goto(base + "/studio/notes/posts/new/")
    page.get_by_label("Title").fill("Slug patrol")
    page.get_by_label("Body").fill(FIRST)
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("Autosaved at")
    assert Autosave.objects.get(user=author).source == FIRST

    # A body past the bound: the server's reason is shown, and the text stays here.
    settings.MAX_POST_BYTES = 1000
    page.get_by_label("Body").fill("x" * 1001)
    expect(status).to_contain_text("at most 1,000 bytes")
    expect(status).to_contain_text("kept in this browser")
    assert Autosave.objects.get(user=author).source == FIRST
    settings.MAX_POST_BYTES = 1_200_000

    # The session expires on the server while the writer goes on typing.
    Session.objects.all().delete()
    page.get_by_label("Body").fill(FIRST + LATER)
    expect(status).to_contain_text("You have been signed out")

    # Reloading sends them to sign in; afterwards every word is back in the editor.
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, base, "ada", path="")
    expect(page).to_have_url(base + "/studio/notes/posts/new/")
    expect(page.get_by_label("Title")).to_have_value("Slug patrol")
    expect(page.get_by_label("Body")).to_have_value(FIRST + LATER)
    expect(page.locator("#local-notice")).to_contain_text("Restored text typed in this browser")

    # Saving keeps it for good, and the browser's copy and the autosave are let go.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Draft saved.")
    post = Post.objects.get()
    assert post.source == FIRST + LATER and not Autosave.objects.exists()
    assert page.evaluate("Object.keys(localStorage).length") == 0
    expect(page.get_by_label("Body")).to_have_value(FIRST + LATER)

    # A closed tab: another browser (nothing in its storage) gets the server's autosave.
    page.get_by_label("Body").fill("Rewritten on the laptop.")
    expect(status).to_contain_text("Autosaved at")
    page.close()
    other = new_page()
    sign_in(other, base, "ada")
    other.goto(base + f"/studio/notes/posts/{post.pk}/")
    expect(other.get_by_label("Body")).to_have_value("Rewritten on the laptop.")
    expect(other.locator("#autosave-notice")).to_contain_text("has not been saved yet")
