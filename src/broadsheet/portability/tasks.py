"""Background work for imports (django-tasks): the studio queues a job once the upload's
transaction commits, and `broadsheet db_worker` runs it."""

from __future__ import annotations

from django_tasks import task

from broadsheet.portability.jobs import run_job


@task()
def run_import_job(job_id: int) -> None:
    """Run the import job `job_id`; its row says how it went."""
    run_job(job_id)
