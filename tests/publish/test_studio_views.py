"""The studio's "Static copy" page (publish/studio_views.py): an admin asks, the task worker
writes the copy into BROADSHEET_STATIC_EXPORT_DIR/<slug>/, the page says how it went."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from broadsheet.publish.models import StaticCopy

pytestmark = pytest.mark.django_db
PAGE = "/studio/notes/static-copy/"


@pytest.fixture
def folder(settings: Any, tmp_path: Path) -> Path:
    settings.STATIC_EXPORT_DIR = str(tmp_path)
    return tmp_path / "notes"


def test_without_the_setting_the_page_says_so_and_offers_nothing(
    blog: Blog, admin: Any, signed_in: Any
) -> None:
    client = signed_in(admin)
    page = client.get(PAGE).content.decode()
    assert "BROADSHEET_STATIC_EXPORT_DIR" in page and "<button" not in page.split("<main")[-1]
    assert client.post(PAGE).status_code == 200
    assert not StaticCopy.objects.exists()


def test_an_admin_asks_and_the_copy_is_written_and_reported(
    blog: Blog,
    admin: Any,
    signed_in: Any,
    post: Post,
    folder: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(admin)
    assert "Static copy" in client.get("/studio/notes/").content.decode()  # the menu's link
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(PAGE)
    assert answer.status_code == 302 and answer["Location"] == PAGE
    assert post.title in (folder / post.permalink.lstrip("/")).read_text()
    assert (folder / "search" / "index.json").exists()
    page = client.get(PAGE).content.decode()
    assert "Done" in page and "files written" in page


def test_a_failed_copy_shows_its_error(
    blog: Blog, admin: Any, signed_in: Any, folder: Path, django_capture_on_commit_callbacks: Any
) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the folder should be")
    client = signed_in(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE)
    assert StaticCopy.objects.get(blog=blog).status == StaticCopy.Status.FAILED
    assert "Failed" in client.get(PAGE).content.decode()


def test_an_author_is_refused_and_nothing_is_queued(
    blog: Blog, author: Any, signed_in: Any, folder: Path
) -> None:
    assert signed_in(author).post(PAGE).status_code == 403
    assert not StaticCopy.objects.exists()
