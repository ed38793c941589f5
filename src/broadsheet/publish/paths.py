"""Where each address of the blog goes in the exported folder.

Blogger's addresses mix files (`/2024/10/slug.html`) with names that are also folders
(`/search` and `/search/label/Travel/page/2.html`, `/feeds/posts/default` and
`/feeds/posts/default/-/Travel`). A name without an extension is therefore written as a
folder holding `index.<type>`, which nginx finds with `try_files $uri $uri/index.html …`
(docs/static-export.md) and most static hosts find on their own for `.html`.
"""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath
from urllib.parse import unquote

# The extension an extension-less address gets, by the content type it was answered with:
# nginx's mime.types maps each back to the same type.
EXTENSIONS = {
    "text/html": "html",
    "application/atom+xml": "atom",
    "application/rss+xml": "rss",
    "application/feed+json": "json",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "txt",
}
INDEX_NAMES = tuple(f"index.{ext}" for ext in dict.fromkeys(EXTENSIONS.values()))


def file_for(path: str, content_type: str) -> PurePosixPath | None:
    """The file (relative to the folder) for a local address, or None if it has no safe one."""
    plain = unquote(path)
    if not plain.startswith("/") or "\x00" in plain or "\\" in plain:
        return None
    normal = posixpath.normpath(plain)
    if normal != plain.rstrip("/") and normal != plain:
        return None  # `..`, `//` or `.`: not an address we write
    if plain.endswith("/"):
        return PurePosixPath(normal.lstrip("/"), "index.html")
    relative = PurePosixPath(normal.lstrip("/"))
    if relative.suffix:
        return relative
    kind = content_type.split(";")[0].strip().lower()
    return relative / f"index.{EXTENSIONS.get(kind, 'html')}"
