"""Sign-in plumbing: the page django-axes shows a locked-out visitor, and the throttled
password reset."""

from __future__ import annotations

import time
import unicodedata
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from broadsheet.core.ratelimit import Limit, client_key, hit
from broadsheet.studio import tasks


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


# Enough for someone who mistyped or lost a mail; too few to flood an inbox or to probe many
# addresses from one machine.
RESET_PER_ADDRESS = Limit(3, 60 * 60)
RESET_PER_CLIENT = Limit(10, 60 * 60)


def request_password_reset(email: str, client: str, now: float | None = None) -> None:
    """Queue the reset mail for every active account with this address, within the limits.

    The caller answers the same whatever happens here (no account, throttled, mailed), so the
    answer tells no one whether an address has an account. Both counters move on every request
    (unknown addresses included): a throttle that counted only real accounts would be an oracle.
    """
    moment = now if now is not None else time.time()
    per_address = hit(f"reset:a:{address_key(email)}", RESET_PER_ADDRESS, moment)
    per_client = hit(f"reset:c:{client_key(client)}", RESET_PER_CLIENT, moment)
    if not (per_address and per_client):
        return
    for user in PasswordResetForm().get_users(email):
        transaction.on_commit(partial(tasks.send_password_reset.enqueue, user.pk))


def address_key(email: str) -> str:
    """The address a reset is counted against: folded as Django's reset form folds it when it
    matches accounts (NFKC, then case-folded), so every spelling that reaches one account's
    inbox shares that account's count. Lower case alone was not enough: on PostgreSQL the
    long s (U+017F) upper-cases to S, so the form mails sam for `\u017fam@…`, and each such
    spelling was counted apart."""
    return unicodedata.normalize("NFKC", email.strip()).casefold()
