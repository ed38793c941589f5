"""A Broadsheet backup is untrusted input: a blog admin's restore reaches nothing outside the
blog. Each hostile archive here is a real backup of a real blog, tampered with afterwards."""

from __future__ import annotations

import io
import json
import stat
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import hypothesis
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from hypothesis import strategies as st

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments.models import Comment
from broadsheet.media.actions import store_image
from broadsheet.media.models import UploadedImage
from broadsheet.portability.archive import (
    _STRING,
    Budget,
    open_archive,
    open_member,
    parse_json,
    read_lines,
    read_manifest,
    read_member,
)
from broadsheet.portability.backup import export_backup
from broadsheet.portability.errors import ArchiveTooLargeError, ImportFileError, WrongFormatError
from broadsheet.portability.models import ImportedItem, Redirect
from broadsheet.portability.paths import is_local_path
from broadsheet.portability.restore import restore_backup
from broadsheet.posts.models import Page, Post
from tests.conftest import MakeComment, MakePost
from tests.portability.conftest import CORPORA
from tests.studio.images import png

pytestmark = pytest.mark.django_db

Archive = dict[str, Any]
Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def source(blog: Blog, author: User, make_post: MakePost, make_comment: MakeComment) -> Blog:
    """The blog the archive comes from: an uploaded image, a comment by an account, an old
    address, a custom domain, a member."""
    member = Membership.objects.get(user=author)
    image = store_image(member, io.BytesIO(png(1200, 600, "RGB")), "kale.png", alt="Kale")
    post = make_post("With a picture", source=f"Kale:\n\n{image.snippet()}")
    make_comment(post, "Nice", user=author, author_name="", notify_replies=True)
    Redirect.objects.create(blog=blog, old_path="/?p=12", post=post)
    Page.objects.create(blog=blog, title="About", slug="about", status=Page.Status.PUBLISHED)
    Blog.objects.filter(pk=blog.pk).update(custom_domain="notes.example")
    blog.refresh_from_db()
    return blog


@pytest.fixture
def target(db: Any) -> Blog:
    return Blog.objects.create(slug="target", title="Empty for now")


@pytest.fixture
def restorer(target: Blog) -> User:
    user = User.objects.create_user("grace", "grace@example.com", "pw")
    Membership.objects.create(blog=target, user=user, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def operator(db: Any) -> User:
    return User.objects.create_superuser("root", "root@example.com", "pw")


def archive_of(blog: Blog) -> Archive:
    out = io.BytesIO()
    export_backup(blog, out)
    with zipfile.ZipFile(out) as opened:
        found: Archive = {name: opened.read(name) for name in opened.namelist()}
    found["data.json"] = json.loads(found["data.json"])
    for name in ("posts.jsonl", "comments.jsonl", "redirects.jsonl"):
        found[name] = [json.loads(line) for line in found[name].splitlines()]
    return found


def zipped(archive: Archive, extra: list[tuple[zipfile.ZipInfo, bytes]] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as written:
        for name, value in archive.items():
            if isinstance(value, list):
                value = "".join(json.dumps(row) + "\n" for row in value).encode()
            elif isinstance(value, dict):
                value = json.dumps(value).encode()
            written.writestr(name, value)
        for info, data in extra or []:
            written.writestr(info, data)
    return out.getvalue()


def world(media: Path) -> dict[str, Any]:
    """Everything outside the target blog that a restore into it must leave alone."""
    users = User.objects.order_by("pk").values_list(
        "pk", "username", "email", "password", "is_staff", "is_superuser", "is_active"
    )
    return {
        "users": list(users),
        "memberships": set(Membership.objects.values_list("blog__slug", "user_id", "role")),
        "other blogs": list(Blog.objects.exclude(slug="target").order_by("pk").values()),
        "host": Blog.objects.filter(slug="target").values_list("custom_domain", "is_default")[0],
        "other media": set(media_files(media)) - set(target_files()),
        "others' posts": list(Post.objects.exclude(blog__slug="target").values()),
        "others' comments": list(Comment.objects.exclude(post__blog__slug="target").values()),
    }


def media_files(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def target_files() -> list[str]:
    images = UploadedImage.objects.filter(blog__slug="target")
    return sorted(variant["name"] for image in images for variant in image.variants)


def restore(archive: Archive | bytes, tmp_path: Path, admin: User | None) -> Any:
    path = tmp_path / "backup.zip"
    path.write_bytes(archive if isinstance(archive, bytes) else zipped(archive))
    return restore_backup("target", path, admin=admin)


def assert_nothing_kept(media: Path, before: dict[str, Any]) -> None:
    assert world(media) == before
    assert not Post.objects.filter(blog__slug="target").exists()
    assert not UploadedImage.objects.filter(blog__slug="target").exists()
    assert set(media_files(media)) == before["other media"]


# The genuine archive, restored by a blog's admin.


def test_a_backup_comes_back_as_names_owned_by_the_restoring_admin(
    source: Blog, restorer: User, media: Path, tmp_path: Path, client: Client
) -> None:
    before = world(media)

    report = restore(archive_of(source), tmp_path, restorer)

    assert world(media) == before
    post = Post.objects.get(blog__slug="target")
    assert (post.author, post.author_name, post.display_author) == (
        restorer,
        "Ada Byron",
        "Ada Byron",
    )
    assert Page.objects.get(blog__slug="target").author == restorer
    comment = Comment.objects.get(post=post)
    assert (comment.user, comment.author_name, comment.notify_replies) == (None, "Ada Byron", False)
    lines = "\n".join(report.lines())
    assert "skipped 1 people not linked to accounts" in lines
    assert "skipped 1 memberships not granted" in lines
    assert "skipped 1 reply subscriptions dropped" in lines
    assert "Not restored: custom_domain, is_default, which only the site's operator sets." in lines
    assert "old addresses redirecting: 1" in lines


def test_media_are_re_encoded_uploads_of_the_blog_and_the_post_shows_them(
    source: Blog, restorer: User, media: Path, tmp_path: Path, client: Client
) -> None:
    report = restore(archive_of(source), tmp_path, restorer)

    image = UploadedImage.objects.get(blog__slug="target")
    assert [v["width"] for v in image.variants] == [480, 960, 1200]
    assert image.uploaded_by == restorer and report.created["media files"] == 1
    post = Post.objects.get(blog__slug="target")
    for variant in image.variants:
        assert f"/media/{variant['name']}" in post.source
        assert f"/media/{variant['name']}" in post.body_html
    old_names = archive_of(source)["data.json"]["media"]
    assert not any(name in post.source for name in old_names)
    assert client.get(f"/media/{image.variants[0]['name']}").status_code == 200


# People: no account is linked, made or given a place on the blog.


def test_people_named_after_existing_accounts_are_not_linked_or_given_roles(
    source: Blog, restorer: User, operator: User, media: Path, tmp_path: Path
) -> None:
    archive = archive_of(source)
    ada = archive["data.json"]["users"][0]
    ada.update(username="root", email="root@example.com", id=operator.pk)
    archive["data.json"]["users"].append(
        {"id": 2, "username": "mallory", "email": "m@example.com", "first_name": "",
         "last_name": "", "is_active": True}
    )  # fmt: skip
    archive["data.json"]["memberships"] = [
        {"user": ada["id"], "role": "admin", "created_at": "2024-01-01T00:00:00+00:00"},
        {"user": 2, "role": "admin", "created_at": "2024-01-01T00:00:00+00:00"},
        {"user": 1, "role": "contributor", "created_at": "2024-01-01T00:00:00+00:00"},
    ]
    for row in archive["posts.jsonl"]:
        row["author"] = ada["id"]
    for row in archive["comments.jsonl"]:
        row["user"] = 2
    before = world(media)

    report = restore(archive, tmp_path, restorer)

    assert world(media) == before  # no account made, no membership or role changed
    assert Membership.objects.get(blog__slug="target", user=restorer).role == "admin"
    assert not Post.objects.filter(author=operator).exists()
    assert not Comment.objects.filter(user__isnull=False, post__blog__slug="target").exists()
    assert Comment.objects.get(post__blog__slug="target").author_name == "mallory"
    assert report.skipped["memberships not granted (a restore makes no one a member)"] == 3


def test_from_the_command_line_without_site_no_account_is_made(
    source: Blog, media: Path, tmp_path: Path
) -> None:
    path = tmp_path / "backup.zip"
    path.write_bytes(zipped(archive_of(source)))
    before = User.objects.count()

    call_command("import", "broadsheet", str(path), "--blog", "fresh", stdout=io.StringIO())

    fresh = Blog.objects.get(slug="fresh")
    assert User.objects.count() == before
    assert not Membership.objects.filter(blog=fresh).exists()
    assert (fresh.custom_domain, fresh.is_default) == (None, False)
    assert Post.objects.get(blog=fresh).author is None


def test_the_operators_site_restore_brings_accounts_and_memberships_back(
    source: Blog, media: Path, tmp_path: Path
) -> None:
    path = tmp_path / "backup.zip"
    path.write_bytes(zipped(archive_of(source)))
    Blog.objects.all().delete()
    User.objects.all().delete()

    out = io.StringIO()
    call_command("import", "broadsheet", str(path), "--blog", "notes", "--site", stdout=out)

    restored = Blog.objects.get(slug="notes")
    ada = User.objects.get(username="ada")
    assert Membership.objects.get(blog=restored, user=ada).role == Membership.Role.AUTHOR
    assert (restored.custom_domain, restored.is_default) == ("notes.example", True)
    assert Post.objects.get(blog=restored).author == ada


def test_the_studio_offers_no_site_restore(
    source: Blog,
    target: Blog,
    restorer: User,
    media: Path,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    archive = archive_of(source)
    archive["data.json"]["blog"].update(is_default=True, custom_domain="target.example")
    before = world(media)
    client = Client()
    client.force_login(restorer)
    upload = io.BytesIO(zipped(archive))
    upload.name = "backup.zip"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/studio/{target.slug}/import/", {"format": "broadsheet", "file": upload, "site": "on"}
        )

    assert response.status_code == 302
    assert world(media) == before
    assert Post.objects.filter(blog=target, author=restorer).count() == 1


# The blog: only what its admin sets in the studio.


def test_the_operators_blog_fields_are_not_restored(
    source: Blog, target: Blog, restorer: User, media: Path, tmp_path: Path
) -> None:
    archive = archive_of(source)
    archive["data.json"]["blog"].update(
        slug="notes", custom_domain="bank.example", is_default=True, content_version=10**9,
        sidebar_version=10**9, title="Restored title", is_private=True,
    )  # fmt: skip
    before = world(media)

    report = restore(archive, tmp_path, restorer)

    target.refresh_from_db()
    assert world(media) == before
    assert (target.slug, target.custom_domain, target.is_default) == ("target", None, False)
    assert (target.title, target.is_private) == ("Restored title", True)
    assert target.content_version < 1000
    assert any("custom_domain, is_default" in line for line in report.lines())


@pytest.mark.parametrize(
    ("field", "value"),
    [("time_zone", "Mars/Olympus"), ("posts_per_page", 0), ("feed_content", "<script>")],
)
def test_blog_settings_the_studio_would_refuse_refuse_the_restore(
    source: Blog, restorer: User, media: Path, tmp_path: Path, field: str, value: object
) -> None:
    archive = archive_of(source)
    archive["data.json"]["blog"][field] = value
    before = world(media)

    with pytest.raises(WrongFormatError, match=field):
        restore(archive, tmp_path, restorer)

    assert_nothing_kept(media, before)


# Addresses: paths on the blog's own host, by one rule.


def corpus_paths() -> list[str]:
    found = []
    for file in sorted((CORPORA / "open_redirect").glob("*.txt")):
        found += [line.strip() for line in file.read_text().splitlines() if line.strip()]
    return found


def test_no_open_redirect_payload_passes_as_a_local_path() -> None:
    paths = corpus_paths()
    assert len(paths) > 300
    for path in paths:
        if is_local_path(path):
            assert urlsplit(urljoin("https://notes.example/", path)).netloc == "notes.example"


HOSTILE_PATHS = [
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "/%5c%5cevil.example",
    "/%2f%2fevil.example",
    "/a/../../etc/passwd",
    "/a\r\nSet-Cookie: x=1",
    "/a\u202eexe.html",
    "evil.example/2024/10/x.html",
]


def test_redirects_that_leave_the_blog_are_refused_and_reported(
    source: Blog, restorer: User, media: Path, tmp_path: Path, client: Client
) -> None:
    archive = archive_of(source)
    template = archive["redirects.jsonl"][0]
    archive["redirects.jsonl"] = [
        {**template, "old_path": f"/old/{n}", "post": None, "new_path": path}
        for n, path in enumerate(HOSTILE_PATHS)
    ] + [{**template, "old_path": path, "new_path": ""} for path in HOSTILE_PATHS[:4]]
    archive["redirects.jsonl"].append(
        {**template, "old_path": "/kept", "post": None, "new_path": "/p/about.html"}
    )

    report = restore(archive, tmp_path, restorer)

    assert list(
        Redirect.objects.filter(blog__slug="target").values_list("old_path", flat=True)
    ) == ["/kept"]
    refused = len(HOSTILE_PATHS) + 4
    assert report.skipped["old addresses refused (not a path on the blog's host)"] == refused
    assert "old address refused: '/old/0' (starts with //" in "\n".join(report.lines())


@pytest.mark.parametrize(
    "permalink",
    ["//evil.example/2024/10/x.html", "/2024/10/x\\y.html", "/2024/10/a\nb.html", "/notes.html"],
)
def test_a_post_address_off_the_blog_refuses_the_whole_restore(
    source: Blog, restorer: User, media: Path, tmp_path: Path, permalink: str
) -> None:
    archive = archive_of(source)
    archive["posts.jsonl"][0]["permalink"] = permalink
    before = world(media)

    with pytest.raises(WrongFormatError, match="Post 1 cannot be restored"):
        restore(archive, tmp_path, restorer)

    assert_nothing_kept(media, before)


def test_a_page_name_off_the_blog_refuses_the_whole_restore(
    source: Blog, restorer: User, media: Path, tmp_path: Path
) -> None:
    archive = archive_of(source)
    archive["data.json"]["pages"][0]["slug"] = "../../evil"
    before = world(media)

    with pytest.raises(WrongFormatError, match="Page 1 cannot be restored"):
        restore(archive, tmp_path, restorer)

    assert_nothing_kept(media, before)


def test_a_stored_redirect_off_the_host_is_never_followed(
    blog: Blog, make_post: MakePost, client: Client
) -> None:
    Redirect.objects.create(blog=blog, old_path="/gone", new_path="//evil.example/")
    Redirect.objects.create(blog=blog, old_path="/moved", new_path="/p/about.html")

    assert client.get("/gone").status_code == 404
    assert client.get("/moved")["Location"] == "/p/about.html"


# Media: re-encoded images, or refused; nothing else written.


def test_files_that_are_not_images_are_refused_and_reported(
    source: Blog, restorer: User, media: Path, tmp_path: Path
) -> None:
    archive = archive_of(source)
    archive["media/evil.html"] = b"<script>alert(1)</script>"
    archive["media/images/2024/10/logo.svg"] = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    archive["media/photo.png"] = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>"
    before = world(media)

    report = restore(archive, tmp_path, restorer)

    assert world(media) == before
    assert set(media_files(media)) == before["other media"] | set(target_files())
    assert UploadedImage.objects.filter(blog__slug="target").count() == 1
    assert report.skipped["media files refused (not images the studio accepts)"] == 3
    lines = "\n".join(report.lines())
    assert "media file refused: evil.html (This file is not a JPEG, PNG, GIF or WebP" in lines
    assert "media file refused: images/2024/10/logo.svg (SVG images are not accepted" in lines


def member(name: str, kind: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (kind | 0o644) << 16
    return info


@pytest.mark.parametrize(
    ("info", "says"),
    [
        (member("media/link.png", stat.S_IFLNK), "not a plain file"),
        (member("media/tty.png", stat.S_IFCHR), "not a plain file"),
        (member("media/fifo.png", stat.S_IFIFO), "not a plain file"),
        (member("/etc/cron.d/x", stat.S_IFREG), "which no backup has"),
        (member("media/../../settings.py", stat.S_IFREG), "which no backup has"),
        (member("media/a\\..\\..\\x.png", stat.S_IFREG), "which no backup has"),
        (member("media/a\x1b[2J.png", stat.S_IFREG), "which no backup has"),
        (member("posts.jsonl", stat.S_IFREG), "two members with the same name"),
    ],
)
def test_members_no_backup_has_refuse_the_archive(
    source: Blog, restorer: User, media: Path, tmp_path: Path, info: zipfile.ZipInfo, says: str
) -> None:
    before = world(media)

    with pytest.warns(UserWarning) if info.filename == "posts.jsonl" else nullcontext():
        data = zipped(archive_of(source), [(info, b"/etc/passwd")])
    with pytest.raises(WrongFormatError, match=says):
        restore(data, tmp_path, restorer)

    assert_nothing_kept(media, before)


# Limits: declared and actual, with nothing kept.


def test_more_files_than_the_site_restores_is_refused(
    source: Blog, restorer: User, media: Path, tmp_path: Path, settings: Any
) -> None:
    settings.RESTORE_MAX_FILES = 10
    archive = archive_of(source)
    for n in range(10):
        archive[f"media/{n}.png"] = png(8, 8)
    before = world(media)

    with pytest.raises(ArchiveTooLargeError, match="BROADSHEET_RESTORE_MAX_FILES"):
        restore(archive, tmp_path, restorer)

    assert_nothing_kept(media, before)


def directory_bomb(backup: bytes, records: int) -> bytes:
    """The backup with `records` more one-letter records in its central directory, while
    its end record still declares the backup's own count."""
    with zipfile.ZipFile(io.BytesIO(backup)) as archive:
        count = len(archive.infolist())
    end = backup.rindex(b"PK\x05\x06")
    size, offset = struct.unpack("<LL", backup[end + 12 : end + 20])
    record = struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, *[0] * 7, 1, *[0] * 6)
    padding = (record + b"a") * records
    tail = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size + len(padding), offset, 0
    )
    return backup[:end] + padding + tail


def test_a_directory_of_many_tiny_records_is_refused_before_it_is_read(
    source: Blog, restorer: User, media: Path, tmp_path: Path
) -> None:
    # 200,000 records the end record does not declare: 9 MB that zipfile made into about
    # 90 MB of objects before the count could be checked. Refused as they are counted.
    data = directory_bomb(zipped(archive_of(source)), 200_000)
    before = world(media)

    tracemalloc.start()
    try:
        with pytest.raises(ArchiveTooLargeError, match="BROADSHEET_RESTORE_MAX_FILES"):
            restore(data, tmp_path, restorer)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 16 << 20
    assert_nothing_kept(media, before)


def test_more_bytes_than_the_site_restores_is_refused(
    source: Blog, restorer: User, media: Path, tmp_path: Path, settings: Any
) -> None:
    settings.RESTORE_MAX_BYTES = 1 << 20
    archive = archive_of(source)
    archive["media/zeros.png"] = bytes(2 << 20)  # compresses to a few kilobytes
    before = world(media)

    with pytest.raises(ArchiveTooLargeError, match="BROADSHEET_RESTORE_MAX_BYTES"):
        restore(archive, tmp_path, restorer)

    assert_nothing_kept(media, before)


def lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """Make the central directory claim `declared` bytes for `name`, as a ZIP bomb does."""
    raw = bytearray(data)
    entry = raw.find(b"PK\x01\x02")
    while entry != -1:
        length = int.from_bytes(raw[entry + 28 : entry + 30], "little")
        if raw[entry + 46 : entry + 46 + length].decode() == name:
            raw[entry + 24 : entry + 28] = declared.to_bytes(4, "little")
        entry = raw.find(b"PK\x01\x02", entry + 46)
    return bytes(raw)


def test_a_zip_bomb_that_lies_about_its_size_keeps_nothing(
    source: Blog, restorer: User, media: Path, tmp_path: Path, settings: Any
) -> None:
    settings.RESTORE_MAX_BYTES = 8 << 20
    archive = archive_of(source)
    archive["media/bomb.png"] = png(8, 8) + bytes(64 << 20)
    data = lie_about_size(zipped(archive), "media/bomb.png", 1000)
    before = world(media)

    # The decompressor stops at the declared size, where the checksum no longer matches.
    with pytest.raises(WrongFormatError, match=r"damaged.*CRC"):
        restore(data, tmp_path, restorer)

    assert_nothing_kept(media, before)


# JSON that costs more than its size: memory grows with the number of values (24 MB of
# `{},` is 660 MB of objects) and parsing recurses with the nesting, whatever the byte limits
# allow. Every JSON member, each shape; the limits are lowered so the shapes stay small.
JSON_MEMBERS = ["data.json", "posts.jsonl", "comments.jsonl", "redirects.jsonl", "imported.jsonl"]


def hostile_json(shape: str) -> bytes:
    if shape == "deep arrays":
        return b"[" * 100_000 + b"]" * 100_000
    if shape == "deep objects":
        return b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    if shape == "many containers":
        return b'{"format":[' + b",".join([b"{}"] * 3000) + b"]}"
    if shape == "many values":
        return b'{"x":[' + b",".join([b"0"] * 3000) + b"]}"
    assert shape == "long line"
    return b'{"x":"' + b"a" * 3000 + b'"}'


@pytest.mark.parametrize("member", JSON_MEMBERS)
@pytest.mark.parametrize(
    "shape", ["deep arrays", "deep objects", "many containers", "many values", "long line"]
)
def test_json_shaped_to_cost_more_than_its_size_is_refused(
    source: Blog,
    restorer: User,
    media: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    member: str,
    shape: str,
) -> None:
    monkeypatch.setattr("broadsheet.portability.archive.MAX_MANIFEST_VALUES", 2000, raising=False)
    monkeypatch.setattr("broadsheet.portability.archive.MAX_ROW_VALUES", 2000, raising=False)
    monkeypatch.setattr("broadsheet.portability.archive.MAX_ROW", 2000, raising=False)
    archive = archive_of(source)
    archive["media/extra.png"] = png(8, 8)  # an image stored before the bad row is read
    text = zipped(archive)
    if shape == "long line" and member == "data.json":
        pytest.skip("the manifest is one document, held to MAX_MANIFEST")
    hostile = hostile_json(shape)
    data = _replaced(text, member, hostile if member == "data.json" else hostile + b"\n")
    before = world(media)

    with pytest.raises(WrongFormatError, match="refused"):
        restore(data, tmp_path, restorer)

    assert_nothing_kept(media, before)


@pytest.mark.parametrize("text", ['"' + '\\"' * 100_000, '"' + "a" * 1000 + "\\"])
def test_an_unclosed_string_is_one_match_to_the_end(text: str) -> None:
    # Were the string's match to fail, the search would start again at every quote inside
    # it: seconds for 20 KB of escaped quotes, hours for a manifest. One match to the end
    # keeps the count linear (held by its shape here; time is measured in bench/, not tests).
    found = _STRING.match(text)
    assert found is not None and found.end() == len(text)
    with pytest.raises(ValueError, match="Unterminated string"):
        parse_json(text, "The text", 10)


def test_a_real_backup_is_within_the_json_limits(
    source: Blog, restorer: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("broadsheet.portability.archive.MAX_MANIFEST_VALUES", 2000, raising=False)
    monkeypatch.setattr("broadsheet.portability.archive.MAX_ROW_VALUES", 2000, raising=False)
    monkeypatch.setattr("broadsheet.portability.archive.MAX_ROW", 2000, raising=False)
    restore(archive_of(source), tmp_path, restorer)  # brackets inside strings do not count
    assert Post.objects.filter(blog__slug="target").count() == 1


def _replaced(data: bytes, member: str, text: bytes) -> bytes:
    """The archive with `member` written as `text` (a JSON-lines member: its first line)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            body = old.read(info.filename)
            if info.filename == member:
                body = text + body if member.endswith(".jsonl") else text
            new.writestr(info.filename, body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_what_actually_decompresses_is_charged_to_the_budget(source: Blog) -> None:
    data = zipped(archive_of(source))
    budget = Budget(limit=10)

    with (
        zipfile.ZipFile(io.BytesIO(data)) as archive,
        open_member(archive, "posts.jsonl", budget) as stream,
        pytest.raises(ArchiveTooLargeError, match="more than 10 bytes"),
    ):
        stream.read()

    assert budget.spent > 10


def test_a_failure_after_the_images_removes_the_files_written(
    source: Blog, restorer: User, media: Path, tmp_path: Path
) -> None:
    archive = archive_of(source)
    archive["comments.jsonl"][0]["post"] = 4242  # damage found after the media were stored
    before = world(media)

    with pytest.raises(WrongFormatError, match="damaged"):
        restore(archive, tmp_path, restorer)

    assert_nothing_kept(media, before)


def test_a_post_or_page_past_the_size_bound_is_skipped_with_what_points_at_it(
    source: Blog,
    restorer: User,
    make_post: MakePost,
    make_comment: MakeComment,
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.MAX_POST_BYTES = 1000
    long = make_post("Long", source="x" * 1001)
    make_comment(long, "A reply", parent=make_comment(long, "First"))
    Redirect.objects.create(blog=source, old_path="/?p=13", post=long)
    # Where the long post came from: its import record goes with it, the kept post's stays.
    for post, number in ((long, "13"), (source.posts.get(title="With a picture"), "12")):
        ImportedItem.objects.create(
            blog=source, source="wordpress", external_id=number, kind="post", object_id=post.pk
        )
    Page.objects.create(blog=source, title="Long page", slug="long", source="é" * 501)
    Blog.objects.filter(pk=source.pk).update(featured_post=long)

    report = restore(archive_of(source), tmp_path, restorer)

    target = Blog.objects.get(slug="target")
    assert [post.title for post in target.posts.all()] == ["With a picture"]
    assert [page.title for page in target.pages.all()] == ["About"]
    assert Comment.objects.filter(post__blog=target).count() == 1
    assert target.featured_post is None and report.redirects == 1
    lines = "\n".join(report.lines())
    assert "skipped 2 posts and pages longer than BROADSHEET_MAX_POST_BYTES" in lines
    assert "skipped 2 comments on posts too long to import" in lines
    assert "skipped 2 old addresses and import records of posts and pages too long" in lines
    kept = ImportedItem.objects.get(blog=target)
    assert kept.external_id == "12" and kept.object_id == target.posts.get().pk


def test_a_body_is_measured_with_its_media_addresses_as_restored(
    source: Blog, restorer: User, tmp_path: Path, settings: Any
) -> None:
    # A hand-made backup names its files shortly; restored, they get the studio's long
    # names, and the post's body grows with them: measured as stored, it is past the bound.
    archive = archive_of(source)
    post = next(row for row in archive["posts.jsonl"] if "/media/" in row["source"])
    for number, old in enumerate(archive["data.json"]["media"]):
        short = f"i{number}.png"
        archive[f"media/{short}"] = archive.pop(f"media/{old}")
        post["source"] = post["source"].replace(f"/media/{old}", f"/media/{short}")
    archive["data.json"]["media"] = [f"i{n}.png" for n in range(len(archive["data.json"]["media"]))]
    settings.MAX_POST_BYTES = len(post["source"].encode())

    report = restore(archive, tmp_path, restorer)

    assert not Post.objects.filter(blog__slug="target", title=post["title"]).exists()
    assert "skipped 1 posts and pages longer than BROADSHEET_MAX_POST_BYTES" in report.lines()


# Damage in the ZIP layer itself: whatever the member and however it is compressed.

METHODS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


def repacked(data: bytes, method: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w", method) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info.filename))
    return out.getvalue()


def headers(data: bytes, name: str) -> list[int]:
    """Where the local and the central header of member `name` start."""
    found, encoded = [], name.encode()
    for signature, name_at in ((b"PK\x03\x04", 30), (b"PK\x01\x02", 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(encoded)] == encoded:
                found.append(at)
            at = data.find(signature, at + 4)
    return found


def patched(data: bytes, name: str, *, flags: int = 0, method: int | None = None) -> bytes:
    """The archive with member `name`'s headers claiming `flags` and `method`."""
    out = bytearray(data)
    for at in headers(data, name):
        central = out[at : at + 4] == b"PK\x01\x02"
        offset = at + (8 if central else 6)
        (old,) = struct.unpack("<H", out[offset : offset + 2])
        out[offset : offset + 2] = struct.pack("<H", old | flags)
        if method is not None:
            out[offset + 2 : offset + 4] = struct.pack("<H", method)
    return bytes(out)


def media_member(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return next(name for name in archive.namelist() if name.startswith("media/"))


@pytest.mark.parametrize("member", ["data.json", "posts.jsonl", "media"])
@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"flags": 0x1}, "is encrypted, and a backup never is"),
        ({"method": 9}, "compressed by a method a backup never uses"),  # Deflate64
        ({"method": 99}, "compressed by a method a backup never uses"),  # WinZip's AES
    ],
)
def test_a_member_a_backup_never_writes_is_refused_with_a_reason(
    source: Blog,
    restorer: User,
    media: Path,
    tmp_path: Path,
    member: str,
    change: dict[str, int],
    says: str,
) -> None:
    data = zipped(archive_of(source))
    name = media_member(data) if member == "media" else member
    before = world(media)

    with pytest.raises(WrongFormatError, match=says):
        restore(patched(data, name, **change), tmp_path, restorer)

    assert_nothing_kept(media, before)


@pytest.fixture
def backups(source: Blog) -> dict[int, bytes]:
    """The source's backup, repacked with every method zipfile unpacks."""
    data = zipped(archive_of(source))
    return {method: repacked(data, method) for method in METHODS}


def read_through(data: bytes) -> None:
    """Open the archive and read every member as a restore does. Only `ImportFileError` may
    come out, and a ValueError once the manifest is read: text that unpacked but is no JSON
    row, which the restore reports as damage."""
    archive = open_archive(io.BytesIO(data))
    budget = Budget(10 << 20)
    read_manifest(archive, budget)
    try:
        for lines in ("posts.jsonl", "comments.jsonl", "redirects.jsonl", "imported.jsonl"):
            list(read_lines(archive, lines, budget))
        for info in archive.infolist():
            if info.filename.startswith("media/"):
                read_member(archive, info.filename, budget, 10 << 20)
    except ValueError:
        pass


@hypothesis.settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
@hypothesis.given(
    method=st.sampled_from(METHODS),
    member=st.sampled_from(["data.json", "posts.jsonl", "comments.jsonl", "media", None]),
    where=st.floats(0, 1, exclude_max=True),
    length=st.integers(1, 64),
    garbage=st.binary(min_size=1, max_size=64),
)
def test_damage_anywhere_in_an_archive_is_reported_as_damage(
    backups: dict[int, bytes],
    method: int,
    member: str | None,
    where: float,
    length: int,
    garbage: bytes,
) -> None:
    # Bytes overwritten in a member's compressed data (the stream may no longer decompress,
    # end early, or unpack to text whose checksum is wrong) or anywhere at all (`None`: the
    # local headers and the directory too, which zipfile reads as names, flags, versions and
    # offsets). zipfile and each decompressor say so their own way (zlib.error, OSError,
    # LZMAError, EOFError, BadZipFile, NotImplementedError, RuntimeError, IndexError for a
    # name cut to nothing); the restore's caller gets a reason, never one of them.
    data = bytearray(backups[method])
    start, size = 0, len(data)
    if member is not None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(media_member(data) if member == "media" else member)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        size = info.compress_size
    at = start + int(where * size)
    end = min(at + length, start + size)
    data[at:end] = (garbage * length)[: end - at]
    with suppress(ImportFileError):
        read_through(bytes(data))


# Times: a restore keeps only those every zone can show (portability.times); more in
# test_import_times.py.

TIME_EDGES = [
    "0001-01-01T00:00:00+00:00",  # no local time west of UTC
    "0001-01-01T00:00:00+05:00",  # the year 0 in UTC
    "9999-12-31T23:59:59+00:00",  # no local time east of UTC
    "9999-12-31T23:59:59-05:00",  # the year 10000 in UTC
]


@pytest.mark.parametrize("stamp", TIME_EDGES)
@pytest.mark.parametrize(
    "where",
    [
        ("posts.jsonl", "published_at"),
        ("posts.jsonl", "updated_at"),
        ("comments.jsonl", "created_at"),
        ("redirects.jsonl", "created_at"),
        ("pages", "published_at"),
    ],
)
def test_a_backup_time_no_zone_can_show_refuses_the_restore(
    source: Blog,
    restorer: User,
    media: Path,
    tmp_path: Path,
    where: tuple[str, str],
    stamp: str,
) -> None:
    archive = archive_of(source)
    member, name = where
    rows = archive["data.json"]["pages"] if member == "pages" else archive[member]
    rows[0][name] = stamp
    # West of UTC for the year 1, east for the year 9999: the zones furthest from UTC.
    archive["data.json"]["blog"]["time_zone"] = (
        "Etc/GMT+12" if stamp < "5" else "Pacific/Kiritimati"
    )
    before = world(media)

    with pytest.raises(WrongFormatError, match=rf"{name}.*outside the years 1 to 9998"):
        restore(archive, tmp_path, restorer)

    assert_nothing_kept(media, before)


def test_an_import_record_out_of_range_refuses_the_restore(
    source: Blog, restorer: User, media: Path, tmp_path: Path
) -> None:
    archive = archive_of(source)
    archive["imported.jsonl"] = (
        b'{"kind":"post","object":1,"source":"wordpress","origin":"","external_id":"1",'
        b'"extra":{},"imported_at":"0001-01-01T00:00:00+05:00"}\n'
    )
    before = world(media)

    with pytest.raises(WrongFormatError, match=r"imported_at.*outside the years"):
        restore(archive, tmp_path, restorer)

    assert_nothing_kept(media, before)


def test_a_number_past_what_the_database_holds_is_damage(
    source: Blog, restorer: User, media: Path, tmp_path: Path
) -> None:
    # SQLite says OverflowError, PostgreSQL DataError: the restore's caller hears neither.
    archive = archive_of(source)
    archive["data.json"]["pages"][0]["position"] = 10**30
    before = world(media)

    with pytest.raises(WrongFormatError, match="damaged"):
        restore(archive, tmp_path, restorer)

    assert_nothing_kept(media, before)


def test_labels_past_a_posts_bound_are_dropped_and_reported(
    source: Blog, restorer: User, tmp_path: Path
) -> None:
    # The editor, Blogger and WordPress imports hold a post to 20 labels of 200 characters
    # together (posts.labels); a backup's post is held to them too.
    archive = archive_of(source)
    many = [f"tag{i:02}" for i in range(30)]
    archive["posts.jsonl"][0]["labels"] = many
    archive["data.json"]["labels"] = many

    report = restore(archive, tmp_path, restorer)

    post = Post.objects.get(blog__slug="target")
    assert sorted(post.labels.values_list("name", flat=True)) == many[:20]
    assert "skipped 10 labels past a post's limit (20 labels" in "\n".join(report.lines())


@pytest.mark.parametrize(
    ("address", "kept"),
    [
        ("javascript:alert(1)", ""),
        ("\tjavascript:alert(1)", ""),
        ("data:text/html,<script>x</script>", ""),
        ("vbscript:x", ""),
        ("https://mary.example/", "https://mary.example/"),
    ],
)
def test_a_commenters_address_is_kept_only_when_it_is_a_web_page(
    source: Blog, restorer: User, tmp_path: Path, address: str, kept: str
) -> None:
    # As the Blogger and WordPress imports keep it: the API hands it to its clients.
    archive = archive_of(source)
    archive["comments.jsonl"][0]["author_url"] = address

    restore(archive, tmp_path, restorer)

    assert Comment.objects.get(post__blog__slug="target").author_url == kept


@pytest.mark.parametrize(
    ("member", "field", "value", "said"),
    [
        ("posts.jsonl", "title", "x" * 100_000, "longer than"),
        ("comments.jsonl", "author_name", "x" * 10_000, "longer than"),
        ("comments.jsonl", "spam_score", float("nan"), "not a number"),
        ("comments.jsonl", "spam_score", float("inf"), "not a number"),
    ],
)
def test_a_value_its_column_cannot_hold_refuses_the_restore_on_every_database(
    source: Blog,
    restorer: User,
    media: Path,
    tmp_path: Path,
    member: str,
    field: str,
    value: object,
    said: str,
) -> None:
    # PostgreSQL refused an overlong title and SQLite stored it; NaN was stored on both.
    archive = archive_of(source)
    archive[member][0][field] = value
    before = world(media)

    with pytest.raises(WrongFormatError, match=rf"{field}.*{said}"):
        restore(archive, tmp_path, restorer)

    assert_nothing_kept(media, before)
