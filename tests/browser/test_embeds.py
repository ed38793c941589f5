"""Embeds in Chromium: facades until a click, nothing asked of any third party before it, and
then the provider's player on its privacy-preserving host; Nu- and axe-clean pages."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import Page, Request, Route, expect

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger
from broadsheet.posts.models import Post
from tests.portability.blogger_embeds import YT, backup
from tests.portability.conftest import NOW
from tests.tools.axe import format_violations, run_axe, serious
from tests.tools.vnu import format_messages

STUB = "<!doctype html><title>Stub player</title><p>A stand-in for the provider's player."


@pytest.fixture
def two_films(transactional_db: Any, blog: Blog, tmp_path: Any) -> Post:
    path = tmp_path / "backup.xml"
    path.write_text(backup(), encoding="utf-8")
    import_blogger(blog, path, now=NOW)
    return Post.objects.get(blog=blog, title="Two films")


def third_party(live_server: Any) -> re.Pattern[str]:
    own = urlsplit(live_server.url).netloc
    return re.compile(rf"^https?://(?!{re.escape(own)}/)")


def test_no_third_party_is_contacted_before_a_click(
    page: Page, live_server: Any, two_films: Post
) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.context.route(
        third_party(live_server), lambda route: route.fulfill(body=STUB, content_type="text/html")
    )
    page.goto(live_server.url + two_films.permalink)
    page.wait_for_load_state("networkidle")

    facades = page.locator("figure.embed")
    expect(facades).to_have_count(2)
    expect(page.get_by_role("link", name=re.compile("Play on YouTube"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Play on Vimeo"))).to_be_visible()
    own = urlsplit(live_server.url).netloc
    assert requests and all(urlsplit(url).netloc == own for url in requests), requests


def test_a_click_loads_the_player_on_the_privacy_host(
    page: Page, live_server: Any, two_films: Post
) -> None:
    framed: list[str] = []

    def stub(route: Route, request: Request) -> None:
        framed.append(request.url)
        route.fulfill(body=STUB, content_type="text/html")

    page.context.route(third_party(live_server), stub)
    page.goto(live_server.url + two_films.permalink)
    page.get_by_role("link", name=re.compile("Play on YouTube")).click()
    frame = page.locator("figure.embed-youtube iframe")
    expect(frame).to_have_attribute(
        "src", re.compile(rf"^https://www\.youtube-nocookie\.com/embed/{YT}")
    )
    expect(frame).to_have_attribute(
        "sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups"
    )
    expect(frame).to_have_attribute("loading", "lazy")
    expect(
        page.frame_locator("figure.embed-youtube iframe").get_by_text("stand-in")
    ).to_be_visible()
    # Only the player clicked: Vimeo still has its facade and has heard nothing.
    expect(page.locator("figure.embed-vimeo a.embed-link")).to_be_visible()
    assert framed and all(urlsplit(url).netloc == "www.youtube-nocookie.com" for url in framed)

    page.get_by_role("link", name=re.compile("Play on Vimeo")).click()
    vimeo = page.locator("figure.embed-vimeo iframe")
    expect(vimeo).to_have_attribute("src", "https://player.vimeo.com/video/76979871?dnt=1")


def test_without_javascript_the_facade_links_to_the_providers_page(
    new_page: Any, live_server: Any, two_films: Post
) -> None:
    page = new_page(java_script_enabled=False)
    page.context.route(
        third_party(live_server), lambda route: route.fulfill(body=STUB, content_type="text/html")
    )
    page.goto(live_server.url + two_films.permalink)
    link = page.get_by_role("link", name=re.compile("Play on YouTube"))
    expect(link).to_have_attribute("href", f"https://www.youtube.com/watch?v={YT}")


def test_a_page_with_facades_passes_nu_and_axe(
    axe_page: Page, live_server: Any, two_films: Post, vnu: Any
) -> None:
    html = Client().get(two_films.permalink).content
    errors = vnu.validate(html)
    assert not errors, format_messages(errors)
    axe_page.goto(live_server.url + two_films.permalink)
    found = serious(run_axe(axe_page))
    assert not found, format_violations(found)
