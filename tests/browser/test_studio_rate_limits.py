"""In Chromium: past the preview and autosave limits the editor says so and loses nothing."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from broadsheet.core.ratelimit import Limit
from broadsheet.posts.models import Autosave
from broadsheet.studio import throttle
from tests.studio.browser_steps import sign_in, with_password


def test_limited_preview_and_autosave_keep_the_text_and_say_why(
    transactional_db: Any,
    live_server: Any,
    page: Page,
    blog: Any,
    author: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One of each per window (the live server runs in this process, so it sees the change).
    # Windows are aligned to the clock: one of about 30 years, so the test never straddles two.
    window = 10**9
    monkeypatch.setitem(throttle.LIMITS, "preview", (Limit(1, window),))
    monkeypatch.setitem(throttle.LIMITS, "autosave", (Limit(1, window),))
    with_password(author)
    sign_in(page, live_server.url, "ada")
    page.goto(live_server.url + "/studio/notes/posts/new/")
    page.get_by_label("Title").fill("Slug patrol")
    body = page.get_by_label("Body")
    body.fill("First *words*.")
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("Autosaved at")
    page.locator("#preview-button").click()
    expect(page.locator("#preview em")).to_have_text("words")

    body.fill("First *words*. Then **more**.")
    expect(status).to_contain_text("Too many")
    expect(status).to_contain_text("kept in this browser")
    expect(page.locator("#preview em")).to_have_text("words")  # the last preview stays
    expect(body).to_have_value("First *words*. Then **more**.")
    kept = page.evaluate("JSON.stringify(Object.values(localStorage))")
    assert "Then **more**." in kept
    assert Autosave.objects.get(user=author).source == "First *words*."
