"""axe-core over the studio's pages, signed in as the blog's admin: no serious or critical
violation, on a wide screen and on a phone."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from broadsheet.blogs.models import Membership
from broadsheet.posts.actions import Content, Intent, write_post
from tests.cast import member
from tests.studio.browser_steps import sign_in, with_password
from tests.tools.axe import format_violations, run_axe, serious
from tests.tools.fixtures import PHONE


@pytest.fixture
def studio(transactional_db: Any, blog: Any, settings: Any) -> dict[str, str]:
    """Grace runs Field Notes, which has a post with two versions: the studio's addresses."""
    settings.POST_BY_EMAIL_DOMAIN = "post.example.org"  # so its page shows its form
    grace = with_password(member(blog, "grace", Membership.Role.ADMIN, first_name="Grace"))
    role = Membership.of(grace, blog)
    post = write_post(
        role,
        None,
        Content(title="Leeks", source="Trench them.", labels=("leeks",)),
        Intent.PUBLISH,
        now=timezone.now(),
    )
    write_post(role, post, Content(title="Leeks", source="Dib them in."), Intent.PUBLISH)
    revision = post.revisions.last()
    root = "/studio/notes/"
    return {
        "dashboard": root,
        "posts": root + "posts/",
        "new post": root + "posts/new/",
        "edit post": root + f"posts/{post.pk}/",
        "revisions": root + f"posts/{post.pk}/revisions/",
        "revision": root + f"posts/{post.pk}/revisions/{revision.pk}/",
        "pages": root + "pages/",
        "new page": root + "pages/new/",
        "images": root + "images/",
        "members": root + "members/",
        "settings": root + "settings/",
        "posting by email": root + "settings/post-by-email/",
        "static copy": root + "static-copy/",
        "password": "/studio/account/password/",
        "profile": "/studio/profile/",
        "app passwords": "/studio/account/app-passwords/",
        "fediverse": "/studio/fediverse/notes/",
    }


def violations(page: Page) -> str:
    found = serious(run_axe(page))
    return format_violations(found) if found else ""


def test_every_studio_page_passes_axe(
    axe_page: Page, live_server: Any, studio: dict[str, str]
) -> None:
    base = live_server.url
    axe_page.goto(base + "/studio/login/")
    failures = [f"login:\n{violations(axe_page)}"] if violations(axe_page) else []
    sign_in(axe_page, base, "grace", path="")
    for name, path in studio.items():
        axe_page.goto(base + path)
        found = violations(axe_page)
        if found:
            failures.append(f"{name} ({path}):\n{found}")
    # The settings page's live example follows the format as it is typed.
    axe_page.goto(base + studio["settings"])
    axe_page.get_by_label("Date header format").fill("Y")
    this_year = timezone.localtime(timezone.now(), ZoneInfo("America/Los_Angeles")).year
    expect(axe_page.locator("#date-example")).to_have_text(str(this_year))
    # The editor as it shows bad input, with the preview open.
    axe_page.goto(base + studio["new post"])
    axe_page.get_by_label("Body").fill("# A heading\n\nSome *text*.")
    axe_page.get_by_role("button", name="Save draft").click()
    axe_page.get_by_role("button", name="Preview").click()
    axe_page.locator("#preview h1").wait_for()
    found = violations(axe_page)
    if found:
        failures.append(f"editor with errors and preview:\n{found}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_dashboard_and_editor_pass_axe_on_a_phone_too(
    axe_page: Page, live_server: Any, studio: dict[str, str], viewport: Any
) -> None:
    sign_in(axe_page, live_server.url, "grace")
    for name in ("dashboard", "edit post"):
        axe_page.goto(live_server.url + studio[name])
        assert not violations(axe_page), f"{name}: {violations(axe_page)}"
        # Nothing wider than the screen: no side-scrolling on a phone.
        assert axe_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
