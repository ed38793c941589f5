"""The hot path, A/B: the page cache's front at a baseline commit against the working tree,
with nginx serving the same bytes, rounds alternated in one run (issue 20, part 1).

    .venv/bin/python bench/front_ab.py --baseline 6f9e1c3 [--rounds 5] [--duration 8]
    .venv/bin/python bench/front_ab.py --baseline HEAD --http1   # also granian --http 1

Each side is `broadsheet serve --no-worker` (granian, one process a core, one thread) on
bench/run.py's 1,000-post data set, its code taken from `git archive` of the baseline or
from this tree. For each page (home, the post with 100 comments, the posts feed) and round,
wrk runs against nginx's static copy, the baseline and the working tree in turn; the report
gives the medians of req/s and p99, the server's CPU per request (the steadiest figure on a
noisy machine), and each side's ratio to nginx.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # bench/run.py, beside this file

PAGES = ("home", "post (100 comments)", "posts feed")


@contextlib.contextmanager
def baseline_tree(commit: str) -> Iterator[Path]:
    """The baseline's `src`, unpacked in a scratch folder for the run."""
    with tempfile.TemporaryDirectory(prefix="front-ab-") as scratch:
        git = ["git", "-C", str(bench.REPO), "archive", commit, "src"]
        archive = subprocess.run(git, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", scratch], input=archive, check=True)
        yield Path(scratch) / "src"


def commands(port: int, http1: bool) -> list[str]:
    serve = [str(bench.BIN / "broadsheet"), "serve", "--no-worker", "--port", str(port)]
    if not http1:
        return serve
    granian = [sys.executable, "-m", "granian", "--interface", "wsgi", "--no-ws", "--http", "1"]
    granian += ["--workers", str(bench.CORES), "--blocking-threads", "1", "--port", str(port)]
    return [*granian, "broadsheet.wsgi:application"]


def measure(port: int, path: str, args: argparse.Namespace) -> tuple[bench.Load, float]:
    """wrk's figures and the server's CPU µs per request over the same seconds."""
    before = bench.server_cpu(port)
    load = bench.wrk(port, path, args.duration, args.connections)
    return load, (bench.server_cpu(port) - before) / (load.rps * args.duration) * 1e6


def run(folder: Path, old_src: Path, args: argparse.Namespace) -> dict[str, dict[str, list]]:
    sides = {"baseline": (str(old_src), False), "this tree": (str(bench.REPO / "src"), False)}
    if args.http1:
        sides["this tree, --http 1"] = (str(bench.REPO / "src"), True)
    results: dict[str, dict[str, list]] = {}
    with contextlib.ExitStack() as stack:
        ports = {}
        for name, (src, http1) in sides.items():
            port = bench.free_port()
            env = bench.app_env(folder, PYTHONPATH=src, BROADSHEET_WORKERS_ELSEWHERE="1")
            log = folder / f"front-ab-{port}.log"
            stack.enter_context(bench.running(commands(port, http1), env, port, log))
            ports[name] = port
        static = folder / "front-ab"
        (static / "static").mkdir(parents=True, exist_ok=True)
        paths = {page: bench.pages(folder)[page] for page in PAGES}
        for index, path in enumerate(paths.values()):
            for port in ports.values():
                for _ in range(bench.CORES + 1):  # a miss, then each worker's own copy
                    body = bench.fetch(port, path)
            (static / "static" / f"{index}.html").write_bytes(body)
        nginx_port = bench.free_port()
        nginx, log = bench.static_server(static, nginx_port), static / "nginx.log"
        stack.enter_context(bench.running(nginx, bench.app_env(folder), nginx_port, log))
        ports = {"nginx": nginx_port, **ports}
        for round_ in range(args.rounds):
            for index, (page, path) in enumerate(paths.items()):
                for name, port in ports.items():
                    asked = f"/{index}.html" if name == "nginx" else path
                    results.setdefault(page, {}).setdefault(name, []).append(
                        measure(port, asked, args)
                    )
            print(f"round {round_ + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    return results


def report(results: dict[str, dict[str, list]]) -> str:
    lines = [
        "| page | server | req/s | p99 ms | server CPU µs/request | req/s ÷ nginx |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for page, sides in results.items():
        nginx = statistics.median(load.rps for load, _ in sides["nginx"])
        for name, runs in sides.items():
            rps = statistics.median(load.rps for load, _ in runs)
            p99 = statistics.median(load.p99_ms for load, _ in runs)
            # nginx's processes do not name the port: its CPU is not measured.
            cpu = "—" if name == "nginx" else f"{statistics.median(us for _, us in runs):.1f}"
            ratio = rps / nginx
            lines.append(f"| {page} | {name} | {rps:,.0f} | {p99:.2f} | {cpu} | {ratio:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, help="a commit to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--http1", action="store_true", help="also granian with --http 1")
    args = parser.parse_args()
    folder = bench.dataset(1000, "")
    print("load average before:", Path("/proc/loadavg").read_text().split()[:3])
    with baseline_tree(args.baseline) as old_src:
        results = run(folder, old_src, args)
    print(report(results))
    print("load average after:", Path("/proc/loadavg").read_text().split()[:3])


if __name__ == "__main__":
    main()
