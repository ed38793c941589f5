"""One query of `reader.prepared`, A/B: the SQL a baseline tree compiles, run on its data,
against the SQL this tree compiles, run on its own, alternated call by call (issue 20).

    .venv/bin/python bench/query_ab.py --baseline-tree /work/wt-base --data FOLDER
    .venv/bin/python bench/query_ab.py ... --baseline-data COPY   # a migration: each its schema
    .venv/bin/python bench/query_ab.py ... --shape newest --calls 1000

A page's miss is a few milliseconds of which one query may be a fraction; on a busy machine
`bench/miss_ab.py` cannot tell a change of a few tenths of a millisecond in that query from
the noise. This asks for the query alone, as a miss does: each tree's child process compiles
the shape (`prepared._prepared`) for the bench's label (`bench.json`) and prints its SQL and
values; this process then sends both, prepared on PostgreSQL (psycopg, as `planned_once`
comes to) or on a SQLite connection, one after the other, `--calls` times each after 20
warm-ups, and reports each side's median, 10th and 90th percentile wall time, round trip
and the reading of the rows included, and that both sides read the same rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # bench/run.py, beside this file

HERE = Path(__file__).resolve()
WARM_UPS = 20


def child(folder: Path, shape: str, limit: int) -> None:
    """Print the shape's SQL, its values for the bench's blog, now and label, and where the
    database is."""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from broadsheet.blogs.models import Blog
    from broadsheet.posts.models import Label
    from broadsheet.reader import prepared

    blog = Blog.objects.get(is_default=True)
    label = Label.objects.get(
        blog=blog, name=json.loads((folder / "bench.json").read_text())["label"]
    )
    inputs: list[Any] = [blog.pk, timezone.now(), label.pk][: len(prepared.SHAPES[shape][1])]
    compiled = prepared._prepared(shape, limit, connection.alias)
    assert compiled is not None, f"{shape} did not prepare"
    values = list(compiled.params)  # filled here: a baseline tree may predate `compiled.bound`
    for position, index in compiled.slots.items():
        values[position] = inputs[index]
    where = os.environ.get("DATABASE_URL") or str(connection.settings_dict["NAME"])
    shown = [
        {"moment": v.isoformat()}
        if isinstance(v, dt.datetime)
        else str(v)
        if not isinstance(v, int)
        else v
        for v in values
    ]
    json.dump({"sql": compiled.sql, "values": shown, "database": where}, sys.stdout)


def compiled_by(tree: Path, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    env = bench.app_env(folder, PYTHONPATH=str(tree / "src"))
    command = [sys.executable, str(HERE), "--data", str(folder), "--shape", args.shape]
    command += ["--limit", str(args.limit), "--child"]
    done = subprocess.run(command, env=env, cwd=tree, check=True, capture_output=True)
    found = json.loads(done.stdout)
    found["values"] = [
        dt.datetime.fromisoformat(v["moment"]) if isinstance(v, dict) else v
        for v in found["values"]
    ]
    return found


def sender(found: dict[str, Any]) -> Any:
    """A callable that sends the query once and returns its rows."""
    where, sql, values = found["database"], found["sql"], found["values"]
    if where.startswith("postgres"):
        import psycopg

        connection = psycopg.connect(where)
        return lambda: connection.execute(sql, values, prepare=True).fetchall()
    import sqlite3

    connection = sqlite3.connect(where)
    plain = [
        v.isoformat(" ").replace("+00:00", "") if isinstance(v, dt.datetime) else v for v in values
    ]
    return lambda: connection.execute(sql.replace("%s", "?"), plain).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data folder")
    parser.add_argument("--baseline-tree", type=Path, help="a worktree of the baseline")
    parser.add_argument("--baseline-data", type=Path, help="the baseline's copy of --data")
    parser.add_argument("--shape", default="labelled", help="a key of prepared.SHAPES")
    parser.add_argument("--limit", type=int, default=20, help="posts a page")
    parser.add_argument("--calls", type=int, default=600, help="calls a side")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.data, args.shape, args.limit)
    if args.baseline_tree is None:
        parser.error("--baseline-tree is needed for a run")
    trees = {"baseline": args.baseline_tree, "this tree": HERE.parent.parent}
    data = {"baseline": args.baseline_data or args.data, "this tree": args.data}
    send = {side: sender(compiled_by(trees[side], data[side], args)) for side in trees}
    rows = {side: send[side]() for side in trees}
    times: dict[str, list[float]] = {side: [] for side in trees}
    load = [os.getloadavg()]
    for call in range(args.calls + WARM_UPS):
        for side in list(trees) if call % 2 == 0 else list(reversed(trees)):
            started = time.perf_counter()
            send[side]()
            if call >= WARM_UPS:
                times[side].append((time.perf_counter() - started) * 1000)
    load.append(os.getloadavg())
    report = {
        "shape": args.shape,
        "load": load,
        "same rows": [r[0] for r in rows["baseline"]] == [r[0] for r in rows["this tree"]],
        "ms": {
            side: {
                "median": round(statistics.median(found), 3),
                "p10": round(statistics.quantiles(found, n=10)[0], 3),
                "p90": round(statistics.quantiles(found, n=10)[-1], 3),
            }
            for side, found in times.items()
        },
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
