"""Which blog a request is for, from its Host header."""

from __future__ import annotations

import ipaddress

from django.conf import settings

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
