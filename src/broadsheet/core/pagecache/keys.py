"""Which requests the page cache may answer, and the key each is kept under.

Decided from the WSGI environ alone, before Django runs, so nothing here may touch the
database. Everything that could make a page differ between readers bypasses the cache: a
session cookie (a signed-in user, whose pages may show more), HTTP authentication, a method
other than GET or HEAD, and the paths of the signed-in, write and file areas.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from operator import itemgetter
from urllib.parse import parse_qsl, urlencode

from django.core.signals import setting_changed
from django.dispatch import receiver

from broadsheet.core.pagecache import conf

# The studio and the admin are per-user; /comments/ takes posts and hands out per-reader
# tokens; /static/ and /media/ are files with their own (long-lived) cache headers.
BYPASS_PREFIXES = ("/studio/", "/admin/", "/comments/", "/static/", "/media/")
SAFE_METHODS = ("GET", "HEAD")
# Part of every key: a release that changes what an entry holds changes it, so entries pickled
# by the release before are never read back into the new shape.
FORMAT = 2
# Blogger's mobile switch: `?m=1` asks for the mobile page, `?m=0` for the desktop one. Our
# pages are responsive, so both are the page without it and share its entry.
MOBILE_SWITCH = "m"


@dataclass(frozen=True, slots=True)
class RequestKey:
    """A cacheable request: its cache key, and the query Django is to see on a miss."""

    key: str
    query: str


def for_request(environ: dict[str, object]) -> RequestKey | None:
    """The request's key, or None when the cache must not answer it.

    Every hot page asks, so the key is remembered by the raw fields it is formed from: a
    repeated address costs a tuple and a dictionary lookup instead of decoding, sorting and
    hashing (bench/RESULTS.md, "Issue 20, part 1"). The per-reader checks run every time."""
    get = environ.get
    if get("REQUEST_METHOD") not in SAFE_METHODS or _personal(environ) or _wants_data(environ):
        return None
    fields = (
        get("SCRIPT_NAME", ""),
        get("PATH_INFO", ""),
        get("QUERY_STRING", ""),
        get("HTTP_HOST"),
        get("SERVER_NAME"),
        get("SERVER_PORT"),
        get("wsgi.url_scheme"),
        get(conf.current().proxy_name) if conf.current().proxy_name else None,
    )
    try:
        return _remembered[fields]
    except KeyError:
        pass
    found = _form_key(environ)
    # Bounded in count and in size: a crawler walking every address, or a client sending
    # long ones, cannot make a process hold more than a few megabytes of them.
    if sum(len(str(field)) for field in fields) <= MAX_REMEMBERED_LENGTH:
        if len(_remembered) >= MAX_REMEMBERED:
            _remembered.clear()
        _remembered[fields] = found
    return found


def _form_key(environ: dict[str, object]) -> RequestKey | None:
    path = request_path(environ)
    if path.startswith(BYPASS_PREFIXES):
        return None
    query = normal_query(str(environ.get("QUERY_STRING", "")))
    raw = f"{scheme(environ)}://{host(environ)}{path}?{query}"
    digest = hashlib.blake2b(raw.encode("utf-8", "surrogateescape"), digest_size=20)
    return RequestKey(key=f"page:{FORMAT}:{digest.hexdigest()}", query=query)


_remembered: dict[tuple[object, ...], RequestKey | None] = {}
MAX_REMEMBERED = 10_000
MAX_REMEMBERED_LENGTH = 600  # characters of all the fields together


@receiver(setting_changed)
def _forget(**_: object) -> None:
    """Tests change settings while the process runs: form keys again."""
    _remembered.clear()


def request_path(environ: dict[str, object]) -> str:
    """The path as sent, decoded: WSGI hands over its bytes as latin-1."""
    raw = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
    return raw.encode("latin-1", "replace").decode("utf-8", "replace")


def _personal(environ: dict[str, object]) -> bool:
    """The request may be a signed-in user's. Any session cookie counts: telling a live
    session from a stale one would take a database query, and a bypass is only slower."""
    if "HTTP_AUTHORIZATION" in environ:
        return True
    cookies = str(environ.get("HTTP_COOKIE", ""))
    return bool(cookies) and conf.current().session_mark in cookies


def _wants_data(environ: dict[str, object]) -> bool:
    """A client asking for JSON-LD (a fediverse server fetching a post's Article by its
    permalink) gets another answer than the page kept under the same address."""
    accept = str(environ.get("HTTP_ACCEPT", "")).lower()
    return "activity+json" in accept or "ld+json" in accept


def normal_query(raw: str) -> str:
    """The query with `m=0`/`m=1` dropped and the rest sorted by name.

    The sort is stable, so repeated names keep their order (`request.GET.get` answers with
    the last one, and must go on doing so). Django sees this form on a miss, so the page that
    is kept is exactly the page for its key.
    """
    if not raw:
        return ""
    # WSGI hands over the raw bytes as latin-1; Django decodes them as UTF-8, as here.
    text = raw.encode("latin-1", "replace").decode("utf-8", "replace")
    pairs = parse_qsl(text, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if not _mobile_switch(name, value)]
    kept.sort(key=itemgetter(0))
    return urlencode(kept)


def _mobile_switch(name: str, value: str) -> bool:
    return name == MOBILE_SWITCH and value in ("0", "1")


def scheme(environ: dict[str, object]) -> str:
    """The scheme as Django will see it (SECURE_PROXY_SSL_HEADER behind a proxy)."""
    proxy_header = conf.current().proxy_header
    if proxy_header:
        name, secure_value = proxy_header
        given = environ.get(name)
        if given is not None:
            return "https" if str(given).split(",", 1)[0].strip() == secure_value else "http"
    return str(environ.get("wsgi.url_scheme", "http"))


def host(environ: dict[str, object]) -> str:
    """The Host header as sent (lower-cased): pages carry absolute links built from it."""
    given = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
    return str(given).lower()
