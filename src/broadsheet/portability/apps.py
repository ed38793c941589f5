from __future__ import annotations

from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "broadsheet.portability"
    label = "portability"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Import and export"
