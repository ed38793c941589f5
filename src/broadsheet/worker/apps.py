from __future__ import annotations

from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "broadsheet.worker"
    label = "worker"
    default_auto_field = "django.db.models.BigAutoField"
