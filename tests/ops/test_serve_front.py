"""`broadsheet serve --front nginx`, as `make run` starts it where nginx is installed: nginx on
the public port answering hot pages from the page files, granian behind it, and nothing left
running when serve stops, however it stops.

Real processes throughout (the production settings, granian, nginx, the task worker); the
install is `broadsheet setup`'s demo blog, as `make run` makes it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests
from django.core.management.base import CommandError, OutputWrapper

from broadsheet.ops import front as fronts
from broadsheet.ops.management.commands import serve
from tests.faults.server import free_port
from tests.ops.test_serve_end_to_end import Install, alive, command_line, descendants, wait_for
from tests.ops.test_serve_end_to_end import install as install  # the module's own set-up

SCHEDULE = """
import django, sys
django.setup()
from django.utils import timezone
from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
blog = Blog.objects.get(slug="demo")
due = timezone.now() + timezone.timedelta(seconds=float(sys.argv[1]))
save_post(Post(blog=blog, author=blog.posts.first().author, title="Timed for the minute",
    source="Written ahead of time.", status=Post.Status.PUBLISHED, published_at=due))
"""
PUBLISH = """
import django
django.setup()
from django.utils import timezone
from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
blog = Blog.objects.get(slug="demo")
save_post(Post(blog=blog, author=blog.posts.first().author, title="Written in another terminal",
    source="A post from a second process.", status=Post.Status.PUBLISHED,
    published_at=timezone.now()))
"""


NGINX_ETAG = re.compile(r'(W/)?"[0-9a-f]+-[0-9a-f]+"')


def from_file(answer: requests.Response) -> bool:
    """nginx answered from a page file: its ETag is the file's time and size ("5f3a-9c1e",
    weak once gzipped), where the app's is a hash of the body."""
    return NGINX_ETAG.fullmatch(answer.headers.get("ETag", "")) is not None


def file_answer(url: str) -> requests.Response | None:
    answer = requests.get(url, timeout=10)
    return answer if from_file(answer) else None


def start(install: Install, port: int, *extra: str) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "broadsheet", "serve", "--port", str(port), "--workers", "1"]
    log = (install.data / f"serve-{port}.log").open("w")
    return subprocess.Popen(
        [*argv, *extra], env=install.env, stdout=log, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip


def nginx_pids(pid: int) -> list[int]:
    return [each for each in descendants(pid) if "nginx" in command_line(each)]


@pytest.fixture
def fronted(install: Install) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    process = start(install, port, "--front", "nginx")
    url = f"http://127.0.0.1:{port}"
    seen: set[int] = set()
    try:
        wait_for("nginx answers", lambda: requests.get(url + "/", timeout=2).ok)
        seen.update(descendants(process.pid))
        yield process, url
    finally:
        seen.update(descendants(process.pid))
        for pid in seen | {process.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_hot_pages_come_from_files_and_a_write_elsewhere_reaches_the_next_reader(
    install: Install, fronted: tuple[subprocess.Popen[str], str]
) -> None:
    process, url = fronted
    assert nginx_pids(process.pid), "serve started no nginx"
    # The app's answer writes the file; the worker's first jobs may move the version again.
    hot = wait_for("a page from its file", lambda: file_answer(url + "/"))
    assert hot.ok and "Powered by Broadsheet" in hot.text
    assert "frame-src" in hot.headers["Content-Security-Policy"]  # the app's own policy
    done = install.run("shell", "-c", PUBLISH)
    assert done.returncode == 0, done.stderr[-3000:]
    after = requests.get(url + "/", timeout=10)
    assert "Written in another terminal" in after.text  # the very next reader
    again = wait_for("the new page from its file", lambda: file_answer(url + "/"))
    assert "Written in another terminal" in again.text


def test_a_scheduled_post_is_on_the_files_nginx_serves_when_it_comes_due(
    install: Install, fronted: tuple[subprocess.Popen[str], str]
) -> None:
    _, url = fronted
    argv = [sys.executable, "-c", SCHEDULE, "4"]
    done = subprocess.run(argv, env=install.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    due = time.monotonic() + 4
    early = wait_for("a page from its file", lambda: file_answer(url + "/"))
    assert "Timed for the minute" not in early.text
    time.sleep(max(0.0, due - time.monotonic()) + 1.5)  # serve looks once a second
    on_time = requests.get(url + "/", timeout=10)
    assert "Timed for the minute" in on_time.text


def test_stopping_serve_stops_nginx_and_frees_the_port(
    fronted: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = fronted
    fronts = nginx_pids(process.pid)
    assert fronts
    os.kill(process.pid, signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert not [pid for pid in fronts if alive(pid)]
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/", timeout=2)


def test_a_killed_serve_takes_nginx_with_it(fronted: tuple[subprocess.Popen[str], str]) -> None:
    process, _ = fronted
    fronts = nginx_pids(process.pid)
    os.kill(process.pid, signal.SIGKILL)  # no chance to stop its children itself
    process.wait(timeout=10)
    deadline = time.monotonic() + 15
    while [pid for pid in fronts if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in fronts if alive(pid)]


def test_auto_without_nginx_says_so_and_serves_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fronts, "binary", lambda: None)
    command, said = serve.Command(), io.StringIO()
    command.stderr = OutputWrapper(said)
    assert command._nginx(False, "127.0.0.1", 8000) is None
    assert "nginx is not installed" in said.getvalue()
    assert "serving with granian alone" in said.getvalue()
    with pytest.raises(CommandError, match="--front nginx: nginx is not installed"):
        command._nginx(True, "127.0.0.1", 8000)
