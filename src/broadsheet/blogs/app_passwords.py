"""App passwords: how programs (desktop editors, scripts, the API's clients) sign in.

The interface every API uses is small:

- `create(user, name, scopes, blog)` makes one and returns it with its secret, which is shown
  once and never stored (only its SHA-256 is);
- `revoke(user, pk)` ends one;
- `authenticate(secret, client, username=None)` answers a `Grant` (who, which scopes, which
  blog) or None, and raises `Throttled` once the client or the user name has failed too often;
- `from_authorization(header, client)` does the same from an HTTP `Authorization` header:
  `Bearer <secret>`, or `Basic` with the user name and the secret as the password, for
  clients that only know that.

Failures are throttled as sign-in is (django-axes' limit and cool-off, `AXES_FAILURE_LIMIT`
and `AXES_COOLOFF_TIME`), per client address and per user name, in the install's rate-limit
counters (`core.ratelimit`), so guessing costs the same through every door.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from broadsheet.blogs.models import AppPassword, Blog, Membership
from broadsheet.core.ratelimit import Limit, client_key, hit, retry_after, spent

PREFIX = "bsp_"
# Seen in the studio's list to tell passwords apart; too short to help anyone guess one.
HINT_LENGTH = 8
# The last use is written at most this often: an API client making many requests a minute
# must not turn each read into a write.
LAST_USE_PRECISION = dt.timedelta(minutes=1)
MOST_PER_USER = 50


class Throttled(Exception):
    """Too many failed attempts from this client or for this user name: wait `retry_after`."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed attempts; try again in {retry_after} seconds.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Grant:
    """What an app password lets its holder do: act as `user`, with `scopes`, on `blog_id`'s
    blog only (None: every blog the user belongs to)."""

    user: AbstractBaseUser
    scopes: frozenset[str]
    blog_id: int | None
    password_id: int

    def reaches(self, blog: Blog) -> bool:
        return self.blog_id is None or self.blog_id == blog.pk

    @property
    def can_write(self) -> bool:
        return AppPassword.Scope.WRITE in self.scopes


def failure_limit() -> Limit:
    return Limit(settings.AXES_FAILURE_LIMIT, int(settings.AXES_COOLOFF_TIME.total_seconds()))


def create(
    user: User, name: str, scopes: Iterable[str], blog: Blog | None = None
) -> tuple[AppPassword, str]:
    """A new app password for `user` and its secret, which the caller shows once.

    Raises ValidationError for an unknown scope, a blog the user is not a member of, or too
    many passwords."""
    wanted = _scopes(scopes)
    if blog is not None and Membership.of(user, blog) is None:
        raise ValidationError({"blog": "You are not a member of that blog."})
    if AppPassword.objects.filter(user_id=user.pk, revoked_at=None).count() >= MOST_PER_USER:
        raise ValidationError(f"You can have at most {MOST_PER_USER} app passwords.")
    secret = PREFIX + secrets.token_urlsafe(32)
    row = AppPassword.objects.create(
        user=user,
        name=name.strip() or "App password",
        scopes=" ".join(sorted(wanted)),
        blog=blog,
        secret_hash=AppPassword.hash_secret(secret),
        hint=secret[: len(PREFIX) + HINT_LENGTH],
    )
    return row, secret


def _scopes(scopes: Iterable[str]) -> set[str]:
    wanted = set(scopes)
    if not wanted or wanted - set(AppPassword.Scope.values):
        raise ValidationError({"scopes": "Choose read, or read and write."})
    # Writing needs reading what one writes.
    return wanted | {AppPassword.Scope.READ}


@transaction.atomic
def revoke(user: AbstractBaseUser, pk: int) -> bool:
    """End one of `user`'s app passwords; False if they have no such live password."""
    found = AppPassword.objects.filter(pk=pk, user_id=user.pk, revoked_at=None)
    return found.update(revoked_at=timezone.now()) == 1


def listed(user: AbstractBaseUser) -> list[AppPassword]:
    """The user's live app passwords, newest first, for the studio's list."""
    return list(AppPassword.objects.filter(user_id=user.pk, revoked_at=None).select_related("blog"))


def authenticate(secret: str, client: str, username: str | None = None) -> Grant | None:
    """The grant of a live app password whose owner is active (and named `username`, when the
    client gave one), or None. Raises Throttled before looking when this client or user name
    has failed too often lately; every failure counts."""
    now, keys = time.time(), _throttle_keys(client, username)
    limit = failure_limit()
    if any(spent(key, limit, now) >= limit.count for key in keys):
        raise Throttled(retry_after(limit, now))
    row = _live(secret, username)
    if row is None:
        for key in keys:
            hit(key, limit, now)
        return None
    _note_use(row)
    return Grant(row.user, row.scope_set, row.blog_id, row.pk)


def _throttle_keys(client: str, username: str | None) -> list[str]:
    keys = [f"apppw:c:{client_key(client)}"]
    if username:
        keys.append(f"apppw:u:{username.strip().lower()[:150]}")
    return keys


def _live(secret: str, username: str | None) -> AppPassword | None:
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    row = (
        AppPassword.objects.filter(secret_hash=AppPassword.hash_secret(secret), revoked_at=None)
        .select_related("user")
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    if username is not None and row.user.get_username().lower() != username.strip().lower():
        return None
    return row


def _note_use(row: AppPassword) -> None:
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_PRECISION:
        AppPassword.objects.filter(pk=row.pk).update(last_used_at=now)


def from_authorization(header: str, client: str) -> Grant | None:
    """`authenticate` with the credentials of an `Authorization` header (Bearer, or Basic
    with the app password as the password); None when there are none or they are wrong."""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() == "bearer":
        return authenticate(value.strip(), client)
    if scheme.lower() == "basic":
        pair = _basic(value.strip())
        return authenticate(pair[1], client, pair[0]) if pair else None
    return None


def _basic(value: str) -> tuple[str, str] | None:
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None
