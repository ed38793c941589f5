"""The static export benchmark (issue 19): a blog of N posts exported by Broadsheet against
Hugo building the same posts as Markdown, same machine, same run.

    python bench/static/run.py [--posts 10000] [--processes 2] [--hugo-runs 3] [--runs 3]
                               [--src SRC] [--baseline-src /path/to/other/src]

Needs Debian's `hugo` (`apt-get install hugo`; bench only, not CI). The blog comes from
bench/generate.py (into bench/var/static-<N>/, made once and reused; each run works on a copy,
so the posts it adds do not stay); its posts are written out as Markdown with the same titles,
bodies, dates, labels (Hugo tags) and addresses, and Hugo builds them with the minimal theme in
bench/static/theme. Every figure is a fresh process as a user runs it, timed from outside:
wall clock, and CPU as user + system time of the process and everything it waited for
(`RUSAGE_CHILDREN`: Hugo's threads, the export's rendering processes). The sources are
compiled to bytecode first, as an installed package is (`environment`).

1. Hugo: `hugo --quiet` into an empty folder, --hugo-runs times (0: no Hugo at all);
2. Broadsheet: `broadsheet export static --blog bench -o DIR --processes P` into an empty
   folder, once (it is the long one);
3. the same command into that folder with nothing changed, --runs times; then, --runs times,
   one new post (added by another process, as the studio would) and the command again;
4. with --baseline-src, a whole export by those sources into a folder of their own, then
   step 3 for both, taking turns run by run (a same-run, interleaved baseline).

The figures are printed as JSON to copy into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = sys.executable
BROADSHEET = [PYTHON, "-m", "broadsheet"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--hugo-runs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--src", default=str(ROOT / "src"), help="the sources to time")
    parser.add_argument("--baseline-src", default="")
    args = parser.parse_args()
    kept = ROOT / "bench" / "var" / f"static-{args.posts}"
    data = ROOT / "bench" / "var" / f"static-{args.posts}-run"
    if not (kept / "bench.json").exists():
        generate(kept, args.posts)
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(kept, data)
    env = environment(data, Path(args.src))
    figures: dict[str, object] = {"started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    figures.update(machine=f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    figures.update(load_before=os.getloadavg())
    if args.hugo_runs:  # 0: the incremental case alone (Hugo takes minutes)
        python(env, "markdown", str(data / "hugo"))
        hugo = [timed(hugo_argv(data)) for _ in range(args.hugo_runs)]
        figures.update(summary("hugo", hugo), hugo_files=count_files(data / "hugo-out"))
    out = data / "static-out"
    export = [*BROADSHEET, "export", "static", "--blog", "bench", "-o", str(out)]
    first = timed([*export, "--processes", str(args.processes)], env)
    figures.update(summary("export", [first]), export_files=count_files(out))
    if not args.baseline_src:
        figures.update(incremental("ours", export, env, args.runs))
    else:
        # The baseline gets a folder of its own, exported whole by its own code: a manifest
        # keyed by other code would have it render far more than one post's worth.
        baseline = environment(data, Path(args.baseline_src))
        theirs = [*export[:-1], str(data / "static-out-baseline")]
        first = timed([*theirs, "--processes", str(args.processes)], baseline)
        figures.update(summary("baseline_export", [first]))
        sides = {"ours": (export, env), "baseline": (theirs, baseline)}
        figures.update(interleaved(sides, args.runs))
    figures.update(load_after=os.getloadavg())
    print(json.dumps(figures, indent=2))


def generate(data: Path, posts: int) -> None:
    env = environment(data, ROOT / "src")
    argv = [PYTHON, str(ROOT / "bench" / "generate.py"), "--posts", str(posts)]
    subprocess.run([*argv, "--comments", "3000", "--data-dir", str(data)], env=env, check=True)
    subprocess.run([*BROADSHEET, "collectstatic", "--noinput", "-v0"], env=env, check=True)


def environment(data: Path, src: Path) -> dict[str, str]:
    """The process's environment, with `src`'s bytecode compiled beforehand, as an install's
    is: a shell that sets PYTHONDONTWRITEBYTECODE (some sandboxes do) would otherwise have
    every command compile the whole package again, a quarter of a second of each run."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(src)], check=True)
    env = {**os.environ, "BROADSHEET_DATA_DIR": str(data), "PYTHONPATH": str(src)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def incremental(name: str, export: list[str], env: dict[str, str], runs: int) -> dict[str, object]:
    """The command with nothing changed, then after one new post, `runs` times each."""
    unchanged = [timed(export, env) for _ in range(runs)]
    one_post = []
    for number in range(runs):
        python(env, "add-post", f"{name} {number}")
        one_post.append(timed(export, env))
    return {**summary(f"{name}_unchanged", unchanged), **summary(f"{name}_one_post", one_post)}


Side = tuple[list[str], dict[str, str]]  # the command and its environment


def interleaved(sides: dict[str, Side], runs: int) -> dict[str, object]:
    """`incremental` for two sides taking turns, so that the machine's load moves both
    alike: each run of the one-post case adds one post, then both export it, in turn first."""
    times: dict[str, list[tuple[float, float]]] = {f"{n}_{c}": [] for n in sides for c in CASES}
    order = list(sides)
    for _ in range(runs):
        for name in order:
            times[f"{name}_unchanged"].append(timed(*sides[name]))
    for number in range(runs):
        python(next(iter(sides.values()))[1], "add-post", f"both {number}")
        for name in order if number % 2 == 0 else reversed(order):
            times[f"{name}_one_post"].append(timed(*sides[name]))
    found: dict[str, object] = {}
    for key, runs_of in times.items():
        found.update(summary(key, runs_of))
    return found


CASES = ("unchanged", "one_post")


def hugo_argv(data: Path) -> list[str]:
    shutil.rmtree(data / "hugo-out", ignore_errors=True)
    return [
        "hugo",
        "--quiet",
        "--source",
        str(data / "hugo"),
        "--destination",
        str(data / "hugo-out"),
    ]


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the process and all it waited for) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def summary(name: str, runs: list[tuple[float, float]]) -> dict[str, object]:
    walls, cpus = [round(wall, 2) for wall, _ in runs], [round(cpu, 2) for _, cpu in runs]
    return {
        f"{name}_wall": walls,
        f"{name}_cpu": cpus,
        f"{name}_wall_median": statistics.median(walls),
        f"{name}_cpu_median": statistics.median(cpus),
    }


def count_files(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


def python(env: dict[str, str], *argv: str) -> str:
    done = subprocess.run(
        [PYTHON, str(HERE / "child.py"), *argv], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


if __name__ == "__main__":
    main()
