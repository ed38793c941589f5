"""Sign-in plumbing shared by the account views and django-axes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address login failures are counted against.

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


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The user name a failed sign-in is counted against, as django-axes would take it, cut to
    what its table holds.

    Axes stores it as typed, in 255 characters: 100,000 made PostgreSQL refuse the row, and
    the sign-in page a 500. No real user name is that long (Django allows 150).
    """
    raw = credentials.get("username") if credentials else request.POST.get("username")
    return None if raw is None else str(raw)[:255]


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """django-axes' answer once an address or user name has failed too often.

    The same page whether or not the user name exists, so it tells an attacker nothing.
    """
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    context = {"minutes": minutes, "failures": settings.AXES_FAILURE_LIMIT}
    return render(request, "studio/account/locked_out.html", context, status=429)
