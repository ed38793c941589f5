"""The studio's Subscribers page: counts and sends for admins, a preview, a test mail, CSV."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog
from broadsheet.subscribers.models import NewsletterSettings, Subscriber
from tests.subscribers.conftest import Inbox, html_part

pytestmark = pytest.mark.django_db


@pytest.fixture
def followers(blog: Blog) -> None:
    Subscriber.objects.create(blog=blog, email="yes@example.org", status="confirmed")
    Subscriber.objects.create(blog=blog, email="wait@example.org")


def test_an_admin_sees_counts_and_downloads_the_list(
    followers: None, blog: Blog, admin: User, signed_in: Any
) -> None:
    client = signed_in(admin)
    page = client.get(f"/studio/subscribers/{blog.slug}/").content.decode()
    assert "1 receive mail: 1 subscribed, 1 awaiting confirmation" in page
    rows = client.get(f"/studio/subscribers/{blog.slug}/export.csv").content.decode().splitlines()
    assert rows[0].startswith("email,status") and len(rows) == 3


def test_an_author_is_refused(blog: Blog, author: User, signed_in: Any) -> None:
    assert signed_in(author).get(f"/studio/subscribers/{blog.slug}/").status_code == 403


def test_preview_and_test_mail_show_the_next_post(
    blog: Blog,
    admin: User,
    signed_in: Any,
    make_post: Any,
    smtp: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_post(title="Beans", source="Runner *beans*.")
    client = signed_in(admin)
    preview = client.get(f"/studio/subscribers/{blog.slug}/preview/?kind=post").content.decode()
    assert "[Field Notes] Beans" in preview and "<em>beans</em>" in preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/studio/subscribers/{blog.slug}/test/", {"kind": "post"})
    (mail,) = smtp.messages
    assert mail["To"] == admin.email and mail["Subject"] == "[Test] [Field Notes] Beans"
    assert "<em>beans</em>" in html_part(mail)


def test_the_excerpt_setting_is_saved(blog: Blog, admin: User, signed_in: Any) -> None:
    signed_in(admin).post(f"/studio/subscribers/{blog.slug}/settings/", {"content": "excerpt"})
    assert NewsletterSettings.objects.get(blog=blog).full_posts is False
