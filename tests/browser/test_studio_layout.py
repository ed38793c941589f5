"""Layout in Chromium: Grace moves a gadget and adds a Text gadget with the studio's plain
forms, and the blog's page changes; the Layout pages and a sidebar with every kind of gadget
have no serious or critical axe violation."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from broadsheet.blogs import layout_actions
from broadsheet.blogs.layout import Kind
from broadsheet.blogs.models import Blog, Membership
from tests.conftest import MakePost
from tests.studio.browser_steps import sign_in, with_password
from tests.tools.axe import format_violations, run_axe, serious


def sidebar_headings(page: Page) -> list[str]:
    # Text as written: the theme shows headings in capitals.
    return page.locator("aside.sidebar h2").all_text_contents()


@pytest.fixture
def grace(transactional_db: Any, blog: Blog, admin: User, make_post: MakePost) -> User:
    make_post("Leeks", labels=("leeks", "Onions"))
    return with_password(admin)


def test_grace_moves_a_gadget_and_adds_a_text_gadget(
    page: Page, live_server: Any, grace: User
) -> None:
    base = live_server.url
    page.goto(base + "/")
    before = sidebar_headings(page)
    assert before.index("Labels") + 1 == before.index("Follow by Email")

    sign_in(page, base, "grace")
    page.get_by_role("link", name="Layout").click()
    page.get_by_role("button", name="move Follow by Email up").click()
    assert page.url.endswith("#gadget-" + _pk(grace, "follow"))  # back where Grace was
    page.goto(base + "/")
    after = sidebar_headings(page)
    assert after.index("Follow by Email") + 1 == after.index("Labels")

    page.goto(base + "/studio/notes/layout/")
    page.get_by_label("Gadget", exact=True).select_option(label="Text")
    page.get_by_label("Where").select_option(label="Sidebar")
    page.get_by_role("button", name="Add the gadget").click()
    page.get_by_label("Title", exact=True).fill("From the allotment")
    page.get_by_label("Text", exact=True).fill("Seed swap on Saturday.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("From the allotment is saved.")
    page.goto(base + "/")
    assert sidebar_headings(page)[-1] == "From the allotment"
    expect(page.locator("aside.sidebar")).to_contain_text("Seed swap on Saturday.")


def _pk(user: User, kind: str) -> str:
    blog = Membership.objects.get(user=user).blog
    return str(next(g.pk for g in layout_actions.stored_layout(blog) if g.kind == kind))


SAMPLES: dict[str, dict[str, Any]] = {
    Kind.TEXT: {"text": "Seeds are in."},
    Kind.HTML: {"html": "<p>Grown <em>here</em>.</p>"},
    Kind.IMAGE: {"image": "/static/reader/favicon.svg", "alt": "The blog's mark"},
    Kind.LINKS: {"links": [{"text": "Garden club", "url": "https://example.org/"}]},
    Kind.SUBSCRIBE: {"comments": True},
}


def violations(page: Page) -> str:
    found = serious(run_axe(page))
    return format_violations(found) if found else ""


def test_layout_pages_and_every_gadget_pass_axe(
    axe_page: Page, live_server: Any, grace: User, blog: Blog
) -> None:
    admin = Membership.objects.get(user=grace, blog=blog)
    for kind, config in SAMPLES.items():
        added = layout_actions.add_gadget(admin, "sidebar", kind)
        layout_actions.configure_gadget(admin, added, "", config)
    archive = next(g for g in layout_actions.stored_layout(blog) if g.kind == "archive")
    layout_actions.configure_gadget(admin, archive, "", {"style": "menu"})
    base = live_server.url
    sign_in(axe_page, base, "grace")
    failures = []
    for path in ("/studio/notes/layout/", f"/studio/notes/layout/{archive.pk}/", "/"):
        axe_page.goto(base + path)
        if found := violations(axe_page):
            failures.append(f"{path}:\n{found}")
    assert not failures, "\n\n".join(failures)
