"""Benchmark: a post fanned out to N followers on M servers (shared inboxes on loopback),
with the web's latency measured by wrk while the task worker delivers.

    /work/main/.venv/bin/python bench/federation/fanout.py [--followers 2000] [--servers 50]

Sets up a scratch data folder (SQLite), a blog with one post and N remote followers spread
over M servers (each its own port of `inboxes.py`, one shared inbox each), starts
`broadsheet serve --no-worker` and a warm `broadsheet worker --idle` (as `serve` runs it),
and measures the post page with wrk (50 connections) twice: with the worker stopped, then
while it announces the post and delivers it.
Reports the fan-out's time, the worker's peak memory, the p50/p99 of both wrk runs, and
checks that every server got the Create exactly once, signed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "newsletter"))
from send import free_port, read_wrk, shell, start_wrk, wait_http, wrk

REPO = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
BROADSHEET = [str(PYTHON), "-m", "broadsheet"]

SETUP = """
from django.contrib.auth.models import User
from django.utils import timezone
from broadsheet.blogs.models import Blog, Membership
from broadsheet.federation.actors import blog_actor
from broadsheet.federation.models import Follower, RemoteActor
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
blog = Blog.objects.create(slug="news", title="Bench News", is_default=True)
user = User.objects.create_user("author", "author@example.org", "x")
Membership.objects.create(user=user, blog=blog, role="admin")
me = blog_actor(blog)
ports = {ports}
rows = []
for n in range({count}):
    port = ports[n % len(ports)]
    uri = f"http://127.0.0.1:{port}/users/u{n}"
    rows.append(RemoteActor(uri=uri, key_id=uri + "#k", public_key_pem="-", inbox=uri + "/inbox",
                            shared_inbox=f"http://127.0.0.1:{port}/inbox", domain="127.0.0.1"))
RemoteActor.objects.bulk_create(rows, batch_size=1000)
Follower.objects.bulk_create([Follower(actor=me, remote=r, follow_id=r.uri + "#f")
                              for r in RemoteActor.objects.all()], batch_size=1000)
body = "A paragraph of *news*. " * 40
post = save_post(Post(blog=blog, author=user, title="Hello", source=body, status="published",
                      published_at=timezone.now()))
print(post.permalink)
"""
START = """
from broadsheet.federation import tasks
from broadsheet.posts.models import Post
tasks.announce_post.enqueue(Post.objects.get().pk)
print("queued")
"""

TIMES = """
from django.db.models import Max, Min
from django_tasks_db.models import DBTaskResult
rows = DBTaskResult.objects.filter(task_path__startswith="broadsheet.federation.tasks.")
first = rows.aggregate(Min("enqueued_at"))["enqueued_at__min"]
def span(name):
    got = rows.filter(task_path__endswith=name).aggregate(Min("started_at"), Max("finished_at"))
    start, end = got["started_at__min"], got["finished_at__max"]
    return (start - first).total_seconds(), (end - first).total_seconds()
a, d = span(".announce_post"), span(".deliver_batch")
print(f"announce {a[0]:.2f}-{a[1]:.2f} s, deliveries {d[0]:.2f}-{d[1]:.2f} s after queueing")
each = sorted((r.finished_at - r.started_at).total_seconds()
              for r in rows.filter(task_path__endswith=".deliver_batch"))
print(f"one second's deliveries (a task): median {each[len(each) // 2] * 1000:.0f} ms, "
      f"max {each[-1] * 1000:.0f} ms")
"""


def environment(data: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=f"{REPO / 'src'}:{REPO}",
        DJANGO_SETTINGS_MODULE="bench.federation.bench_settings",
        BROADSHEET_DATA_DIR=str(data),
        BROADSHEET_SECRET_KEY="bench-only-" + "x" * 40,
        BROADSHEET_STATIC_FROM_SOURCE="true",
    )
    return env


def shell_all(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [*BROADSHEET, "shell", "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def wait_for(counter: Path, expected: int, limit: float = 600) -> None:
    ends = time.monotonic() + limit
    while time.monotonic() < ends:
        time.sleep(0.05)
        if counter.exists() and int(counter.read_text() or 0) >= expected:
            return
    raise SystemExit(f"only {counter.read_text() if counter.exists() else 0} of {expected} arrived")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", type=int, default=2000)
    parser.add_argument("--servers", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20, help="each wrk run")
    parser.add_argument("--warm", type=float, default=20, help="seconds for the worker to start")
    parser.add_argument(
        "--worker-priority",
        default="--idle",
        help="how the worker is started: '--idle' (as broadsheet serve runs it) or '--nice=10'",
    )
    options = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    counter = data / "received"
    web_port = free_port()
    env = environment(data)
    processes: list[subprocess.Popen[str]] = []
    try:
        sink = subprocess.Popen(
            [
                str(PYTHON),
                str(Path(__file__).with_name("inboxes.py")),
                str(options.servers),
                str(counter),
            ],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(sink)
        assert sink.stdout is not None
        ports = [int(line) for line in iter(sink.stdout.readline, "ready\n")]
        subprocess.run([*BROADSHEET, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*BROADSHEET, "collectstatic", "--noinput", "-v0"], env=env, check=True)
        setup = SETUP.replace("{ports}", repr(ports)).replace("{count}", str(options.followers))
        permalink = shell(env, setup)
        web = subprocess.Popen(
            [*BROADSHEET, "serve", "--no-worker", "--port", str(web_port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(data / "web.log").open("w"),
            text=True,
        )
        processes.append(web)
        url = f"http://127.0.0.1:{web_port}{permalink}"
        try:
            wait_http(url)
        except SystemExit:
            print((data / "web.log").read_text()[-3000:])
            raise
        # The worker runs as `broadsheet serve` runs it (--idle), started and warm before
        # either window, and stopped (SIGSTOP) while the idle window runs and the post is
        # queued: what the second window sees is the fan-out, not Python starting up.
        worker = subprocess.Popen(
            [*BROADSHEET, "worker", options.worker_priority],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(worker)
        time.sleep(options.warm)
        worker.send_signal(signal.SIGSTOP)
        idle = wrk(url, options.seconds)
        shell(env, START)
        load = start_wrk(url, options.seconds)
        time.sleep(2)  # wrk is at full speed before the worker goes on
        started = time.monotonic()
        worker.send_signal(signal.SIGCONT)
        wait_for(counter, options.servers)
        took = time.monotonic() - started
        busy = read_wrk(load.communicate()[0])
        worker.send_signal(signal.SIGTERM)
        _, _, usage = os.wait4(worker.pid, 0)
        worker.returncode = 0
        sink.send_signal(signal.SIGTERM)
        received, distinct = sink.communicate(timeout=30)[0].split()
        report(options, took, usage.ru_maxrss / 1024, idle, busy, int(received), int(distinct))
        print(shell_all(env, TIMES))
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


def report(
    options: argparse.Namespace,
    took: float,
    peak_mb: float,
    idle: dict[str, str],
    busy: dict[str, str],
    received: int,
    distinct: int,
) -> None:
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"followers: {options.followers} on {options.servers} servers")
    print(f"inboxes received {received} signed POSTs, {distinct} distinct (server, activity)")
    print(
        f"fan-out: {took:.1f} s from queueing to the last inbox; worker peak RSS {peak_mb:.0f} MB"
    )
    print(f"web idle:            p50 {idle['p50']}, p99 {idle['p99']}, {idle['req/s']} req/s")
    print(f"web during fan-out:  p50 {busy['p50']}, p99 {busy['p99']}, {busy['req/s']} req/s")


if __name__ == "__main__":
    main()
