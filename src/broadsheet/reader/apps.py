from __future__ import annotations

from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "broadsheet.reader"
    label = "reader"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from broadsheet.blogs import hosts
        from broadsheet.blogs.actions import on_sidebar_moved
        from broadsheet.reader import checks  # noqa: F401 - registers the system checks
        from broadsheet.reader.pagecache import next_columns, next_read
        from broadsheet.reader.tallied import stamp_columns, stamps_read

        # The layout drawn when a post write commits, not by the next reader (docs/caching.md).
        on_sidebar_moved(_draw_ahead)
        # The blog's stamps and its next publish read with the blog, in the request's first
        # query.
        hosts.read_with_blog(stamp_columns, stamps_read)
        hosts.read_with_blog(next_columns, next_read)


def _draw_ahead(blog_id: int) -> None:
    # Imported when first called: the gadgets' templates and queries are not start-up's.
    from broadsheet.reader.gadgets import draw_ahead

    draw_ahead(blog_id)
