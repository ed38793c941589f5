"""The reader's pages in Chromium, at phone and desktop widths: Blogger's anatomy, part by part.

Screenshots land in test-artifacts/screenshots/ (see docs/testing.md).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from broadsheet.blogs.models import Blog
from broadsheet.demo.loader import load_demo
from tests.tools.fixtures import DESKTOP, PHONE, Viewport, both_viewports, screenshot

COMPOST = "/2025/11/building-proper-compost-bay.html"
DATE_HEADER = re.compile(r"^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, [A-Z][a-z]+ \d{1,2}, \d{4}$")


@pytest.fixture
def demo(transactional_db: Any) -> Blog:
    return load_demo()


def side_by_side(page: Page) -> bool:
    main = page.locator("main").bounding_box()
    aside = page.locator("aside.sidebar").bounding_box()
    assert main is not None and aside is not None
    return aside["x"] >= main["x"] + main["width"]


@both_viewports
def test_home_page_anatomy(page: Page, live_server: Any, demo: Blog, viewport: Viewport) -> None:
    page.goto(live_server.url + "/")
    expect(page).to_have_title(demo.title)
    expect(page.locator("header .blog-title a")).to_have_text(demo.title)
    headers = page.locator("main .date-header").all_inner_texts()
    assert headers and all(DATE_HEADER.match(h.strip().title()) for h in headers), headers
    assert "Saturday, June 13, 2026" in [h.strip().title() for h in headers] or len(headers) >= 3
    titles = page.locator("main h3.post-title a")
    expect(titles).to_have_count(demo.posts_per_page)
    expect(page.locator("main .post-footer").first).to_contain_text("Posted by")
    expect(page.locator("main .comment-link").first).to_have_text(
        re.compile(r"^(No comments:|1 comment:|\d+ comments:)$")
    )
    expect(page.get_by_role("link", name="Older Posts")).to_be_visible()
    featured = page.locator(".featured-post")
    expect(featured.get_by_role("heading", name="Featured Post")).to_be_visible()
    assert featured.locator(".featured-snippet").inner_text().endswith("...")
    for gadget in ("Search This Blog", "About", "Pages", "Blog Archive", "Labels"):
        expect(page.get_by_role("heading", name=gadget, exact=True)).to_be_visible()
    assert side_by_side(page) is (viewport == DESKTOP)
    screenshot(page, f"home-{'phone' if viewport == PHONE else 'desktop'}")


@both_viewports
def test_post_page_anatomy(page: Page, live_server: Any, demo: Blog, viewport: Viewport) -> None:
    page.goto(live_server.url + COMPOST)
    expect(page).to_have_title(f"{demo.title}: Building a Proper Compost Bay")
    expect(page.locator("main .date-header")).to_have_text("Sunday, November 30, 2025")
    expect(page.locator("h1")).to_have_text("Building a Proper Compost Bay")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator(".post-body table")).to_be_visible()
    footer = page.locator("article .post-footer")
    expect(footer).to_contain_text(re.compile(r"Posted by\s+\S.*\s+at\s+\d{1,2}:\d\d [AP]M"))
    expect(footer.get_by_role("link", name="Compost")).to_have_attribute(
        "href", "/search/label/Compost"
    )
    expect(page.locator("#comments-heading")).to_have_text(re.compile(r"^\d+ comments:$"))
    reply = page.locator(".comment-replies .comment-replies .comment").first
    expect(reply).to_be_visible()  # a reply to a reply, two levels down
    expect(page.get_by_role("link", name="Newer Post")).to_be_visible()
    expect(page.get_by_role("link", name="Older Post")).to_be_visible()
    expect(page.locator(".blog-pager").get_by_role("link", name="Home")).to_be_visible()
    subscribe = page.get_by_role("link", name="Post Comments (Atom)")
    expect(subscribe).to_have_attribute("href", re.compile(r"^/feeds/\d+/comments/default$"))
    expect(page.get_by_role("heading", name="Blog Archive")).to_be_visible()
    assert side_by_side(page) is (viewport == DESKTOP)
    screenshot(page, f"post-{'phone' if viewport == PHONE else 'desktop'}")


def test_reader_walks_back_through_older_posts_and_labels(
    page: Page, live_server: Any, demo: Blog
) -> None:
    page.goto(live_server.url + "/")
    first_page = page.locator("main h3.post-title").all_inner_texts()
    page.get_by_role("link", name="Older Posts").click()
    second_page = page.locator("main h3.post-title").all_inner_texts()
    assert second_page and not set(first_page) & set(second_page)
    expect(page.get_by_role("link", name="Newer Posts")).to_be_visible()
    page.locator(".labels").get_by_role("link", name="Seed Saving").click()
    expect(page.locator(".status-msg")).to_contain_text("Showing posts with label Seed Saving.")
    expect(page.locator("main h3.post-title")).to_have_count(3)


def test_search_gadget_finds_and_highlights(page: Page, live_server: Any, demo: Blog) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="Search words").fill("rhubarb")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".status-msg")).to_contain_text(
        "Showing posts sorted by relevance for query rhubarb."
    )
    expect(page.locator(".search-results mark").first).to_have_text(
        re.compile("rhubarb", re.IGNORECASE)
    )


def test_pages_read_without_javascript(new_page: Any, live_server: Any, demo: Blog) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + COMPOST)
    expect(page.locator("h1")).to_have_text("Building a Proper Compost Bay")
    page.locator(".archive summary").last.click()  # <details> opens with no script
    expect(page.locator(".archive-months").last).to_be_visible()


def test_dark_scheme_follows_the_reader(new_page: Any, live_server: Any, demo: Blog) -> None:
    light = new_page(color_scheme="light")
    dark = new_page(color_scheme="dark")
    for one in (light, dark):
        one.goto(live_server.url + "/")
    background = "getComputedStyle(document.body).backgroundColor"
    assert light.evaluate(background) != dark.evaluate(background)
    screenshot(dark, "home-dark")
