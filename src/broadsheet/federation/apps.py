from __future__ import annotations

from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "broadsheet.federation"
    label = "federation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.comments import hooks as comment_hooks
        from broadsheet.core.lazy import Later
        from broadsheet.posts import hooks

        # Imported on the first write, not at start-up (`core.lazy`): signing loads cryptography.
        outbound = "broadsheet.federation.outbound."

        # Publishing, editing and withdrawing only queue deliveries; the worker sends them.
        hooks.on_post_published(Later(outbound + "post_published"))
        hooks.on_post_withdrawn(Later(outbound + "post_withdrawn"))
        comment_hooks.on_comment_published(Later(outbound + "comment_published"))
