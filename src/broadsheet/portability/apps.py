from __future__ import annotations

from functools import partial

from django.apps import AppConfig
from django.db import transaction


class PortabilityConfig(AppConfig):
    name = "broadsheet.portability"
    label = "portability"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Import and export"

    def ready(self) -> None:
        from broadsheet.posts import hooks

        hooks.on_embeds(queue_posters)


def queue_posters(blog_id: int, keys: list[str]) -> None:
    """Queue the fetch of posters not tried yet, once the save commits: never in the request."""
    from broadsheet.portability import posters, tasks

    wanted = posters.missing(blog_id, keys)
    if wanted:
        transaction.on_commit(partial(tasks.fetch_posters.enqueue, blog_id, wanted))
