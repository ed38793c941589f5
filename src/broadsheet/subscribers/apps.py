from __future__ import annotations

from django.apps import AppConfig


class SubscribersConfig(AppConfig):
    name = "broadsheet.subscribers"
    label = "subscribers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.core.lazy import Later
        from broadsheet.posts import hooks

        # A publish (or a schedule) only queues the newsletter; the worker sends it.
        # Imported on the first publish, not at start-up (`core.lazy`).
        hooks.on_post_published(Later("broadsheet.subscribers.sending.post_published"))
