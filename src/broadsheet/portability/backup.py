"""Broadsheet's own backup: one blog, everything it is made of, in one ZIP archive.

    data.json        the manifest: format, schema version, blog settings, people, labels, pages
    posts.jsonl      one post a line        comments.jsonl   one comment a line
    redirects.jsonl  old addresses          imported.jsonl   where imported items came from
    media/…          the uploaded files the blog's posts and pages refer to

Posts and comments go one a line so that neither writing nor reading a large blog holds it all
in memory. Items refer to one another by their position in the archive (post 1, 2, …), never
by database id, so a blog restored into another install and backed up again gives the same
archive, byte for byte, except for `exported_at`.

What is not in it, on purpose:

* what is computed from the rest: rendered HTML, plain text, snippets and comment counts
  (rebuilt on restore by the same pipeline), the cache counter `content_version`, and
  `Blog.updated_at` (Django sets it on every save);
* passwords and staff rights: in the operator's full restore people come back as accounts
  without a password (they set one through password reset) and without admin rights to the
  install; a blog admin's restore makes no accounts at all (see `restore`);
* the signed-in studio's working state (revisions and autosaves), which is not the blog.

Every other field of a blog, post, page and comment is copied as it is, including fields added
after this was written (the plain ones are found by walking the models).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import models

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments.models import Comment
from broadsheet.portability import times
from broadsheet.portability.models import ImportedItem, Redirect
from broadsheet.posts.models import Label, Page, Post

FORMAT = "broadsheet-backup"
VERSION = 1
CHUNK = 500
MEMBERS = ("data.json", "posts.jsonl", "comments.jsonl", "redirects.jsonl", "imported.jsonl")

# Fields computed from others, or bookkeeping that a restore sets for itself.
DERIVED = {
    Blog: {"id", "content_version", "sidebar_version", "updated_at", "slug", "featured_post"},
    Post: {"id", "blog", "author", "labels", "body_html", "text", "snippet", "comment_count"},
    Page: {"id", "blog", "author", "body_html"},
    Comment: {"id", "post", "parent", "user", "body_html"},
}
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active")
IMPORTED_FIELDS = ("source", "origin", "external_id", "kind", "extra")
_MEDIA_REF = re.compile(re.escape(settings.MEDIA_URL) + r"""([^"'\s()<>?#\\]+)""")


def plain_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The model's own columns that a backup copies as they are."""
    skip = DERIVED[model]
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in skip and not field.is_relation
    ]


def dump_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dump_fields(obj: models.Model) -> dict[str, object]:
    return {
        field.name: dump_value(getattr(obj, field.attname)) for field in plain_fields(type(obj))
    }


def load_fields(
    obj: models.Model, data: dict[str, Any], *, judged_later: tuple[str, ...] = ()
) -> None:
    """Set `obj`'s plain fields from a backup's row; ValidationError for a value that is none
    of its field's, or a time no page could show (`times`). The fields `judged_later` are
    set as they come: the caller judges them (a custom domain is left out with its reason)."""
    for field in plain_fields(type(obj)):
        if field.name not in data:
            continue
        value = field.to_python(data[field.name])
        if field.name not in judged_later:
            if isinstance(field, models.DateTimeField):
                value = times.checked(value, field.name)
            # What PostgreSQL refuses, refused on SQLite too (which stores any length) and
            # for numbers no page can show: the backup is damaged, whatever the database.
            if isinstance(value, str) and field.max_length and len(value) > field.max_length:
                raise ValidationError({field.name: f"is longer than {field.max_length}"})
            if isinstance(value, float) and not math.isfinite(value):
                raise ValidationError({field.name: f"{value} is not a number"})
        setattr(obj, field.attname, value)


def to_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class Numbering:
    """Positions in the archive for database ids, in id order."""

    def __init__(self, ids: Iterator[int] | list[int]) -> None:
        self.of = {pk: number for number, pk in enumerate(ids, start=1)}

    def get(self, pk: int | None) -> int | None:
        return self.of.get(pk) if pk is not None else None


def media_names(text: str) -> set[str]:
    """The uploaded files a post or page refers to (`/media/2024/10/photo.jpg`)."""
    names = set()
    for match in _MEDIA_REF.finditer(text):
        name = match.group(1)
        if safe_media_name(name) and default_storage.exists(name):
            names.add(name)
    return names


def safe_media_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def write_lines(archive: zipfile.ZipFile, name: str, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    with archive.open(name, "w", force_zip64=True) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        for row in rows:
            text.write(to_json(row) + "\n")
            count += 1
        text.flush()
        text.detach()
    return count


def read_lines(archive: zipfile.ZipFile, name: str) -> Iterator[dict[str, Any]]:
    with archive.open(name) as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if line.strip():
                yield json.loads(line)


def export_backup(blog: Blog, out: IO[bytes]) -> dict[str, int]:
    """Write the blog's backup archive to `out`; returns how many of each thing it holds."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        return _BackupWriter(blog).write(archive)


class _BackupWriter:
    def __init__(self, blog: Blog) -> None:
        self.blog = blog
        self.posts = Numbering(_ids(Post.objects.filter(blog=blog)))
        self.pages = Numbering(_ids(Page.objects.filter(blog=blog)))
        self.comments = Numbering(_ids(Comment.objects.filter(post__blog=blog)))
        self.users = Numbering(sorted(_people(blog)))
        self.media: set[str] = set()

    def write(self, archive: zipfile.ZipFile) -> dict[str, int]:
        counts = {
            "posts": write_lines(archive, "posts.jsonl", self.post_rows()),
            "comments": write_lines(archive, "comments.jsonl", self.comment_rows()),
            "redirects": write_lines(archive, "redirects.jsonl", self.redirect_rows()),
            "imported": write_lines(archive, "imported.jsonl", self.imported_rows()),
        }
        manifest = self.manifest(counts)
        for name in manifest["media"]:
            with default_storage.open(name) as source, archive.open(f"media/{name}", "w") as sink:
                shutil.copyfileobj(source, sink)
        archive.writestr("data.json", to_json(manifest))
        return {**counts, "pages": len(manifest["pages"]), "media": len(manifest["media"])}

    def manifest(self, counts: dict[str, int]) -> dict[str, Any]:
        pages = [self.page_row(page) for page in Page.objects.filter(blog=self.blog).order_by("pk")]
        return {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": dt.datetime.now(dt.UTC).isoformat(),
            "blog": self.blog_row(),
            "users": self.user_rows(),
            "memberships": self.membership_rows(),
            "labels": sorted(Label.objects.filter(blog=self.blog).values_list("name", flat=True)),
            "pages": pages,
            "counts": {**counts, "pages": len(pages)},
            "media": sorted(self.media),
        }

    def blog_row(self) -> dict[str, Any]:
        featured = self.posts.get(self.blog.featured_post_id)
        return {**dump_fields(self.blog), "slug": self.blog.slug, "featured_post": featured}

    def user_rows(self) -> list[dict[str, Any]]:
        people = get_user_model()._default_manager.in_bulk(list(self.users.of))
        return [
            {"id": number, **{name: getattr(people[pk], name) for name in USER_FIELDS}}
            for pk, number in self.users.of.items()
        ]

    def membership_rows(self) -> list[dict[str, Any]]:
        rows = Membership.objects.filter(blog=self.blog).order_by("pk")
        return [
            {
                "user": self.users.get(row.user_id),
                "role": row.role,
                "created_at": dump_value(row.created_at),
            }
            for row in rows
        ]

    def page_row(self, page: Page) -> dict[str, Any]:
        self.media |= media_names(page.source)
        return {
            "id": self.pages.get(page.pk),
            **dump_fields(page),
            "author": self.users.get(page.author_id),
        }

    def post_rows(self) -> Iterator[dict[str, Any]]:
        posts = Post.objects.filter(blog=self.blog).order_by("pk").prefetch_related("labels")
        for post in posts.iterator(chunk_size=CHUNK):
            self.media |= media_names(post.source)
            yield {
                "id": self.posts.get(post.pk),
                **dump_fields(post),
                "author": self.users.get(post.author_id),
                "labels": sorted(label.name for label in post.labels.all()),
            }

    def comment_rows(self) -> Iterator[dict[str, Any]]:
        comments = Comment.objects.filter(post__blog=self.blog).order_by("pk")
        for comment in comments.iterator(chunk_size=CHUNK):
            yield {
                "id": self.comments.get(comment.pk),
                **dump_fields(comment),
                "post": self.posts.get(comment.post_id),
                "parent": self.comments.get(comment.parent_id),
                "user": self.users.get(comment.user_id),
            }

    def redirect_rows(self) -> Iterator[dict[str, Any]]:
        for row in Redirect.objects.filter(blog=self.blog).order_by("pk").iterator(CHUNK):
            yield {
                "old_path": row.old_path,
                "post": self.posts.get(row.post_id),
                "page": self.pages.get(row.page_id),
                "to_comment_feed": row.to_comment_feed,
                "new_path": row.new_path,
                "created_at": dump_value(row.created_at),
            }

    def imported_rows(self) -> Iterator[dict[str, Any]]:
        numbering = {"post": self.posts, "page": self.pages, "comment": self.comments}
        rows = ImportedItem.objects.filter(blog=self.blog).order_by("pk")
        for row in rows.iterator(CHUNK):
            number = numbering[row.kind].get(row.object_id)
            if number is not None:  # its post, page or comment was deleted since
                yield {
                    **{name: getattr(row, name) for name in IMPORTED_FIELDS},
                    "object": number,
                    "imported_at": dump_value(row.imported_at),
                }


def _ids(queryset: models.QuerySet[Any]) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def _people(blog: Blog) -> set[int]:
    """Everyone the blog names: authors, commenters with accounts, members."""
    found = set(Post.objects.filter(blog=blog).values_list("author_id", flat=True))
    found |= set(Page.objects.filter(blog=blog).values_list("author_id", flat=True))
    found |= set(Comment.objects.filter(post__blog=blog).values_list("user_id", flat=True))
    found |= set(Membership.objects.filter(blog=blog).values_list("user_id", flat=True))
    return {pk for pk in found if pk is not None}
