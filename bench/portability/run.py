"""The import benchmark: a generated Blogger backup into a fresh database, timed, with the
peak memory of the importing process.

    python bench/portability/run.py [--posts 10000] [--comments 100000] [--results FILE]

The import runs in a child process on an empty database in a temporary folder (SQLite, or the
PostgreSQL that DATABASE_URL names): migrate, create a blog, import the file, then import it
again (the update path). The child reports its own peak resident set size
(`resource.getrusage`); the parent appends the figures, the command and the machine to
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
HEADER = "# Benchmark results\n\nFigures appended by the benchmarks in `bench/`, newest last.\n"


def child(path: Path) -> None:
    """Runs in the child process: everything timed here, reported as one JSON line."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    django.setup()
    from django.core.management import call_command

    from broadsheet.blogs.models import Blog
    from broadsheet.comments.models import Comment
    from broadsheet.portability.actions import import_blogger
    from broadsheet.posts.models import Post

    call_command("migrate", verbosity=0)
    blog = Blog.objects.create(slug="bench", title="Bench", time_zone="America/Los_Angeles")
    before = peak_rss_mb()
    started = time.perf_counter()
    report = import_blogger(blog, path)
    first = time.perf_counter() - started
    after_first = peak_rss_mb()
    started = time.perf_counter()
    again = import_blogger(blog, path)
    second = time.perf_counter() - started
    figures = {
        "database": django.db.connection.vendor,
        "import_seconds": round(first, 1),
        "reimport_seconds": round(second, 1),
        "rss_before_mb": before,
        "peak_rss_import_mb": after_first,
        "peak_rss_total_mb": peak_rss_mb(),
        "created": dict(report.created),
        "updated": dict(again.updated),
        "posts": Post.objects.filter(blog=blog).count(),
        "comments": Comment.objects.filter(post__blog=blog).count(),
        "replies": Comment.objects.filter(post__blog=blog, parent__isnull=False).count(),
    }
    print(json.dumps(figures))


def peak_rss_mb() -> int:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    total = memory.splitlines()[1].split()[1] if memory else "?"
    return f"{os.cpu_count()} CPUs (`nproc`), {cpu}, {total} RAM (`free -h`), {platform.platform()}"


def run(args: argparse.Namespace) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="broadsheet-bench-"))
    try:
        backup = work / "blog.xml"
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                str(backup),
                f"--posts={args.posts}",
                f"--comments={args.comments}",
            ],
            check=True,
        )
        (work / "var").mkdir()
        env = {**os.environ, "BROADSHEET_DATA_DIR": str(work / "var")}
        env.setdefault("BROADSHEET_SECRET_KEY", "bench-only-" + "x" * 40)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(backup)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
        figures["wall_seconds"] = round(time.perf_counter() - started, 1)
        figures["file_mb"] = round(backup.stat().st_size / 1e6, 1)
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def record(results: Path, args: argparse.Namespace, figures: dict[str, object]) -> str:
    command = f"python bench/portability/run.py --posts {args.posts} --comments {args.comments}"
    text = f"""
## Import (issue 6)

Command: `{command}`
Machine: {machine()}. Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC. Database:
{figures["database"]}, fresh, in a temporary folder.

File: a generated Blogger backup (`bench/portability/generate.py`), {figures["file_mb"]} MB,
{args.posts} posts (one in twenty a draft), {args.comments} comments (a fifth of them replies).

| figure | value |
| --- | ---: |
| first import ({figures["posts"]} posts, {figures["comments"]} comments, \
{figures["replies"]} replies threaded) | **{figures["import_seconds"]} s** |
| second import of the same file (every item updated in place) | \
{figures["reimport_seconds"]} s |
| peak RSS of the importing process after the first import | \
**{figures["peak_rss_import_mb"]} MB** |
| peak RSS after both imports | {figures["peak_rss_total_mb"]} MB |
| RSS before importing (Python, Django, migrations) | {figures["rss_before_mb"]} MB |
"""
    if not results.exists():
        results.write_text(HEADER)
    with results.open("a") as out:
        out.write(text)
    return text


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(Path(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--dry-run", action="store_true", help="print, do not append")
    args = parser.parse_args()
    figures = run(args)
    print(json.dumps(figures, indent=2))
    if not args.dry_run:
        print(record(args.results, args, figures))


if __name__ == "__main__":
    main()
