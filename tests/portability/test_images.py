"""Imported images copied into the media store through the guarded fetcher.

A loopback server plays the old blog's image host. The fetcher allows 127.0.0.0/8 and nothing
else private, so the redirect to 10.0.0.1 is refused before any connection is made.
"""

from __future__ import annotations

import http.server
import importlib
import io
import threading
from collections.abc import Iterator
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from PIL import Image

from broadsheet.blogs.models import Blog
from broadsheet.core.fetch import Fetcher
from broadsheet.media.models import UploadedImage
from broadsheet.portability.actions import import_blogger
from broadsheet.portability.images import localise_images
from broadsheet.portability.models import ImportedImage
from broadsheet.posts.models import Post

pytestmark = pytest.mark.django_db


def png_bytes(width: int = 1200, height: int = 600) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


PAGES: dict[str, tuple[int, str, bytes, dict[str, str]]] = {
    "/real.png": (200, "image/png", png_bytes(), {}),
    "/small.png": (200, "image/png", png_bytes(400, 300), {}),
    "/fake.png": (200, "image/png", b"<!doctype html><html><body>Not found</body></html>", {}),
    "/logo.svg": (
        200,
        "image/svg+xml",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        {},
    ),
    "/moved.png": (302, "text/plain", b"", {"Location": "http://10.0.0.1/secret.png"}),
}


class ImageHost(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        ImageHost.requests.append(self.path)
        status, kind, body, headers = PAGES.get(self.path, (404, "text/plain", b"gone", {}))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def host() -> Iterator[str]:
    ImageHost.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ImageHost)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def fetcher() -> Fetcher:
    return Fetcher(allowed=(ip_network("127.0.0.0/8"),), max_bytes=settings.MAX_IMAGE_BYTES)


def backup(host: str) -> str:
    body = (
        f'<p><img src="{host}/real.png" alt="a"></p>'
        f'<p><img src="{host}/small.png" srcset="{host}/small.png 400w, {host}/real.png 1200w"></p>'
        f'<p><img src="{host}/fake.png"><img src="{host}/logo.svg"><img src="{host}/moved.png"></p>'
        '<p><img src="/already/local.png"></p>'
    )
    escaped = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>
  <id>tag:blogger.com,1999:blog-42</id>
  <title>Old Blog</title>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-101</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <title>Pictures</title>
    <content type='html'>{escaped}</content>
    <published>2023-05-02T10:00:00.000+02:00</published>
    <blogger:filename>/2023/05/pictures.html</blogger:filename>
  </entry>
</feed>
"""


def test_images_are_copied_checked_and_refused_ones_stay_linked(
    blog: Blog, host: str, fetcher: Fetcher, write_file: Any, media: Path
) -> None:
    import_blogger(blog, write_file(backup(host)))

    report = localise_images(blog, fetcher=fetcher)

    assert set(report.stored) == {f"{host}/real.png", f"{host}/small.png"}
    assert set(report.failed) == {f"{host}/fake.png", f"{host}/logo.svg", f"{host}/moved.png"}
    assert "not a JPEG, PNG, GIF or WebP" in report.failed[f"{host}/fake.png"]
    assert "SVG" in report.failed[f"{host}/logo.svg"]
    assert "refused, not fetched" in report.failed[f"{host}/moved.png"]
    assert "10.0.0.1" in report.failed[f"{host}/moved.png"]
    lines = "\n".join(report.lines())
    assert f"image failed: {host}/logo.svg" in lines and "2 brought home" in lines
    # The server was asked once for each address; nothing reached 10.0.0.1.
    assert sorted(ImageHost.requests) == sorted(
        ["/real.png", "/small.png", "/fake.png", "/logo.svg", "/moved.png"]
    )

    stored = UploadedImage.objects.filter(blog=blog)
    assert stored.count() == 2
    big = stored.get(original_name="real.png")
    assert [v["width"] for v in big.variants] == [480, 960, 1200]
    assert all((media / v["name"]).is_file() for v in big.variants)

    post = Post.objects.get(blog=blog)
    for url in ("real.png", "small.png"):
        assert f"{host}/{url}" not in post.source and f"{host}/{url}" not in post.body_html
    assert big.src in post.source and big.src in post.body_html
    for url in ("fake.png", "logo.svg", "moved.png"):
        assert f"{host}/{url}" in post.body_html
    assert "/already/local.png" in post.source


def test_reimport_reuses_the_copies_without_downloading_again(
    blog: Blog, host: str, fetcher: Fetcher, write_file: Any
) -> None:
    path = write_file(backup(host))
    import_blogger(blog, path)
    localise_images(blog, fetcher=fetcher)
    ImageHost.requests = []

    import_blogger(blog, path)  # puts the remote addresses back
    assert f"{host}/real.png" in Post.objects.get(blog=blog).source
    report = localise_images(blog, fetcher=fetcher)

    assert report.stored == {}
    assert set(report.reused) == {f"{host}/real.png", f"{host}/small.png"}
    assert UploadedImage.objects.filter(blog=blog).count() == 2
    assert ImportedImage.objects.filter(blog=blog).count() == 2
    assert f"{host}/real.png" not in Post.objects.get(blog=blog).source
    # Only the ones refused before are asked for again; the copied ones are not.
    assert "/real.png" not in ImageHost.requests and "/small.png" not in ImageHost.requests


def test_the_default_fetcher_refuses_loopback(blog: Blog, host: str, write_file: Any) -> None:
    import_blogger(blog, write_file(backup(host)))

    report = localise_images(blog)

    assert report.stored == {} and len(report.failed) == 5
    assert all("refused, not fetched" in why for why in report.failed.values())
    assert ImageHost.requests == []
    assert f"{host}/real.png" in Post.objects.get(blog=blog).source


def test_import_command_downloads_images_when_asked(
    blog: Blog, host: str, fetcher: Fetcher, write_file: Any, monkeypatch: Any
) -> None:
    command = importlib.import_module("broadsheet.portability.management.commands.import")
    monkeypatch.setattr(command, "image_fetcher", lambda: fetcher)
    out = io.StringIO()

    call_command(
        "import",
        "blogger",
        str(write_file(backup(host))),
        "--blog",
        "notes",
        "--download-images",
        stdout=out,
        stderr=io.StringIO(),
    )

    assert (
        "images: 2 brought home, 0 already here, 3 failed and left linked where they were"
        in out.getvalue()
    )
    assert f"image failed: {host}/moved.png (address refused, not fetched" in out.getvalue()
    assert f"{host}/real.png" not in Post.objects.get(blog=blog).source
