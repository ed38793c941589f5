"""Addresses of a blog's public pages, as seen from the studio."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port

from broadsheet.blogs.models import Blog


def public_url(request: HttpRequest, blog: Blog, path: str = "/") -> str:
    """Where readers find `path` of `blog`: its custom domain, the base domain for the default
    blog, `<slug>.<base domain>` otherwise; same scheme and port as the studio request."""
    _host, port = split_domain_port(request.get_host())
    suffix = f":{port}" if port else ""
    if blog.custom_domain:
        host = blog.custom_domain
    elif blog.is_default:
        host = settings.BASE_DOMAIN + suffix
    else:
        host = f"{blog.slug}.{settings.BASE_DOMAIN}{suffix}"
    return f"{request.scheme}://{host}{path}"
