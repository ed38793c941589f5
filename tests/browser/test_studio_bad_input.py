"""Bad input in the editor, in Chromium: each problem is explained next to its field, and
nothing typed is lost (empty title, fake and oversized images, a past schedule date, a
permalink already taken)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from broadsheet.posts.models import Post
from tests.studio.browser_steps import sign_in, with_password
from tests.studio.conftest import write
from tests.studio.images import photo

BODY = "Every word of this must survive.\n\nEven this one."


def test_bad_input_is_explained_and_everything_typed_is_kept(
    transactional_db: Any, live_server: Any, page: Page, blog: Any, author: Any, settings: Any
) -> None:
    with_password(author)
    taken = write(blog, author, "Taken", status=Post.Status.PUBLISHED, published_at=timezone.now())
    base = live_server.url
    sign_in(page, base, "ada")
    page.goto(base + "/studio/notes/posts/new/")
    title, body, labels = (
        page.get_by_label("Title"),
        page.get_by_label("Body"),
        page.get_by_label("Labels"),
    )

    # An empty title.
    body.fill(BODY)
    labels.fill("slugs, rain")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#id_title_error")).to_have_text("Give the post a title.")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(body).to_have_value(BODY)
    expect(labels).to_have_value("slugs, rain")
    expect(page.get_by_role("alert")).to_contain_text("Title: Give the post a title.")

    # A fake image and one too large: refused beside the file field, the text untouched.
    title.fill("After the rain")
    page.set_input_files(
        "#image-file",
        files=[{"name": "cat.jpg", "mimeType": "image/jpeg", "buffer": b"MZ not a photo"}],
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#image-errors")).to_have_text(
        "This file is not a JPEG, PNG, GIF or WebP image."
    )
    expect(page.locator("#image-file")).to_have_attribute("aria-invalid", "true")
    settings.MAX_IMAGE_BYTES = 2000
    page.set_input_files(
        "#image-file",
        files=[{"name": "big.jpg", "mimeType": "image/jpeg", "buffer": photo(900, 900)}],
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#image-errors")).to_contain_text("images can be at most")
    expect(body).to_have_value(BODY)
    expect(title).to_have_value("After the rain")

    # A schedule date in the past.
    past = timezone.localtime(timezone.now() - dt.timedelta(days=1), blog.tzinfo).strftime(
        "%Y-%m-%dT%H:%M"
    )
    page.get_by_label("Publish date and time").fill(past)
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator("#id_publish_at_error")).to_contain_text(
        "Choose a date and time in the future"
    )
    expect(page.get_by_label("Publish date and time")).to_have_value(past)
    expect(title).to_have_value("After the rain")
    expect(body).to_have_value(BODY)

    # A permalink another post of this month has.
    page.get_by_label("Publish date and time").fill("")
    page.get_by_label("Custom permalink").fill("taken")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#id_permalink_error")).to_contain_text(
        f"Another post already has the address {taken.permalink}"
    )
    expect(page.get_by_label("Custom permalink")).to_have_value("taken")
    expect(body).to_have_value(BODY)
    expect(labels).to_have_value("slugs, rain")
    assert list(Post.objects.values_list("title", flat=True)) == ["Taken"]

    # Fixed, it publishes.
    page.get_by_label("Custom permalink").fill("after-the-rain")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").first).to_contain_text("Published.")
