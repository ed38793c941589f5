"""The static export benchmark (issue 19): a blog of N posts exported by Broadsheet against
Hugo building the same posts as Markdown, same machine, same run.

    python bench/static/run.py [--posts 10000] [--processes 2] [--hugo-runs 3]

Needs Debian's `hugo` (`apt-get install hugo`; bench only, not CI). The blog comes from
bench/generate.py (into bench/var/static-<N>/, made once and reused); its posts are written
out as Markdown with the same titles, bodies, dates, labels (Hugo tags) and addresses, and
Hugo builds them with the minimal theme in bench/static/theme (a post page, paged lists for
home and each tag, a sidebar of tags with counts, RSS and sitemap, as Hugo makes by
default). Timed:

1. Hugo: `hugo --quiet` into an empty folder, the median of --hugo-runs;
2. Broadsheet: `broadsheet export static` into an empty folder (one run: it is the long one);
3. Broadsheet again into the same folder with nothing changed, then after one new post.

The figures are printed as a Markdown table row to paste into bench/RESULTS.md.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--hugo-runs", type=int, default=3)
    args = parser.parse_args()
    data = ROOT / "bench" / "var" / f"static-{args.posts}"
    env = {**os.environ, "BROADSHEET_DATA_DIR": str(data), "PYTHONPATH": str(ROOT / "src")}
    if not (data / "bench.json").exists():
        generate = [PYTHON, str(ROOT / "bench" / "generate.py"), "--posts", str(args.posts)]
        generate += ["--comments", "3000", "--data-dir", str(data)]
        subprocess.run(generate, env=env, check=True)
        manage(env, "collectstatic", "--noinput", "-v0")
    site = data / "hugo"
    python(env, "markdown", str(site))
    hugo = [time_hugo(site, data / "hugo-out") for _ in range(args.hugo_runs)]
    figures = json.loads(python(env, "export", str(data / "static-out"), str(args.processes)))
    walls, cpus = [wall for wall, _ in hugo], [cpu for _, cpu in hugo]
    figures.update(hugo_seconds=[round(s, 2) for s in walls], hugo_median=statistics.median(walls))
    figures.update(hugo_cpu_median=round(statistics.median(cpus), 2))
    figures.update(hugo_files=sum(1 for p in (data / "hugo-out").rglob("*") if p.is_file()))
    figures.update(machine=f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    figures.update(load=os.getloadavg())
    print(json.dumps(figures, indent=2))


def manage(env: dict[str, str], *argv: str) -> None:
    subprocess.run([PYTHON, "-m", "broadsheet", *argv], env=env, check=True)


def python(env: dict[str, str], *argv: str) -> str:
    done = subprocess.run(
        [PYTHON, str(HERE / "child.py"), *argv], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def time_hugo(site: Path, out: Path) -> tuple[float, float]:
    """Hugo's wall and CPU seconds (user + system, all its threads) for one build."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    argv = ["hugo", "--quiet", "--source", str(site), "--destination", str(out)]
    subprocess.run(argv, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


if __name__ == "__main__":
    main()
