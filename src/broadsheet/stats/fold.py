"""Spool lines to counts, in memory: the part of aggregating that needs no database.

A line is `time, blog id, path, referrer, host, user agent`, tab-separated (`recorder`).
Views are tallied by blog, path and minute (the minute is later put on the blog's calendar);
the sources by blog, minute, kind and value. Agents and referrers repeat a great deal, so
what they say is worked out once per distinct string.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from broadsheet.stats import classify

ViewKey = tuple[int, str, int]  # blog id, path, minute (Unix time // 60)
SourceKey = tuple[int, int, str, str]  # blog id, minute, kind, value


@dataclass
class Tally:
    views: Counter[ViewKey] = field(default_factory=Counter)
    sources: Counter[SourceKey] = field(default_factory=Counter)
    bots: int = 0

    def add(self, line: str) -> None:
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 6 or not parts[0].isdigit() or not parts[1].isdigit():
            return  # a line cut short by a crash mid-write
        when, blog, path, referer, host, agent = parts
        if _bot(agent):
            self.bots += 1
            return
        blog_id, minute = int(blog), int(when) // 60
        self.views[blog_id, path, minute] += 1
        site, words = _referrer(referer, host)
        for kind, value in (("referrer", site), ("search", words), *_agent(agent)):
            if value:
                self.sources[blog_id, minute, kind, value] += 1


def tally(lines: Iterable[str]) -> Tally:
    counted = Tally()
    for line in lines:
        counted.add(line)
    return counted


@lru_cache(maxsize=4096)
def _bot(agent: str) -> bool:
    return classify.is_bot(agent)


@lru_cache(maxsize=4096)
def _agent(agent: str) -> tuple[tuple[str, str], tuple[str, str]]:
    return ("device", classify.device(agent)), ("browser", classify.browser(agent))


@lru_cache(maxsize=4096)
def _referrer(referer: str, host: str) -> tuple[str, str]:
    return classify.referrer(referer, host) if referer else ("", "")
