from __future__ import annotations

from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "broadsheet.feeds"
    label = "feeds"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.core.lazy import Later
        from broadsheet.feeds import checks  # noqa: F401 - registers the system checks
        from broadsheet.posts import hooks

        # A publish queues the WebSub ping for the task worker, never sends it in the request.
        # The task's module (the guarded fetcher) is imported by the first publish, not by
        # every process's start-up (`core.lazy`).
        hooks.on_published(Later("broadsheet.feeds.tasks.queue_ping"))
