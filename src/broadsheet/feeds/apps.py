from __future__ import annotations

from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "broadsheet.feeds"
    label = "feeds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.feeds import (
            checks,  # noqa: F401 - registers the system checks
            tasks,
        )
        from broadsheet.posts import hooks

        # A publish queues the WebSub ping for the task worker, never sends it in the request.
        hooks.on_published(lambda blog_id: tasks.ping_hub.enqueue(blog_id))
