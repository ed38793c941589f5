"""`broadsheet import blogger|wordpress|broadsheet FILE --blog SLUG [--site]`.

A Blogger backup may also make its blog: without `--blog`, or with one that does not exist,
the blog is created from the file (slug from `name.blogspot.com`, title and settings from the
backup), with `--admin USERNAME` as its admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import (
    ImportProgress,
    ProgressCallback,
    import_blogger,
    import_blogger_new_blog,
    import_wordpress,
)
from broadsheet.portability.errors import ImportFileError
from broadsheet.portability.images import image_fetcher, localise_images
from broadsheet.portability.restore import restore_backup
from broadsheet.portability.writer import ImportReport

FORMATS = {
    "blogger": "a Blogger backup (Settings > Manage blog > Back up content)",
    "wordpress": "a WordPress export, WXR 1.0 to 1.2 (Tools > Export)",
    "broadsheet": "a Broadsheet backup archive; creates the blog if it does not exist. "
    "Restored as its admin would: nothing outside the blog changes, unless --site",
}


class Command(BaseCommand):
    help = (
        "Import a Blogger backup or a WordPress export into a blog, or restore a Broadsheet "
        "backup. The import is all or nothing; importing the same file again updates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        formats = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
        for name, description in FORMATS.items():
            sub = formats.add_parser(name, help=description, description=description)
            sub.add_argument("file", help="the file to import")
            if name == "blogger":
                sub.add_argument(
                    "--blog",
                    metavar="SLUG",
                    help="the blog to fill; created from the backup when there is none (the "
                    "default slug is the old blogspot.com name)",
                )
                sub.add_argument(
                    "--admin", metavar="USERNAME", help="the new blog's admin, when one is made"
                )
            else:
                sub.add_argument("--blog", required=True, metavar="SLUG", help="the blog to fill")
            if name == "broadsheet":
                sub.add_argument(
                    "--site",
                    action="store_true",
                    help="the site operator's full restore, for an archive you made yourself: "
                    "also accounts (by user name), memberships and roles, the custom domain, "
                    "the default blog, reply subscriptions and media files as they are",
                )
            else:
                sub.add_argument(
                    "--download-images",
                    action="store_true",
                    help="copy the posts' images into the media store (through the guarded "
                    "fetcher); refused ones stay linked and are listed",
                )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        try:
            slug, report = self.run(options["format"], path, options["blog"], options)
        except ImportFileError as error:
            raise CommandError(f"{path.name}: {error} Nothing was imported.") from None
        self.stdout.write(f"Imported {path.name} into {slug}:")
        lines = report.lines()
        if options.get("download_images"):
            lines += self.download_images(slug)
        for line in lines:
            self.stdout.write(f"  {line}")

    def download_images(self, slug: str) -> list[str]:
        """After the import has committed: copy its images here, one post at a time."""
        return localise_images(Blog.objects.get(slug=slug), fetcher=image_fetcher()).lines()

    def run(
        self, kind: str, path: Path, slug: str | None, options: dict[str, Any]
    ) -> tuple[str, ImportReport]:
        if kind == "broadsheet":
            # Without --site, a blog admin's restore: nothing reaches outside the blog.
            return str(slug), restore_backup(str(slug), path, site=bool(options.get("site")))
        blog = Blog.objects.filter(slug=slug).first() if slug else None
        if blog is None and kind == "blogger":
            return self.new_blog(path, slug or "", options.get("admin"))
        if blog is None:
            raise CommandError(
                f"There is no blog with the slug {slug!r}. Create it first, or restore a "
                "Broadsheet backup, which creates its blog."
            )
        action = import_blogger if kind == "blogger" else import_wordpress
        with self.progress_bar(path.stat().st_size) as progress:
            return blog.slug, action(blog, path, progress=progress)

    def new_blog(self, path: Path, slug: str, username: str | None) -> tuple[str, ImportReport]:
        admin = None
        if username:
            admin = get_user_model().objects.filter(username=username).first()
            if admin is None:
                raise CommandError(f"There is no user {username!r} to make the blog's admin.")
        with self.progress_bar(path.stat().st_size) as progress:
            blog, report = import_blogger_new_blog(path, slug=slug, admin=admin, progress=progress)
        self.stdout.write(f"Created the blog {blog.slug!r}, {blog.title!r}.")
        return blog.slug, report

    @contextmanager
    def progress_bar(self, total: int) -> Iterator[ProgressCallback]:
        # The raw stream: Django's wrapper would paint every redraw in its error colour.
        console = Console(file=cast(IO[str], getattr(self.stderr, "_out", self.stderr)))
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
        )
        # Logs and pipes get the summary only; a terminal gets the bar.
        with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
            task = bar.add_task("Reading", total=total)

            def update(progress: ImportProgress) -> None:
                bar.update(
                    task,
                    completed=progress.bytes_read,
                    description=f"{progress.records} items",
                )

            yield update
