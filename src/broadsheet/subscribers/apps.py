from __future__ import annotations

from django.apps import AppConfig


class SubscribersConfig(AppConfig):
    name = "broadsheet.subscribers"
    label = "subscribers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.posts import hooks
        from broadsheet.subscribers import sending

        # A publish (or a schedule) only queues the newsletter; the worker sends it.
        hooks.on_post_published(sending.post_published)
