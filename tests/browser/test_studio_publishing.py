"""A writer's day in the studio, in Chromium: sign in, write a Markdown post with an image,
preview it, schedule it, and see it reach the public site at its time and not before."""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from broadsheet.posts.models import Post
from tests.studio.browser_steps import sign_in, with_password
from tests.studio.images import photo, png

BODY = "The first **broad beans** are up.\n\nThree rows, sown in November.\n"


def drop_file(page: Page, selector: str, name: str, data: bytes) -> None:
    """Drop a file on an element, as dragging it from the desktop does."""
    page.evaluate(
        """([selector, name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: "image/png"}));
            const target = document.querySelector(selector);
            target.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
            target.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }""",
        [selector, name, base64.b64encode(data).decode()],
    )


def test_write_preview_schedule_and_publish_at_its_time(
    transactional_db: Any, live_server: Any, page: Page, blog: Any, author: Any
) -> None:
    with_password(author)
    base = live_server.url
    sign_in(page, base, "ada")
    page.get_by_role("link", name="New post").first.click()

    page.get_by_label("Title").fill("Broad beans are up")
    page.get_by_label("Body").fill(BODY)
    page.get_by_label("Labels").fill("beans, sowing")

    # An image from the file picker lands in the body as a responsive <img>.
    page.set_input_files(
        "#image-file",
        files=[{"name": "beans.jpg", "mimeType": "image/jpeg", "buffer": photo(1800, 1200)}],
    )
    page.get_by_label("Description (alternative text)").fill("Bean seedlings in a row")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#image-status")).to_have_text("Image inserted into the body.")
    inserted = re.compile(r'<img src="/media/images/.+-960\.jpg" srcset="[^"]+ 480w, ')
    expect(page.get_by_label("Body")).to_have_value(inserted)

    # Dropping a file on the body uploads and inserts it too.
    drop_file(page, "#id_source", "dropped.png", png(640, 480))
    expect(page.get_by_label("Body")).to_have_value(re.compile(r"dropped-480\.png"))

    # The preview is the public pipeline's HTML, image included.
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview.locator("strong")).to_have_text("broad beans")
    expect(preview.locator("img").first).to_have_attribute("alt", "Bean seedlings in a row")
    # The image may still be on its way: wait for it to decode rather than race it.
    preview.locator("img").first.wait_for()
    page.wait_for_function(
        "() => { const i = document.querySelector('#preview img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )

    # Schedule it two hours ahead, typed in the blog's time zone.
    when = (timezone.now() + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    local = timezone.localtime(when, blog.tzinfo)
    page.get_by_label("Publish date and time").fill(local.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("status").first).to_contain_text("Scheduled for")

    post = Post.objects.get()
    assert post.status == Post.Status.SCHEDULED and post.published_at == when
    response = page.goto(base + post.permalink)
    assert response is not None and response.status == 404
    page.goto(base + "/")
    expect(page.get_by_text("Broad beans are up")).to_have_count(0)

    with time_machine.travel(when + dt.timedelta(minutes=1), tick=True):
        response = page.goto(base + post.permalink)
        assert response is not None and response.status == 200
        expect(page.get_by_role("heading", level=1, name="Broad beans are up")).to_be_visible()
        image = page.get_by_role("img", name="Bean seedlings in a row")
        expect(image).to_be_visible()
        page.wait_for_function(
            "() => [...document.images].some("
            "i => i.alt === 'Bean seedlings in a row' && i.complete && i.naturalWidth > 0)"
        )
        page.goto(base + "/")
        expect(page.locator("#main").get_by_role("link", name="Broad beans are up")).to_be_visible()
