"""Benchmark: the CPU one announce of a post costs the task worker, at N followers on M servers.

    /work/main/.venv/bin/python bench/federation/announce_cpu.py [--followers 2000]
        [--servers 50] [--runs 7] [--baseline REV]

The worker that announces shares the machine with the web, so what matters is its CPU time
(`time.process_time`), not the wall clock of a busy machine. Sets up the fan-out benchmark's
blog (`fanout.py`'s SETUP: one post, N remote followers spread over M shared inboxes) in a
scratch SQLite folder, then runs `announce_post` in fresh processes: each measures the first
announce in the process (cold: what a worker that has not announced yet pays) and the median
of five more (warm). Nothing is delivered: the deliveries stay queued in the task table.

With `--baseline REV`, the same runs alternate with the sources of that git revision (an
archive of its `src/` in the scratch folder), on the same data: a same-run before/after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from fanout import SETUP, environment

REPO = Path(__file__).resolve().parents[2]
CHILD = """
import json, statistics, time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from broadsheet.federation import tasks
from broadsheet.posts.models import Post
post = Post.objects.get().pk
def once():
    DBTaskResult.objects.all().delete()
    started = time.process_time()
    with CaptureQueriesContext(connection) as queries:
        said = tasks.announce_post.call(post)
    return (time.process_time() - started) * 1000, len(queries), said
cold, queries, said = once()
warm = statistics.median(once()[0] for _ in range(5))
queued = DBTaskResult.objects.count()
print(json.dumps({"cold": cold, "warm": warm, "queries": queries, "said": said,
                  "tasks": queued}))
"""


def child(env: dict[str, str], src: Path) -> dict[str, object]:
    env = {**env, "PYTHONPATH": f"{src}:{REPO}"}
    done = subprocess.run(
        [sys.executable, "-m", "broadsheet", "shell", "-c", CHILD],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def baseline_sources(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", revision, "src"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=2000)
    parser.add_argument("--servers", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", help="a git revision to measure alongside")
    options = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-announce-"))
    try:
        (data / "data").mkdir()
        env = environment(data / "data")
        subprocess.run([sys.executable, "-m", "broadsheet", "migrate", "-v0"], env=env, check=True)
        ports = list(range(20000, 20000 + options.servers))  # never contacted
        setup = SETUP.replace("{ports}", repr(ports)).replace("{count}", str(options.followers))
        subprocess.run(
            [sys.executable, "-m", "broadsheet", "shell", "-c", setup],
            env=env,
            check=True,
            capture_output=True,
        )
        sources = {"this tree": REPO / "src"}
        if options.baseline:
            sources = {options.baseline: baseline_sources(options.baseline, data), **sources}
        report(options, measure(env, sources, options.runs))
    finally:
        shutil.rmtree(data, ignore_errors=True)


def measure(
    env: dict[str, str], sources: dict[str, Path], runs: int
) -> dict[str, list[dict[str, object]]]:
    """Alternate the sources run by run, so both see the same machine."""
    found: dict[str, list[dict[str, object]]] = {name: [] for name in sources}
    for _ in range(runs):
        for name, src in sources.items():
            found[name].append(child(env, src))
    return found


def report(options: argparse.Namespace, found: dict[str, list[dict[str, object]]]) -> None:
    load = os.getloadavg()[0]
    print(f"{options.followers} followers on {options.servers} servers, {options.runs} runs")
    print(f"load average at the end: {load:.1f}")
    for name, runs in found.items():
        cold = statistics.median(float(str(run["cold"])) for run in runs)
        warm = statistics.median(float(str(run["warm"])) for run in runs)
        last = runs[-1]
        print(
            f"{name}: cold {cold:.1f} ms CPU, warm {warm:.1f} ms CPU (medians); "
            f"{last['queries']} queries, {last['tasks']} tasks queued; {last['said']}"
        )


if __name__ == "__main__":
    main()
