"""The Broadsheet backup: everything out, into an empty install, and out again the same."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.test import Client

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments.models import Comment
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.backup import DERIVED, export_backup, plain_fields
from broadsheet.portability.errors import ConflictError, WrongFormatError
from broadsheet.portability.restore import restore_backup
from broadsheet.posts.models import Page, Post
from tests.conftest import MakeComment, MakePost
from tests.portability.conftest import BLOGGER, NOW, WXR, snapshot

pytestmark = pytest.mark.django_db

MEDIA = "photos/2024/garden.png"


@pytest.fixture
def full_blog(blog: Blog, make_post: MakePost, make_comment: MakeComment) -> Blog:
    """A blog with every kind of thing a backup must carry."""
    import_wordpress(blog, WXR / "valid-wxr-1.0.xml", now=NOW)
    import_blogger(blog, BLOGGER / "pelican-bloggerexport-2018.xml", now=NOW)
    default_storage.delete(MEDIA)
    default_storage.save(MEDIA, ContentFile(b"\x89PNG not really"))
    post = make_post("With a picture", source=f"![Kale](/media/{MEDIA})", labels=("Garden",))
    reader = User.objects.create_user("reader", "reader@example.com", first_name="Rea")
    first = make_comment(post, "Nice kale", user=reader)
    make_comment(post, "Agreed", parent=first, author_url="https://example.org/")
    Blog.objects.filter(pk=blog.pk).update(featured_post=post, description="Kept too")
    blog.refresh_from_db()
    return blog


def backup_of(blog: Blog) -> bytes:
    out = io.BytesIO()
    export_backup(blog, out)
    return out.getvalue()


def members(archive: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        found: dict[str, Any] = {name: opened.read(name) for name in opened.namelist()}
    manifest = json.loads(found.pop("data.json"))
    manifest.pop("exported_at")  # the one thing that differs between two backups
    return {"data.json": manifest, **found}


def empty_the_install() -> None:
    Blog.objects.all().delete()
    User.objects.all().delete()
    default_storage.delete(MEDIA)


def test_backup_restore_backup_gives_the_same_archive(
    full_blog: Blog, write_file: Any, client: Client
) -> None:
    first = backup_of(full_blog)
    empty_the_install()

    report = restore_backup("notes", write_file(first, "backup.zip"), site=True)

    assert report.created["posts"] == 6 and report.created["comments"] == 4
    restored = Blog.objects.get(slug="notes")
    assert members(backup_of(restored)) == members(first)
    assert default_storage.open(MEDIA).read() == b"\x89PNG not really"
    assert client.get(Post.objects.get(title="With a picture").permalink).status_code == 200


def test_backup_holds_what_it_says(full_blog: Blog) -> None:
    content = members(backup_of(full_blog))
    manifest = content["data.json"]

    assert (manifest["format"], manifest["version"]) == ("broadsheet-backup", 1)
    assert manifest["counts"] == {
        "posts": 6,
        "pages": 5,
        "comments": 4,
        "redirects": Redirect_count(full_blog),
        "imported": 12,  # 7 from the WXR file, 5 from the Blogger one
    }
    assert manifest["media"] == [MEDIA]
    assert f"media/{MEDIA}" in content
    assert {user["username"] for user in manifest["users"]} == {"ada", "reader"}
    assert "password" not in json.dumps(manifest["users"])
    posts = [json.loads(line) for line in content["posts.jsonl"].splitlines()]
    featured = manifest["blog"]["featured_post"]
    assert posts[featured - 1]["title"] == "With a picture"
    assert "body_html" not in posts[0]  # rebuilt from the source on restore


def Redirect_count(blog: Blog) -> int:
    from broadsheet.portability.models import Redirect

    return Redirect.objects.filter(blog=blog).count()


def test_the_operators_restore_creates_people_without_passwords(
    full_blog: Blog, write_file: Any
) -> None:
    archive = write_file(backup_of(full_blog), "backup.zip")
    empty_the_install()

    restore_backup("notes", archive, site=True)

    ada = User.objects.get(username="ada")
    assert not ada.has_usable_password()
    assert (ada.first_name, ada.is_staff) == ("Ada", False)
    assert Membership.objects.get(user=ada).role == Membership.Role.AUTHOR
    assert Post.objects.get(title="With a picture").author == ada


def test_restore_refuses_a_blog_with_content(full_blog: Blog, write_file: Any) -> None:
    archive = write_file(backup_of(full_blog), "backup.zip")
    before = snapshot(full_blog)

    with pytest.raises(ConflictError, match="already has posts"):
        restore_backup("notes", archive)

    assert snapshot(full_blog) == before


def test_restore_into_a_new_slug_beside_the_original(full_blog: Blog, write_file: Any) -> None:
    restore_backup("copy", write_file(backup_of(full_blog), "backup.zip"))

    copy = Blog.objects.get(slug="copy")
    assert copy.is_default is False  # the install's default blog stays the original
    assert Post.objects.filter(blog=copy).count() == Post.objects.filter(blog=full_blog).count()
    assert copy.featured_post is not None and copy.featured_post.blog == copy


def zip_with(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("archive", "says"),
    [
        (b"not a zip at all", "ZIP archive"),
        (zip_with({"../../etc/passwd": b"x"}), "which no backup has"),
        (zip_with({"media/../settings.py": b"x"}), "which no backup has"),
        (zip_with({"data.json": b"{}"}), "no posts.jsonl"),
    ],
)
def test_archives_that_are_not_backups_are_refused(
    db: Any, write_file: Any, archive: bytes, says: str
) -> None:
    with pytest.raises(WrongFormatError, match=says):
        restore_backup("notes", write_file(archive, "backup.zip"))
    assert not Blog.objects.exists()


def test_a_backup_from_a_newer_schema_is_refused(full_blog: Blog, write_file: Any) -> None:
    content = members(backup_of(full_blog))
    content["data.json"]["version"] = 2
    archive = zip_with({**content, "data.json": json.dumps(content["data.json"]).encode()})

    with pytest.raises(WrongFormatError, match="schema version 2"):
        restore_backup("later", write_file(archive, "backup.zip"))
    assert not Blog.objects.filter(slug="later").exists()


def test_a_damaged_backup_writes_nothing_not_even_media(full_blog: Blog, write_file: Any) -> None:
    content = members(backup_of(full_blog))
    content["comments.jsonl"] += b'{"id": 9999, "post": 424242}\n'
    archive = zip_with({**content, "data.json": json.dumps(content["data.json"]).encode()})
    empty_the_install()

    with pytest.raises(WrongFormatError, match="damaged"):
        restore_backup("notes", write_file(archive, "backup.zip"), site=True)

    assert not Blog.objects.exists() and not Post.objects.exists()
    assert not default_storage.exists(MEDIA)


def test_every_model_field_is_in_the_backup_or_explained() -> None:
    """A field added to a model later is copied if plain; a new relation must be decided."""
    handled_relations = {
        Blog: {"featured_post"},
        Post: {"blog", "author", "labels"},
        Page: {"blog", "author"},
        Comment: {"post", "parent", "user"},
    }
    for model, relations in handled_relations.items():
        fields: list[models.Field[Any, Any]] = [
            field
            for field in model._meta.get_fields()
            if getattr(field, "concrete", False) or field.many_to_many
        ]
        covered = {field.name for field in plain_fields(model)} | relations | DERIVED[model]
        missing = {field.name for field in fields if not field.auto_created or field.concrete}
        assert missing <= covered | {"id"}, f"{model.__name__}: {missing - covered}"


def test_times_survive_to_the_microsecond(blog: Blog, make_post: MakePost, write_file: Any) -> None:
    when = dt.datetime(2024, 10, 20, 12, 0, 0, 123456, tzinfo=dt.UTC)
    make_post("Exact", published_at=when)
    archive = write_file(backup_of(blog), "backup.zip")
    empty_the_install()

    restore_backup("notes", archive)

    assert Post.objects.get(title="Exact").published_at == when


def test_backup_archive_paths_are_safe(full_blog: Blog, tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(backup_of(full_blog))) as archive:
        for name in archive.namelist():
            assert not name.startswith("/") and ".." not in name.split("/")
