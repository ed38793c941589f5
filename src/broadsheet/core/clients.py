"""Who is asking: the client address rate limits and lock-outs count against."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address failures and rate limits are counted against.

    Behind the reverse proxy that BROADSHEET_BEHIND_PROXY trusts, every request comes from the
    proxy, so the client is the last address the proxy added to X-Forwarded-For (earlier
    entries are whatever the client claimed, and could be forged to dodge the lock-out).
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if settings.SECURE_PROXY_SSL_HEADER is None:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-1] if hops else remote
