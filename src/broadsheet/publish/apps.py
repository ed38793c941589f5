from __future__ import annotations

from django.apps import AppConfig


class PublishConfig(AppConfig):
    name = "broadsheet.publish"
    label = "publish"
    verbose_name = "Static export"

    def ready(self) -> None:
        from broadsheet.blogs.actions import on_content_moved
        from broadsheet.portability import formats
        from broadsheet.posts import triggers
        from broadsheet.publish import (
            changelog,
            checks,  # noqa: F401 - registers the system checks
            command,
            mirror,
            poststamps,
        )
        from broadsheet.reader import prepared

        # A migration rebuilding the posts table must not run into the change log's
        # triggers, nor leave the log unkept (`posts.triggers`).
        triggers.keep(
            triggers.Kept(
                "changelog",
                changelog.trigger_names,
                changelog.install,
                changelog.uninstall,
                frozenset(changelog.TABLES),
            )
        )
        # The same for the post stamps' triggers, on comments and reactions.
        triggers.keep(
            triggers.Kept(
                "poststamps",
                poststamps.trigger_names,
                poststamps.install,
                poststamps.uninstall,
                frozenset(poststamps.TABLES),
            )
        )

        # The reader keeps each post's comment thread under the post's stamp.
        prepared.keep_thread_stamp(poststamps.STAMP_OF_POST)
        formats.register("static", command.STATIC)
        # The mirror listens always and checks its setting when called, so that turning it
        # on needs no restart of this code's registrations (and tests can switch it).
        on_content_moved(mirror.blog_changed)
