"""Background work for imports (django-tasks): the studio queues a job once the upload's
transaction commits, and `broadsheet db_worker` runs it."""

from __future__ import annotations

from django_tasks import task

from broadsheet.blogs.models import Blog
from broadsheet.portability import posters
from broadsheet.portability.jobs import run_job


@task()
def run_import_job(job_id: int) -> None:
    """Run the import job `job_id`; its row says how it went."""
    run_job(job_id)


@task()
def fetch_posters(blog_id: int, keys: list[str]) -> int:
    """Fetch the embed posters blog `blog_id` lacks among `keys` (`portability.posters`)."""
    blog = Blog.objects.filter(pk=blog_id).first()
    return posters.fetch_posters(blog, keys) if blog is not None else 0
