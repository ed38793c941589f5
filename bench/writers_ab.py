"""Writes on PostgreSQL, A/B: what the blog's row taken first (`blogs.actions.lock_blog`)
costs a post's save and a comment, against a baseline tree, child processes alternated round
by round in one database.

    scripts/with-postgres bash -c '.venv/bin/python bench/writers_ab.py \
        --baseline-tree /tmp/base --data /tmp/writers'

`--data` is a folder of ours (it writes: never `bench/var`); the database is made afresh on
the server `DATABASE_URL` names and migrated by this tree (the two trees must share their
migrations), then filled with one blog of `--posts` posts. Each round runs, for each tree in
turn:

- `alone`: one process, `--repeat` edits of a published post (`posts.actions.save_post`)
  and as many published comments (`comments.actions.add_comment`), each timed in CPU
  (`time.process_time`: the Python side's own work, the figure a busy machine moves least)
  and wall time (with the database's work and its round trips);
- `pair`: two processes at once, each adding `--repeat` comments to posts of its own on the
  same blog: the wall time per comment shows what taking turns on the blog costs them.

The report: medians and ranges of the rounds' medians, per tree and figure.
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
WHEN = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)


def fill(posts: int) -> None:
    """One blog of `posts` published posts, each with a comment (this tree's code)."""
    import django

    django.setup()
    from django.contrib.auth.models import User

    from broadsheet.blogs.models import Blog, Membership
    from broadsheet.comments.actions import add_comment
    from broadsheet.comments.models import Comment
    from broadsheet.posts.actions import save_post
    from broadsheet.posts.models import Post

    blog = Blog.objects.create(slug="writers", title="Writers", is_default=True)
    author = User.objects.create_user("author", "author@example.org", "x")
    Membership.objects.create(blog=blog, user=author, role=Membership.Role.ADMIN)
    for n in range(posts):
        at = WHEN - dt.timedelta(days=n)
        post = save_post(
            Post(blog=blog, author=author, title=f"Post {n}", source=f"Text {n}.",
                 status="published", published_at=at),
            labels=[f"label {n % 7}"], now=at,
        )  # fmt: skip
        add_comment(Comment(post=post, body="First.", author_name="Reader", status="published"))


def child(mode: str, repeat: int, lane: int) -> None:
    import django

    django.setup()
    from broadsheet.comments.actions import add_comment
    from broadsheet.comments.models import Comment
    from broadsheet.posts.actions import save_post
    from broadsheet.posts.models import Post

    posts = list(Post.objects.filter(blog__slug="writers").order_by("id"))
    mine = posts[lane::2]  # the pair's two processes comment on posts of their own
    result: dict[str, dict[str, list[float]]] = {}

    def timed(name: str, write: Any) -> None:
        cpu, wall = result.setdefault(name, {"cpu": [], "wall": []}).values()
        for n in range(repeat + 5):
            started, clock = time.process_time(), time.perf_counter()
            write(n)
            used, took = time.process_time() - started, time.perf_counter() - clock
            if n >= 5:  # warm-ups
                cpu.append(used * 1000)
                wall.append(took * 1000)

    def comment(n: int) -> None:
        post = mine[n % len(mine)]
        add_comment(Comment(post=post, body=f"Comment {n}.", author_name="R", status="published"))

    def edit(n: int) -> None:
        post = posts[n % len(posts)]
        post.source = f"Edited {n} at {time.time()}."
        save_post(post, now=WHEN + dt.timedelta(seconds=n))

    if mode == "alone":
        timed("save_post", edit)
    timed("add_comment", comment)
    json.dump(result, sys.stdout)


def spawn(tree: Path, folder: Path, mode: str, repeat: int, lane: int) -> subprocess.Popen[str]:
    env = bench.app_env(folder, PYTHONPATH=str(tree / "src"))
    command = [sys.executable, str(HERE), "--child", mode, "--repeat", str(repeat)]
    command += ["--lane", str(lane), "--data", str(folder)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)


def collect(process: subprocess.Popen[str]) -> Any:
    out, _ = process.communicate()
    if process.returncode:
        raise SystemExit(f"a child failed ({process.returncode})")
    return json.loads(out)


def one_round(trees: dict[str, Path], folder: Path, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name, tree in trees.items():
        alone = collect(spawn(tree, folder, "alone", repeat, 0))
        pair = [collect(p) for p in [spawn(tree, folder, "pair", repeat, lane) for lane in (0, 1)]]
        figures[name] = {
            **{f"{write} alone": times for write, times in alone.items()},
            "add_comment, two at once": {
                kind: pair[0]["add_comment"][kind] + pair[1]["add_comment"][kind]
                for kind in ("cpu", "wall")
            },
        }
    return figures


def report(rounds: list[dict[str, Any]]) -> None:
    print(f"after {len(rounds)} round(s), {time.strftime('%H:%M:%S', time.gmtime())} UTC")
    names = sorted(rounds[0])
    for figure in rounds[0][names[0]]:
        for kind in ("cpu", "wall"):
            cells = []
            for name in names:
                medians = [statistics.median(r[name][figure][kind]) for r in rounds]
                cells.append(
                    f"{name} {statistics.median(medians):.3f} "
                    f"({min(medians):.3f} to {max(medians):.3f})"
                )
            print(f"| {figure}, {kind} ms | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--baseline-tree", type=Path)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--child", choices=["alone", "pair", "fill"])
    parser.add_argument("--lane", type=int, default=0)
    args = parser.parse_args()
    if args.child == "fill":
        fill(args.posts)
        return
    if args.child:
        child(args.child, args.repeat, args.lane)
        return
    folder = args.data.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    url = bench.fresh_database(os.environ["DATABASE_URL"], "bench_writers")
    (folder / "database_url").write_text(url)
    env = bench.app_env(folder, PYTHONPATH=str(HERE.parents[1] / "src"))
    subprocess.run(
        [str(bench.BIN / "broadsheet"), "migrate", "--noinput", "-v0"], env=env, check=True
    )
    fill_command = [sys.executable, str(HERE), "--child", "fill", "--posts", str(args.posts)]
    subprocess.run([*fill_command, "--data", str(folder)], env=env, check=True)
    trees = {"this tree": HERE.parents[1]}
    if args.baseline_tree:
        trees = {"baseline": args.baseline_tree.resolve(), **trees}
    rounds = []
    for n in range(args.rounds):
        order = trees if n % 2 == 0 else dict(reversed(list(trees.items())))
        rounds.append(one_round(order, folder, args.repeat))
        print(f"round {n + 1} done, load {os.getloadavg()[0]:.1f}", file=sys.stderr)
        report(rounds)  # so far: a run cut short still says what it measured


if __name__ == "__main__":
    main()
