"""Broadsheet's speed benchmark: `make bench` (bench/README.md).

For each page (home, a post with 100 comments, a label, an archive month, a search, the posts
feed) it measures, in one run:

* the cold render: a page cache miss, Django rendering with the ORM, in process through the
  test client (median of --repeat), on a blog of 1,000 and of 100,000 posts (SQLite);
* the hot page under load: wrk on loopback (--connections) against nginx serving the same
  page's bytes as a static file (the physical limit on this machine), the app as `make run`
  serves it (nginx in front), and as `broadsheet serve` runs it alone, in turn, round after
  round (--rounds, --round-seconds); medians of requests/s, p50 and p99 latency with their
  spread, the ratio to nginx, and each server's CPU per request;
* the tail below saturation: in the same rounds, nginx static and the front again at fixed
  offered rates (--rates of nginx static's req/s that round, bench/fixed_rate.lua), where the
  p99 is the server's own and not the closed loop's (Little's law); issue 20's goal 1 is
  judged on its p99 there;
* the hot pages again as a browser asks for them (Accept-Encoding: gzip), the front and nginx
  static sending the same gzipped bytes, at saturation;
* for the post page: the other servers we could have chosen, Django with the page cache off,
  and nginx in front of the app as docs/deploy.md deploys it.

Everything listens on 127.0.0.1 and stops when the run ends. The report is printed and
written to bench/var/speed-<time>.md (and .json).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VAR = HERE / "var"
BIN = Path(sys.executable).parent
CORES = len(os.sched_getaffinity(0))
SECRET = "bench-only-secret-" + "x" * 40


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


# --- data ---------------------------------------------------------------------------------


def dataset(posts: int, database_url: str) -> Path:
    """A data folder holding a generated blog of `posts` posts: made once and reused on
    SQLite; on PostgreSQL (--database-url) made afresh each run, in a database of its own."""
    kind = "postgres" if database_url else "sqlite"
    folder = VAR / f"{kind}-{posts}"
    if database_url or not (folder / "bench.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        if database_url:
            (folder / "database_url").write_text(fresh_database(database_url, f"bench_{posts}"))
        print(f"generating {posts} posts into {folder}", file=sys.stderr)
        generate = [sys.executable, str(HERE / "generate.py"), "--posts", str(posts)]
        generate += ["--comments", str(max(posts, 200)), "--data-dir", str(folder)]
        subprocess.run(generate, env=app_env(folder), check=True, stdout=subprocess.DEVNULL)
        if database_url:
            settle((folder / "database_url").read_text())
    # A data set made by an older release gets the newer migrations (data ones included).
    migrate = [str(BIN / "broadsheet"), "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, env=app_env(folder), check=True)
    if not (folder / "static" / "staticfiles.json").exists():
        command = [str(BIN / "broadsheet"), "collectstatic", "--noinput", "-v0"]
        subprocess.run(command, env=app_env(folder), check=True)
    return folder


def settle(url: str) -> None:
    """VACUUM ANALYZE the generated database: what autovacuum does on a server some minutes
    after a load of rows, done before the run rather than during its cold renders (session
    20's run of record began them while autovacuum read the 100,000 new posts)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def fresh_database(server_url: str, name: str) -> str:
    """An empty database `name` on the server that `server_url` names; its URL."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlparse(server_url)._replace(path=f"/{name}").geturl()


def pages(folder: Path) -> dict[str, str]:
    facts = json.loads((folder / "bench.json").read_text())
    hot = facts["hot_post"]
    label = facts["label"].replace(" ", "%20")
    month = hot.rsplit("/", 1)[0]
    # Older Posts from the hot post's month: a page deep in the blog, asked as the home
    # page's pager asks it (`reader.listing.pager_links`), the time in the pager's form.
    before = month.replace("/", "-").lstrip("-") + "-01T00:00:00+00:00"
    older = "/search?" + urllib.parse.urlencode({"updated-max": before, "max-results": 7})
    return {
        "home": "/",
        "post (100 comments)": hot,
        "label": f"/search/label/{label}",
        "archive month": month + "/",
        "search": "/search?q=tomato",
        "posts feed": "/feeds/posts/default",
        "older posts": older,
    }


def app_env(folder: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BROADSHEET_", "DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings",
        BROADSHEET_DATA_DIR=str(folder),
        BROADSHEET_SECRET_KEY=SECRET,
        **extra,
    )
    if (folder / "database_url").exists():
        env["DATABASE_URL"] = (folder / "database_url").read_text()
    return env


# --- cold renders (a child process per data set: settings are read once per process) -------


def cold_renders(folder: Path, repeat: int) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """The renders' medians by kind and page, and the database's round trip (`round_trip`)
    before and after them."""
    command = [sys.executable, __file__, "--cold-child", str(folder), "--repeat", str(repeat)]
    done = subprocess.run(command, env=app_env(folder), check=True, capture_output=True)
    found: dict[str, Any] = json.loads(done.stdout)
    return found["medians"], found[ROUND_TRIP]


ROUND_TRIP = "round trip"
ROUND_TRIP_CALLS = 500


def round_trip(calls: int = ROUND_TRIP_CALLS) -> float:
    """The median wall time of `SELECT 1` on the renders' own connection, in µs: what every
    query of a page pays before the database does any work. On PostgreSQL over loopback it
    is the wake-up of two processes, which on these VMs moved between about 70 and 140 µs
    within an hour (bench/RESULTS.md, session 22): one of the things that move a whole
    run's cold figures, not the only one."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(calls):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1e6, 1)


def cold_child(folder: Path, repeat: int) -> None:
    """Three kinds of miss, page by page. "miss": the page is not cached but the sidebar is, as
    after a new comment (the commonest write), or when a page is asked for the first time.
    "after a post write": the blog's versions moved before the render (as any post write moves
    them) but no post changed, so the sidebar is drawn again from the same data, as after an
    edit that moves no count. "after a new post": a post with a label published before the
    render, so the archive's month, a label's count and the featured post all move.

    Round by round: each round renders every page once of each kind, so every figure samples
    the whole run. Rendered kind after kind, a page's 30 renders took a sixth of a second, one
    moment of a shared machine, and the medians of two kinds of the same page could differ by
    half for no reason in the code (a plain miss slower than the miss after a write, which
    does more). In a round, a page is rendered after a new post, then that post is deleted
    and the versions moved and it is rendered again, then once more as a plain miss: each
    render sees the generated data and at most one post more."""
    import django

    django.setup()
    from django.test import Client

    from broadsheet.blogs.models import Blog

    blog = Blog.objects.get(is_default=True)
    client = Client()
    paths = pages(folder)
    times: dict[str, dict[str, list[float]]] = {k: {name: [] for name in paths} for k in KINDS}
    trip = {"before": round_trip()}
    try:
        for round_ in range(repeat + 2):
            for name, path in paths.items():
                _new_post(blog)
                rendered = {"after a new post": _render(client, path)}
                _delete_new_posts(blog)
                _bump(blog)
                rendered["after a post write"] = _render(client, path)
                rendered["miss"] = _render(client, path)
                if round_ >= 2:  # the first two warm the templates and the connection
                    for kind, elapsed in rendered.items():
                        times[kind][name].append(elapsed)
    finally:  # the data set as generated
        _delete_new_posts(blog)
    medians = {
        kind: {name: round(statistics.median(values), 2) for name, values in by_page.items()}
        for kind, by_page in times.items()
    }
    trip["after"] = round_trip()
    json.dump({"medians": medians, ROUND_TRIP: trip}, sys.stdout)


KINDS = ("miss", "after a post write", "after a new post")  # in the report's order
NEW_POST_TITLE = "A new post for the cold-render bench"


def _render(client: Any, path: str) -> float:
    """One render of `path`, its wall time in ms."""
    started = time.perf_counter()
    response = client.get(path, HTTP_HOST="localhost")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return elapsed * 1000


def _bump(blog: Any) -> None:
    from broadsheet.blogs.actions import bump_content_version

    bump_content_version(blog)


def _new_post(blog: Any) -> None:
    from broadsheet.posts.actions import save_post
    from broadsheet.posts.models import Post

    author = Post.objects.filter(blog=blog).values_list("author_id", flat=True).first()
    published = Post.Status.PUBLISHED
    post = Post(blog=blog, author_id=author, title=NEW_POST_TITLE, status=published)
    save_post(post, labels=["Bench new posts"])


def _delete_new_posts(blog: Any) -> None:
    from broadsheet.blogs.actions import bump_content_version
    from broadsheet.posts.models import Label, Post

    Post.objects.filter(blog=blog, title=NEW_POST_TITLE).delete()
    Label.objects.filter(blog=blog, name="Bench new posts").delete()
    bump_content_version(blog)


# --- servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# The session of the server started on each port (`running`): its processes' CPU.
SESSIONS: dict[int, int] = {}


@contextlib.contextmanager
def running(argv: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[int]:
    """Run a server until the block ends; yields its port once it answers."""
    with log.open("wb") as out:
        child = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    SESSIONS[port] = child.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited: {log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def server_commands(port: int) -> dict[str, list[str]]:
    """The candidates for the production server, each sized from the core count."""
    py, app, bind = [sys.executable, "-m"], "broadsheet.wsgi:application", f"127.0.0.1:{port}"
    granian = [*py, "granian", "--interface", "wsgi", "--no-ws", "--port", str(port)]
    return {
        "broadsheet serve": [str(BIN / "broadsheet"), "serve", "--port", str(port)],
        f"gunicorn sync, {2 * CORES} workers": [
            *py, "gunicorn", app, "-b", bind, "-w", str(2 * CORES),
        ],
        f"gunicorn gthread, {CORES}x4 threads": [
            *py, "gunicorn", app, "-b", bind, "-w", str(CORES), "-k", "gthread", "--threads", "4",
        ],
        f"granian, {CORES} workers x 4 threads": [
            *granian, "--workers", str(CORES), "--blocking-threads", "4", app,
        ],
    }  # fmt: skip


def nginx_conf(folder: Path, port: int, body: str) -> Path:
    temp = "".join(
        f"  {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / f"nginx-{port}.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes {CORES};\npid {folder / f'nginx-{port}.pid'};\n"
        f"error_log {folder / 'nginx-error.log'};\n"
        "events { worker_connections 4096; }\n"
        f"http {{\n  access_log off;\n{temp}  sendfile on;\n  tcp_nopush on;\n"
        "  keepalive_requests 1000000;\n  open_file_cache max=1000;\n"
        f"  default_type text/html;\n{body}}}\n"
    )
    return conf


def static_server(folder: Path, port: int) -> list[str]:
    """nginx serving each page's bytes as a file, and under /gz/ its gzipped bytes as a
    file's precompressed copy (`gzip_static`), as a browser asks for them: read and written
    with the headers, as the front sends them (ops.nginx `_gzipped`), nginx's quickest way
    to send a file of a few KB."""
    body = (
        f"  server {{\n    listen 127.0.0.1:{port};\n    root {folder / 'static'};\n"
        f"    location /{GZIPPED}/ {{\n      gzip_static on;\n      sendfile off;\n"
        "    }\n  }\n"
    )
    conf = nginx_conf(folder, port, body)
    return ["nginx", "-p", str(folder), "-c", str(conf), "-e", str(folder / "nginx-error.log")]


def mirror_server(folder: Path, port: int, app_port: int, env: dict[str, str]) -> list[str]:
    """nginx serving the page files the app writes (BROADSHEET_PAGE_MIRROR_DIR), and asking
    the app for everything else: the site `broadsheet nginxconf` prints (docs/deploy.md)."""
    argv = [str(BIN / "broadsheet"), "nginxconf", "--listen", f"127.0.0.1:{port}"]
    argv += ["--app", f"127.0.0.1:{app_port}", "--server-name", "localhost"]
    site = subprocess.run(argv, env=env, check=True, capture_output=True, text=True).stdout
    conf = nginx_conf(folder, port, site)
    return ["nginx", "-p", str(folder), "-c", str(conf), "-e", str(folder / "nginx-error.log")]


def proxy_server(folder: Path, port: int, app_port: int) -> list[str]:
    body = (
        f"  upstream app {{\n    server 127.0.0.1:{app_port};\n    keepalive 64;\n  }}\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n    location / {{\n"
        "      proxy_pass http://app;\n      proxy_http_version 1.1;\n"
        '      proxy_set_header Connection "";\n      proxy_set_header Host $http_host;\n'
        "    }\n  }\n"
    )
    conf = nginx_conf(folder, port, body)
    return ["nginx", "-p", str(folder), "-c", str(conf), "-e", str(folder / "nginx-error.log")]


# --- load ---------------------------------------------------------------------------------


def wrk(
    port: int, path: str, duration: int, connections: int, host: str = "", encodings: str = ""
) -> Load:
    command = ["wrk", f"-t{CORES}", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["-H", f"Host: {host}"] if host else []
    command += ["-H", f"Accept-Encoding: {encodings}"] if encodings else []
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        check=True,
        capture_output=True,
        text=True,
        timeout=duration + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load(
        rps, _latency(out, "50%"), _latency(out, "99%"), int(errors.group(1)) if errors else 0
    )


FIXED_RATE = HERE / "fixed_rate.lua"


def paced(port: int, path: str, rate: float, seconds: int, connections: int) -> dict[str, Any]:
    """wrk at a fixed offered rate (`rate` requests/s, bench/fixed_rate.lua): a timetable kept
    by a pool of `connections`, so the latencies are those of a load that does not wait for
    the server, below its saturation. The achieved rate, p50, p99 and p99.9 in ms, the share
    of requests that left late because every connection was busy (their readers waited longer
    than recorded) and the p99 allowing for them; the server's CPU per request, as in
    `measured`."""
    command = ["wrk", f"-t{CORES}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(FIXED_RATE), f"http://127.0.0.1:{port}{path}", "--", f"{rate / CORES}"]
    before = session_cpu(port)
    out = subprocess.run(
        command, check=True, capture_output=True, text=True, timeout=seconds + 30
    ).stdout
    after = session_cpu(port)
    line = next(line for line in out.splitlines() if line.startswith("fixed-rate "))
    got = {key: float(value) for key, value in (f.split("=") for f in line.split()[1:])}
    answered = max(got["requests"], 1.0)
    return {
        "offered": round(rate),
        "rps": round(got["requests"] / (got["duration_us"] / 1e6), 1),
        **{key: got[f"{key[:-3]}_us"] / 1000 for key in ("p50_ms", "p99_ms", "p999_ms")},
        # None: so many left late that the recorded figures bound nothing.
        "p99_bound_ms": got["p99_bound_us"] / 1000 if got["p99_bound_us"] >= 0 else None,
        "late_share": round(got["late"] / answered, 5),
        "late_worst_ms": got["late_worst_ms"],
        "errors": int(got["errors"]),
        "nginx_us": round((after[0] - before[0]) / answered * 1e6, 2),
        "app_us": round((after[1] - before[1]) / answered * 1e6, 2),
    }


def _latency(out: str, percentile: str) -> float:
    match = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    if match is None:
        return float("nan")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
    return round(float(match.group(1)) * scale, 3)


def fetch(port: int, path: str, encodings: str = "") -> bytes:
    """The body as sent (gzipped, if `encodings` asks for it and the server did)."""
    headers = {"Accept-Encoding": encodings} if encodings else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        body: bytes = answer.read()
        return body


# What Chromium says it accepts: the hot pages again as a browser asks for them.
BROWSER = "gzip, deflate, br, zstd"
# nginx static's copy of each page's gzipped bytes (`static_server`).
GZIPPED = "gz"


def server_cpu(port: int) -> float:
    """CPU seconds used so far by the server listening on `port`: every process of the
    session whose command line names the port (serve, granian and its workers)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                argv = (entry / "cmdline").read_bytes().split(b"\0")
                table[entry.name] = (int(fields[3]), int(fields[11]) + int(fields[12]), argv)
    sessions = {sid for sid, _, argv in table.values() if str(port).encode() in argv}
    ticks = sum(cpu for sid, cpu, _ in table.values() if sid in sessions)
    return ticks / os.sysconf("SC_CLK_TCK")


def session_cpu(port: int) -> tuple[float, float]:
    """CPU seconds used so far by the server `running` started on `port`, every process of
    its session: (nginx's processes, the others': serve, granian and its workers)."""
    ticks = [0, 0]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                name, fields = (entry / "stat").read_text().rsplit(")", 1)
                fields_ = fields.split()
                if int(fields_[3]) == SESSIONS[port]:
                    nginx = name.split("(", 1)[1] == "nginx"
                    ticks[0 if nginx else 1] += int(fields_[11]) + int(fields_[12])
    hz = os.sysconf("SC_CLK_TCK")
    return ticks[0] / hz, ticks[1] / hz


def measured(
    port: int, path: str, seconds: int, connections: int, encodings: str = ""
) -> dict[str, Any]:
    """One wrk run, with the server's CPU per request over the same seconds, in µs: nginx's
    and the rest's (the app's) apart."""
    before = session_cpu(port)
    load = wrk(port, path, seconds, connections, encodings=encodings)
    after = session_cpu(port)
    answered = max(load.rps * seconds, 1.0)
    return {
        **asdict(load),
        "nginx_us": round((after[0] - before[0]) / answered * 1e6, 2),
        "app_us": round((after[1] - before[1]) / answered * 1e6, 2),
    }


# The hot part's servers, in the report's order: nginx static is the baseline.
HOT = {
    "nginx": "nginx static",
    "front": "nginx front",
    "base": "nginx front at --baseline-src",
    "app": "granian alone",
}


# The servers measured at fixed offered rates too: the app alone is far from nginx's rates.
PACED = ("nginx", "front", "base")


def hot_rounds(
    ports: dict[str, int],
    paths: dict[str, tuple[str, str]],
    args: argparse.Namespace,
    rates: list[float],
    encodings: str = "",
) -> Any:
    """Each page, round after round, against each server in turn (the order turned by one
    each round, so that no server always follows the same one): the machine's drift between
    rounds moves the three alike, and each round's ratio is to nginx static measured seconds
    before or after, not minutes. `paths` gives each page's address and its static file.

    Then, in the same round, nginx static and the fronts again at each of `rates` times the
    requests/s nginx static reached in that round (`paced`): at saturation wrk's connections
    wait for each other, so a server doing more per request shows a longer tail by
    construction (Little's law), while below it the tail is the server's own. Every request
    says it accepts `encodings` if given. Yields (page, {server: summary, "paced": {share:
    {server: summary}}}, without "paced" if no `rates`) page by page."""
    servers = [server for server in HOT if server in ports]
    steady = [server for server in servers if server in PACED]
    for name, (path, static) in paths.items():
        runs: dict[str, list[dict[str, Any]]] = {server: [] for server in servers}
        at: dict[float, dict[str, list[dict[str, Any]]]] = {
            share: {server: [] for server in steady} for share in rates
        }
        for round_ in range(args.rounds):
            turn = round_ % len(servers)
            for server in servers[turn:] + servers[:turn]:
                asked = static if server == "nginx" else path
                runs[server].append(
                    measured(ports[server], asked, args.round_seconds, args.connections, encodings)
                )
            for share in rates:
                rate = share * runs["nginx"][-1]["rps"]
                turn = round_ % len(steady)
                for server in steady[turn:] + steady[:turn]:
                    asked = static if server == "nginx" else path
                    at[share][server].append(
                        paced(ports[server], asked, rate, args.rate_seconds, args.rate_connections)
                    )
        summaries: dict[str, Any] = {
            server: summary(runs[server], runs["nginx"]) for server in servers
        }
        if rates:
            summaries["paced"] = {
                str(share): {
                    server: tail(at[share][server], at[share]["nginx"]) for server in steady
                }
                for share in rates
            }
        yield name, summaries


# The servers measured as a browser asks (`hot_rounds` at saturation, gzipped): the app
# alone sends no page gzipped.
BROWSED = ("nginx", "front", "base")


def summary(runs: list[dict[str, Any]], static: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the rounds, the spread of req/s and p99, and the ratio to nginx static as
    the median of each round's own ratio."""

    def median(key: str) -> float:
        return round(statistics.median(run[key] for run in runs), 3)

    ratios = [run["rps"] / base["rps"] for run, base in zip(runs, static, strict=True)]
    return {
        "rps": median("rps"),
        "p50_ms": median("p50_ms"),
        "p99_ms": median("p99_ms"),
        "errors": sum(run["errors"] for run in runs),
        "rps_range": [min(run["rps"] for run in runs), max(run["rps"] for run in runs)],
        "p99_range": [min(run["p99_ms"] for run in runs), max(run["p99_ms"] for run in runs)],
        "ratio": round(statistics.median(ratios), 3),
        "ratio_range": [round(min(ratios), 3), round(max(ratios), 3)],
        "nginx_us": median("nginx_us"),
        "app_us": median("app_us"),
        "runs": runs,
    }


# A fixed-rate run whose requests left late this often (every connection busy, or wrk
# itself not scheduled) did not hold its rate: its p99 is not the server's at that rate.
LATE_LIMIT = 0.01


def tail(runs: list[dict[str, Any]], static: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the rounds at one fixed offered rate, and the p99 ratio to nginx static
    as the median of each round's own ratio, with its range (below 1: a shorter tail), over
    the rounds in which both held the rate (`kept`); None if none did."""

    def median(key: str) -> float:
        return round(statistics.median(run[key] for run in runs), 3)

    ratios = [
        run["p99_ms"] / max(base["p99_ms"], 0.001)
        for run, base in zip(runs, static, strict=True)
        if max(run["late_share"], base["late_share"]) < LATE_LIMIT
    ]
    bounds = [run["p99_bound_ms"] for run in runs]
    return {
        **{key: median(key) for key in ("offered", "rps", "p50_ms", "p99_ms", "p999_ms")},
        **{key: median(key) for key in ("nginx_us", "app_us")},
        # The worst round's: a round without a bound (too many late requests) leaves none.
        "p99_bound_ms": None if None in bounds else max(bounds),
        "p99_range": [min(run["p99_ms"] for run in runs), max(run["p99_ms"] for run in runs)],
        "p99_ratio": round(statistics.median(ratios), 3) if ratios else None,
        "p99_ratio_range": [round(min(ratios), 3), round(max(ratios), 3)] if ratios else [],
        "kept": len(ratios),
        "late_share": max(run["late_share"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "runs": runs,
    }


def hot_pages(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    """wrk against `broadsheet serve` and against nginx's static copy, page by page."""
    work = folder / "run"
    shutil.rmtree(work, ignore_errors=True)
    # Every run starts with an empty page cache, so the first requests below render.
    shutil.rmtree(folder / "cache", ignore_errors=True)
    (work / "static").mkdir(parents=True)
    env = app_env(folder, BROADSHEET_PAGE_MIRROR_DIR=str(work / "mirror"))
    results: dict[str, Any] = {"pages": {}, "servers": {}, "deploy": {}, "browser": {}}
    app_port, front_port = free_port(), free_port()
    fronted = [*server_commands(front_port)["broadsheet serve"], "--front", "nginx"]
    front_env = app_env(folder, BROADSHEET_PAGE_MIRROR_DIR=str(work / "front-pages"))
    ports = {"front": front_port, "app": app_port}
    with contextlib.ExitStack() as servers:
        servers.enter_context(
            running(server_commands(app_port)["broadsheet serve"], env, app_port, work / "app.log")
        )
        servers.enter_context(running(fronted, front_env, front_port, work / "front.log"))
        if args.baseline_src:  # the same front from other sources, its own page files
            ports["base"] = base_port = free_port()
            base = [*server_commands(base_port)["broadsheet serve"], "--front", "nginx"]
            base_env = app_env(folder, BROADSHEET_PAGE_MIRROR_DIR=str(work / "base-pages"))
            base_env["PYTHONPATH"] = str(Path(args.baseline_src).resolve())
            servers.enter_context(running(base, base_env, base_port, work / "base.log"))
        for index, (name, path) in enumerate(pages(folder).items()):
            if args.pages and not any(part in name for part in args.pages):
                continue
            body = fetch(app_port, path)
            for port in ports.values():
                for _ in range(CORES + 1):  # each worker process takes its own copy
                    fetch(port, path)
            (work / "static" / f"{index}.html").write_bytes(body)
            results["pages"][name] = {"path": path, "static": f"/{index}.html"}
            results["pages"][name]["bytes"] = len(body)
            if args.browser:  # the bytes the front sends a browser, as nginx static's copy
                packed = fetch(front_port, path, BROWSER)
                gzipped = work / "static" / GZIPPED / f"{index}.html"
                gzipped.parent.mkdir(exist_ok=True)
                gzipped.write_bytes(body)
                gzipped.with_name(gzipped.name + ".gz").write_bytes(packed)
                results["browser"][name] = {"gzipped bytes": len(packed)}
        static_port = free_port()
        with running(static_server(work, static_port), env, static_port, work / "nginx.log"):
            ports["nginx"] = static_port
            paths = {
                name: (entry["path"], entry["static"]) for name, entry in results["pages"].items()
            }
            for name, summaries in hot_rounds(ports, paths, args, args.rates):
                entry = results["pages"][name]
                entry.update(summaries)
                print(
                    f"  {name}: {entry['app']['rps']:.0f}, with nginx in front"
                    f" {entry['front']['rps']:.0f} ({entry['front']['ratio']:.2f}),"
                    f" vs {entry['nginx']['rps']:.0f} req/s; {verdict(name, entry)}",
                    file=sys.stderr,
                )
            gzipped = {
                name: (results["pages"][name]["path"], f"/{GZIPPED}{entry['static']}")
                for name, entry in results["pages"].items()
                if name in results["browser"]
            }
            browsed = {server: port for server, port in ports.items() if server in BROWSED}
            for name, summaries in hot_rounds(browsed, gzipped, args, [], BROWSER):
                results["browser"][name].update(summaries)
                front = summaries["front"]
                print(
                    f"  {name}, as a browser asks: the front {front['rps']:.0f}"
                    f" ({front['ratio']:.2f}) vs {summaries['nginx']['rps']:.0f} req/s",
                    file=sys.stderr,
                )
            post = results["pages"].get("post (100 comments)")
            if post is not None:  # --pages may leave it out; the other set-ups serve it
                other_setups(results, post["path"], (app_port, static_port), env, args)
    # serve --front leaves its configuration in the data folder, which turns the page mirror
    # on for every later process there (the next run's cold renders).
    shutil.rmtree(folder / "nginx", ignore_errors=True)
    return results


def other_setups(
    results: dict[str, Any],
    path: str,
    ports: tuple[int, int],
    env: dict[str, str],
    args: argparse.Namespace,
) -> None:
    """The post page behind the other servers and set-ups (`ports`: the app's, nginx static's)."""
    folder = Path(env["BROADSHEET_DATA_DIR"])
    work = folder / "run"
    app_port, static_port = ports
    if args.servers:
        results["servers"] = compare_servers(folder, path, args)
    proxy_port = free_port()
    proxy = proxy_server(work, proxy_port, app_port)
    with running(proxy, env, proxy_port, work / "proxy.log"):
        for _ in range(2):  # nginx names itself in Host: a new key, warm it first
            fetch(proxy_port, path)
        results["deploy"]["nginx proxy -> broadsheet serve"] = asdict(
            wrk(proxy_port, path, args.duration, args.connections)
        )
    results["deploy"]["nginx + page files -> broadsheet serve"] = deployed(
        work, app_port, path, args
    )
    results["deploy"]["nginx static (baseline again)"] = asdict(
        wrk(static_port, "/1.html", args.duration, args.connections)
    )


def deployed(work: Path, app_port: int, path: str, args: argparse.Namespace) -> dict[str, Any]:
    """The post page through nginx serving the page files the app wrote on its first miss."""
    port = free_port()
    env = app_env(work.parent, BROADSHEET_PAGE_MIRROR_DIR=str(work / "mirror"))
    front = mirror_server(work, port, app_port, env)
    with running(front, env, port, work / "mirror-nginx.log"):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost"}
        )
        for _ in range(2):  # the first is the app's (it writes the file), the second nginx's
            urllib.request.urlopen(request, timeout=30).read()  # noqa: S310
        return asdict(wrk(port, path, args.duration, args.connections, host="localhost"))


def compare_servers(folder: Path, path: str, args: argparse.Namespace) -> dict[str, Any]:
    """The post page, hot, behind each candidate server; and with the page cache off."""
    found: dict[str, Any] = {}
    work = folder / "run"
    for name in server_commands(0):
        if name == "broadsheet serve":
            continue
        port = free_port()
        argv = server_commands(port)[name]
        with running(argv, app_env(folder), port, work / "candidate.log"):
            fetch(port, path)
            fetch(port, path)
            found[name] = asdict(wrk(port, path, args.duration, args.connections))
    port = free_port()
    argv = server_commands(port)["broadsheet serve"]
    with running(argv, app_env(folder, BROADSHEET_PAGE_CACHE="0"), port, work / "nocache.log"):
        found["broadsheet serve, page cache off"] = asdict(
            wrk(port, path, args.duration, args.connections)
        )
    return found


# --- the report ---------------------------------------------------------------------------


def machine() -> dict[str, str]:
    def first_line(command: list[str]) -> str:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        return (done.stdout or done.stderr).strip().splitlines()[0]

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": str(CORES),
        "cpu": cpu,
        "memory": f"{int(memory.split()[1]) // 1024 // 1024} GiB",
        "load before": Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__(),
        "python": platform.python_version(),
        "nginx": first_line(["nginx", "-v"]),
        "wrk": first_line(["wrk", "--version"]).split(" [")[0],
    }


def cells(load: dict[str, float]) -> str:
    return f"{load['rps']:.0f} | {load['p50_ms']} | {load['p99_ms']}"


def _span(values: list[float]) -> str:
    return f"[{values[0]}-{values[1]}]"


def verdict(name: str, entry: dict[str, Any]) -> str:
    """Goal 1 on one page: the front's saturation ratio, and its p99 against nginx static's
    at each fixed offered rate (a tail measured at saturation is Little's law, not the
    server's). Without fixed-rate runs (--rates "") the tail is not judged."""
    front = entry["front"]
    met = front["ratio"] >= 0.8
    tails = []
    for share, servers in entry.get("paced", {}).items():
        ratio = servers["front"]["p99_ratio"]
        met = met and ratio is not None and ratio < 1
        at = f"{float(share):.0%}"
        tails.append(
            f"p99 x{_tail_ratio(servers['front'])} at {at}"
            if ratio is not None
            else f"no round held {at}"
        )
    judged = "met" if met else "not met"
    if not tails:
        judged += ", tail not judged"
    figures = ", ".join([f"{front['ratio']:.2f}", *tails])
    return f"{name} {judged} ({figures})"


def _tail_ratio(run: dict[str, Any]) -> str:
    """The p99 ratio, its range, and how many rounds it comes from if not all."""
    if run["p99_ratio"] is None:
        return "none held the rate"
    low, high = run["p99_ratio_range"]
    rounds = len(run["runs"])
    kept = "" if run["kept"] == rounds else f", {run['kept']} of {rounds} rounds"
    # Rounds on both sides of 1: the machine's noise is larger than the difference.
    either = ", rounds either side of 1" if low < 1 < high else ""
    # Three places: a median of 0.998 is below 1, and "1.00" would not show it.
    return f"{run['p99_ratio']:.3f} [{low:.2f}-{high:.2f}{kept}{either}]"


def tail_table(entries: dict[str, Any], args: argparse.Namespace) -> list[str]:
    """The fixed-rate runs: each page and offered rate, nginx static and the fronts."""
    if not args.rates:
        return []
    lines = [
        "",
        f"Tail at fixed offered rates: wrk paced by bench/fixed_rate.lua, {args.rate_connections}"
        f" connections, {args.rate_seconds} s a server in each of the same rounds, at"
        f" {', '.join(f'{share:.0%}' for share in args.rates)} of the req/s nginx static reached"
        " in that round. Medians over the rounds; p99 ratio: the median of each round's p99"
        " divided by nginx static's in that round [lowest-highest]; late: the largest share of"
        " requests in a round that left after their time because every connection was busy"
        " (their wait is longer than recorded): p99 bound, the highest round's p99 allowing"
        " for them, none if a round had 1 % late. A round with 1 % late on either side did not"
        " hold its rate and is left out of the ratio.",
        "",
        "| page | load | server | offered req/s | achieved | p50 ms | p99 ms | p99 ratio"
        " | p99.9 ms | p99 bound ms | late | nginx CPU µs/req |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, entry in entries.items():
        for share, servers in entry.get("paced", {}).items():
            for server, run in servers.items():
                shown = "" if server == "nginx" else _tail_ratio(run)
                lines.append(
                    f"| {name} | {float(share):.0%} | {HOT[server]} | {run['offered']:,.0f}"
                    f" | {run['rps']:,.0f} | {run['p50_ms']} | {run['p99_ms']}"
                    f" {_span(run['p99_range'])} | {shown} | {run['p999_ms']}"
                    f" | {'none' if run['p99_bound_ms'] is None else run['p99_bound_ms']}"
                    f" | {run['late_share']:.2%} | {run['nginx_us']} |"
                )
    return lines


def browser_table(entries: dict[str, Any]) -> list[str]:
    """The hot pages as a browser asks for them (`BROWSED`)."""
    if not entries:
        return []
    lines = [
        "",
        f"Hot pages as a browser asks for them (Accept-Encoding: {BROWSER}): the same rounds"
        " at saturation, nginx static sending its precompressed copy (gzip_static) of the"
        " bytes the front sends; ratio and CPU as above.",
        "",
        "| page | gzipped bytes | server | req/s | ratio | p50 ms | p99 ms | nginx CPU µs/req"
        " | app CPU µs/req |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, entry in entries.items():
        lines += [
            hot_row(name, entry["gzipped bytes"], server, entry[server])
            for server in BROWSED
            if server in entry
        ]
    return lines


def hot_row(name: str, size: int, server: str, load: dict[str, Any]) -> str:
    """One server's line of a hot-pages table: req/s, the ratio to nginx static, p50, p99
    and the CPU a request."""
    rps = f"{load['rps']:,.0f} [{load['rps_range'][0]:,.0f}-{load['rps_range'][1]:,.0f}]"
    ratio = "" if server == "nginx" else f"{load['ratio']:.2f} {_span(load['ratio_range'])}"
    return (
        f"| {name} | {size} | {HOT[server]} | {rps} | {ratio} | {load['p50_ms']}"
        f" | {load['p99_ms']} {_span(load['p99_range'])} | {load['nginx_us']}"
        f" | {load['app_us']} |"
    )


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [f"Command: `{' '.join(['make bench'] if args.make else sys.argv)}`", ""]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    lines += [f"- load after: {results['load after']}", ""]
    lines += [
        f"Hot pages: wrk, {args.connections} connections, {CORES} threads, on the same cores;"
        f" {args.rounds} rounds of {args.round_seconds} s a server, the servers in turn within"
        " each round: nginx serving the page's bytes as a static file, the app as `make run`"
        " runs it where nginx is installed (`serve --front nginx`), and as `broadsheet serve`"
        " runs it alone (granian). Medians over the rounds, [lowest-highest]; the ratio is the"
        " median of each round's own ratio to nginx static; CPU is the server's own per"
        " request (its processes' user and system time from /proc: nginx's, and the app's).",
        "",
        "| page | bytes | server | req/s | ratio | p50 ms | p99 ms | nginx CPU µs/req"
        " | app CPU µs/req |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    verdicts = []
    for name, entry in results["hot"]["pages"].items():
        lines += [
            hot_row(name, entry["bytes"], server, entry[server])
            for server in HOT
            if server in entry
        ]
        verdicts.append(verdict(name, entry))
    lines += tail_table(results["hot"]["pages"], args)
    lines += browser_table(results["hot"].get("browser", {}))
    lines += [
        "",
        "Goal 1 (nginx front >= 0.8 x nginx static at saturation, and its p99 below nginx"
        " static's at each fixed offered rate: the median over rounds of the front's p99"
        " divided by static's, [lowest-highest round]): " + "; ".join(verdicts),
    ]
    post = results["hot"]["pages"].get("post (100 comments)")
    others = {**results["hot"]["servers"], **results["hot"]["deploy"]}
    if others and post is not None:
        base = post["nginx"]["rps"]
        lines += [
            "",
            "Post page (100 comments), hot, other set-ups (ratio to nginx static above):",
            "",
        ]
        lines += [
            "| set-up | req/s | p50 ms | p99 ms | ratio |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for name, load in others.items():
            lines.append(f"| {name} | {cells(load)} | {load['rps'] / base:.3f} |")
    sizes = list(results["cold"])
    if not sizes:
        return "\n".join(lines) + "\n"
    database = "PostgreSQL" if args.database_url else "SQLite"
    for kind in results["cold"][sizes[0]]:
        lines += [
            "",
            f"Cold render, {kind} ({database}, in process), median of {args.repeat} "
            "(every page and kind once a round), ms:",
            "",
        ]
        lines += ["| page | " + " | ".join(f"{size} posts" for size in sizes) + " | growth |"]
        lines += ["| --- |" + " ---: |" * (len(sizes) + 1)]
        for name in results["cold"][sizes[0]][kind]:
            values = [results["cold"][size][kind][name] for size in sizes]
            growth = f"{(values[-1] / values[0] - 1) * 100:+.0f} %" if len(values) > 1 else ""
            cells_ = " | ".join(f"{v:.2f}" for v in values)
            lines.append(f"| {name} | {cells_} | {growth} |")
    trips = "; ".join(
        f"{size} posts {trip['before']} before the renders, {trip['after']} after"
        for size, trip in results.get(ROUND_TRIP, {}).items()
    )
    if trips:
        calls = f"median of {ROUND_TRIP_CALLS}"
        lines += ["", f"The database's round trip (`SELECT 1`, {calls}, µs): {trips}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="Broadsheet's speed benchmark.")
    parser.add_argument("--quick", action="store_true", help="smoke test: small data, 2 s runs")
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds per wrk run on the other set-ups"
    )
    parser.add_argument("--rounds", type=int, default=3, help="hot pages: rounds per page")
    parser.add_argument(
        "--round-seconds", type=int, default=5, help="hot pages: seconds per server and round"
    )
    parser.add_argument(
        "--baseline-src",
        default="",
        help="hot pages: also the nginx front from these sources (another checkout's src)",
    )
    parser.add_argument(
        "--hot-only", action="store_true", help="no cold renders: the hot pages, largest size"
    )
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--rates",
        default="0.25,0.5",
        help="hot pages: the fixed offered rates, as shares of each round's nginx static"
        ' req/s, at which the tail is measured ("" for none)',
    )
    parser.add_argument(
        "--rate-seconds", type=int, default=0, help="seconds per fixed-rate run (--round-seconds)"
    )
    parser.add_argument(
        "--rate-connections",
        type=int,
        default=200,
        help="connections kept for the fixed-rate runs: enough that one is free when a request"
        " falls due",
    )
    parser.add_argument(
        "--pages", default="", help="hot pages: only these (comma-separated parts of the names)"
    )
    parser.add_argument("--repeat", type=int, default=30, help="cold renders per page")
    parser.add_argument("--sizes", default="1000,100000", help="posts in each data set")
    parser.add_argument("--no-servers", dest="servers", action="store_false")
    parser.add_argument(
        "--no-browser",
        dest="browser",
        action="store_false",
        help="hot pages: not again as a browser asks for them (gzipped)",
    )
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL server to use instead of SQLite"
    )
    parser.add_argument("--make", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cold-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        return cold_child(args.cold_child, args.repeat)
    if args.quick:
        args.duration, args.repeat, args.sizes = 2, 5, "300,1000"
        args.rounds, args.round_seconds = 2, 2
    args.rates = [float(share) for share in args.rates.split(",") if share.strip()]
    if not all(0 < share < 1 for share in args.rates):
        parser.error("--rates: shares of nginx static's rate, each between 0 and 1")
    args.rate_seconds = args.rate_seconds or args.round_seconds
    args.pages = [part.strip() for part in args.pages.split(",") if part.strip()]
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            raise SystemExit(
                f"{tool} is missing: apt-get install -y {tool if tool == 'wrk' else 'nginx-light'}"
            )
    sizes = [int(size) for size in args.sizes.split(",")]
    results: dict[str, Any] = {"machine": machine(), "cold": {}, ROUND_TRIP: {}}
    folders = {size: dataset(size, args.database_url) for size in sizes}
    for size, folder in folders.items():
        if args.hot_only:
            break
        print(f"cold renders, {size} posts", file=sys.stderr)
        results["cold"][size], results[ROUND_TRIP][size] = cold_renders(folder, args.repeat)
    print(f"hot pages, {sizes[-1]} posts", file=sys.stderr)
    results["hot"] = hot_pages(folders[sizes[-1]], args)
    results["load after"] = str(Path("/proc/loadavg").read_text().split(" ", 3)[:3])
    text = report(results, args)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    VAR.mkdir(exist_ok=True)
    (VAR / f"speed-{stamp}.md").write_text(text)
    (VAR / f"speed-{stamp}.json").write_text(json.dumps(results, indent=2))
    print(text)


if __name__ == "__main__":
    main()
