"""A blog's exports as files to download: the studio's "Back up content" page.

Each export is written to an anonymous temporary file under the data folder and streamed
from there, so a large blog is never held in memory (the writers go entry by entry) and
nothing is left on disk: the file has no name from the start and disappears when the
response closes it, or when the process dies. It is not under the system's temporary folder,
which is often in memory (tmpfs), nor under MEDIA_ROOT, which is public.

Absolute links name the blog's configured origin (`blogs.hosts.origin`), never the Host of
the request that asked for the file.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Blog
from broadsheet.portability.backup import export_backup
from broadsheet.portability.blogger_export import export_blogger
from broadsheet.portability.wordpress_export import export_wordpress

Writer = Callable[[Blog, BinaryIO], dict[str, int]]


@dataclass(frozen=True)
class Export:
    name: str  # the part of the file name that says what it is
    extension: str
    content_type: str
    write: Writer


def _blogger(blog: Blog, out: BinaryIO) -> dict[str, int]:
    return export_blogger(blog, out, base=origin(blog))


def _wordpress(blog: Blog, out: BinaryIO) -> dict[str, int]:
    return export_wordpress(blog, out, base=origin(blog))


EXPORTS: dict[str, Export] = {
    "blogger": Export("blogger", "xml", "application/atom+xml", _blogger),
    "wordpress": Export("wordpress", "xml", "application/rss+xml", _wordpress),
    "broadsheet": Export("backup", "zip", "application/zip", export_backup),
}


def exports_folder() -> Path:
    """Where exports are written on their way out: in the data folder, outside MEDIA_ROOT."""
    return Path(settings.DATA_DIR) / "exports"


def export_file(blog: Blog, kind: str) -> BinaryIO:
    """The blog's export of `kind` (a key of EXPORTS), written and rewound, to stream."""
    folder = exports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    # Not a `with`: the response that streams the file closes it once it is sent.
    out = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115
    try:
        EXPORTS[kind].write(blog, out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def download_name(blog: Blog, kind: str, day: dt.date) -> str:
    """`notes-blogger-2024-10-20.xml`: which blog, what it is and when, sorted by date in a
    folder of backups, like Blogger's own `blog-10-20-2024.xml` but unambiguous."""
    export = EXPORTS[kind]
    return f"{blog.slug}-{export.name}-{day:%Y-%m-%d}.{export.extension}"
