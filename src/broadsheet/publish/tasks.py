"""Background work for the static copy (django-tasks): `broadsheet db_worker` runs it."""

from __future__ import annotations

from django_tasks import task

from broadsheet.publish import copies


@task()
def export_copy(blog_id: int) -> None:
    """Bring blog `blog_id`'s static copy up to date (`copies`)."""
    copies.run_copy(blog_id)


@task()
def copy_when_due(blog_id: int) -> None:
    """A scheduled post of blog `blog_id` has come due: ask for a copy (`copies`)."""
    copies.copy_when_due(blog_id)
