"""Cold renders, A/B: a baseline tree's page-cache misses against this tree's, in the same
data set and database, child processes alternated round by round (issue 20, goal 3).

    .venv/bin/python bench/miss_ab.py --baseline-tree /work/wt-base --data bench/var/sqlite-100000
    scripts/with-postgres bash -c '... bench/miss_ab.py --data FOLDER'   # FOLDER/database_url
    .venv/bin/python bench/miss_ab.py --data FOLDER --add-posts          # once, before a run
    .venv/bin/python bench/miss_ab.py ... --only search --after-new-post  # the render after a post
    .venv/bin/python bench/miss_ab.py ... --baseline-data COPY  # a migration: each its schema

Each child renders bench/run.py's pages through the test client as its `cold_child` does (a
plain miss: the page cache is not in that path, the sidebar is kept), warm-ups (two, eleven
on PostgreSQL: `warm_ups`) then `--repeat` renders a page, and reports each render's CPU
time (`time.process_time`, the figure a busy machine moves least) and wall time, and the
SHA-256 of every page's bytes. On a PostgreSQL server on this machine it also reads the CPU
time its backend spent on the renders (/proc: user and system, in clock ticks, so a mean over
`--repeat` renders, one value a round);
"both cpu" adds it to the median render's CPU time: the work of a miss wherever it is done
(with `--after-new-post`, the backend's share of the writes too).
`--after-new-post` publishes a post with a label before each render instead (bench/run.py's
"after a new post", in the child's own process; the write's CPU and wall time are reported too)
and deletes them after each page: the data set must be a copy. `--after-comment` publishes a
comment on the page's post before each render (post pages only: with `--only` a post page's
name), the miss of the one post whose thread moved, and deletes them after the page.
`--add-posts` first adds to the data set (a copy of it: this writes) the posts whose bytes are
compared besides the bench's: one with threaded replies, removed and held comments and hostile
names, one with comments closed, one with fediverse and Webmention reactions, one with no
comments. The report: medians per page and tree, and whether every page's bytes are equal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # bench/run.py, beside this file

HERE = Path(__file__).resolve()


def child(folder: Path, repeat: int, only: str, new_post: bool, comment: bool) -> None:
    import django

    django.setup()
    from django.test import Client

    from broadsheet.blogs.models import Blog

    added = folder / "extra.json"
    extra = json.loads(added.read_text()) if added.exists() else {}
    pages = bench.pages(folder)
    compared = {**pages, **{f"post, {name}": path for name, path in extra.items()}}
    client, result = Client(), {"times": {}, "sha": {}}
    for name, path in compared.items():
        response = client.get(path, HTTP_HOST="localhost")
        assert response.status_code == 200, (path, response.status_code)
        result["sha"][name] = hashlib.sha256(response.content).hexdigest()
    server = server_process()
    warm = warm_ups()
    for name, path in pages.items():
        if only and name != only:
            continue
        cpu, wall, write, write_wall = [], [], [], []
        blog = Blog.objects.get(is_default=True)
        writes = partial(new_comment, blog, path) if comment else partial(bench._new_post, blog)
        for round_ in range(repeat + warm):
            if round_ == warm:
                served = server_cpu(server)
            if new_post or comment:  # the write timed apart: its after-commit hooks too
                wrote, wrote_clock = time.process_time(), time.perf_counter()
                writes()
                write.append((time.process_time() - wrote) * 1000)
                write_wall.append((time.perf_counter() - wrote_clock) * 1000)
            started, clock = time.process_time(), time.perf_counter()
            response = client.get(path, HTTP_HOST="localhost")
            used, took = time.process_time() - started, time.perf_counter() - clock
            assert response.status_code == 200, (path, response.status_code)
            if round_ >= warm:
                cpu.append(used * 1000)
                wall.append(took * 1000)
        if new_post:
            bench._delete_new_posts(blog)
        if comment:
            delete_new_comments(blog, path)
        result["times"][name] = {
            "cpu": cpu,
            "wall": wall,
            **({"write cpu": write, "write wall": write_wall} if write else {}),
        }
        if server is not None:  # the server's CPU is read in clock ticks: a mean of the renders
            spent = (server_cpu(server) - served) * 1000 / repeat
            result["times"][name]["server cpu"] = [spent]
            result["times"][name]["both cpu"] = [statistics.median(cpu) + spent]
    json.dump(result, sys.stdout)


def warm_ups() -> int:
    """Renders of a page before its measured ones: two warm the templates and the connection.
    On PostgreSQL a statement is planned for its values on each of its first ten runs on a
    connection (psycopg prepares it on the sixth, `prepare_threshold`; the server plans a
    prepared statement for its values five times before it may keep a generic plan), and a
    child's connection is new each round: with two, most measured renders were planned, as
    a long-lived server's are not (bench/RESULTS.md, session 24). Eleven, with the render
    that takes each page's bytes before, pass that."""
    from django.db import connection

    return 11 if connection.vendor == "postgresql" else 2


BENCH_COMMENT = "A comment for the cold-render bench."


def new_comment(blog: Any, path: str) -> None:
    """A reader's comment published on the post at `path`, as `comments.actions` stores one."""
    from broadsheet.comments.actions import add_comment
    from broadsheet.comments.models import Comment
    from broadsheet.posts.models import Post

    post = Post.objects.get(blog=blog, permalink=path)
    published = Comment.Status.PUBLISHED
    add_comment(Comment(post=post, author_name="Bench", body=BENCH_COMMENT, status=published))


def delete_new_comments(blog: Any, path: str) -> None:
    from broadsheet.blogs.actions import bump_content_version
    from broadsheet.comments.actions import refresh_comment_count
    from broadsheet.comments.models import Comment
    from broadsheet.posts.models import Post

    post = Post.objects.get(blog=blog, permalink=path)
    Comment.objects.filter(post=post, body=BENCH_COMMENT).delete()
    refresh_comment_count(post)
    bump_content_version(blog)


def server_process() -> Path | None:
    """The /proc entry of the PostgreSQL backend serving this process's connection, when
    this machine runs it and it can be read; None on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    entry = Path(f"/proc/{pid}/stat")
    return entry if entry.exists() else None


def server_cpu(entry: Path | None) -> float:
    """The process's user and system time so far, in seconds."""
    if entry is None:
        return 0.0
    fields = entry.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def add_posts(folder: Path) -> None:
    """The posts whose bytes are compared besides the bench's pages, added once."""
    import django

    django.setup()
    from django.db import transaction

    from broadsheet.blogs.actions import bump_content_version
    from broadsheet.blogs.models import Blog
    from broadsheet.comments.models import Comment
    from broadsheet.federation.models import Reaction, RemoteActor
    from broadsheet.posts.models import Post
    from broadsheet.webmention.models import Mention

    if (folder / "extra.json").exists():
        return
    blog = Blog.objects.get(is_default=True)
    public = Post.objects.filter(blog=blog, permalink__startswith="/2019/04/", status="published")
    threaded, closed, reacted, empty = list(public.order_by("id")[:4])
    start = (threaded.published_at or dt.datetime.now(dt.UTC)) + dt.timedelta(hours=1)

    def add(post: Any, body: str, minutes: int, **fields: Any) -> Any:
        fields.setdefault("status", Comment.Status.PUBLISHED)
        fields.setdefault("author_name", "Reader")
        when = start + dt.timedelta(minutes=minutes)
        return Comment.objects.create(post=post, body=body, created_at=when, **fields)

    with transaction.atomic():
        Comment.objects.filter(post__in=[threaded, empty]).delete()
        first = add(
            threaded,
            "First <b>bold</b> & https://example.org/x?a=1&b=2",
            1,
            author_name='<script>alert(1)</script> & "Zoë"',
            author_url="https://example.org/?a=1&b=2",
        )
        reply = add(threaded, "A reply, ünïcödé ✓", 2, parent=first, author_name="Ørjan Ēłż",
                    author_url="javascript:alert(1)")  # fmt: skip
        blogger = "tag:blogger.com,1999:blog-7.post-4242"
        add(threaded, "Reply to a reply", 3, parent=reply, author_name="", source_id=blogger)
        gone = add(threaded, "Removed root", 4, status=Comment.Status.TRASH)
        add(threaded, "Reply under a removed one", 5, parent=gone)
        add(threaded, "Removed, no replies", 6, status=Comment.Status.TRASH)
        held = Comment.Status.PENDING
        add(threaded, "Held", 7, status=held, author_email="held@example.org")
        add(threaded, "Spam", 8, status=Comment.Status.SPAM)
        add(threaded, "Same minute", 8, author_email="never-shown@example.org")
        Post.objects.filter(pk=threaded.pk).update(comment_count=6)
        Post.objects.filter(pk=empty.pk).update(comment_count=0)
        Post.objects.filter(pk=closed.pk).update(comments_allowed=False)
        add(closed, "Before closing", 1)
        actor = RemoteActor.objects.create(
            uri="https://social.example/u/a",
            key_id="https://social.example/u/a#k",
            public_key_pem="x",
            inbox="https://social.example/inbox",
            domain="social.example",
        )
        for n, kind in enumerate(["like", "like", "announce"]):
            activity = f"https://social.example/a/{n}"
            Reaction.objects.create(post=reacted, kind=kind, activity_id=activity, remote=actor)
        Mention.objects.create(post=reacted, source="https://other.example/l", kind="like")
        Mention.objects.create(post=reacted, source="https://other.example/r", kind="repost")
    bump_content_version(blog)
    paths = {"threaded": threaded, "closed": closed, "reactions": reacted, "no comments": empty}
    named = {name: post.permalink for name, post in paths.items()}
    (folder / "extra.json").write_text(json.dumps(named))


def run_child(tree: Path, folder: Path, args: argparse.Namespace, *extra: str) -> Any:
    env = bench.app_env(folder, PYTHONPATH=str(tree / "src"))
    command = [sys.executable, str(HERE), "--data", str(folder), "--repeat", str(args.repeat)]
    command += ["--only", args.only, *extra]
    command += ["--after-new-post"] if args.after_new_post else []
    command += ["--after-comment"] if args.after_comment else []
    done = subprocess.run(command, env=env, cwd=tree, check=True, capture_output=True)
    return json.loads(done.stdout) if done.stdout else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data folder (a copy)")
    parser.add_argument("--baseline-tree", type=Path, help="a worktree of the baseline")
    parser.add_argument(
        "--baseline-data", type=Path, help="the baseline's copy of --data, migrated by its tree"
    )
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=6, help="renders a page per round")
    parser.add_argument("--only", default="", help="one page's name, e.g. 'home'")
    parser.add_argument("--add-posts", action="store_true")
    parser.add_argument("--after-new-post", action="store_true", help="a post before each render")
    parser.add_argument("--after-comment", action="store_true", help="a comment on the post first")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        if args.add_posts:
            return add_posts(args.data)
        return child(args.data, args.repeat, args.only, args.after_new_post, args.after_comment)
    trees = {"baseline": args.baseline_tree, "this tree": HERE.parent.parent}
    if args.add_posts:  # in a child: settings are read once per process
        run_child(trees["this tree"], args.data, args, "--child", "--add-posts")
        return None
    if args.baseline_tree is None:
        parser.error("--baseline-tree is needed for a run")
    if args.after_comment and not args.only.startswith("post ("):
        parser.error("--after-comment: name a post page with --only")
    times: dict[str, dict[str, dict[str, list[float]]]] = {tree: {} for tree in trees}
    shas: dict[str, Any] = {}
    load = [os.getloadavg()]
    data = {"baseline": args.baseline_data or args.data, "this tree": args.data}
    for round_ in range(args.rounds):
        for tree in list(trees) if round_ % 2 == 0 else list(reversed(trees)):
            found = run_child(trees[tree], data[tree], args, "--child")
            assert shas.setdefault(tree, found["sha"]) == found["sha"], "bytes moved"
            for page, kinds in found["times"].items():
                for kind, values in kinds.items():
                    times[tree].setdefault(page, {}).setdefault(kind, []).extend(values)
    load.append(os.getloadavg())
    report = {
        "load": load,
        "bytes equal": {
            page: shas["baseline"][page] == shas["this tree"][page] for page in shas["baseline"]
        },
        "medians": {
            page: {
                tree: {
                    kind: round(statistics.median(v), 3) for kind, v in times[tree][page].items()
                }
                for tree in trees
            }
            for page in times["baseline"]
        },
    }
    if args.out:
        args.out.write_text(json.dumps({**report, "times": times}, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
