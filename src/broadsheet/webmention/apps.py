from __future__ import annotations

from django.apps import AppConfig


class WebmentionConfig(AppConfig):
    name = "broadsheet.webmention"
    label = "webmention"
    verbose_name = "Webmention"
    default_auto_field = "django.db.models.BigAutoField"
