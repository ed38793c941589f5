from __future__ import annotations

from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "broadsheet.media"
    label = "media"
    verbose_name = "Media"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.core import embeds
        from broadsheet.media.posters import stored_poster

        # core renders facades but knows no model: it asks here for stored posters.
        embeds.on_poster(stored_poster)
