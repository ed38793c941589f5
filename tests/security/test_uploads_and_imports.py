"""Hostile files through the studio's image upload and the importers: refused with a reason a
person can act on, nothing stored (no Media rows, no files, no posts), and no network touched.

Uploads: the corpora's SVGs (script-carrying and SSRF ones), HTML and SVG disguised as images,
GIF/JPEG polyglots with HTML or script after the header, and a decompression bomb (a tiny PNG
that declares 100,000 by 100,000 pixels). Imports: every XML file of the corpora (entity
bombs, external entities, DTDs) through both importers.
"""

from __future__ import annotations

import io
import socket
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from broadsheet.blogs.models import Blog
from broadsheet.media.models import UploadedImage
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.errors import ImportFileError
from broadsheet.posts.models import Post
from tests.security.browser import browser
from tests.security.cast import Cast, build_cast
from tests.security.corpus import corpora

pytestmark = pytest.mark.django_db

CORPORA = corpora()


def png(width: int, height: int) -> bytes:
    """A valid PNG header (IHDR) declaring any size, with one tiny compressed row of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="GIF")
    return buffer.getvalue()


HTML = b"<html><body><script>alert(document.domain)</script></body></html>"
HOSTILE = {
    **{path.name: path.read_bytes() for path in sorted(CORPORA.glob("xss/svg/*.svg"))},
    **{path.name: path.read_bytes() for path in sorted(CORPORA.glob("ssrf/*.svg"))},
    "page.html as .png": HTML,
    "svg as .jpg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "svg after a BOM and spaces": b"\xef\xbb\xbf \n<svg onload=alert(1)>",
    "gif header then html": b"GIF89a" + HTML,
    "jpeg header then html": b"\xff\xd8\xff\xe0" + HTML,
    "png header then html": b"\x89PNG\r\n\x1a\n" + HTML,
    "html then a gif": HTML + gif(),
    "decompression bomb": png(100_000, 100_000),
    "empty": b"",
}


@pytest.fixture
def cast(django_db_blocker: Any) -> Iterator[Cast]:
    yield build_cast()


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to resolve or connect (an SVG's xlink, an external entity) fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network access attempted: {args[:2]}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_uploads_are_refused_and_nothing_is_stored(cast: Cast, name: str) -> None:
    client = browser()  # multipart with its CSRF token, as the editor's upload sends it
    client.force_login(cast.users["contributor"])
    before = stored_files()
    upload = SimpleUploadedFile("picture.png", HOSTILE[name], content_type="image/png")
    response = client.post(
        f"/studio/{cast.blog.slug}/images/",
        {"image": upload, "alt": "x"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400, (name, response.status_code)
    errors = response.json()["errors"]
    assert errors and all(len(error) > 20 for error in errors), errors  # a reason, in words
    assert UploadedImage.objects.count() == 0
    assert stored_files() == before


def test_a_real_image_still_uploads(cast: Cast) -> None:
    """The control: the same request with an honest image is taken."""
    client = browser()  # multipart with its CSRF token, as the editor's upload sends it
    client.force_login(cast.users["contributor"])
    upload = SimpleUploadedFile("red.gif", gif(), content_type="image/gif")
    response = client.post(
        f"/studio/{cast.blog.slug}/images/", {"image": upload}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200, response.content
    assert UploadedImage.objects.count() == 1


XML_FILES = sorted(path for path in (CORPORA / "xml").rglob("*.xml"))
LINE_PAYLOADS = [
    line
    for path in sorted((CORPORA / "xml").rglob("*.txt"))
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
    if line.strip().startswith("<")
]


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("importer", [import_blogger, import_wordpress], ids=lambda f: f.__name__)
def test_hostile_xml_is_refused_by_the_importers(cast: Cast, importer: Any, tmp_path: Path) -> None:
    blog = Blog.objects.create(slug="imports", title="Imports")
    files = [(path.name, path.read_bytes()) for path in XML_FILES]
    files += [(f"line {n}", line.encode()) for n, line in enumerate(LINE_PAYLOADS)]
    accepted = []
    for name, content in files:
        target = tmp_path / "export.xml"
        target.write_bytes(content)
        try:
            importer(blog, target)
        except ImportFileError as error:
            assert str(error), name
        else:
            accepted.append(name)
        assert Post.objects.filter(blog=blog).count() == 0, name
    # Only the benign controls of the corpus parse at all, and they hold no posts.
    assert set(accepted) <= {"simple.xml", "simple-ns.xml"}, accepted
