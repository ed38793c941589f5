"""Imports started from the studio: the upload is kept under the data folder, an `ImportJob`
records it, and the task queue runs it once the request's transaction has committed.

The import itself is one transaction, so progress written to the job's row would stay
invisible to everyone else until the end. Progress therefore goes to a small JSON file beside
the upload (replaced whole on each report), which the studio's progress endpoint reads; the
row gets the final figures, the report or the error when the job ends.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import ImportProgress, import_blogger, import_wordpress
from broadsheet.portability.errors import ImportFileError
from broadsheet.portability.images import localise_images
from broadsheet.portability.models import ImportJob
from broadsheet.portability.restore import restore_backup
from broadsheet.portability.writer import ImportReport

log = logging.getLogger(__name__)

UNEXPECTED = "The import stopped on an unexpected error; nothing was imported."


def uploads_folder() -> Path:
    """Where uploaded files wait for their job: in the data folder, outside MEDIA_ROOT."""
    return Path(settings.DATA_DIR) / "imports"


def start_job(
    blog: Blog,
    user: User | None,
    chunks: Iterable[bytes],
    *,
    file_name: str,
    format: str,
    download_images: bool = False,
) -> ImportJob:
    """Store the upload, record the job and queue it to run once this transaction commits."""
    folder = uploads_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}.upload"
    with stored.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    job = ImportJob.objects.create(
        blog=blog,
        started_by=user,
        format=format,
        download_images=download_images and format != ImportJob.Format.BROADSHEET,
        file_name=file_name[:255],
        stored_as=stored.name,
        total_bytes=stored.stat().st_size,
    )
    from broadsheet.portability.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job


def run_job(job_id: int) -> None:
    """Run a queued job to its end: done with a report, or failed with the reason."""
    queued = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED)
    # Claimed in one statement: a task delivered twice runs the job once.
    if not queued.update(status=ImportJob.Status.RUNNING):
        return
    job = ImportJob.objects.select_related("blog", "started_by").get(pk=job_id)
    path = uploads_folder() / job.stored_as
    try:
        lines = _import(job, path)
    except ImportFileError as error:
        _finish(job, ImportJob.Status.FAILED, message=f"{error} Nothing was imported.")
    except Exception:
        log.exception("import job %s failed", job.pk)
        _finish(job, ImportJob.Status.FAILED, message=UNEXPECTED)
    else:
        _finish(job, ImportJob.Status.DONE, report="\n".join(lines))
    finally:
        path.unlink(missing_ok=True)
        progress_file(job).unlink(missing_ok=True)


def _import(job: ImportJob, path: Path) -> list[str]:
    blog, user = job.blog, job.started_by
    report = _run_format(job, path)
    lines = report.lines()
    if job.download_images:
        lines += localise_images(blog, user=user).lines()
    return lines


def _run_format(job: ImportJob, path: Path) -> ImportReport:
    if job.format == ImportJob.Format.BROADSHEET:
        # A blog admin's restore: the archive reaches nothing outside this blog.
        return restore_backup(job.blog.slug, path, admin=job.started_by)
    action = import_blogger if job.format == ImportJob.Format.BLOGGER else import_wordpress

    def progress(step: ImportProgress) -> None:
        write_progress(job, step)

    return action(job.blog, path, progress=progress)


def _finish(job: ImportJob, status: str, *, message: str = "", report: str = "") -> None:
    step = read_progress(job)
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        message=message,
        report=report,
        bytes_read=job.total_bytes if status == ImportJob.Status.DONE else step["bytes_read"],
        records=step["records"],
        finished_at=timezone.now(),
    )


def progress_file(job: ImportJob) -> Path:
    return uploads_folder() / f"{job.stored_as}.progress.json"


def write_progress(job: ImportJob, step: ImportProgress) -> None:
    """Replace the job's progress file whole, so a reader never sees half of it."""
    path = progress_file(job)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps({"bytes_read": step.bytes_read, "records": step.records}))
    os.replace(partial, path)


def read_progress(job: ImportJob) -> dict[str, int]:
    """How far the job has got: from its progress file while it runs, else from its row."""
    fallback = {"bytes_read": job.bytes_read, "records": job.records}
    if job.finished:
        return fallback
    try:
        data: Any = json.loads(progress_file(job).read_text())
        return {key: int(data[key]) for key in fallback}
    except (OSError, ValueError, KeyError, TypeError):
        return fallback
