from __future__ import annotations

from django.apps import AppConfig


class BlogsConfig(AppConfig):
    name = "broadsheet.blogs"
    label = "blogs"
    default_auto_field = "django.db.models.BigAutoField"
