"""Spool lines to counts, in memory: the part of aggregating that reads every view.

A line is `time, blog id, path, referrer, host, user agent`, tab-separated (`recorder`); a
view seen more than once in its second is one line, its time written `1796170739x250`.
Views are tallied by blog, path and day of the blog's calendar (and, for the last two days,
by ten-minute slot); the sources by blog, day, kind and value. Only the time differs from
view to view: the rest of a line (blog, page, referrer, agent) repeats a great deal, so what
it says is worked out once per distinct text, and so is each minute's day. Keys by day keep
the counters small (a month of a million views: some 30,000 keys, not a million), which is
what makes a run fast (bench/RESULTS.md, "Stats").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from broadsheet.stats import classify

DayKey = tuple[int, str, dt.date]  # blog id, path, day on the blog's calendar
SlotKey = tuple[int, str, int]  # blog id, path, first minute of a ten-minute slot
SourceKey = tuple[int, dt.date, str, str]  # blog id, day, kind, value
Parsed = tuple[int, str, tuple[tuple[str, str], ...]]  # blog id, path, sources
DayOf = Callable[[int, int], dt.date | None]  # (blog id, minute) -> day; None: no such blog
SLOT_MINUTES = 10


@dataclass
class Tally:
    daily: Counter[DayKey] = field(default_factory=Counter)
    recent: Counter[SlotKey] = field(default_factory=Counter)
    sources: Counter[SourceKey] = field(default_factory=Counter)
    bots: int = 0


def tally(lines: Iterable[str], day_of: DayOf, recent_from: int) -> Tally:
    """Count the lines; views from minute `recent_from` on are also counted by slot. The one
    loop a run spends time in per view: counters in local names, nothing done twice."""
    counted, bots = Tally(), 0
    days: dict[tuple[int, int], dt.date | None] = {}
    daily, recent = counted.daily, counted.recent
    sourced: Counter[tuple[int, dt.date, tuple[tuple[str, str], ...]]] = Counter()
    for line in lines:
        when, _, rest = line.partition("\t")
        when, _, times = when.partition("x")  # "1796170739x250": the same view 250 times
        seen = int(times) if times.isdigit() else 0 if times else 1
        if len(rest) > LONGEST:
            rest = _cut(rest)
        parsed = _parse(rest) if when.isdigit() and seen else None
        if parsed is None or parsed is BOT:
            bots += seen if parsed is BOT else 0
            continue  # a bot, or a line cut short by a crash mid-write
        blog_id, path, found = parsed
        minute = int(when) // 60
        day = days.get((blog_id, minute)) or days.setdefault(
            (blog_id, minute), day_of(blog_id, minute)
        )
        if day is None:
            continue  # the blog is gone
        daily[blog_id, path, day] += seen
        sourced[blog_id, day, found] += seen
        if minute >= recent_from:
            recent[blog_id, path, minute - minute % SLOT_MINUTES] += seen
    counted.bots = bots
    _spread(sourced, counted.sources)
    return counted


def _spread(
    sourced: Counter[tuple[int, dt.date, tuple[tuple[str, str], ...]]], into: Counter[SourceKey]
) -> None:
    for (blog_id, day, found), n in sourced.items():
        for kind, value in found:
            into[blog_id, day, kind, value] += n


BOT: Parsed = (0, "", ())
# The app's recorder cuts each field to 400 characters; nginx's lines (ops.nginx) carry the
# headers whole, and a line is kept as a cache key below, so a longer one is cut here.
MAX_FIELD = 400
LONGEST = 5 * MAX_FIELD


def _cut(rest: str) -> str:
    return "\t".join(part[:MAX_FIELD] for part in rest.rstrip("\n").split("\t"))


@lru_cache(maxsize=65_536)
def _parse(rest: str) -> Parsed | None:
    """`blog, path, referrer, host, agent` as (blog id, path, sources), `BOT`, or None."""
    parts = rest.rstrip("\n").split("\t")
    if len(parts) != 5 or not parts[0].isdigit():
        return None
    blog, path, referer, host, agent = parts
    referer = "" if referer == "-" else referer  # nginx writes an absent header as "-"
    if _bot(agent):
        return BOT
    site, words = _referrer(referer, host)
    pairs = (("referrer", site), ("search", words), *_agent(agent))
    return int(blog), path, tuple((kind, value) for kind, value in pairs if value)


@lru_cache(maxsize=4096)
def _bot(agent: str) -> bool:
    return classify.is_bot(agent)


@lru_cache(maxsize=4096)
def _agent(agent: str) -> tuple[tuple[str, str], tuple[str, str]]:
    return ("device", classify.device(agent)), ("browser", classify.browser(agent))


@lru_cache(maxsize=4096)
def _referrer(referer: str, host: str) -> tuple[str, str]:
    return classify.referrer(referer, host) if referer else ("", "")
