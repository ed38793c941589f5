"""Addresses of a blog's public pages, as seen from the studio."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.request import split_domain_port

from broadsheet.blogs.hosts import canonical_host
from broadsheet.blogs.models import Blog


def public_url(request: HttpRequest, blog: Blog, path: str = "/") -> str:
    """Where readers find `path` of `blog`, on its canonical host; a sub-domain of the base
    domain keeps the studio request's scheme and port (a laptop's `demo.localhost:8000`), a
    custom domain is its own site and gets none."""
    _host, port = split_domain_port(request.get_host())
    suffix = f":{port}" if port and not blog.custom_domain else ""
    return f"{request.scheme}://{canonical_host(blog)}{suffix}{path}"
