"""The cost of counting reads (issue 15): `python bench/stats/run.py`.

1. The hot post page under wrk, served by `broadsheet serve` with counting on
   (`BROADSHEET_STATS=on`) and off, alternated `--rounds` times in one run, with the headers a
   browser sends (so every request passes the recorder's checks and appends a line);
   requests/s and p99, the median of the rounds.
2. The aggregation of `--views` spooled views (a month of reads of 1,000 posts from a
   handful of agents and referrers): the time `stats.actions.aggregate` takes to fold them.

Uses bench/run.py's data sets and helpers; writes bench/var/stats-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import run as bench  # bench/run.py, beside this folder

AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
]
REFERRERS = [
    "",
    "",
    "https://www.google.com/",
    "https://news.example.net/a",
    "https://yandex.ru/search/?text=beans",
]


def wrk(port: int, path: str, duration: int, connections: int) -> bench.Load:
    command = ["wrk", f"-t{bench.CORES}", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["-H", f"User-Agent: {AGENTS[0]}", "-H", "Accept-Language: en-GB,en;q=0.8"]
    command += ["-H", "Sec-Fetch-Dest: document", f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rps = float(out.split("Requests/sec:")[1].split()[0])
    return bench.Load(rps, bench._latency(out, "50%"), bench._latency(out, "99%"), 0)


def hot_page(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    path = bench.pages(folder)["post (100 comments)"]
    runs: dict[str, list[bench.Load]] = {"on": [], "off": []}
    cpu: dict[str, list[float]] = {"on": [], "off": []}  # the server's µs per request
    for _ in range(args.rounds):
        for state in ("off", "on"):
            port = bench.free_port()
            env = bench.app_env(folder, BROADSHEET_STATS=state, BROADSHEET_WORKERS_ELSEWHERE="1")
            argv = bench.server_commands(port)["broadsheet serve"]
            with bench.running(argv, env, port, folder / f"serve-{state}.log"):
                bench.fetch(port, path)  # the miss that fills the cache
                before = bench.server_cpu(port)
                runs[state].append(wrk(port, path, args.duration, args.connections))
                served = runs[state][-1].rps * args.duration
                cpu[state].append((bench.server_cpu(port) - before) / served * 1e6)
    summary: dict[str, Any] = {
        state: {
            "rps": statistics.median(load.rps for load in loads),
            "p99_ms": statistics.median(load.p99_ms for load in loads),
            "each": [load.__dict__ for load in loads],
        }
        for state, loads in runs.items()
    }
    # Each round's on against the off just before it, a few seconds apart: on a shared
    # machine the neighbours' load moves both alike, so the ratios vary less than the medians.
    pairs = list(zip(runs["off"], runs["on"], strict=True))
    summary["on/off"] = {
        "rps": statistics.median(on.rps / off.rps for off, on in pairs),
        "p99": statistics.median(on.p99_ms / off.p99_ms for off, on in pairs),
        "cpu": statistics.median(on / off for off, on in zip(cpu["off"], cpu["on"], strict=True)),
    }
    # CPU time per request barely moves with the neighbours' load: the steadiest figure here.
    summary["server_cpu_us_per_request"] = {k: statistics.median(v) for k, v in cpu.items()}
    summary["server_cpu_each"] = cpu
    return summary


def spool_views(folder: Path, views: int) -> None:
    """Write `views` spool lines for the blog's 1,000 newest posts over the last 30 days."""
    from broadsheet.blogs.models import Blog
    from broadsheet.posts.models import Post

    blog = Blog.objects.get(is_default=True)
    paths = list(
        Post.objects.filter(blog=blog)
        .order_by("-published_at")
        .values_list("permalink", flat=True)[:1000]
    )
    rng, now = random.Random(7), int(time.time()) - 600
    spool = folder / "stats" / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    with (spool / f"{now // 60 - 10}-1-bench.log").open("w") as out:
        for _ in range(views):
            when = now - rng.randrange(30 * 86400)
            agent, referer = rng.choice(AGENTS), rng.choice(REFERRERS)
            out.write(f"{when}\t{blog.pk}\t{rng.choice(paths)}\t{referer}\t127.0.0.1\t{agent}\n")


def aggregate_child(folder: Path, views: int) -> None:
    """Spool `views` lines, then time one aggregation run over them (this process was set up
    with the data set's settings by `aggregation`)."""
    import django

    django.setup()
    from broadsheet.stats import actions

    spool_views(folder, views)
    started, cpu = time.perf_counter(), time.process_time()
    counted = actions.aggregate()
    took = {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu}
    # CPU time too: on a shared machine the wall clock mostly measures the neighbours.
    print(json.dumps({**{k: round(v, 2) for k, v in took.items()}, "counted": counted}))


def recorder_child(calls: int) -> None:
    """CPU time of one `recorder.record` of a browser's read, the spool's buffer included
    (this process was set up by `recorder_cost`): what counting adds to each hot page,
    measured in CPU time, which the neighbours on a shared machine do not move."""
    import django

    django.setup()
    from broadsheet.stats import recorder, spool

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/2026/01/a-post.html", "QUERY_STRING": ""}
    environ |= {"HTTP_HOST": "127.0.0.1", "HTTP_USER_AGENT": AGENTS[0]}
    environ |= {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8", "HTTP_SEC_FETCH_DEST": "document"}
    started = time.process_time()
    for _ in range(calls):
        recorder.record(environ, 1, time.time())
    spool.flush()
    print(json.dumps({"calls": calls, "cpu_us": (time.process_time() - started) / calls * 1e6}))


def front_child(path: str, calls: int) -> None:
    """CPU time of one hit of the hot post through the page cache's WSGI front, in this
    process (`BROADSHEET_STATS` decides whether the recorder is registered)."""
    from broadsheet.wsgi import application

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME":
               "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme":
               "http", "HTTP_USER_AGENT": AGENTS[0], "HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8",
               "HTTP_SEC_FETCH_DEST": "document", "HTTP_ACCEPT_ENCODING": "gzip"}  # fmt: skip

    def get() -> None:
        import io

        body = application({**environ, "wsgi.input": io.BytesIO()}, lambda *a: None)
        b"".join(body)

    get()  # the miss that fills the cache
    started = time.process_time()
    for _ in range(calls):
        get()
    print(json.dumps({"cpu_us": (time.process_time() - started) / calls * 1e6}))


def front_cost(folder: Path, rounds: int, calls: int) -> dict[str, Any]:
    """Hits through the front with counting off and on, alternated, each in a fresh process;
    CPU time, which the neighbours on a shared machine move far less than the wall clock."""
    path = bench.pages(folder)["post (100 comments)"]
    each: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(rounds):
        for state in ("off", "on"):
            command = [sys.executable, __file__, "--front-child", path, "--calls", str(calls)]
            env = bench.app_env(folder, BROADSHEET_STATS=state)
            out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
            each[state].append(json.loads(out.stdout.strip().splitlines()[-1])["cpu_us"])
    ratios = [on / off for off, on in zip(each["off"], each["on"], strict=True)]
    medians = {state: statistics.median(values) for state, values in each.items()}
    return {"cpu_us": medians, "each": each, "on/off": statistics.median(ratios)}


def recorder_cost(folder: Path, calls: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--recorder-child", str(calls)]
    out = subprocess.run(
        command, env=bench.app_env(folder), check=True, capture_output=True, text=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def aggregation(folder: Path, views: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--aggregate-child", str(folder), "--views", str(views)]
    out = subprocess.run(
        command, env=bench.app_env(folder), check=True, capture_output=True, text=True
    )
    return {"views": views, **json.loads(out.stdout.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--views", type=int, default=1_000_000)
    parser.add_argument("--recorder-calls", type=int, default=200_000)
    parser.add_argument("--aggregate-child")
    parser.add_argument("--recorder-child", type=int)
    parser.add_argument("--front-child")
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--front-rounds", type=int, default=0)
    args = parser.parse_args()
    if args.aggregate_child:
        aggregate_child(Path(args.aggregate_child), args.views)
        return
    if args.recorder_child:
        recorder_child(args.recorder_child)
        return
    if args.front_child:
        front_child(args.front_child, args.calls)
        return
    folder = bench.dataset(args.posts, os.environ.get("DATABASE_URL", ""))
    results: dict[str, Any] = {"machine": bench.machine()}
    results["hot"] = hot_page(folder, args) if args.rounds else {}
    results["recorder"] = recorder_cost(folder, args.recorder_calls) if args.recorder_calls else {}
    results["front"] = (
        front_cost(folder, args.front_rounds, args.calls) if args.front_rounds else {}
    )
    results["aggregation"] = aggregation(folder, args.views) if args.views else {}
    out = bench.VAR / f"stats-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
