"""Where a blog lives: which blog a request's Host names, and the one host each blog is known by.

Every blog is served at its canonical host: its custom domain if it has one, otherwise the base
domain for the default blog or `<slug>.<base domain>`. Everything that leaves the site (feeds,
sitemaps, mail, exports, link previews) names that host, so this module is the one place the
rule is written. Links built without a request (mail, exports, hub pings) take their scheme and
port from the configuration, never from a Host header someone sent.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port

from broadsheet.blogs.models import Blog


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
        return Blog.objects.filter(is_default=True).first() or Blog.objects.order_by("pk").first()
    if host.endswith(f".{base}"):
        label = host[: -len(base) - 1]
        if "." not in label:
            found = Blog.objects.filter(slug=label).first()
            if found is not None:
                return found
    return Blog.objects.filter(custom_domain=host).first()


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
