from __future__ import annotations

from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "broadsheet.federation"
    label = "federation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.comments import hooks as comment_hooks
        from broadsheet.federation import outbound
        from broadsheet.posts import hooks

        # Publishing, editing and withdrawing only queue deliveries; the worker sends them.
        hooks.on_post_published(outbound.post_published)
        hooks.on_post_withdrawn(outbound.post_withdrawn)
        comment_hooks.on_comment_published(outbound.comment_published)
