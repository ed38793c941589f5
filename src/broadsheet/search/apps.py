from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate

from broadsheet.search.schema import repair_index


class SearchConfig(AppConfig):
    name = "broadsheet.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.blogs.actions import on_sidebar_moved

        # Django sends post_migrate once per app that has a models module (this one has
        # `models.py`), after every migrate and flush, even when nothing was applied.
        post_migrate.connect(repair_search_index, sender=self, dispatch_uid="search.repair")
        # The breadth of the blog's recent searches counted when a post write commits, not by
        # the next reader (`queries.count_ahead`).
        on_sidebar_moved(_count_ahead)


def _count_ahead(blog_id: int) -> None:
    # Imported when first called: the queries module is not start-up's.
    from broadsheet.search.queries import count_ahead

    count_ahead(blog_id)


def repair_search_index(sender: AppConfig, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """A posts migration that remade posts_post (SQLite copies, drops and renames the table)
    dropped the search triggers with it: put them back and rebuild the index."""
    repair_index(connections[using])
