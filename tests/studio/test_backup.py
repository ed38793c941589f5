"""The studio's "Back up content" page: a blog's admin downloads the Blogger file, the
WordPress file and the full backup; nobody else gets anything."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.portability.blogger import ATOM
from broadsheet.portability.downloads import exports_folder
from broadsheet.portability.wordpress_export import WP
from tests.cast import signed_in
from tests.portability.pictures import add_pictures, largest_url

pytestmark = pytest.mark.django_db

# 03:00 UTC on the 21st is still the 20th in Los Angeles, the blog's time zone.
LATE_EVENING = dt.datetime(2024, 10, 21, 3, 0, tzinfo=dt.UTC)


def backup_url(blog: Blog) -> str:
    return reverse("studio:backup", args=[blog.slug])


def download(client: Client, blog: Blog, kind: str) -> tuple[FileResponse, bytes]:
    with time_machine.travel(LATE_EVENING, tick=False):
        response = client.post(backup_url(blog), {"format": kind})
    assert response.status_code == 200, response.content[:500]
    assert isinstance(response, FileResponse)
    body = b"".join(response.streaming_content)  # type: ignore[arg-type]
    response.close()
    return response, body


@pytest.fixture
def pictures(blog: Blog, author: User, settings: Any, tmp_path: Path) -> Any:
    return add_pictures(blog, author, settings, tmp_path)


def test_the_page_offers_the_three_downloads(blog: Blog, admin: User) -> None:
    response = signed_in(admin).get(backup_url(blog))

    html = response.content.decode()
    assert response.status_code == 200
    for kind in ("broadsheet", "blogger", "wordpress"):
        assert f'name="format" value="{kind}"' in html
    assert html.count('name="csrfmiddlewaretoken"') >= 3
    assert 'aria-current="page">Back up content</a>' in html


def test_admin_downloads_the_blogger_file(blog: Blog, admin: User, pictures: Any) -> None:
    response, body = download(signed_in(admin), blog, "blogger")

    assert response["Content-Disposition"] == 'attachment; filename="notes-blogger-2024-10-20.xml"'
    assert response["Content-Type"] == "application/atom+xml"
    assert response["Cache-Control"] == "no-store"
    feed = etree.fromstring(body)
    titles = {entry.findtext(f"{{{ATOM}}}title") for entry in feed.iter(f"{{{ATOM}}}entry")}
    assert {"Kale", "Kale again", "Garden"} <= titles


def test_admin_downloads_the_wordpress_file(blog: Blog, admin: User, pictures: Any) -> None:
    response, body = download(signed_in(admin), blog, "wordpress")

    assert response["Content-Disposition"] == (
        'attachment; filename="notes-wordpress-2024-10-20.xml"'
    )
    assert response["Cache-Control"] == "no-store"
    root = etree.fromstring(body)
    kinds = [item.findtext(f"{{{WP}}}post_type") for item in root.iter("item")]
    assert sorted(kinds) == ["attachment"] * 3 + ["page"] + ["post"] * 2


def test_admin_downloads_the_full_backup(blog: Blog, admin: User, pictures: Any) -> None:
    response, body = download(signed_in(admin), blog, "broadsheet")

    assert response["Content-Disposition"] == 'attachment; filename="notes-backup-2024-10-20.zip"'
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        assert {"data.json", "posts.jsonl", "comments.jsonl"} <= names
        assert f"media/{pictures.kale.variants[0]['name']}" in names
    # Streamed from a file that never had a name in the folder: nothing is left behind.
    assert list(exports_folder().iterdir()) == []


def test_links_name_the_configured_origin_not_the_request_host(
    blog: Blog, admin: User, pictures: Any, settings: Any
) -> None:
    settings.PUBLIC_PORT = 8123

    _response, body = download(signed_in(admin), blog, "wordpress")

    urls = {node.text for node in etree.fromstring(body).iter(f"{{{WP}}}attachment_url")}
    assert f"http://localhost:8123{largest_url(pictures.kale)}" in urls
    assert b"testserver" not in body


def test_the_studio_navigation_has_import_and_back_up_for_admins_only(
    blog: Blog, admin: User, author: User
) -> None:
    dashboard = reverse("studio:dashboard", args=[blog.slug])

    html = signed_in(admin).get(dashboard).content.decode()
    assert f'href="{backup_url(blog)}">Back up content</a>' in html
    assert f'href="{reverse("portability-studio:import", args=[blog.slug])}">Import</a>' in html
    assert "Back up content" not in signed_in(author).get(dashboard).content.decode()


def test_a_contributor_is_refused(blog: Blog, contributor: User) -> None:
    client = signed_in(contributor)

    assert client.get(backup_url(blog)).status_code == 403
    refused = client.post(backup_url(blog), {"format": "broadsheet"})
    assert refused.status_code == 403 and not refused.has_header("Content-Disposition")
    assert b"Only the blog&#x27;s admins" in refused.content


def test_another_blogs_admin_finds_nothing(blog: Blog, outsider: User) -> None:
    client = signed_in(outsider)

    assert client.get(backup_url(blog)).status_code == 404
    assert client.post(backup_url(blog), {"format": "broadsheet"}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(blog: Blog) -> None:
    for response in (
        Client().get(backup_url(blog)),
        Client().post(backup_url(blog), {"format": "blogger"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("studio:login"))


def test_an_unknown_format_is_explained(blog: Blog, admin: User) -> None:
    response = signed_in(admin).post(backup_url(blog), {"format": "movabletype"})

    assert response.status_code == 400
    assert not response.has_header("Content-Disposition")
    assert "Choose one of the three downloads." in response.content.decode()


def test_a_download_needs_the_pages_csrf_token(blog: Blog, admin: User) -> None:
    client = signed_in(admin, csrf=True)
    client.get(backup_url(blog))

    response = client.post(backup_url(blog), {"format": "broadsheet"})

    assert response.status_code == 403 and not response.has_header("Content-Disposition")


def test_other_methods_are_not_allowed(blog: Blog, admin: User) -> None:
    assert signed_in(admin).put(backup_url(blog)).status_code == 405
