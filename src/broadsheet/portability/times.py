"""The one rule for the times an import may store: well inside what Python can represent.

A file's times are written by someone else. Python's datetime ends at the years 1 and 9999,
and every page shows a time in the blog's zone: a post published `0001-01-01T00:00Z` on a
blog twelve hours behind UTC has no local time, and each page that lists it fails with
OverflowError, as does storing `0001-01-01T00:00+05:00` (UTC is the year 0). So a time is kept
only from `EARLIEST` to `LATEST` in UTC: a day inside the range at each end, for every zone's
offset, and the year 9999 left for "the next year" of the archive pages. Blogger, WordPress
and Broadsheet backups all read their times through here.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9998, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)
OUT_OF_RANGE = "is outside the years 1 to 9998, the times this site can show in every zone"


def in_range(when: dt.datetime | None) -> dt.datetime | None:
    """`when` (a time without an offset taken as UTC) when it may be stored, else None."""
    if when is None:
        return None
    aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    # Compared without converting: Python subtracts the offsets, which cannot overflow.
    return aware if EARLIEST <= aware <= LATEST else None


def checked(when: dt.datetime | None, name: str) -> dt.datetime | None:
    """`when` as `in_range` keeps it; ValidationError, keyed `name`, when it cannot be kept."""
    kept = in_range(when)
    if when is not None and kept is None:
        raise ValidationError({name: f"{when.isoformat()} {OUT_OF_RANGE}"})
    return kept


def parsed(value: object, name: str) -> dt.datetime:
    """An ISO 8601 time from a file, checked; ValidationError when it is none or out of range."""
    if not isinstance(value, str):
        raise ValidationError({name: f"{value!r} is not a time"})
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: f"{value!r} is not a time"}) from None
    kept = in_range(when)
    if kept is None:
        raise ValidationError({name: f"{value} {OUT_OF_RANGE}"})
    return kept
