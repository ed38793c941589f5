"""The hot path: decide from the headers alone whether a page that went out may be a human
read, and if so count it for the spool (written within a second). No query, no parsing of
the user agent (the worker does that, `classify`), nothing stored about the reader's address.

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
# Bounds on what a line carries: a forged header cannot fill the disk.
MAX_FIELD = 400
UNSAFE = re.compile(r"[\t\r\n]")


def record(environ: WSGIEnvironment, blog_id: int, now: float) -> None:
    """The recorder `StatsConfig.ready` registers with `core.pagecache.hits`: may this request
    be a person reading the home page, a post or a static page? Only the headers decide.

    Every hot page pays for this, so it is one flat function: each check once, the cheapest
    first, the path's answer remembered, the headers tested in C (bench/RESULTS.md, "Stats")."""
    get = environ.get
    path = get("PATH_INFO", "")
    known = _read_paths.get(path)
    if known is None:
        known = _learn(path)
    if not known or get("REQUEST_METHOD") != "GET" or "HTTP_ACCEPT_LANGUAGE" not in environ:
        return
    if get("HTTP_SEC_FETCH_DEST", "document") != "document":
        return
    if get("HTTP_DNT") == "1" or get("HTTP_SEC_GPC") == "1":
        return
    if path == "/" and get("QUERY_STRING", "") not in HOME_QUERIES:
        return  # the home page's later pages (?updated-max=...) are listings
    if ("HTTP_SEC_PURPOSE" in environ or "HTTP_PURPOSE" in environ or "HTTP_X_MOZ" in environ) and (
        _prefetch(environ)
    ):
        return
    referer, host, agent = get("HTTP_REFERER", ""), get("HTTP_HOST", ""), get("HTTP_USER_AGENT", "")
    if len(referer) + len(host) + len(agent) > MAX_FIELD:
        # Held for up to a second before it is written: never more than a line's worth.
        referer, host, agent = referer[:MAX_FIELD], host[:MAX_FIELD], agent[:MAX_FIELD]
    # Counted, not formatted: the line is written once per distinct view and second.
    _add((int(now), blog_id, path, referer, host, agent), now)


def line(view: spool.View, seen: int) -> str:
    """A view's line in the spool (`fold` reads it): time, blog, path, referrer, host, agent;
    the time as `1796170739x250` for a view seen 250 times in that second.

    A tab, newline or any other control character is not printable: nearly every line
    passes these three scans, and only the rest are cut and cleaned field by field."""
    second, blog_id, path, referer, host, agent = view
    when = f"{second}x{seen}" if seen > 1 else str(second)
    text = f"{when}\t{blog_id}\t{path}\t{referer}\t{host}\t{agent}\n"
    if len(text) > MAX_FIELD or not (
        referer.isprintable() and host.isprintable() and agent.isprintable()
    ):
        fields = map(_clean, (path, referer, host, agent))
        text = "\t".join((when, str(blog_id), *fields)) + "\n"
    return text


_add = spool.buffer(line).add
_read_paths: dict[str, bool] = {}
MAX_REMEMBERED = 10_000


def _learn(path: str) -> bool:
    """Whether `path` is a read's, remembered: a hot page asks thousands of times a second,
    and a dictionary answers in a tenth of the regular expression's time."""
    if len(_read_paths) >= MAX_REMEMBERED:
        _read_paths.clear()  # a crawler walking every address cannot grow it for ever
    # A path with a control character is no page of ours (and could forge a line).
    known = _read_paths[path] = READ_PATH.match(path) is not None and path.isprintable()
    return known


def _prefetch(environ: WSGIEnvironment) -> bool:
    """A browser fetching the page ahead of a click that may never come."""
    purpose = f"{environ.get('HTTP_SEC_PURPOSE', '')} {environ.get('HTTP_PURPOSE', '')}"
    if any(word in purpose.lower() for word in PREFETCH):
        return True
    return str(environ.get("HTTP_X_MOZ", "")).lower() == "prefetch"


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
