from __future__ import annotations

from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "broadsheet.reader"
    label = "reader"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.reader import checks  # noqa: F401 - registers the system checks
