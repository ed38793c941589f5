"""Benchmark: a newsletter to N subscribers through a loopback SMTP server, with the web's
latency measured by wrk (or by hey at a fixed pace, `--load-rate`) while the task worker sends.

    /work/main/.venv/bin/python bench/newsletter/send.py [--subscribers 5000] [--seconds 20]

Sets up a scratch data folder (SQLite), a blog with one post and N confirmed subscribers,
starts the SMTP sink (sink.py), `broadsheet serve --no-worker` and measures the post page
with wrk (50 connections) twice: on an idle machine, then while `broadsheet worker` sends
the post to everyone. Reports the send's time and mails a second, the worker's peak memory
(its maximum resident set), the p50/p99 of both wrk runs, and checks that the sink got every
mail exactly once; with `--windows`, also the send's time without the stopped halves, and
the load average before and after. `--load-rate N` loads the web with `hey` (Debian's `hey`
package) at N requests a second instead of wrk's maximum: what a reader waits at a steady
pace, rather than how the send shares cores that wrk keeps full.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
BROADSHEET = [str(PYTHON), "-m", "broadsheet"]

SETUP = """
from django.contrib.auth.models import User
from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
from broadsheet.subscribers.models import Subscriber
blog = Blog.objects.create(slug="news", title="Bench News", is_default=True)
user = User.objects.create_user("author", "author@example.org", "x")
Membership.objects.create(user=user, blog=blog, role="admin")
rows = [Subscriber(blog=blog, email=f"reader{n:05d}@example.org", status="confirmed")
        for n in range({count})]
Subscriber.objects.bulk_create(rows, batch_size=1000)
body = "A paragraph of *news*. " * 40 + "\\n\\n![photo](/media/photo.jpg)"
post = save_post(Post(blog=blog, author=user, title="Hello", source=body, status="published"))
print(post.permalink)
"""
START = """
from broadsheet.posts.models import Post
from broadsheet.subscribers import sending
print(sending.start_post_send(Post.objects.get().pk))
"""
CHECK = """
from collections import Counter
from broadsheet.subscribers.models import Delivery
print(dict(Counter(Delivery.objects.values_list("state", flat=True))))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(data: Path, smtp_port: int, rate: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(REPO / "src"),
        DJANGO_SETTINGS_MODULE="broadsheet.settings",
        BROADSHEET_DATA_DIR=str(data),
        BROADSHEET_SECRET_KEY="bench-only-" + "x" * 40,
        BROADSHEET_SMTP_HOST="127.0.0.1",
        BROADSHEET_SMTP_PORT=str(smtp_port),
        BROADSHEET_SMTP_STARTTLS="false",
        # By default unpaced, to measure what the machine can do; the default 600 a minute
        # takes 5,000 / 600 = 8.3 minutes by design.
        BROADSHEET_NEWSLETTER_RATE=str(rate),
        BROADSHEET_STATIC_FROM_SOURCE="true",
    )
    return env


def shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run(
        [*BROADSHEET, "shell", "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


# Requests a second for `hey` to send at a fixed pace, or 0 for wrk's saturating load.
FIXED_RATE = 0
HEY_WORKERS = 20


def start_wrk(url: str, seconds: int) -> subprocess.Popen[str]:
    """The web's load for `seconds`: wrk as fast as the machine goes, or, with --load-rate,
    hey at a fixed pace, well under what the web can do. A saturating load measures how a
    send shares the cores; a fixed pace measures what a reader waits while it does."""
    if FIXED_RATE:
        per_worker = f"{FIXED_RATE / HEY_WORKERS:g}"
        argv = ["hey", "-z", f"{seconds}s", "-c", str(HEY_WORKERS), "-q", per_worker, url]
    else:
        argv = ["wrk", "-t2", "-c50", f"-d{seconds}s", "--latency", url]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)


def wrk(url: str, seconds: int) -> dict[str, str]:
    return read_wrk(start_wrk(url, seconds).communicate()[0])


def read_wrk(out: str) -> dict[str, str]:
    if FIXED_RATE:
        return read_hey(out)
    found = {key: re.search(rf"^\s+{key}%\s+(\S+)", out, re.M) for key in ("50", "99")}
    rate = re.search(r"Requests/sec:\s+(\S+)", out)
    result = {f"p{k}": m.group(1) if m else "?" for k, m in found.items()}
    result["req/s"] = rate.group(1) if rate else "?"
    return result


def read_hey(out: str) -> dict[str, str]:
    """hey's summary, in wrk's units ("1.52ms"), and whether every answer was a 200."""
    found = {key: re.search(rf"^\s+{key}% in (\S+) secs", out, re.M) for key in ("50", "99")}
    result = {f"p{k}": f"{float(m.group(1)) * 1000:.2f}ms" if m else "?" for k, m in found.items()}
    rate = re.search(r"Requests/sec:\s+(\S+)", out)
    result["req/s"] = rate.group(1) if rate else "?"
    codes = re.findall(r"^\s+\[(\d+)\]\s+\d+ responses", out, re.M)
    if codes != ["200"]:
        raise SystemExit(f"hey saw answers other than 200: {codes}\n{out}")
    return result


def wait_until_sent(database: Path) -> None:
    """Poll the database (read-only, no Django start-up) until no delivery waits."""
    query = "SELECT COUNT(*) FROM subscribers_delivery WHERE state IN ('pending', 'sending')"
    while True:
        time.sleep(0.25)
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            if connection.execute(query).fetchone()[0] == 0:
                return


def windows(url: str, worker: int, count: int) -> list[tuple[dict[str, str], dict[str, str]]]:
    """`count` pairs of 10-second wrk runs a few seconds apart, the worker stopped (SIGSTOP)
    for the first of each and sending for the second. On a shared machine the neighbours'
    load moves far more than a send does; measured this close together, it moves both
    halves of a pair alike. (The send's time then includes the stopped windows.)"""
    pairs = []
    for _ in range(count):
        os.kill(worker, signal.SIGSTOP)
        held = time.monotonic()
        stopped = wrk(url, 10)
        os.kill(worker, signal.SIGCONT)
        # Kept so that the report can give the send's time without the stopped halves.
        stopped["held"] = f"{time.monotonic() - held:.1f}"
        pairs.append((stopped, wrk(url, 10)))
    return pairs


def report_windows(pairs: list[tuple[dict[str, str], dict[str, str]]]) -> None:
    if not pairs:
        return
    ratios = []
    for stopped, sending in pairs:
        print(
            f"  worker stopped: p99 {stopped['p99']}, {stopped['req/s']} req/s;"
            f"  sending: p99 {sending['p99']}, {sending['req/s']} req/s"
        )
        ratios.append(
            (
                milliseconds(sending["p99"]) / milliseconds(stopped["p99"]),
                float(sending["req/s"]) / float(stopped["req/s"]),
            )
        )
    p99s, rates = sorted(r[0] for r in ratios), sorted(r[1] for r in ratios)
    middle = len(ratios) // 2
    print(
        f"median of {len(ratios)} pairs, sending / stopped: p99 x{p99s[middle]:.2f}, "
        f"req/s x{rates[middle]:.2f}"
    )


def milliseconds(text: str) -> float:
    """wrk's latency ("812.00us", "1.52ms", "1.02s") in milliseconds."""
    number = float(re.sub(r"[a-z]+$", "", text))
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0}[re.sub(r"^[0-9.]+", "", text)]


def wait_http(url: str, limit: float = 180) -> None:
    """Until the web server answers (a busy shared machine takes its time to start granian)."""
    import urllib.request

    ends = time.monotonic() + limit
    while time.monotonic() < ends:
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} never answered")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=20, help="each wrk run")
    parser.add_argument("--rate", type=int, default=1_000_000, help="mails a minute")
    parser.add_argument(
        "--sink-idle",
        action="store_true",
        help="run the SMTP sink at idle priority, as if it were on another machine",
    )
    parser.add_argument(
        "--worker-priority",
        default="--idle",
        help="how the worker is started: '--idle' (as broadsheet serve runs it) or '--nice=10'",
    )
    parser.add_argument(
        "--windows", type=int, default=0, help="pairs of 10 s wrk runs, worker stopped/sending"
    )
    parser.add_argument(
        "--load-rate",
        type=int,
        default=0,
        help="load the web with hey at this many requests a second instead of wrk's maximum",
    )
    options = parser.parse_args()
    global FIXED_RATE
    FIXED_RATE = options.load_rate
    data = Path(tempfile.mkdtemp(prefix="bench-newsletter-"))
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    smtp_port, web_port = free_port(), free_port()
    env = environment(data, smtp_port, options.rate)
    processes: list[subprocess.Popen[str]] = []
    try:
        subprocess.run([*BROADSHEET, "migrate", "-v0"], env=env, check=True)
        subprocess.run([*BROADSHEET, "collectstatic", "--noinput", "-v0"], env=env, check=True)
        permalink = shell(env, SETUP.replace("{count}", str(options.subscribers)))
        sink = subprocess.Popen(
            [str(PYTHON), str(Path(__file__).with_name("sink.py")), str(smtp_port)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            # The sink stands in for the operator's mail server, which is another machine's
            # work; --sink-idle keeps its CPU out of the web's way on this one.
            preexec_fn=(lambda: os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0)))
            if options.sink_idle
            else None,
        )
        processes.append(sink)
        assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
        web = subprocess.Popen(
            [*BROADSHEET, "serve", "--no-worker", "--port", str(web_port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        processes.append(web)
        url = f"http://127.0.0.1:{web_port}{permalink}"
        wait_http(url)
        idle = wrk(url, options.seconds)
        shell(env, START)
        started = time.monotonic()
        worker = subprocess.Popen(
            [*BROADSHEET, "worker", "--interval", "0.1", options.worker_priority],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        paired = windows(url, worker.pid, options.windows) if options.windows else []
        load = start_wrk(url, options.seconds)
        wait_until_sent(data / "broadsheet.sqlite3")
        took = time.monotonic() - started
        worker.send_signal(signal.SIGTERM)
        _, _, usage = os.wait4(worker.pid, 0)  # this child's own peak memory
        worker.returncode = 0
        peak_mb = usage.ru_maxrss / 1024
        busy = read_wrk(load.communicate()[0])
        states = shell(env, CHECK)
        sink.terminate()
        mails, distinct = sink.communicate(timeout=30)[0].split()
        report(options, took, peak_mb, idle, busy, states, int(mails), int(distinct))
        report_windows(paired)
        held = sum(float(stopped["held"]) for stopped, _ in paired)
        print(f"send without the stopped halves: {took - held:.1f} s ({held:.1f} s stopped)")
        print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
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
    states: str,
    mails: int,
    distinct: int,
) -> None:
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"subscribers: {options.subscribers} at {options.rate}/min; deliveries: {states}")
    print(f"sink received {mails} mails to {distinct} distinct addresses")
    rate = options.subscribers / took
    print(f"send: {took:.1f} s, {rate:.0f} mails/s; the worker's peak RSS: {peak_mb:.0f} MB")
    print(f"web idle:         p50 {idle['p50']}, p99 {idle['p99']}, {idle['req/s']} req/s")
    print(f"web during send:  p50 {busy['p50']}, p99 {busy['p99']}, {busy['req/s']} req/s")


if __name__ == "__main__":
    main()
