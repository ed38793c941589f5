"""Two app processes behind nginx, sharing one database and one Redis, as docs/deploy.md has it.

Everything is real and started here, on loopback: Redis on a Unix socket, two `broadsheet
serve` processes (granian) on their own ports, nginx round-robin in front of them. The
database is the suite's own kind: in the PostgreSQL pass a fresh database on the same server,
in the SQLite pass one SQLite file that both processes open. Then a comment posted through
one process is on the page served by the other at once, and a post published by a third
process (as the task worker or a command would) reaches both processes' caches.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

from tests.faults.server import free_port
from tests.scale.processes import (
    BIN,
    PUBLISH,
    READER,
    SETUP,
    STARTUP_SECONDS,
    clean_env,
    fetch,
    nginx_main,
    post_comment,
    python,
    start,
    stop,
    wait_for,
)


@dataclass
class Cluster:
    front: int
    apps: list[int]
    facts: dict[str, object]
    env: dict[str, str]
    children: list[subprocess.Popen[bytes]] = field(default_factory=list)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("redis")
    sock = folder / "redis.sock"
    argv = ["redis-server", "--port", "0", "--unixsocket", str(sock), "--save", ""]
    argv += ["--appendonly", "no", "--dir", str(folder)]
    server = start(argv, dict(os.environ), folder / "redis.log")
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sock.exists(), (folder / "redis.log").read_text()
        yield f"unix://{sock}"
    finally:
        stop(server)


def nginx_conf(folder: Path, listen: int, apps: list[int]) -> Path:
    upstream = "".join(f"    server 127.0.0.1:{port};\n" for port in apps)
    return nginx_main(
        folder,
        f"  upstream app {{\n{upstream}  }}\n"
        f"  server {{\n    listen 127.0.0.1:{listen};\n"
        "    location / {\n      proxy_pass http://app;\n"
        "      proxy_set_header Host $http_host;\n    }\n  }\n",
    )


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, database_url: str, redis_url: str
) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("cluster")
    env = clean_env(folder, database_url, REDIS_URL=redis_url)
    facts = json.loads(python(SETUP, env))
    apps = [free_port(), free_port()]
    made = Cluster(free_port(), apps, facts, env)
    try:
        for port in apps:
            argv = [str(BIN / "broadsheet"), "serve", "--port", str(port), "--workers", "1"]
            made.children.append(start(argv, env, folder / f"app-{port}.log"))
        conf = nginx_conf(folder, made.front, apps)
        nginx = ["nginx", "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
        made.children.append(start(nginx, env, folder / "nginx.log"))
        for port, child in zip([*apps, made.front], made.children, strict=True):
            wait_for(
                port,
                child,
                folder / "nginx.log" if port == made.front else folder / f"app-{port}.log",
            )
        yield made
    finally:
        for child in made.children:
            stop(child)


def test_a_comment_posted_through_one_process_is_on_the_other_at_once(cluster: Cluster) -> None:
    first, second = cluster.apps
    permalink = str(cluster.facts["permalink"])
    for port in (first, second, first, second):
        assert fetch(port, permalink).status == 200  # both processes have the page cached
    before = fetch(second, permalink)
    posted = post_comment(first, cluster.facts, "Rust on the leeks already.")
    assert posted.status == 302 and "showComment" in posted.headers["location"]
    after = fetch(second, permalink, If_None_Match=before.headers["etag"])
    assert after.status == 200 and "Rust on the leeks already." in after.text
    for _ in range(2):  # through nginx: once from each process
        assert "Rust on the leeks already." in fetch(cluster.front, permalink).text


def test_a_post_published_elsewhere_reaches_both_caches(cluster: Cluster) -> None:
    for _ in range(2):
        for port in cluster.apps:
            assert "Published elsewhere" not in fetch(port, "/").text
    python(PUBLISH, cluster.env)
    for port in [*cluster.apps, cluster.front, cluster.front]:
        page = fetch(port, "/")
        assert page.status == 200 and "Published elsewhere" in page.text


# --- Stats: reads counted by both processes into one Redis list, folded once ---------------

AGGREGATE = """
import json, sys, django
django.setup()
from django.db.models import Sum
from broadsheet.stats import actions
from broadsheet.stats.models import DailyViews, RecentViews
post = int(sys.argv[1])
counted = actions.aggregate()
again = actions.aggregate()  # nothing is counted twice
daily = DailyViews.objects.filter(post_id=post).aggregate(n=Sum("views"))["n"]
recent = RecentViews.objects.filter(post_id=post).aggregate(n=Sum("views"))["n"]
print(json.dumps({"counted": counted, "again": again, "daily": daily, "recent": recent}))
"""


def spooled_views(redis_url: str, expected: int) -> int:
    """How many views wait in Redis once each process has written its buffer out (within a
    second of its last view): polled, so the test waits no longer than the processes do."""
    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 10
    while (waiting := views_in(client.lrange("stats:views", 0, -1))) < expected and (
        time.monotonic() < deadline
    ):
        time.sleep(0.05)
    return waiting


def views_in(lines: list[bytes]) -> int:
    """Views, not lines: a view seen again in the same second is one line, its time written
    `1796170739x2` (stats.recorder)."""
    times = (line.split(b"\t", 1)[0] for line in lines)
    return sum(int(when.partition(b"x")[2] or 1) for when in times)


def aggregate(cluster: Cluster) -> dict[str, int]:
    argv = [sys.executable, "-c", AGGREGATE, str(cluster.facts["post"])]
    done = subprocess.run(argv, env=cluster.env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_reads_on_both_processes_are_counted_once_through_redis(
    cluster: Cluster, redis_url: str
) -> None:
    first, second = cluster.apps
    permalink = str(cluster.facts["permalink"])
    redis.Redis.from_url(redis_url).delete("stats:views")  # nothing from the other tests
    for _ in range(3):
        assert fetch(first, permalink, **READER).status == 200
    assert spooled_views(redis_url, 3) == 3
    for _ in range(4):
        assert fetch(second, permalink, **READER).status == 200
    assert fetch(second, permalink, **{**READER, "DNT": "1"}).status == 200  # not counted
    assert fetch(first, permalink, **{**READER, "Sec_Purpose": "prefetch"}).status == 200
    assert fetch(first, permalink, User_Agent="curl/8.5.0").status == 200  # not a browser
    assert spooled_views(redis_url, 7) == 7
    assert aggregate(cluster) == {"counted": 7, "again": 0, "daily": 7, "recent": 7}
    assert not (Path(cluster.env["BROADSHEET_DATA_DIR"]) / "stats" / "spool").exists()
