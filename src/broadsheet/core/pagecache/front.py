"""The thin WSGI front: answers cache hits before Django does any per-request work.

On a hit it reads two dictionaries and one small value from the shared cache (the blog's
content version) and writes the stored bytes: no URL resolving, no middleware, no database.
On a miss it hands the request to Django with the query in its normal form, and keeps the
final answer when `PageCacheMiddleware` marked it as keepable.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from types import TracebackType
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from django.conf import settings
from django.utils.http import parse_http_date_safe

from broadsheet.core.pagecache import hits, keys, mirror, store
from broadsheet.core.pagecache.candidate import CANDIDATE, REQUEST, Candidate
from broadsheet.core.pagecache.http import build_entry, not_modified, same_date_for_same_bytes

# Where `__call__` keeps the query as sent, before Django is given its normal form.
SENT_QUERY = "broadsheet.pagecache.sent_query"
log = logging.getLogger(__name__)
VALIDATORS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


class PageCacheApp:
    """`PageCacheApp(django_wsgi_app)`: the application `broadsheet.wsgi` serves."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self.enabled = bool(settings.PAGE_CACHE)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = keys.for_request(environ) if self.enabled else None
        if request is None:
            return self.app(environ, start_response)
        now = store.wall_clock()
        entry = store.fresh(request.key, now)
        if entry is not None:
            if entry.lasting and mirror.root() is not None:
                # nginx asked us, so its file is missing (the folder is new, or was emptied).
                keep_as_file(environ, entry, keys.request_path(environ))
            hits.record(environ, entry.blog_id, now)
            return respond(entry, environ, start_response)
        # Django sees the query in its normal form (`keys.normal_query`), a file is named by
        # the query as nginx has it (`keep_as_file`).
        environ[SENT_QUERY] = environ.get("QUERY_STRING", "")
        environ["QUERY_STRING"] = request.query
        environ[REQUEST] = now
        # Django would answer a matching validator with a bodiless 304, leaving nothing to
        # keep: it renders the whole page, and `respond` below answers the validators.
        validators = {name: environ.pop(name) for name in VALIDATORS if name in environ}
        return self.render(request.key, environ, start_response, now, validators)

    def render(
        self,
        key: str,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        now: float,
        validators: dict[str, str],
    ) -> Iterable[bytes]:
        answer = Answer()
        # Read before Django, which puts the path back into the environ decoded.
        path = keys.request_path(environ)
        result = self.app(environ, answer.start_response)
        mark = environ.get(CANDIDATE)
        if not isinstance(mark, Candidate) or not answer.keepable():
            start_response(answer.status, answer.headers)
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # Django's request_finished: database connections go back
        entry = build_entry(
            mark.blog_id,
            mark.version,
            mark.expires,
            answer.status,
            answer.headers,
            body,
            now,
            lasting=mark.lasting,
        )
        entry = same_date_for_same_bytes(entry, store.earlier(key))
        store.keep(key, entry, now)
        if entry.lasting and mirror.root() is not None:
            keep_as_file(environ, entry, path)
        environ.update(validators)
        hits.record(environ, entry.blog_id, now)
        return respond(entry, environ, start_response)


def keep_as_file(environ: WSGIEnvironment, entry: store.Entry, path: str) -> None:
    """Write the answer for nginx (`mirror`) if nginx could serve it exactly as we do: a page,
    feed, sitemap or robots.txt without a query, a search for some words and nothing else, or
    a listing's page further back or forward as its pager names it, asked for by a bare host
    name over the site's own scheme."""
    host = keys.host(environ)
    if ":" in host or keys.scheme(environ) != site_scheme():
        return
    headers = {name.lower(): value for name, value in entry.headers}
    suffix = mirror.suffix_for(headers.get("content-type", ""))
    query = str(environ.get("QUERY_STRING", ""))
    queried = None
    if suffix == mirror.SUFFIX and query:
        # A listing's page under its query as sent, which nginx has as $args (the query Django
        # saw is sorted by name: `max-results` first); the page is the same either way.
        sent = str(environ.get(SENT_QUERY, query))
        queried = mirror.search_file(path, query) or mirror.paged_file(path, sent)
    if suffix is None or (query and queried is None):
        return
    # The file is dated as the answer dates itself, which nginx sends as its Last-Modified.
    modified = parse_http_date_safe(headers.get("last-modified", ""))
    try:
        if queried is not None:
            mirror.write_queried(entry.blog_id, entry.version, host, queried, entry.body, modified)
        else:
            mirror.write(entry.blog_id, entry.version, host, path, entry.body, suffix, modified)
        if store.versions().get(entry.blog_id) == entry.version:
            mirror.point_if_absent(entry.blog_id, entry.version)
    except OSError:
        log.warning("page mirror unwritable; nginx will ask the app", exc_info=True)


def site_scheme() -> str:
    return "https" if settings.SECURE else "http"


def respond(
    entry: store.Entry, environ: WSGIEnvironment, start_response: StartResponse
) -> list[bytes]:
    if not_modified(entry, environ):
        start_response("304 Not Modified", entry.not_modified_headers)
        return []
    start_response(entry.status, entry.headers)
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]


class Answer:
    """Django's status and headers, held back until we know whether the page is kept."""

    status = "500 Internal Server Error"
    headers: list[tuple[str, str]] = []

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: ExcInfo | None = None
    ) -> Any:
        self.status, self.headers = status, headers
        return self.write

    def write(self, data: bytes) -> None:
        raise RuntimeError("Django never uses WSGI's write(); the page cache does not either.")

    def keepable(self) -> bool:
        # The outer middleware ran after PageCacheMiddleware looked: check what it added.
        if not self.status.startswith("200 "):
            return False
        return not any(name.lower() == "set-cookie" for name, _value in self.headers)
