"""The studio's pages are valid HTML (the Nu Html Checker), with errors on show too."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from broadsheet.blogs.models import Membership
from broadsheet.posts.actions import Content, Intent, write_post
from tests.studio.conftest import NOON, editor_data, url
from tests.tools.vnu import format_messages


def test_studio_pages_are_valid_html(blog, admin, signed_in, vnu, make_comment, settings):
    settings.POST_BY_EMAIL_DOMAIN = "post.example.org"
    settings.STATIC_EXPORT_DIR = "/srv/static-copies"  # shown, not written: nothing is asked
    grace = Membership.of(admin, blog)
    post = write_post(
        grace,
        None,
        Content(title="Leeks", source="Trench them.", labels=("leeks",)),
        Intent.PUBLISH,
        now=NOON,
    )
    write_post(
        grace,
        post,
        Content(title="Leeks!", source="Dib them in."),
        Intent.PUBLISH,
        now=NOON + dt.timedelta(hours=1),
    )
    make_comment(post, status="pending")
    client = signed_in(admin)
    pages = {
        path: client.get(path).content
        for path in [
            url("dashboard", "notes"),
            url("post-list", "notes"),
            url("post-new", "notes"),
            url("post-edit", "notes", post.pk),
            url("revisions", "notes", "posts", post.pk),
            url("revision", "notes", "posts", post.pk, post.revisions.last().pk),
            url("page-list", "notes"),
            url("page-new", "notes"),
            url("images", "notes"),
            url("members", "notes"),
            url("blog-settings", "notes"),
            url("backup", "notes"),
            url("post-by-email", "notes"),
            "/studio/notes/static-copy/",
            url("password-change"),
            url("profile"),
            url("app-passwords"),
        ]
    }
    pages["editor with errors"] = client.post(
        url("post-new", "notes"), editor_data(title="")
    ).content
    pages["editor with a preview"] = client.post(
        url("post-new", "notes"), editor_data(intent="preview")
    ).content
    pages["back up content with an error"] = client.post(
        url("backup", "notes"), {"format": "nothing"}
    ).content
    pages["posting by email with an error"] = client.post(
        url("post-by-email", "notes"), {"publish": "maybe"}
    ).content
    pages["profile with errors"] = client.post(
        url("profile"), {"display_name": "a@b.example", "link": "javascript:x"}
    ).content
    pages["app passwords, a new one shown"] = client.post(
        url("app-passwords"), {"name": "Phone", "access": "write", "blog": ""}
    ).content
    pages["login"] = Client().get(url("login")).content
    failures = {
        name: format_messages(errors)
        for name, html in pages.items()
        if (errors := vnu.validate(html))
    }
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())
