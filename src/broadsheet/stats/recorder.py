"""The hot path: decide from the headers alone whether a page that went out may be a human
read, and if so append one line to the spool. No query, no parsing of the user agent (the
worker does that, `classify`), nothing stored about the reader's address.

Not counted here: anything but GET (HEAD is a checker's), paths that are not the home page,
a post or a static page, prefetches and prerenders (`Sec-Purpose`, `Purpose`, `X-Moz`, a
`Sec-Fetch-Dest` other than `document`), readers who ask not to be tracked (`DNT: 1`,
`Sec-GPC: 1`), and requests without `Accept-Language`, which every browser sends and most bots
do not. Members never reach the recorder: a request with a session cookie bypasses the page
cache (`core.pagecache.keys`), and the front records only what it answers.
"""

from __future__ import annotations

import re
from wsgiref.types import WSGIEnvironment

from broadsheet.stats import spool

# Blogger's addresses of what a reader reads: a post, a static page (reader/urls.py).
READ_PATH = re.compile(r"/(?:\d{4}/\d{2}/[^/]+\.html|p/[^/]+\.html)?\Z")
HOME_QUERIES = ("", "m=0", "m=1")  # the home page, not its later pages (?updated-max=…)
PREFETCH = ("prefetch", "prerender")
PURPOSES = frozenset(
    ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ")
)  # rare: looked at only if sent
# Bounds on what a line carries: a forged header cannot fill the disk.
MAX_FIELD = 400
UNSAFE = re.compile(r"[\t\r\n]")


def countable(environ: WSGIEnvironment) -> bool:
    """May this request be a person reading the page? Only the headers decide."""
    if environ.get("REQUEST_METHOD") != "GET" or "HTTP_ACCEPT_LANGUAGE" not in environ:
        return False
    if environ.get("HTTP_DNT") == "1" or environ.get("HTTP_SEC_GPC") == "1":
        return False
    if environ.get("HTTP_SEC_FETCH_DEST", "document") != "document":
        return False
    return PURPOSES.isdisjoint(environ) or not _prefetch(environ)


def _prefetch(environ: WSGIEnvironment) -> bool:
    """A browser fetching the page ahead of a click that may never come."""
    purpose = f"{environ.get('HTTP_SEC_PURPOSE', '')} {environ.get('HTTP_PURPOSE', '')}"
    if any(word in purpose.lower() for word in PREFETCH):
        return True
    return str(environ.get("HTTP_X_MOZ", "")).lower() == "prefetch"


def read_path(environ: WSGIEnvironment) -> str | None:
    """The page's path if it is the home page, a post or a static page."""
    path = str(environ.get("PATH_INFO", ""))
    if not READ_PATH.match(path):
        return None
    if path == "/" and environ.get("QUERY_STRING", "") not in HOME_QUERIES:
        return None
    return path


def record(environ: WSGIEnvironment, blog_id: int, now: float) -> None:
    """The recorder `StatsConfig.ready` registers with `core.pagecache.hits`."""
    if not countable(environ):
        return
    path = read_path(environ)
    if path is None:
        return
    get = environ.get
    line = f"{int(now)}\t{blog_id}\t{path}\t{get('HTTP_REFERER', '')}\t{get('HTTP_HOST', '')}"
    line = f"{line}\t{get('HTTP_USER_AGENT', '')}"
    # Nearly every line is short and clean: checked whole, in three scans, rather than field
    # by field (a tenth of what counting costs a hot page); the rest are cut and cleaned.
    if len(line) > MAX_FIELD or line.count("\t") != 5 or "\n" in line or "\r" in line:
        line = _careful(environ, blog_id, now, path)
    spool.append(line + "\n")


def _careful(environ: WSGIEnvironment, blog_id: int, now: float, path: str) -> str:
    referer = _clean(environ.get("HTTP_REFERER", ""))
    host, agent = _clean(environ.get("HTTP_HOST", "")), _clean(environ.get("HTTP_USER_AGENT", ""))
    return f"{int(now)}\t{blog_id}\t{_clean(path)}\t{referer}\t{host}\t{agent}"


def _clean(value: str) -> str:
    """A header cut to size, with no character that would split the line (WSGI hands
    headers over as latin-1 text, and a tab or newline could forge a field or a view).
    Three substring tests cost a fraction of `str.translate` or a regular expression, and
    nearly always find nothing."""
    if len(value) > MAX_FIELD:
        value = value[:MAX_FIELD]
    if "\t" in value or "\n" in value or "\r" in value:
        return UNSAFE.sub(" ", value)
    return value
