"""A `broadsheet` command's start-up, this tree against a baseline, in turns (issue 19).

    python bench/static/startup.py --baseline-src /path/to/other/src [--src SRC] [--runs 15]
                                   [--command "--help"]

Each run starts the command (by default `broadsheet --help`: Python, Django's set-up of every
app, the list of commands; nothing read) once with each tree's sources, compiled to bytecode
first as an install's are (`run.environment`), the order swapped every run so that the
machine's load moves both alike. Figures are wall clock and CPU (user + system of the process),
per run and their medians, printed as JSON for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import tempfile
import time
from pathlib import Path

from run import BROADSHEET, ROOT, summary, timed
from run import environment as compiled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", default=str(ROOT / "src"))
    parser.add_argument("--baseline-src", required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--command", default="--help", help="the arguments to `broadsheet`")
    args = parser.parse_args()
    argv = [*BROADSHEET, *shlex.split(args.command)]
    with tempfile.TemporaryDirectory() as data:
        sides = {
            "ours": compiled(Path(data), Path(args.src)),
            "baseline": compiled(Path(data), Path(args.baseline_src)),
        }
        figures: dict[str, object] = {"command": " ".join(["broadsheet", args.command])}
        figures.update(started=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
        figures.update(machine=f"{platform.machine()}, {os.cpu_count()} cores")
        figures.update(load_before=os.getloadavg())
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
        for number in range(args.runs):
            order = list(sides) if number % 2 == 0 else list(reversed(sides))
            for name in order:
                runs[name].append(timed(argv, sides[name]))
        for name, found in runs.items():
            figures.update(summary(name, found))
        figures.update(load_after=os.getloadavg())
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
