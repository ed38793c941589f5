from __future__ import annotations

from django.apps import AppConfig


class StudioConfig(AppConfig):
    name = "broadsheet.studio"
    label = "studio"
    verbose_name = "Studio"
    default_auto_field = "django.db.models.BigAutoField"
