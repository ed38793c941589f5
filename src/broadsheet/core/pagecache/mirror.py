"""Published pages as files, for nginx to serve without asking the app (docs/deploy.md).

Off unless BROADSHEET_PAGE_MIRROR_DIR is set. Then every HTML page the cache keeps (no query
string, no port in the Host, the site's own scheme, and no scheduled post waiting on the
blog, since a file cannot expire by itself) is also written here:

    hosts/<host>                 -> ../blogs/<blog id>/current
    blogs/<blog id>/current      -> v<content version>
    blogs/<blog id>/v<version>/<path>.page        (a path ending in "/": <path>index.page)
    blogs/<blog id>/v<version>/.q/search/<q>.page  (`/search?q=<q>`, the query as sent)
    blogs/<blog id>/v<version>/.q/paged/<path>/<query>.page  (Older Posts, Newer Posts)

and beside each file the same bytes gzipped, `<file>.gz` (`GZIP`), which nginx sends to a
reader who accepts gzip (`gzip_static`), as every browser does.

nginx looks up `hosts/$host/current`'s file for the request and falls back to the app. A
write moves `current` to the new version's (empty) folder the moment the version is
announced, so the very next reader misses and gets the new page from the app. A page
rendered at an older version goes into that version's folder, which nginx no longer reads.
`current` follows the shared version store exactly: set when a version is announced, created
if absent when a miss fills the version in.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import secrets
import shutil
from pathlib import Path

from broadsheet.core.pagecache import conf

SUFFIX = ".page"
# Each kept file's gzipped copy is `<file>.gz`: nginx gzipping a page afresh for each browser
# answered a third to an eighth as many requests a second as it sends the copy
# (bench/RESULTS.md, "pages gzipped once"). The copy is made on the miss that writes the
# file, in the reader's time: level 2 takes 0.12 ms for a 41 KB page and 0.32 ms for a 98 KB
# one, a little smaller than nginx's own gzip (level 1); zlib's default (6) saves 10 % more
# bytes at 3.5 times the time.
GZIP = ".gz"
GZIP_LEVEL = 2
INDEX = "index" + SUFFIX
MAX_PATH = 1024
# The kinds of answer kept as files, each under its own ending, from which nginx gives the
# file its type (ops.nginx): pages, and the feeds, sitemaps and robots.txt, which feed readers
# and crawlers ask for far more often than people read pages.
SUFFIXES = {
    "text/html": SUFFIX,
    "application/atom+xml": ".atom",
    "application/rss+xml": ".rss",
    "application/feed+json": ".feed",
    "application/xml": ".xml",
    "text/plain": ".txt",
}


# A search's page is kept under its words as the reader's browser sends them, which is how
# nginx finds it (`$arg_q`, never decoded): only a query that is `q=` and nothing else, in the
# form Django's urlencode writes it (so the file's words mean, once decoded, the words it was
# rendered for), in characters a file name holds as they are. ops.nginx repeats the pattern.
SEARCH_QUERY = r"q=([A-Za-z0-9._~+%-]{1,200})"
_SEARCH = re.compile(SEARCH_QUERY)
# Kept apart from every page's file: no request path can name this folder (`file_for`).
QUERIES = ".q"
# Each different search is a file until the blog's next write empties its folder: a client
# inventing words may fill this many per blog, and no more (the rest are answered by the app).
MAX_SEARCHES = 500

# A listing's page further back or forward (Older Posts, Newer Posts) is kept under its query
# as its pager writes it (`reader.listing.pager_links`: Django's urlencode of the moment in
# ISO form, with its offset, then the page's size) and nothing else, on the addresses that
# page: /search (the home page's), a label's and an archive's. nginx finds it by `$uri` and
# `$args` (ops.nginx repeats the pattern); any other query goes to the app.
PAGED_QUERY = (
    r"updated-m(?:ax|in)=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}%3A[0-9]{2}%3A[0-9]{2}"
    r"(?:\.[0-9]{1,6})?(?:%2B|-)[0-9]{2}%3A[0-9]{2}&max-results=[0-9]{1,3}"
)
_PAGED = re.compile(PAGED_QUERY)
_PAGED_PATH = re.compile(r"/search(/label/[^/]+)?|/[0-9]{4}/([0-9]{2}/)?")
PAGED = "paged"
# Each a file until the next write, as a search is: a crawler walking a blog of 100,000
# posts back page by page would otherwise leave 14,000 files in every version.
MAX_PAGED = 500


def suffix_for(content_type: str) -> str | None:
    """The file ending for an answer of this type, or None if it is not kept: only answers
    that say they are UTF-8, as nginx will say of the file."""
    kind, _, params = content_type.partition(";")
    if params.strip().lower() != "charset=utf-8":
        return None
    return SUFFIXES.get(kind.strip().lower())


def root() -> Path | None:
    """The mirror's folder, or None when it is off (the front asks on every hit)."""
    return conf.current().mirror_root


def file_for(path: str, suffix: str = SUFFIX) -> Path | None:
    """The file under a version folder for a request path, or None if it cannot have one."""
    if not path.startswith("/") or len(path) > MAX_PATH or "\x00" in path or "//" in path:
        return None
    parts = path.split("/")[1:]
    if any(part in (".", "..") for part in parts[:-1]) or parts[-1] in (".", ".."):
        return None
    if len(parts) > 1 and parts[0] == QUERIES:
        return None  # the searches' folder
    if path.endswith("/") and suffix != SUFFIX:
        return None  # nginx looks for an index page only
    name = "index" + suffix if path.endswith("/") else parts[-1] + suffix
    return Path(*parts[:-1], name) if len(parts) > 1 else Path(name)


def write(
    blog_id: int,
    version: int,
    host: str,
    path: str,
    body: bytes,
    suffix: str = SUFFIX,
    modified: float | None = None,
) -> None:
    """Keep one page, then make sure nginx can find the blog under this host. `modified`
    dates the file as the answer dated itself (a feed's Last-Modified), which nginx sends."""
    relative = file_for(path, suffix)
    if relative is not None:
        _keep(blog_id, version, host, relative, body, modified)


def _keep(
    blog_id: int, version: int, host: str, relative: Path, body: bytes, modified: float | None
) -> None:
    base = root()
    if base is None:
        return
    target = base / "blogs" / str(blog_id) / f"v{version}" / relative
    if not target.exists():  # one version's page is the same page, whoever wrote it
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        write_file(target, body, modified)
        _keep_gzipped(target, body)
    _link_if_absent(base / "hosts" / host, Path("..") / "blogs" / str(blog_id) / "current")


def _keep_gzipped(target: Path, body: bytes) -> None:
    """The page's gzipped copy beside it, dated as the page is, so that nginx sends either
    with the same Last-Modified (each with its own ETag, from its own size). Written after
    the page: until it is there, nginx compresses the page for the reader as before. Not
    kept if gzip makes it no smaller (a short robots.txt): nginx sends the page itself."""
    packed = gzip.compress(body, GZIP_LEVEL, mtime=0)
    if len(packed) < len(body):
        write_file(target.with_name(target.name + GZIP), packed, target.stat().st_mtime)


def search_file(path: str, query: str) -> Path | None:
    """The file for `/search?<query>` (the query in Django's form), or None if nginx would
    not look for one: see SEARCH_QUERY."""
    found = _SEARCH.fullmatch(query) if path == "/search" else None
    return Path(QUERIES, "search", found.group(1) + SUFFIX) if found else None


def paged_file(path: str, query: str) -> Path | None:
    """The file for a listing's page further back or forward, `path?<query>` (the query as
    the reader sent it, which nginx has as `$args`), or None if nginx would not look for
    one: see PAGED_QUERY. Under the listing's own path, so that nginx names it from `$uri`
    and `$args` alone."""
    if _PAGED.fullmatch(query) is None or _PAGED_PATH.fullmatch(path) is None:
        return None
    if file_for(path) is None:  # a name no file may have ("..", too long, a NUL)
        return None
    return Path(QUERIES, PAGED, *[part for part in path.split("/") if part], query + SUFFIX)


def write_queried(
    blog_id: int,
    version: int,
    host: str,
    relative: Path,
    body: bytes,
    modified: float | None = None,
) -> None:
    """Keep one page named by its query (`search_file`, `paged_file`), unless the version
    already holds as many of its kind as it may (MAX_SEARCHES searches, MAX_PAGED listing
    pages, each kind counted over its folder under QUERIES); dated as `write` dates a page."""
    base = root()
    if base is None:
        return
    kind = relative.parts[1]
    folder = base / "blogs" / str(blog_id) / f"v{version}" / QUERIES / kind
    kept = sum(name.endswith(SUFFIX) for _, _, files in os.walk(folder) for name in files)
    if kept >= (MAX_PAGED if kind == PAGED else MAX_SEARCHES):
        return
    _keep(blog_id, version, host, relative, body, modified)


def point(blog_id: int, version: int) -> None:
    """Make `version` the blog's current folder (a version was announced), and drop the
    folders older than the one it replaces."""
    base = root()
    if base is None:
        return
    blog = base / "blogs" / str(blog_id)
    blog.mkdir(parents=True, exist_ok=True, mode=0o755)
    previous = _current_version(blog)
    _symlink_over(blog / "current", f"v{version}")
    _unlink_hosts(base, blog_id)
    for folder in blog.glob("v*"):
        number = folder.name[1:]
        if number.isdigit() and int(number) not in (version, previous):
            shutil.rmtree(folder, ignore_errors=True)


def point_if_absent(blog_id: int, version: int) -> None:
    """Create the blog's `current` if there is none (a miss filled its version in)."""
    base = root()
    if base is not None:
        blog = base / "blogs" / str(blog_id)
        blog.mkdir(parents=True, exist_ok=True, mode=0o755)
        _link_if_absent(blog / "current", Path(f"v{version}"))


def _unlink_hosts(base: Path, blog_id: int) -> None:
    """Forget which hosts lead to the blog: a settings change may have moved its domain. The
    next page written for a host links it again."""
    mine = str(Path("..") / "blogs" / str(blog_id) / "current")
    hosts = base / "hosts"
    for link in hosts.iterdir() if hosts.is_dir() else ():
        with contextlib.suppress(OSError):
            if os.readlink(link) == mine:
                link.unlink()


def _current_version(blog: Path) -> int | None:
    with contextlib.suppress(OSError):
        number = os.readlink(blog / "current").removeprefix("v")
        return int(number) if number.isdigit() else None
    return None


def write_file(target: Path, body: bytes, modified: float | None = None) -> None:
    """Write beside the target, then rename over it: nginx never sees half a page. The static
    export (`publish`) writes its files through this too: one writer for both folders."""
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
    partial.write_bytes(body)
    partial.chmod(0o644)
    if modified is not None:
        os.utime(partial, (modified, modified))
    partial.replace(target)


def _symlink_over(link: Path, target: str) -> None:
    partial = link.with_name(f".{link.name}.{secrets.token_hex(4)}")
    partial.symlink_to(target)
    partial.replace(link)


def _link_if_absent(link: Path, target: Path) -> None:
    if link.is_symlink():
        return
    link.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    with contextlib.suppress(FileExistsError):
        link.symlink_to(target)
