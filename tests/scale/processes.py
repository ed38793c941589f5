"""Real processes for the scale tests: a `broadsheet` set-up and third-process scripts, plain
HTTP with chosen headers, free ports, start and stop of whole process groups."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
STARTUP_SECONDS = 30

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
# What a browser sends when a person follows a link to the page (docs/stats.md).
# What Chromium says it accepts: nginx sends a page file's gzipped copy (core.pagecache.mirror).
BROWSER_ENCODINGS = {"Accept_Encoding": "gzip, deflate, br, zstd"}
READER = {
    "User_Agent": CHROME,
    "Accept_Language": "en-GB,en;q=0.8",
    "Sec_Fetch_Dest": "document",
    **BROWSER_ENCODINGS,
}
SETUP = """
import json, time, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
from django.contrib.auth.models import User
from broadsheet.blogs.models import Blog
from broadsheet.comments.defences import issue_token
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
from django.utils import timezone
blog = Blog.objects.create(slug="scale", title="Two Machines", is_default=True)
author = User.objects.create_user("scale")
post = save_post(Post(blog=blog, author=author, title="Leeks", source="Leeks in rows.",
    status=Post.Status.PUBLISHED, published_at=timezone.now() - timezone.timedelta(hours=1)),
    labels=["Seed saving", "Küche"])
# Aged like a form a person took a minute to fill, so the comment defences let it through.
print(json.dumps({"post": post.pk, "permalink": post.permalink,
    "token": issue_token(post.pk, now=time.time() - 60)}))
"""

PUBLISH = """
import django
django.setup()
from django.contrib.auth.models import User
from django.utils import timezone
from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
save_post(Post(blog=Blog.objects.get(), author=User.objects.get(), title="Published elsewhere",
    source="Written by a third process.", status=Post.Status.PUBLISHED,
    published_at=timezone.now()))
"""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    text: str


def fetch(
    port: int, path: str, body: dict[str, str] | None = None, method: str = "", **headers: str
) -> Answer:
    """One request on a new connection: a POST of `body` if given, else `method` or GET."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    data = urllib.parse.urlencode(body).encode() if body is not None else None
    sent = {"Host": "localhost", **{k.replace("_", "-"): v for k, v in headers.items()}}
    if data is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method or ("POST" if data is not None else "GET"), path, data, sent)
    response = connection.getresponse()
    names = {name.lower(): value for name, value in response.getheaders()}
    body = response.read()
    if body and names.get("content-encoding") == "gzip":  # as a browser reads it
        body = gzip.decompress(body)
    answer = Answer(response.status, names, body.decode())
    connection.close()
    return answer


def wait_for(port: int, started: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if started.poll() is not None:
            pytest.fail(f"exited with {started.returncode}:\n{log.read_text()[-3000:]}")
        try:
            fetch(port, "/robots.txt")
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"port {port} did not answer in {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


def start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # Its own session, so that stopping it stops the workers it forks too.
    with log.open("wb") as out:
        return subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def python(script: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=90
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def clean_env(folder: Path, database_url: str, **extra: str) -> dict[str, str]:
    """This process's environment without any Broadsheet, Django, Redis or database setting of
    the suite's own, then a fresh data folder, secret and database for the processes."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("BROADSHEET_", "DJANGO_", "REDIS_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings",
        BROADSHEET_DATA_DIR=str(folder / "data"),
        BROADSHEET_SECRET_KEY="scale-test-" + secrets.token_urlsafe(32),
        DATABASE_URL=database_url,
        **extra,
    )
    return env


def post_comment(port: int, facts: dict[str, object], text: str) -> Answer:
    """A reader's comment on the set-up's post, with the token and cookie the form gets."""
    post = facts["post"]
    token = fetch(port, f"/comments/token/{post}")
    csrf = json.loads(token.text)["csrf"]
    cookie = token.headers["set-cookie"].split(";", 1)[0]
    fields = {"name": "Reader", "body": text, "token": str(facts["token"])}
    fields["csrfmiddlewaretoken"] = csrf
    return fetch(port, f"/comments/post/{post}", fields, Cookie=cookie)


def nginx_main(folder: Path, http: str) -> Path:
    """nginx's whole configuration around `http` (the inside of its `http {}` block): one
    worker, its pid, log and temporary files in `folder`, as root where the tests run so."""
    temp = "".join(
        f"  {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\nevents {{ worker_connections 64; }}\n"
        f"http {{\n  access_log off;\n{temp}{http}}}\n"
    )
    return conf
