from __future__ import annotations

from django.apps import AppConfig


class WebmentionConfig(AppConfig):
    name = "broadsheet.webmention"
    label = "webmention"
    verbose_name = "Webmention"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.core.lazy import Later
        from broadsheet.posts import hooks

        # Imported on the first write, not at start-up (`core.lazy`).
        publishing = "broadsheet.webmention.publishing."

        # A publish (or an edit, or a schedule) only queues the sending; the worker sends.
        hooks.on_post_published(Later(publishing + "post_published"))
        # Trashed or back to a draft: the pages it mentioned are told it is gone.
        hooks.on_post_withdrawn(Later(publishing + "post_withdrawn"))
