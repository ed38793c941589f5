"""The themes in Chromium (docs/themes.md): every theme, light and dark, phone and desktop, on
the home, a post and a label page, with 0 Nu errors and no serious or critical axe violation;
and a theme switched in the studio changes what readers get."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from broadsheet.blogs.models import Blog, Membership
from broadsheet.demo.loader import load_demo
from broadsheet.demo.pictures import picture_posts
from broadsheet.reader import themes
from tests.cast import signed_in
from tests.studio.browser_steps import sign_in, with_password
from tests.tools.axe import format_violations, run_axe, serious
from tests.tools.fixtures import DESKTOP, PHONE
from tests.tools.vnu import VnuService, format_messages


@pytest.fixture
def demo(transactional_db: Any) -> tuple[Blog, list[str]]:
    blog = load_demo()
    posts = picture_posts(blog, count=4)
    label = posts[0].labels.first()
    assert label is not None
    return blog, ["/", posts[0].permalink, f"/search/label/{quote(label.name, safe='')}"]


def _faults(page: Page, vnu: VnuService, blog: Blog, paths: list[str], base: str) -> list[str]:
    faults = []
    for theme in themes.BUILT_IN:
        Blog.objects.filter(pk=blog.pk).update(theme=theme.name)
        for path in paths:
            errors = vnu.validate(Client().get(path).content)
            if errors:
                faults.append(f"{theme.name} {path} (Nu):\n{format_messages(errors)}")
            faults += _axe_faults(page, base + path, theme.name)
    return faults


def _axe_faults(page: Page, url: str, name: str) -> list[str]:
    page.goto(url)
    faults = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        found = serious(run_axe(page))
        if found:
            size = page.viewport_size
            faults.append(f"{name} {scheme} {size} {url}:\n{format_violations(found)}")
    return faults


def test_every_theme_is_valid_and_accessible_in_both_schemes_and_widths(
    new_page: Any, live_server: Any, vnu: VnuService, demo: tuple[Blog, list[str]]
) -> None:
    blog, paths = demo
    page = new_page(viewport=DESKTOP, bypass_csp=True)
    faults = _faults(page, vnu, blog, paths, live_server.url)
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    for theme in themes.BUILT_IN:
        Blog.objects.filter(pk=blog.pk).update(theme=theme.name)
        for path in paths:
            faults += _axe_faults(page, live_server.url + path, theme.name)
    assert not faults, "\n\n".join(faults)


def test_an_admin_switches_theme_in_the_studio_and_the_page_changes(
    new_page: Any, live_server: Any, vnu: VnuService, demo: tuple[Blog, list[str]]
) -> None:
    blog, _ = demo
    admin = Membership.objects.filter(blog=blog, role=Membership.Role.ADMIN).first()
    assert admin is not None
    with_password(admin.user)
    base, page = live_server.url, new_page(viewport=PHONE, bypass_csp=True)
    page.goto(base + "/")
    expect(page.locator(".date-header").first).to_be_visible()
    sign_in(page, base, admin.user.get_username())
    page.goto(f"{base}/studio/{blog.slug}/theme/")
    # The Theme page itself: valid, and usable with a screen reader on a phone.
    found = serious(run_axe(page))
    assert not found, format_violations(found)
    errors = vnu.validate(signed_in(admin.user).get(f"/studio/{blog.slug}/theme/").content)
    assert not errors, format_messages(errors)
    page.get_by_label("Gallery", exact=True).check()
    page.get_by_label("Always dark").check()
    page.get_by_role("button", name="Save theme").click()
    expect(page.get_by_text("Theme saved.")).to_be_visible()
    page.goto(base + "/")
    expect(page.locator(".frame-image").first).to_be_visible()
    expect(page.locator(".date-header")).to_have_count(0)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 13, 13)"  # Gallery's dark palette, whatever the device says
