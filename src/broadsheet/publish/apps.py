from __future__ import annotations

from django.apps import AppConfig


class PublishConfig(AppConfig):
    name = "broadsheet.publish"
    label = "publish"
    verbose_name = "Static export"

    def ready(self) -> None:
        from broadsheet.portability import formats
        from broadsheet.publish import command

        formats.register("static", command.STATIC)
