"""Where a blog lives: which blog a request's Host names, and the one host each blog is known by.

Every blog is served at its canonical host: its custom domain if it has one, otherwise the base
domain for the default blog or `<slug>.<base domain>`. Everything that leaves the site (feeds,
sitemaps, mail, exports, link previews) names that host, so this module is the one place the
rule is written. Links built without a request (mail, exports, hub pings) take their scheme and
port from the configuration, never from a Host header someone sent.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.http.request import split_domain_port

from broadsheet.blogs.models import Blog
from broadsheet.core.planned import planned_once


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def blog_for_host(host: str) -> Blog | None:
    """The default blog at the base domain (or a bare IP), `<slug>.<base>`, or a custom domain."""
    host = host.lower().rstrip(".")
    base = settings.BASE_DOMAIN
    if host in (base, "testserver") or _is_ip(host):
        return _first("default", [])  # the default blog, else the oldest
    if host.endswith(f".{base}"):
        label = host[: -len(base) - 1]
        if "." not in label:
            found = _first("slug", [label])
            if found is not None:
                return found
    return _first("domain", [host])


_FIELDS = [field.attname for field in Blog._meta.concrete_fields]  # the order the SQL selects
_PROBE = "?"  # stands for the value the query is compiled for; never sent

# What apps above this one read with every blog a host names (`read_with_blog`): scalar
# subqueries on the blog's row, written for a database vendor, and what takes their values.
Columns = Callable[[str], Sequence[RawSQL]]
Take = Callable[[Blog, list[Any]], object]  # what it returns is ignored
_with_blog: list[tuple[Columns, Take]] = []


def read_with_blog(columns: Columns, take: Take) -> None:
    """Read `columns(vendor)`, SQL expressions of one value each (scalar subqueries on
    `"blogs_blog"`'s row, with the type their values are converted to), in the query that
    finds the blog a request's host names, and hand their values to `take(blog, values)`:
    what nearly every page asks next comes without a round trip of its own. A hook, since
    what is read belongs to apps above this one; called once each, at start-up
    (`AppConfig.ready`), before any request."""
    if all(found is not take for _, found in _with_blog):
        _with_blog.append((columns, take))
        _prepared.cache_clear()


def _shapes(vendor: str) -> tuple[dict[str, QuerySet[Blog]], list[int]]:
    """The three lookups, and how many columns each reader of `_with_blog` added."""
    read = [list(columns(vendor)) for columns, _ in _with_blog]
    added = [column for columns in read for column in columns]
    blogs = Blog.objects.annotate(**{f"with_blog_{at}": column for at, column in enumerate(added)})
    shapes = {
        "default": blogs.order_by("-is_default", "pk")[:1],
        "slug": blogs.filter(slug=_PROBE).order_by("pk")[:1],
        "domain": blogs.filter(custom_domain=_PROBE).order_by("pk")[:1],
    }
    return shapes, [len(columns) for columns in read]


Converters = list[tuple[int, list[Any], Any]]


@cache
def _prepared(kind: str, alias: str) -> tuple[str, Converters, list[int]]:
    """The query's SQL and the converters of its columns (as the ORM applies them: SQLite's
    times and booleans), built by the ORM once per process and database: every request asks
    it, and building it was most of the lookup's 1.2 ms CPU on the benchmark machine (the SQL
    0.1 ms). Per database, not per connection: a server that starts a thread per request
    (`runserver`) would otherwise keep one for every thread it ever ran."""
    shapes, widths = _shapes(connections[alias].vendor)
    compiler = shapes[kind].query.get_compiler(using=alias)
    sql, _params = compiler.as_sql()
    converters = compiler.get_converters([column for column, _, _ in compiler.select])
    return str(sql), [(index, *found) for index, found in converters.items()], widths


def _first(kind: str, params: list[str]) -> Blog | None:
    """The first blog of the query `kind`, read as the ORM would read it."""
    db = connections[DEFAULT_DB_ALIAS]
    sql, converters, widths = _prepared(kind, db.alias)
    with planned_once(db) as cursor:  # every request asks it: planned once per connection
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, functions, expression in converters:
        for convert in functions:
            values[index] = convert(values[index], expression, db)
    blog = Blog.from_db(db.alias, _FIELDS, values[: len(_FIELDS)])
    read = len(_FIELDS)
    for (_, take), width in zip(_with_blog, widths, strict=True):
        take(blog, values[read : read + width])
        read += width
    return blog


def canonical_host(blog: Blog) -> str:
    """The one host name the blog is known by on the web (no port)."""
    if blog.custom_domain:
        return blog.custom_domain
    if blog.is_default:
        return str(settings.BASE_DOMAIN)
    return f"{blog.slug}.{settings.BASE_DOMAIN}"


def configured_origin(host: str) -> str:
    """`scheme://host[:port]` with the configured scheme (BROADSHEET_HTTPS) and public port
    (BROADSHEET_PUBLIC_PORT, left out when it is the scheme's default)."""
    scheme = "https" if settings.SECURE else "http"
    port = int(getattr(settings, "PUBLIC_PORT", 0) or 0)
    default = 443 if settings.SECURE else 80
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def origin(blog: Blog, request: HttpRequest | None = None) -> str:
    """The blog's origin for absolute URLs: a request that came to the canonical host keeps its
    own scheme and port (so `localhost:8000` works in development); anything else, or no
    request at all, gets the configured origin of the canonical host."""
    host = canonical_host(blog)
    if request is not None and split_domain_port(request.get_host())[0] == host:
        return f"{request.scheme}://{request.get_host()}"
    return configured_origin(host)


def site_origin() -> str:
    """The install's own origin (the base domain): where mail sends people to the studio."""
    return configured_origin(str(settings.BASE_DOMAIN))
