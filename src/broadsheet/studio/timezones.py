"""The time-zone picker: a text box that suggests IANA zones as the writer types, with no script.

A <select> of the 600-odd zones was a list nobody could find their city in. The browser's own
`<input list>` and `<datalist>` narrow the names down with every letter typed, JavaScript or
not; each suggestion is labelled with its region, its UTC offset and the time there now, so a
writer who knows only "it is 9 in the morning there" finds it too. What is typed is read the
forgiving way (any case, spaces for underscores, a city alone when only one zone has it) and
refused beside the field, the text kept, when it names no zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import forms
from django.utils import timezone

HELP = "Type a city or region (Paris, New York, Asia/Tokyo) and pick it from the suggestions."


@cache
def zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory"}))


def fold(text: str) -> str:
    return "_".join(text.split()).casefold()


@cache
def _spellings() -> dict[str, str]:
    """Every way of typing a zone this reads, folded, → the zone's name."""
    names = zone_names()
    cities = Counter(fold(name.rpartition("/")[2]) for name in names)
    found = {fold(name): name for name in names}
    for name in names:
        city = fold(name.rpartition("/")[2])
        if cities[city] == 1:
            found.setdefault(city, name)
    return found


def find_zone(typed: str) -> str | None:
    """The IANA name the writer meant: "europe/paris", "Paris", "New York" → the zone."""
    return _spellings().get(fold(typed))


@dataclass(frozen=True)
class Suggestion:
    name: str
    label: str


def offset_text(zone: str, now: dt.datetime) -> tuple[str, str]:
    """("UTC+05:45", "14:30"): the zone's offset from UTC and its clock at `now`."""
    local = now.astimezone(zoneinfo.ZoneInfo(zone))
    minutes = int((local.utcoffset() or dt.timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}", local.strftime("%H:%M")


def suggestions(now: dt.datetime) -> list[Suggestion]:
    found = []
    for name in zone_names():
        offset, clock = offset_text(name, now)
        region = name.partition("/")[0] if "/" in name else "Other"
        found.append(Suggestion(name, f"{region} · {offset} · {clock} now"))
    return found


def describe(zone: str, now: dt.datetime | None = None) -> str:
    """The line under the field: where the blog's clock stands."""
    if find_zone(zone) is None:
        return HELP
    offset, clock = offset_text(zone, now or timezone.now())
    return f"{HELP} Now in {zone}: {clock} ({offset})."


class TimeZoneInput(forms.TextInput):
    """A text box with the zones as its suggestions (`<datalist>`)."""

    template_name = "studio/widgets/time_zone.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["list_id"] = f"{widget['attrs'].get('id', name)}-options"
        widget["attrs"] |= {"list": widget["list_id"], "autocomplete": "off", "spellcheck": "false"}
        widget["suggestions"] = suggestions(timezone.now())
        return context


class TimeZoneField(forms.CharField):
    """A zone typed or picked; cleaned to its IANA name."""

    widget = TimeZoneInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Time zone")
        kwargs.setdefault("help_text", HELP)
        kwargs.setdefault(
            "error_messages", {"required": "Type the blog's time zone, such as Europe/Paris."}
        )
        super().__init__(max_length=64, **kwargs)

    def clean(self, value: Any) -> str:
        typed = super().clean(value)
        zone = find_zone(typed)
        if zone is None:
            raise forms.ValidationError(
                f"“{typed}” is not a time zone we know. Type a city or region, such as"
                " Europe/Paris or New York, and pick it from the suggestions."
            )
        return zone
