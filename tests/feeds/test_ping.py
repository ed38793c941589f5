"""`feeds.ping.ping_hub`: a WebSub publish ping, tested against a small hub on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from broadsheet.blogs.models import Blog
from broadsheet.feeds import ping
from tests.feeds.conftest import ORIGIN
from tests.studio.conftest import editor_data, url
from tests.worker.conftest import DATABASE_TASKS, own_signal_handlers  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

TOPICS = [
    f"{ORIGIN}/feeds/posts/default",
    f"{ORIGIN}/feeds/posts/default?alt=rss",
    f"{ORIGIN}/feed.json",
]


@dataclass
class Hub:
    url: str
    status: int = 204
    received: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)


@pytest.fixture
def hub() -> Iterator[Hub]:
    """An HTTP server on a free loopback port that records what is POSTed to it."""
    state = Hub(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            form = parse_qs(self.rfile.read(length).decode())
            state.received.append((self.headers["Content-Type"], form))
            self.send_response(state.status)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def test_ping_tells_the_hub_about_each_posts_feed(blog: Blog, hub: Hub) -> None:
    with override_settings(WEBSUB_HUB=hub.url):
        assert ping.ping_hub(blog.pk) == TOPICS
    assert hub.received == [
        ("application/x-www-form-urlencoded", {"hub.mode": ["publish"], "hub.url": [topic]})
        for topic in TOPICS
    ]


def test_no_hub_configured_sends_nothing(blog: Blog, hub: Hub) -> None:
    with override_settings(WEBSUB_HUB=""):
        assert ping.ping_hub(blog.pk) == []
    assert hub.received == []


def test_private_blog_and_missing_blog_are_not_announced(blog: Blog, hub: Hub) -> None:
    blog.is_private = True
    blog.save()
    with override_settings(WEBSUB_HUB=hub.url):
        assert ping.ping_hub(blog.pk) == []
        assert ping.ping_hub(blog.pk + 1000) == []
    assert hub.received == []


def test_a_failing_hub_is_logged_not_raised(
    blog: Blog, hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    hub.status = 500
    with override_settings(WEBSUB_HUB=hub.url):
        assert ping.ping_hub(blog.pk) == []
    assert len(hub.received) == 3
    assert "did not take" in caplog.text


def test_an_unreachable_hub_is_logged_not_raised(blog: Blog) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with override_settings(WEBSUB_HUB=f"http://127.0.0.1:{port}/"):
        assert ping.ping_hub(blog.pk) == []


def test_a_hub_that_never_answers_times_out(blog: Blog, monkeypatch: pytest.MonkeyPatch) -> None:
    # A socket that listens but never accepts: connections queue, and no answer ever comes.
    monkeypatch.setattr(ping, "TIMEOUT", 0.2)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        with override_settings(WEBSUB_HUB=f"http://127.0.0.1:{port}/"):
            assert ping.ping_hub(blog.pk) == []


@pytest.mark.django_db(transaction=True)
def test_publishing_in_the_studio_pings_the_hub(blog: Blog, hub: Hub) -> None:
    from django.contrib.auth.models import User

    from broadsheet.blogs.models import Membership
    from broadsheet.posts.actions import Content, Intent, write_post

    user = User.objects.create_user("writer")
    member = Membership.objects.create(blog=blog, user=user, role=Membership.Role.AUTHOR)
    with override_settings(WEBSUB_HUB=hub.url):
        write_post(member, None, Content("Draft only", "Not yet."), Intent.DRAFT)
        assert hub.received == []
        write_post(member, None, Content("Out now", "Hello, hub."), Intent.PUBLISH)
    assert sorted(form["hub.url"][0] for _, form in hub.received) == sorted(TOPICS)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("own_signal_handlers")
def test_a_publish_queues_the_ping_and_never_waits_on_the_hub(
    hub: Hub, author: Any, signed_in: Any, settings: Any
) -> None:
    """The studio's publish answers without contacting the hub (one that never answers would
    hold it for its time-out); the task worker pings it afterwards."""
    settings.TASKS = DATABASE_TASKS
    settings.WEBSUB_HUB = hub.url
    response = signed_in(author).post(url("post-new", "notes"), editor_data(intent="publish"))
    assert response.status_code == 302
    assert hub.received == []
    # The publish queues other apps' work too (federation's announcement): the ping is one.
    queued = DBTaskResult.objects.get(task_path__startswith="broadsheet.feeds.")
    assert queued.task_path == "broadsheet.feeds.tasks.ping_hub"
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0")
    assert [form["hub.url"][0] for _type, form in hub.received] == TOPICS
