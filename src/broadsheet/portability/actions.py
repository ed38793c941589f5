"""Import and export workflows. Every import runs in one transaction: it completes, or the
blog is left exactly as it was.

The imports live here; the exports and the backup restore, which share nothing with the XML
readers, live beside them and are re-exported so that callers (commands, the studio later)
have one place to look:

    import_blogger(blog, path, progress=...)     import_wordpress(blog, path, progress=...)
    export_blogger(blog, out, base=...)          export_wordpress(blog, out, base=...)
    export_backup(blog, out)                     restore_backup(slug, path)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from broadsheet.blogs.models import Blog, Membership, slug_validator
from broadsheet.portability.backup import export_backup
from broadsheet.portability.blogger import UNDECLARED_PREFIXES, BloggerReader
from broadsheet.portability.blogger_export import export_blogger
from broadsheet.portability.blogger_settings import apply_settings
from broadsheet.portability.errors import ConflictError, MalformedXMLError, WrongFormatError
from broadsheet.portability.records import SourceInfo
from broadsheet.portability.restore import restore_backup
from broadsheet.portability.wordpress import WordPressReader
from broadsheet.portability.wordpress_export import export_wordpress
from broadsheet.portability.writer import ImportReport, Writer
from broadsheet.portability.xmlsafe import (
    CdataRepairReader,
    SafeXMLSource,
    is_unescaped_cdata_end,
)

__all__ = [
    "ImportProgress",
    "ProgressCallback",
    "export_backup",
    "export_blogger",
    "export_wordpress",
    "import_blogger",
    "import_blogger_new_blog",
    "import_wordpress",
    "restore_backup",
]

# How many records go by between two progress reports.
PROGRESS_EVERY = 50


@dataclass(frozen=True)
class ImportProgress:
    """How far an import has read: bytes of the file, and records (posts, pages, comments)."""

    bytes_read: int
    total_bytes: int
    records: int


ProgressCallback = Callable[[ImportProgress], None]


def import_blogger(
    blog: Blog,
    path: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Bring a Blogger backup into `blog`: posts, pages, drafts, scheduled posts, labels and
    threaded comments, each post at its old address. Importing the same file again updates
    what the first import brought in. Raises `ImportFileError` (nothing written) when the file
    cannot be imported."""
    return _import(blog, Path(path), "blogger", progress, now or timezone.now())


def import_blogger_new_blog(
    path: str | os.PathLike[str],
    *,
    slug: str = "",
    admin: User | None = None,
    progress: ProgressCallback | None = None,
    now: dt.datetime | None = None,
) -> tuple[Blog, ImportReport]:
    """Create a blog from a Blogger backup and import it: the slug is `slug`, or the old
    address's name (`name.blogspot.com` → `name`); title and settings come from the file;
    `admin` becomes its admin. All or nothing: a refused import leaves no blog behind.
    Raises `ImportFileError` when no slug can be had or the blog exists already."""
    slug = slug or blogger_slug(Path(path))
    if Blog.objects.filter(slug=slug).exists():
        raise ConflictError(f"There is already a blog with the slug {slug!r}.")
    with transaction.atomic():
        blog = Blog.objects.create(slug=slug, title=slug)
        if admin is not None:
            Membership.objects.create(blog=blog, user=admin, role=Membership.Role.ADMIN)
        report = import_blogger(blog, path, progress=progress, now=now)
    blog.refresh_from_db()
    return blog, report


def blogger_slug(path: Path) -> str:
    """The old blog's name, from its address or its BLOG_SUBDOMAIN setting, both of which a
    backup writes before any post."""
    with path.open("rb") as raw:
        reader = BloggerReader(SafeXMLSource(raw, UNDECLARED_PREFIXES))
        # The header and the settings come before the first post: stop there.
        next(iter(reader.records()), None)
    host = urlsplit(reader.info.address).hostname or ""
    name = host.removesuffix(".blogspot.com") if host.endswith(".blogspot.com") else ""
    name = (name or reader.info.settings.get("BLOG_SUBDOMAIN", "")).lower()
    try:
        slug_validator(name)
    except ValidationError:
        raise WrongFormatError(
            "The backup does not say the blog's blogspot.com name; name the blog with --blog."
        ) from None
    return name


def import_wordpress(
    blog: Blog,
    path: str | os.PathLike[str],
    *,
    progress: ProgressCallback | None = None,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Bring a WordPress export (WXR 1.0 to 1.2) into `blog`; old WordPress addresses become
    redirects. Same guarantees as `import_blogger`."""
    return _import(blog, Path(path), "wordpress", progress, now or timezone.now())


def _import(
    blog: Blog, path: Path, kind: str, progress: ProgressCallback | None, now: dt.datetime
) -> ImportReport:
    try:
        return _import_once(blog, path, kind, progress, now, repair=False)
    except MalformedXMLError as error:
        if kind != "wordpress" or not is_unescaped_cdata_end(error):
            raise
    report = _import_once(blog, path, kind, progress, now, repair=True)
    report.warnings.append(
        "The file had ']]>' inside CDATA sections, which WordPress itself never writes; "
        "they were read as the text they stand for."
    )
    return report


def _import_once(
    blog: Blog,
    path: Path,
    kind: str,
    progress: ProgressCallback | None,
    now: dt.datetime,
    *,
    repair: bool,
) -> ImportReport:
    total = path.stat().st_size
    with path.open("rb") as raw, transaction.atomic():
        # One import at a time per blog: a second one waits here until the first commits.
        blog = Blog.objects.select_for_update().get(pk=blog.pk)
        reader = _reader(raw, kind, blog, repair=repair)
        writer = Writer(blog, reader.info, now)
        count = 0
        for record in reader.records():
            writer.add(record)
            count += 1
            if progress and count % PROGRESS_EVERY == 0:
                progress(ImportProgress(reader.source.bytes_read, total, count))
        report = writer.finish()
        report.skipped.update(reader.skipped)
        report.title = reader.info.title
        # Inside the transaction: a refused import leaves the settings as they were too.
        outcomes = apply_settings(blog, reader.info.settings) if kind == "blogger" else []
        report.settings = [outcome.line() for outcome in outcomes]
        report.warnings += _time_zone_note(blog, reader.info)
    if progress:
        progress(ImportProgress(total, total, count))
    return report


def _reader(
    raw: BinaryIO, kind: str, blog: Blog, *, repair: bool
) -> BloggerReader | WordPressReader:
    if kind == "blogger":
        return BloggerReader(SafeXMLSource(raw, UNDECLARED_PREFIXES))
    source = SafeXMLSource(raw)
    stream = CdataRepairReader(source) if repair else source
    return WordPressReader(source, stream, time_zone=blog.tzinfo)


def _time_zone_note(blog: Blog, info: SourceInfo) -> list[str]:
    if info.time_zone and info.time_zone != blog.time_zone:
        return [
            f"The old blog's time zone was {info.time_zone}; this blog's is {blog.time_zone}. "
            "Times are kept as the same instants, so date headers follow this blog's zone."
        ]
    return []
