"""Steps the studio's browser tests share (tests/browser/test_studio_*.py)."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

PASSWORD = "a fine long password"


def with_password(user: User) -> User:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def sign_in(page: Page, base: str, username: str, *, path: str = "/studio/login/") -> None:
    """Sign in through the form (at `path`, which may be where the studio sent us)."""
    if path:
        page.goto(base + path)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
