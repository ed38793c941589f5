"""Embed posters: fetched by a task after the save, from a fake provider on loopback, stored
as the blog's media and shown by the facade; a failed one leaves the facade without a picture.
"""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from broadsheet.blogs.models import Blog
from broadsheet.media.models import EmbedPoster
from broadsheet.posts.models import Post
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db
YT = "dQw4w9WgXcQ"
PROVIDER_HOSTS = ("i.ytimg.com", "vimeo.com", "i.vimeocdn.com", "www.dailymotion.com")


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (480, 360), (200, 40, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


class FakeProviders(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        host = self.headers.get("Host", "").rsplit(":", 1)[0]  # the fake speaks on its own port
        FakeProviders.requests.append(host + self.path)
        if host == "i.ytimg.com" and self.path == f"/vi/{YT}/hqdefault.jpg":
            return self.answer(200, "image/jpeg", jpeg())
        if host == "vimeo.com" and self.path.startswith("/api/oembed.json?url="):
            answer = {"type": "video", "thumbnail_url": "https://i.vimeocdn.com/video/1-d_640"}
            return self.answer(200, "application/json", json.dumps(answer).encode())
        if host == "i.vimeocdn.com":
            return self.answer(200, "image/jpeg", jpeg())
        self.answer(404, "text/plain", b"no such video")  # Dailymotion: the video is gone

    def answer(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def providers(settings: Any, tmp_path: Path) -> Iterator[list[str]]:
    FakeProviders.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeProviders)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    settings.TEST_IMAGE_HOSTS = {host: f"127.0.0.1:{port}" for host in PROVIDER_HOSTS}
    settings.MEDIA_ROOT = tmp_path / "media"
    yield FakeProviders.requests
    server.shutdown()
    server.server_close()


BODY = (
    f"Three films.\n\nhttps://youtu.be/{YT}\n\nhttps://vimeo.com/76979871\n\n"
    "https://www.dailymotion.com/video/x8abcd1\n"
)


def test_posters_are_fetched_after_the_save_and_shown_from_local_media(
    blog: Blog,
    make_post: MakePost,
    providers: list[str],
    client: Client,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(source=BODY, source_format="markdown")
    post.refresh_from_db()
    assert f"i.ytimg.com/vi/{YT}/hqdefault.jpg" in providers
    youtube = EmbedPoster.objects.get(blog=blog, key=f"youtube:{YT}")
    vimeo = EmbedPoster.objects.get(blog=blog, key="vimeo:76979871")
    assert youtube.image is not None and vimeo.image is not None
    assert youtube.image.blog == blog
    assert f'<img class="embed-poster" src="{youtube.image.src}" alt="">' in post.body_html
    assert f'src="{vimeo.image.src}"' in post.body_html
    page = client.get(post.permalink).content.decode()
    assert "ytimg" not in page and "vimeocdn" not in page and youtube.image.src in page


def test_a_failed_poster_leaves_the_facade_without_a_picture(
    blog: Blog,
    make_post: MakePost,
    providers: list[str],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(source=BODY, source_format="markdown")
    failed = EmbedPoster.objects.get(blog=blog, key="dailymotion:x8abcd1")
    assert failed.image is None and "404" in failed.failure
    post.refresh_from_db()
    figure = post.body_html.split('data-embed="dailymotion:x8abcd1"')[1].split("</figure>")[0]
    assert "<img" not in figure and "Play on Dailymotion" in figure


def test_each_poster_is_fetched_once_per_blog(
    blog: Blog,
    make_post: MakePost,
    providers: list[str],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    for title in ("One", "Two"):
        with django_capture_on_commit_callbacks(execute=True):
            make_post(title=title, source=BODY, source_format="markdown")
    assert providers.count(f"i.ytimg.com/vi/{YT}/hqdefault.jpg") == 1
    assert all('class="embed-poster"' in p.body_html for p in Post.objects.filter(blog=blog))
