from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings


class StatsConfig(AppConfig):
    name = "broadsheet.stats"
    label = "stats"
    verbose_name = "Stats"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.core.pagecache import hits
        from broadsheet.stats import recorder

        if settings.STATS_ENABLED:
            hits.register(recorder.record)
