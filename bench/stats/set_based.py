"""Would counting in SQL beat counting in Python? `python bench/stats/set_based.py [--views N]`

The same spool lines as bench/stats/run.py (a month of reads of 1,000 pages by four agents,
one a bot, and five referrers), counted two ways in one process, on one core:

1. `stats.fold.tally`, as a run of the aggregation does (the daily, ten-minute and source
   counts; agents and referrers classified);
2. the set-based way's least possible work on SQLite: each line split into a row, the rows
   loaded into a temporary table with one `executemany`, and one `INSERT … SELECT … GROUP BY`
   making the daily counts by UTC day. No classification, no sources, no slots, no time
   zones: anything a real version adds only makes it slower.

Prints wall and CPU seconds for each. Needs no database of ours and no Django set-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
from broadsheet.stats import fold  # after the path is set

AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
]
REFERRERS = ["", "", "https://www.google.com/", "https://news.example.net/a",
             "https://yandex.ru/search/?text=beans"]  # fmt: skip


def spool(views: int) -> list[str]:
    rng, now = random.Random(7), int(time.time()) - 600
    paths = [f"/2026/{n % 12 + 1:02d}/post-{n}.html" for n in range(1000)]
    return [
        f"{now - rng.randrange(30 * 86400)}\t1\t{rng.choice(paths)}\t{rng.choice(REFERRERS)}"
        f"\t127.0.0.1\t{rng.choice(AGENTS)}\n"
        for _ in range(views)
    ]


def in_python(lines: list[str]) -> int:
    def day_of(blog_id: int, minute: int) -> dt.date:
        return dt.datetime.fromtimestamp(minute * 60, tz=dt.UTC).date()

    counted = fold.tally(lines, day_of, int(time.time() // 60) - 2 * 24 * 60)
    return len(counted.daily)


def in_sql(lines: list[str]) -> int:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TEMP TABLE spool (minute INT, blog INT, path TEXT, ref TEXT, agent TEXT)")
    db.execute("CREATE TABLE daily (blog INT, path TEXT, day TEXT, views INT)")
    rows = []
    for line in lines:
        when, blog, path, ref, _, agent = line.rstrip("\n").split("\t")
        rows.append((int(when) // 60, int(blog), path, ref, agent))
    db.executemany("INSERT INTO spool VALUES (?, ?, ?, ?, ?)", rows)
    db.execute(
        "INSERT INTO daily SELECT blog, path, date(minute * 60, 'unixepoch') AS day, COUNT(*)"
        " FROM spool GROUP BY blog, path, day"
    )
    return int(db.execute("SELECT COUNT(*) FROM daily").fetchone()[0])


def timed(name: str, count: Callable[[list[str]], int], lines: list[str]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    keys = count(lines)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{name:<28} {wall:6.2f} s wall {cpu:6.2f} s CPU  ({keys:,} daily keys)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--views", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    views = parser.parse_args().views
    lines = spool(views)
    for _ in range(parser.parse_args().rounds):
        timed("fold.tally (Python)", in_python, lines)
        timed("load + GROUP BY (SQLite)", in_sql, lines)


if __name__ == "__main__":
    main()
