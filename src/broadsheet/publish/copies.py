"""The blog's static copy kept on the server: asked for from the studio ("Static copy") or
after every write (`BROADSHEET_STATIC_MIRROR`), run by the task worker, one run at a time.

Contract: `request_copy` never exports in the request; it marks the blog's `StaticCopy` row
and queues `tasks.export_copy` once the transaction commits. A request while a run is queued
does nothing more (that run will see the write); one while it runs sets `pending`, and the run
goes again when it ends. So a burst of writes costs at most two exports, and the export being
incremental, the second is cheap.

A scheduled post coming due is no write, so no hook asks for a copy then: each run that finds
a new "next scheduled post" time in the folder's manifest queues `tasks.copy_when_due` for that
moment, which asks for a copy as a write would. The mirror shows the post (and the home page,
label, archive and feed it appears in) when its time comes, whether or not a reader visits.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Blog
from broadsheet.publish import manifest
from broadsheet.publish.links import Choices
from broadsheet.publish.models import StaticCopy
from broadsheet.worker.schedule import enqueue_at

if TYPE_CHECKING:
    from broadsheet.publish.actions import Report

log = logging.getLogger(__name__)


def folder_for(blog: Blog) -> Path | None:
    """The blog's copy's folder, or None when the site keeps no copies (the setting unset)."""
    root = settings.STATIC_EXPORT_DIR
    return Path(root) / blog.slug if root else None


def request_copy(blog: Blog) -> StaticCopy | None:
    """Ask for the copy to be brought up to date, once the caller's transaction commits."""
    if folder_for(blog) is None:
        return None
    with transaction.atomic():
        StaticCopy.objects.get_or_create(blog=blog)
        copy = StaticCopy.objects.select_for_update().get(blog=blog)
        if copy.status == StaticCopy.Status.RUNNING:
            copy.pending = True
        elif copy.status != StaticCopy.Status.QUEUED or copy.requested_at is None:
            copy.status, copy.requested_at = StaticCopy.Status.QUEUED, timezone.now()
            _enqueue(blog.pk)
        copy.save()
    return copy


def run_copy(blog_id: int) -> None:
    """Export the blog into its folder (the worker's side of `request_copy`)."""
    copy = _start(blog_id)
    if copy is None:
        return
    blog, folder = copy.blog, folder_for(copy.blog)
    assert folder is not None  # _start checked it
    before = manifest.peek(folder, blog.pk)
    # Imported here: every process registers the mirror's hooks at start-up, and only the
    # worker exports (the renderers bring in the reader's views).
    from broadsheet.publish.actions import export_static

    try:
        report = export_static(blog, folder, Choices(origin(blog), search="index"))
    except Exception as error:  # whatever failed, the admin reads why on the page
        log.exception("static copy of blog %s failed", blog_id)
        _finish(blog_id, None, f"{type(error).__name__}: {error}")
        return
    _finish(blog_id, report, "")
    _copy_when_due(blog_id, before.until if before else None, report.until)


def copy_when_due(blog_id: int) -> None:
    """The worker's side of a scheduled post's time: a copy, asked for as a write asks."""
    blog = Blog.objects.filter(pk=blog_id).first()
    if blog is not None:
        request_copy(blog)


def _copy_when_due(blog_id: int, before: float | None, until: float | None) -> None:
    # The run that first saw this time queued it already: one queued run per moment, not one
    # per write (rescheduling leaves an earlier run, which finds the copy up to date).
    if until is None or until == before:
        return
    from broadsheet.publish.tasks import copy_when_due  # the task module imports this one

    enqueue_at(copy_when_due, dt.datetime.fromtimestamp(until, dt.UTC), blog_id)


def _start(blog_id: int) -> StaticCopy | None:
    with transaction.atomic():
        copy = StaticCopy.objects.select_for_update().select_related("blog").get(blog_id=blog_id)
        if copy.status == StaticCopy.Status.RUNNING or folder_for(copy.blog) is None:
            return None  # another worker has it; it will see `pending`
        copy.status, copy.pending, copy.message = StaticCopy.Status.RUNNING, False, ""
        copy.save()
    return copy


def _finish(blog_id: int, report: Report | None, message: str) -> None:
    with transaction.atomic():
        copy = StaticCopy.objects.select_for_update().get(blog_id=blog_id)
        copy.finished_at, copy.message = timezone.now(), message
        if report is not None:
            copy.written, copy.unchanged = len(report.written), report.unchanged
            copy.removed = report.removed
        copy.status = StaticCopy.Status.DONE if report is not None else StaticCopy.Status.FAILED
        if copy.pending:  # a write came during the run: once more, to include it
            copy.status, copy.pending = StaticCopy.Status.QUEUED, False
            _enqueue(blog_id)
        copy.save()


def _enqueue(blog_id: int) -> None:
    # Imported here: the task module imports this one for the work itself.
    from broadsheet.publish.tasks import export_copy

    transaction.on_commit(lambda: export_copy.enqueue(blog_id))
