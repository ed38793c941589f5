"""Attach the blog that the Host header names to each request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port

from broadsheet.blogs.hosts import blog_for_host


class BlogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host, _port = split_domain_port(request.get_host())
        request.blog = blog_for_host(host)  # type: ignore[attr-defined]
        if "\x00" in request.path_info:
            # No address of the site holds a NUL (no slug, permalink, label or name can:
            # PostgreSQL refuses one in any text, and every view that looked one up there
            # answered a 500). Answered once here, for every route, those to come included,
            # with the blog's own "not found" page: to a reader it is a broken link.
            raise Http404("An address cannot hold a NUL character.")
        return self.get_response(request)
