"""A bounded soak on loopback: 100 concurrent clients reading, commenting and publishing
against a real `broadsheet serve` (granian), with the server's memory sampled throughout.

    .venv/bin/python bench/soak/soak.py [--clients 100] [--seconds 120] [--workers N]

Each client is a thread with its own cookie jar, choosing at random for every request: a
reader page or feed (80 %), a comment through the reader's form (15 %, tokens and CSRF as
a browser sends them), or a post published through the studio's editor, signed in (5 %).
At the end it checks that every acknowledged write is in the database and prints the
figures (throughput, latency percentiles, answers by status, resident memory of the
server's main process and workers over time) as Markdown for bench/RESULTS.md. It exits non-zero
on any 5xx answer, any lost write, or memory that grew by more than 25 % after warm-up.
The server runs on SQLite in a scratch folder, or on DATABASE_URL when it is set.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.faults.server import Server, Writer  # noqa: E402

READS = [
    "/",
    "/?max-results=20",
    "/feeds/posts/default",
    "/feeds/posts/default?alt=rss",
    "/feed.json",
    "/search?q=words",
    "/sitemap.xml",
    "/robots.txt",
    "/feeds/comments/default",
]


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Client(threading.Thread):
    def __init__(self, server: Server, post_id: int, number: int, until: float) -> None:
        super().__init__(daemon=True)
        self.writer = Writer(server, post_id, f"client{number}")
        self.rng = random.Random(number)
        self.until = until
        self.latencies: list[float] = []
        self.failures = 0
        self.publisher = number % 20 == 0  # five of a hundred clients are signed-in authors

    def run(self) -> None:
        if self.publisher:
            self.writer.sign_in()
        while time.monotonic() < self.until:
            started = time.monotonic()
            try:
                self.step()
            except Exception:
                self.failures += 1
            self.latencies.append(time.monotonic() - started)

    def step(self) -> None:
        roll = self.rng.random()
        if self.publisher and roll < 0.25:
            self.writer.publish()
        elif roll < 0.15:
            self.writer.comment()
        else:
            self.writer.read(self.rng.choice([*READS, f"/comments/post/{self.writer.post_id}"]))


def stored(server: Server) -> tuple[set[str], set[str]]:
    if server.database_url:
        import psycopg

        with psycopg.connect(server.database_url) as connection:
            comments = {r[0] for r in connection.execute("SELECT body FROM comments_comment")}
            titles = {r[0] for r in connection.execute("SELECT title FROM posts_post")}
        return comments, titles
    with sqlite3.connect(server.data_dir / "broadsheet.sqlite3") as connection:
        comments = {r[0] for r in connection.execute("SELECT body FROM comments_comment")}
        titles = {r[0] for r in connection.execute("SELECT title FROM posts_post")}
    return comments, titles


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument(
        "--workers", type=int, default=len(os.sched_getaffinity(0)), help="default: cores"
    )
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="broadsheet-soak-"))
    server = Server(
        folder, database_url=os.environ.get("DATABASE_URL", ""), workers=options.workers
    )
    post_id = server.prepare()
    server.start()
    samples: list[tuple[float, float]] = []
    try:
        started = time.monotonic()
        until = started + options.seconds
        clients = [Client(server, post_id, n, until) for n in range(options.clients)]
        for client in clients:
            client.start()
        while time.monotonic() < until:
            samples.append((time.monotonic() - started, rss_mib(server.pids())))
            time.sleep(2)
        for client in clients:
            client.join(timeout=30)
        elapsed = time.monotonic() - started
        samples.append((elapsed, rss_mib(server.pids())))
    finally:
        server.stop()
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    acknowledged: list[tuple[str, str]] = []
    failures = 0
    for client in clients:
        statuses.update(client.writer.statuses)
        latencies += client.latencies
        acknowledged += client.writer.acknowledged
        failures += client.failures
    comments, titles = stored(server)
    lost = [t for kind, t in acknowledged if t not in (comments if kind == "comment" else titles)]
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    quantiles = statistics.quantiles(latencies, n=100)
    warm = [rss for moment, rss in samples if moment >= min(20, elapsed / 4)]
    growth = (warm[-1] - warm[0]) / warm[0] if warm and warm[0] else 0.0
    kinds = Counter(kind for kind, _t in acknowledged)
    print(f"| clients | {options.clients} (threads on the same 2 cores as the server) |")
    print(
        f"| duration | {elapsed:.0f} s, {options.workers} granian workers, "
        f"{'PostgreSQL' if server.database_url else 'SQLite (WAL)'} |"
    )
    print(f"| requests | {len(latencies)} ({len(latencies) / elapsed:.0f}/s) |")
    print(
        f"| latency p50 / p95 / p99 | {quantiles[49] * 1000:.0f} / {quantiles[94] * 1000:.0f}"
        f" / {quantiles[98] * 1000:.0f} ms |"
    )
    print(f"| answers | {dict(sorted(statuses.items()))} |")
    print(f"| 5xx | {server_errors} |  client-side failures | {failures} |")
    print(
        f"| acknowledged writes | {kinds['comment']} comments, {kinds['post']} posts;"
        f" lost: {len(lost)} |"
    )
    print(
        f"| server RSS (main process + workers) | start {samples[0][1]:.0f} MiB, after warm-up "
        f"{warm[0]:.0f} MiB, end {warm[-1]:.0f} MiB, max {max(r for _m, r in samples):.0f} MiB"
        f" ({growth:+.1%} after warm-up) |"
    )
    print("RSS samples (s, MiB):", " ".join(f"{m:.0f}:{r:.0f}" for m, r in samples[::5]))
    return 1 if server_errors or lost or growth > 0.25 else 0


if __name__ == "__main__":
    sys.exit(main())
