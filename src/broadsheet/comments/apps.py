from __future__ import annotations

from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "broadsheet.comments"
    label = "comments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.comments import checks  # noqa: F401 - registers the checks
