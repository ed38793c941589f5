"""Reading the query parameters Blogger's API takes, strictly: a value we cannot use is a 400
that names it, never a guess and never a 500."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.dateparse import parse_datetime

from broadsheet.api.errors import ApiError

T = TypeVar("T", bound=Model)
# Blogger's default page; the most we send at once keeps one request's work bounded.
DEFAULT_RESULTS = 10
MOST_RESULTS = 100
# No listing of ours reaches this far; a larger offset in a token is a forged token.
MOST_OFFSET = 1_000_000


@dataclass(frozen=True)
class Paging:
    offset: int
    size: int

    def slice(self, queryset: QuerySet[T]) -> tuple[list[T], str | None]:
        """One page of the queryset and the token of the next page (None: the last page)."""
        found = list(queryset[self.offset : self.offset + self.size + 1])
        more = len(found) > self.size
        return found[: self.size], token(self.offset + self.size) if more else None


def token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def paging(
    request: HttpRequest, default: int = DEFAULT_RESULTS, most: int = MOST_RESULTS
) -> Paging:
    size = integer(request, "maxResults", default, 1, most)
    raw = request.GET.get("pageToken", "")
    if not raw:
        return Paging(0, size)
    try:
        decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not (decoded.startswith("o") and decoded[1:].isdigit() and int(decoded[1:]) <= MOST_OFFSET):
        raise ApiError("invalidPageToken", "pageToken is not one this API gave.", field="pageToken")
    return Paging(int(decoded[1:]), size)


def integer(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or not raw.isascii() or not low <= int(raw[:9]) <= high or len(raw) > 9:
        raise ApiError("invalid", f"{name} must be a number from {low} to {high}.", field=name)
    return int(raw)


def flag(request: HttpRequest, name: str, default: bool) -> bool:
    raw = request.GET.get(name, "").lower()
    if raw in ("", "true", "false"):
        return default if not raw else raw == "true"
    raise ApiError("invalid", f"{name} must be true or false.", field=name)


def choices(request: HttpRequest, name: str, allowed: Sequence[str], default: str) -> set[str]:
    """A parameter that may be repeated or comma-separated (`status=draft&status=live`)."""
    raw = [part for value in request.GET.getlist(name) for part in value.split(",") if part]
    wanted = {value.strip().lower() for value in raw} or {default}
    unknown = wanted - set(allowed)
    if unknown:
        raise ApiError("invalid", f"{name} takes {', '.join(allowed)}.", field=name)
    return wanted


def moment(value: object, name: str) -> dt.datetime | None:
    """An RFC 3339 time with its offset (None for none)."""
    if value in (None, ""):
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) and len(value) < 40 else None
    except ValueError:  # well formed, but no such day or hour
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ApiError("invalid", f"{name} must be an RFC 3339 time with an offset.", field=name)
    return parsed
