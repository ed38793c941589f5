"""`broadsheet export blogger|wordpress|broadsheet --blog SLUG -o FILE`, and the formats apps
above add (`portability.formats`: `broadsheet export static --blog SLUG -o DIR`)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from broadsheet.blogs.models import Blog
from broadsheet.portability import formats
from broadsheet.portability.links import base_url

FORMATS = {
    "blogger": "a Blogger backup file (Atom), for Blogger or any Blogger importer",
    "wordpress": "a WordPress export (WXR 1.2), for WordPress's importer",
    "broadsheet": "a Broadsheet backup archive: everything, to restore with `import broadsheet`",
}


def formats_parser(formats_sub: Any, name: str, description: str) -> CommandParser:
    sub: CommandParser = formats_sub.add_parser(name, help=description, description=description)
    sub.add_argument("--blog", required=True, metavar="SLUG", help="the blog to export")
    return sub


class Command(BaseCommand):
    help = "Export a blog as a Blogger backup, a WordPress export or a Broadsheet backup."
    # It only reads the blog and writes files; the system checks guard the server, and would
    # load the whole URLconf first: 0.6 s of a static export that finds nothing to do.
    requires_system_checks = ()

    def add_arguments(self, parser: CommandParser) -> None:
        formats_sub = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
        for name, description in FORMATS.items():
            sub = formats_parser(formats_sub, name, description)
            sub.add_argument("-o", "--output", required=True, metavar="FILE")
            if name != "broadsheet":
                sub.add_argument(
                    "--base-url",
                    default="",
                    help="the blog's address for absolute links (default: where it is served)",
                )
        for name, added in formats.registered().items():
            sub = formats_parser(formats_sub, name, added.description)
            added.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        blog = Blog.objects.filter(slug=options["blog"]).first()
        if blog is None:
            raise CommandError(f"There is no blog with the slug {options['blog']!r}.")
        added = formats.registered().get(options["format"])
        if added is not None:
            self.stdout.write(added.run(blog, options))
            return
        target = Path(options["output"])
        if not target.parent.is_dir():
            raise CommandError(f"There is no folder {target.parent} to write into.")
        counts = self.write(blog, options, target)
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"Wrote {target}: {summary}.")

    def write(self, blog: Blog, options: dict[str, Any], target: Path) -> dict[str, int]:
        # Written beside the target and renamed at the end: a failed export leaves no
        # half-written file where the old one was.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "wb") as out:
                counts = self.export(blog, options, out)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return counts

    def export(self, blog: Blog, options: dict[str, Any], out: Any) -> dict[str, int]:
        # The writers are imported for the format asked for, not with the command: a static
        # export (`formats`) would otherwise load all three at every start, for nothing.
        from broadsheet.portability.backup import export_backup
        from broadsheet.portability.blogger_export import export_blogger
        from broadsheet.portability.wordpress_export import export_wordpress

        kind = options["format"]
        if kind == "broadsheet":
            return export_backup(blog, out)
        base = options["base_url"] or base_url(blog)
        writer = export_blogger if kind == "blogger" else export_wordpress
        return writer(blog, out, base=base)
