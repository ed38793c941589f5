"""The studio's import page: an admin uploads a file, the task queue (the immediate backend in
tests) runs it once the request commits, and the job page shows progress and the outcome."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.portability.jobs import uploads_folder
from broadsheet.portability.models import ImportJob
from broadsheet.posts.models import Post
from tests.cast import signed_in
from tests.portability.conftest import BLOGGER, CORPORA, snapshot

pytestmark = pytest.mark.django_db

SAMPLE = BLOGGER / "blogger-sample.xml"
BOMB = CORPORA / "xml" / "defusedxml" / "xmlbomb.xml"


def import_url(blog: Blog) -> str:
    return reverse("portability-studio:import", args=[blog.slug])


Capture = Callable[..., Any]


def upload(
    client: Client, blog: Blog, path: Path, capture: Capture, fmt: str = "blogger", **extra: Any
) -> Any:
    with capture(execute=True), path.open("rb") as file:
        return client.post(import_url(blog), {"format": fmt, "file": file, **extra})


def test_the_corpus_files_are_there() -> None:
    assert SAMPLE.is_file(), f"missing {SAMPLE}"
    assert BOMB.is_file(), f"missing {BOMB}"


def test_admin_uploads_a_blogger_backup_and_it_is_imported(
    blog: Blog, admin: User, django_capture_on_commit_callbacks: Capture
) -> None:
    client = signed_in(admin)
    page = client.get(import_url(blog))
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content

    response = upload(client, blog, SAMPLE, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get(blog=blog)
    assert response.status_code == 302
    assert response["Location"] == reverse("portability-studio:job", args=[blog.slug, job.pk])
    assert job.status == ImportJob.Status.DONE, job.message
    assert job.started_by == admin and job.file_name == "blogger-sample.xml"
    assert job.bytes_read == job.total_bytes == SAMPLE.stat().st_size
    assert job.records > 0
    assert "posts: 3 new, 0 updated" in job.report
    assert Post.objects.filter(blog=blog).count() == 3
    assert Comment.objects.filter(post__blog=blog).count() == 2
    # The upload waited under the data folder, not in public media, and is gone now.
    assert uploads_folder().is_relative_to(Path(settings.DATA_DIR))
    assert not uploads_folder().is_relative_to(Path(settings.MEDIA_ROOT))
    assert list(uploads_folder().iterdir()) == []

    shown = client.get(response["Location"])
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "<progress" in html and "posts: 3 new, 0 updated" in html
    assert "import-progress.js" not in html  # finished: nothing left to poll
    assert "<script>" not in html and " style=" not in html


def test_progress_endpoint_answers_json(
    blog: Blog, admin: User, django_capture_on_commit_callbacks: Capture
) -> None:
    client = signed_in(admin)
    upload(client, blog, SAMPLE, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get(blog=blog)

    response = client.get(reverse("portability-studio:job-progress", args=[blog.slug, job.pk]))

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    state = json.loads(response.content)
    assert state["status"] == "done" and state["finished"] is True
    assert state["bytes_read"] == state["total_bytes"] == SAMPLE.stat().st_size
    assert "posts: 3 new, 0 updated" in state["report"]


def test_a_queued_job_page_polls_and_offers_a_refresh_link(blog: Blog, admin: User) -> None:
    job = ImportJob.objects.create(blog=blog, format="blogger", file_name="x.xml", total_bytes=10)
    html = signed_in(admin).get(reverse("portability-studio:job", args=[blog.slug, job.pk]))

    text = html.content.decode()
    assert '<script src="/static/portability/import-progress.js" defer>' in text
    assert ">Refresh</a>" in text and 'http-equiv="refresh"' not in text
    assert 'data-progress-url="' in text


def test_a_billion_laughs_fails_the_job_and_leaves_the_blog_untouched(
    blog: Blog, admin: User, django_capture_on_commit_callbacks: Capture
) -> None:
    before = snapshot(blog)
    client = signed_in(admin)

    response = upload(client, blog, BOMB, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get(blog=blog)
    assert job.status == ImportJob.Status.FAILED
    assert "DOCTYPE" in job.message and "Nothing was imported" in job.message
    assert job.report == ""
    assert snapshot(blog) == before
    shown = client.get(response["Location"]).content.decode()
    assert "The import failed" in shown and "DOCTYPE" in shown


def test_malformed_xml_is_reported_with_line_and_column(
    blog: Blog, admin: User, django_capture_on_commit_callbacks: Capture, tmp_path: Path
) -> None:
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(SAMPLE.read_bytes()[:2000])

    upload(signed_in(admin), blog, truncated, django_capture_on_commit_callbacks)

    job = ImportJob.objects.get(blog=blog)
    assert job.status == ImportJob.Status.FAILED
    assert "line " in job.message and "column " in job.message
    assert Post.objects.filter(blog=blog).count() == 0


def test_non_admins_cannot_see_or_use_the_page(
    blog: Blog, author: User, outsider: User, django_capture_on_commit_callbacks: Capture
) -> None:
    assert signed_in(author).get(import_url(blog)).status_code == 403
    refused = upload(signed_in(author), blog, SAMPLE, django_capture_on_commit_callbacks)
    assert refused.status_code == 403
    assert signed_in(outsider).get(import_url(blog)).status_code == 404
    anonymous = Client().get(import_url(blog))
    assert anonymous.status_code == 302 and "/studio/login/" in anonymous["Location"]
    assert not ImportJob.objects.exists()
    assert Post.objects.filter(blog=blog).count() == 0


def test_another_blogs_job_is_not_found(blog: Blog, other_blog: Blog, admin: User) -> None:
    job = ImportJob.objects.create(blog=other_blog, format="blogger", file_name="x.xml")
    client = signed_in(admin)

    assert (
        client.get(reverse("portability-studio:job", args=[blog.slug, job.pk])).status_code == 404
    )
    progress = reverse("portability-studio:job-progress", args=[blog.slug, job.pk])
    assert client.get(progress).status_code == 404


def test_upload_without_csrf_token_is_refused(
    blog: Blog, admin: User, django_capture_on_commit_callbacks: Capture
) -> None:
    response = upload(signed_in(admin, csrf=True), blog, SAMPLE, django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_missing_file_is_explained(blog: Blog, admin: User) -> None:
    response = signed_in(admin).post(import_url(blog), {"format": "blogger"})

    assert response.status_code == 400
    assert b"Choose the file to import." in response.content
