"""Load test: many concurrent commenters against `broadsheet serve` (gunicorn) on loopback.

    .venv/bin/python bench/comments/loadtest.py [--commenters 100] [--seconds 30] [--workers 4]
    scripts/with-postgres .venv/bin/python bench/comments/loadtest.py   # the same on PostgreSQL

Sets up a scratch data folder (SQLite unless DATABASE_URL is set), loads the demo blog, starts
the production server on 127.0.0.1 with the load test's settings (bench_settings.py: rate
limits off, nothing else changed), then lets each commenter do what a reader's browser does,
over and over until the time is up: read the post page, fetch the form's tokens, take the
minimum time to fill the form, post a comment with a unique text, follow the redirect. At the
end it checks the database: every accepted comment stored exactly once, none lost, every
post's denormalised count exact, and no 5xx answer.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / ".venv" / "bin"
FILL_SECONDS = 3.2  # just over the form's minimum time to fill (comments/defences.py)


@dataclass
class Outcome:
    accepted: list[str] = field(default_factory=list)  # bodies answered with the comment URL
    statuses: Counter[int] = field(default_factory=Counter)
    post_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        BROADSHEET_DATA_DIR=str(data_dir),
        BROADSHEET_SECRET_KEY="load-test-only-" + "x" * 40,
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=str(Path(__file__).parent),
        BROADSHEET_LOG_LEVEL="ERROR",
    )
    return env


def broadsheet(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "broadsheet"), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def post_paths(env: dict[str, str]) -> list[tuple[int, str]]:
    code = (
        "from broadsheet.posts.models import Post\n"
        "for p in Post.objects.filter(status='published').exclude(permalink='')"
        ".filter(comments_allowed=True)[:10]:\n"
        "    print('POST', p.pk, p.permalink)"
    )
    out = broadsheet(env, "shell", "-c", code)
    rows = [line.split() for line in out.splitlines() if line.startswith("POST ")]
    return [(int(pk), path) for _, pk, path in rows]


def commenter(
    number: int, base: str, posts: list[tuple[int, str]], deadline: float, outcome: Outcome
) -> None:
    session = requests.Session()
    turn = 0
    while time.monotonic() + FILL_SECONDS + 2 < deadline:
        pk, path = posts[(number + turn) % len(posts)]
        turn += 1
        body = f"Load test comment {number}-{turn} {uuid.uuid4().hex}"
        try:
            one_comment(session, base, pk, path, body, outcome)
        except requests.RequestException as error:
            with outcome.lock:
                outcome.errors.append(f"{type(error).__name__}: {error}")


def one_comment(
    session: requests.Session, base: str, pk: int, path: str, body: str, outcome: Outcome
) -> None:
    page = session.get(base + path, timeout=30)
    tokens = session.get(f"{base}/comments/token/{pk}", timeout=30)
    outcome.statuses.update([page.status_code, tokens.status_code])
    if tokens.status_code != 200:
        return
    time.sleep(FILL_SECONDS)  # a person writing
    data = {"name": "Load tester", "body": body, **_form_tokens(tokens.json())}
    started = time.monotonic()
    answer = session.post(
        f"{base}/comments/post/{pk}",
        data=data,
        allow_redirects=False,
        timeout=60,
        headers={"Referer": base + path, "Origin": base},
    )
    with outcome.lock:
        outcome.post_latencies.append(time.monotonic() - started)
        outcome.statuses[answer.status_code] += 1
        if answer.status_code == 302 and "showComment=" in answer.headers.get("Location", ""):
            outcome.accepted.append(body)


def _form_tokens(data: dict[str, str]) -> dict[str, str]:
    return {"csrfmiddlewaretoken": data["csrf"], "token": data["token"]}


def stored(env: dict[str, str]) -> tuple[Counter[str], list[str]]:
    """Bodies of stored load-test comments (with their counts) and posts whose count is off."""
    code = (
        "from django.db.models import Count, Q\n"
        "from broadsheet.comments.models import Comment\n"
        "from broadsheet.posts.models import Post\n"
        "for b in Comment.objects.filter(body__startswith='Load test comment')"
        ".values_list('body', flat=True):\n"
        "    print('C', b)\n"
        "published = Count('comments', filter=Q(comments__status='published'))\n"
        "for p in Post.objects.annotate(n=published):\n"
        "    print('P', p.pk, p.comment_count, p.n)\n"
    )
    bodies: Counter[str] = Counter()
    wrong = []
    for line in broadsheet(env, "shell", "-c", code).splitlines():
        if line.startswith("C "):
            bodies[line[2:]] += 1
        elif line.startswith("P "):
            _, pk, kept, real = line.split()
            if kept != real:
                wrong.append(f"post {pk}: count {kept}, really {real}")
    return bodies, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description="Concurrent commenters on loopback.")
    parser.add_argument("--commenters", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="broadsheet-load-"))
    env = environment(data_dir)
    server = None
    try:
        broadsheet(env, "setup")
        posts = post_paths(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "broadsheet"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(base)
        outcome = Outcome()
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(target=commenter, args=(n, base, posts, deadline, outcome))
            for n in range(args.commenters)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
        bodies, wrong_counts = stored(env)
        return report(args, outcome, bodies, wrong_counts, elapsed)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


def wait_for(base: str) -> None:
    for _ in range(100):
        try:
            requests.get(base + "/", timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def report(
    args: argparse.Namespace,
    outcome: Outcome,
    bodies: Counter[str],
    wrong_counts: list[str],
    elapsed: float,
) -> int:
    accepted = set(outcome.accepted)
    lost = [b for b in accepted if bodies[b] == 0]
    doubled = [b for b, n in bodies.items() if n > 1]
    unexpected = [b for b in bodies if b not in accepted]
    server_errors = sum(n for code, n in outcome.statuses.items() if code >= 500)
    latencies = sorted(outcome.post_latencies)
    database = (
        "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores; {database}")
    print(f"commenters: {args.commenters}, gunicorn workers: {args.workers}, ran {elapsed:.1f} s")
    print(
        f"comments posted: {len(latencies)}, accepted: {len(accepted)}, "
        f"stored: {sum(bodies.values())}, lost: {len(lost)}, stored twice: {len(doubled)}, "
        f"stored but not acknowledged: {len(unexpected)}"
    )
    print(
        f"answers: {dict(sorted(outcome.statuses.items()))}; 5xx: {server_errors}; "
        f"client errors: {len(outcome.errors)}"
    )
    if latencies:
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(
            f"comment POST latency: median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; "
            f"{len(accepted) / elapsed:.1f} accepted comments/s"
        )
    print(f"denormalised counts wrong: {len(wrong_counts)} {wrong_counts[:3]}")
    for error in outcome.errors[:5]:
        print("  client error:", error)
    ok = not (lost or doubled or unexpected or server_errors or wrong_counts or outcome.errors)
    print("PASS" if ok and accepted else "FAIL")
    return 0 if ok and accepted else 1


if __name__ == "__main__":
    sys.exit(main())
