"""The continuous mirror (publish/mirror.py, publish/copies.py): with
BROADSHEET_STATIC_MIRROR on, a write brings the blog's static copy up to date, and a burst of
writes during a run asks for one more run, not one each."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from broadsheet.blogs.actions import save_blog_settings
from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments import actions as comments
from broadsheet.comments.models import Comment
from broadsheet.posts.actions import Content, Intent, write_post
from broadsheet.publish.actions import Report
from broadsheet.publish.checks import mirror_has_a_folder
from broadsheet.publish.copies import _finish, request_copy
from broadsheet.publish.models import StaticCopy
from tests.conftest import NOON
from tests.worker.conftest import DATABASE_TASKS, own_signal_handlers  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(settings: Any, tmp_path: Path) -> Path:
    settings.STATIC_EXPORT_DIR, settings.STATIC_MIRROR = str(tmp_path), True
    return tmp_path / "notes"


def test_a_new_post_appears_in_the_mirror_once_the_task_ran(
    blog: Blog, author: Any, folder: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = write_post(
            Membership.of(author, blog),
            None,
            Content(title="Mirrored leeks", source="Trench them."),
            Intent.PUBLISH,
        )
    assert "Mirrored leeks" in (folder / post.permalink.lstrip("/")).read_text()
    assert "Mirrored leeks" in (folder / "index.html").read_text()
    assert StaticCopy.objects.get(blog=blog).status == StaticCopy.Status.DONE


def test_without_the_setting_a_write_leaves_no_copy(
    blog: Blog, author: Any, folder: Path, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.STATIC_MIRROR = False
    with django_capture_on_commit_callbacks(execute=True):
        write_post(
            Membership.of(author, blog), None, Content(title="Quiet", source="."), Intent.PUBLISH
        )
    assert not folder.exists() and not StaticCopy.objects.exists()


def test_a_revised_comment_and_a_new_title_reach_the_mirror(
    blog: Blog, author: Any, admin: Any, folder: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """Writes that publish nothing still change what readers see: the copy follows them."""
    with django_capture_on_commit_callbacks(execute=True):
        post = write_post(
            Membership.of(author, blog), None, Content(title="Chard", source="."), Intent.PUBLISH
        )
    comment = Comment.objects.create(
        post=post, author_name="Ana", body="Lovely leaves.", status=Comment.Status.PUBLISHED
    )
    page = folder / post.permalink.lstrip("/")
    with django_capture_on_commit_callbacks(execute=True):
        comments.revise(comment, "Lovely leaves, and stems.")
    assert "Lovely leaves, and stems." in page.read_text()
    blog.title = "The chard diaries"
    with django_capture_on_commit_callbacks(execute=True):
        save_blog_settings(Membership.of(admin, blog), blog)
    assert "The chard diaries" in (folder / "index.html").read_text()


def test_writes_during_a_run_ask_for_one_more_run_not_one_each(
    blog: Blog, folder: Path, django_capture_on_commit_callbacks: Any
) -> None:
    StaticCopy.objects.create(blog=blog, status=StaticCopy.Status.RUNNING)
    with django_capture_on_commit_callbacks() as queued:
        request_copy(blog)
        request_copy(blog)
    assert queued == [] and StaticCopy.objects.get(blog=blog).pending
    with django_capture_on_commit_callbacks() as queued:
        _finish(blog.pk, Report(), "")  # the run ends
    copy = StaticCopy.objects.get(blog=blog)
    assert len(queued) == 1 and (copy.status, copy.pending) == (StaticCopy.Status.QUEUED, False)


def test_the_mirror_without_a_folder_stops_the_checks(settings: Any) -> None:
    settings.STATIC_EXPORT_DIR, settings.STATIC_MIRROR = "", True
    assert [error.id for error in mirror_has_a_folder(None)] == ["publish.E001"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("own_signal_handlers")
def test_a_scheduled_post_reaches_the_mirror_when_its_time_comes_with_no_reader_or_write(
    blog: Blog, author: Any, folder: Path, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS  # the real queue: the run must wait for the post's time
    due = NOON + dt.timedelta(hours=3)
    content = Content(title="Seed order", source="Beans, again.", labels=("Garden",))
    with time_machine.travel(NOON):
        post = write_post(
            Membership.of(author, blog), None, replace(content, publish_at=due), Intent.SCHEDULE
        )
        run_worker()
    assert not (folder / post.permalink.lstrip("/")).exists()
    # Other apps wait for the post's time too (federation, newsletters): the copy is one.
    waiting = DBTaskResult.objects.get(status="READY", task_path__startswith="broadsheet.publish")
    assert waiting.task_path.endswith("copy_when_due") and waiting.run_after == due
    with time_machine.travel(due + dt.timedelta(minutes=1)):
        run_worker()
    assert "Seed order" in (folder / post.permalink.lstrip("/")).read_text()
    assert "Seed order" in (folder / "index.html").read_text()
    assert "Seed order" in (folder / "search/label/Garden/index.html").read_text()


def run_worker() -> None:
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0")
