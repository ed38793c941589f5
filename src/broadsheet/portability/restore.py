"""Restoring a Broadsheet backup (see `backup`) into an empty blog, in one transaction."""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog, Membership, slug_validator
from broadsheet.comments.models import Comment
from broadsheet.portability.backup import (
    CHUNK,
    FORMAT,
    IMPORTED_FIELDS,
    MEMBERS,
    VERSION,
    load_fields,
    read_lines,
    safe_media_name,
)
from broadsheet.portability.errors import ConflictError, ImportFileError, WrongFormatError
from broadsheet.portability.models import ImportedItem, Redirect
from broadsheet.portability.writer import ImportReport, Labels, refresh_comment_counts
from broadsheet.posts.actions import render_into
from broadsheet.posts.models import Page, Post

# Past these, an archive is refused before anything is unpacked (a ZIP bomb expands a few
# kilobytes into gigabytes).
MAX_MEMBER = 4 << 30
MAX_MANIFEST = 256 << 20
MAX_RATIO = 200


def restore_backup(slug: str, path: str | os.PathLike[str]) -> ImportReport:
    """Create the blog `slug` (or fill it, if it exists and is empty) from a backup archive.
    Raises `ImportFileError` with nothing written when the archive cannot be restored."""
    try:
        slug_validator(slug)
    except ValidationError as error:
        raise ImportFileError(f"{slug!r} cannot be a blog's slug: {error.messages[0]}") from None
    with Path(path).open("rb") as raw:
        archive = open_archive(raw)
        manifest = read_manifest(archive)
        restorer = _Restorer(archive, manifest)
        try:
            with transaction.atomic():
                return restorer.restore(slug)
        except (KeyError, TypeError, ValueError, ValidationError, zipfile.BadZipFile) as error:
            restorer.remove_media()
            raise WrongFormatError(f"The backup is damaged: {error!r}") from None
        except BaseException:
            restorer.remove_media()
            raise


def open_archive(raw: Any) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(raw)
    except zipfile.BadZipFile:
        raise WrongFormatError(
            "This is not a Broadsheet backup: a backup is a ZIP archive (made with "
            "`broadsheet export broadsheet`)."
        ) from None
    for info in archive.infolist():
        check_member(info)
    missing = [name for name in MEMBERS if name not in archive.namelist()]
    if missing:
        raise WrongFormatError(f"This is not a Broadsheet backup: it has no {missing[0]}.")
    return archive


def check_member(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if info.is_dir():
        return
    if name not in MEMBERS and not (name.startswith("media/") and safe_media_name(name[6:])):
        raise WrongFormatError(f"The archive holds {name!r}, which no backup has: refused.")
    big = info.file_size > 100 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
    if info.file_size > MAX_MEMBER or big:
        raise WrongFormatError(f"{name!r} would unpack to {info.file_size} bytes: refused.")


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    if archive.getinfo("data.json").file_size > MAX_MANIFEST:
        raise WrongFormatError("The backup's data.json is too large.")
    try:
        manifest = json.loads(archive.read("data.json"))
    except (ValueError, UnicodeDecodeError) as error:
        raise WrongFormatError(f"The backup's data.json is not valid JSON: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise WrongFormatError("The archive's data.json is not a Broadsheet backup manifest.")
    if manifest.get("version") != VERSION:
        raise WrongFormatError(
            f"The backup has schema version {manifest.get('version')!r}; this Broadsheet "
            f"reads version {VERSION}."
        )
    return manifest


class _Restorer:
    def __init__(self, archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
        self.archive, self.manifest = archive, manifest
        self.report = ImportReport(source="broadsheet")
        self.users: dict[int, int] = {}
        self.posts: dict[int, int] = {}
        self.pages: dict[int, int] = {}
        self.comments: dict[int, int] = {}
        self.written_media: list[str] = []

    def restore(self, slug: str) -> ImportReport:
        blog = self.blog(slug, self.manifest["blog"])
        self.restore_people(blog)
        labels = Labels(blog)
        labels.ensure(set(self.manifest["labels"]))
        self.restore_pages(blog)
        self.restore_posts(blog, labels)
        self.restore_comments()
        self.restore_links(blog)
        refresh_comment_counts(blog)
        self.restore_media()
        bump_content_version(blog)
        self.report.title = blog.title
        return self.report

    def blog(self, slug: str, data: dict[str, Any]) -> Blog:
        blog = Blog.objects.select_for_update().filter(slug=slug).first() or Blog(slug=slug)
        if blog.pk and (blog.posts.exists() or blog.pages.exists()):
            raise ConflictError(
                f"The blog {slug!r} already has posts or pages; a backup is restored into a "
                "new or empty blog."
            )
        load_fields(blog, data)
        created_at = blog.created_at
        others = Blog.objects.exclude(pk=blog.pk)
        self.check_custom_domain(blog)
        if blog.is_default and others.filter(is_default=True).exists():
            blog.is_default = False
        blog.save()
        # Django sets created_at on the first save; put the backup's back.
        Blog.objects.filter(pk=blog.pk).update(created_at=created_at)
        blog.created_at = created_at
        return blog

    def check_custom_domain(self, blog: Blog) -> None:
        # A backup is a file anyone can edit: its domain obeys the settings form's rule, and
        # one this site cannot give (its own address, another blog's) is left out, not fatal.
        domain = blog.custom_domain
        try:
            blog.clean_custom_domain()
        except ValidationError as error:
            reason = " ".join(error.message_dict["custom_domain"])
            self.report.warnings.append(f"The custom domain {domain} was left out: {reason}")
            blog.custom_domain = None

    def restore_people(self, blog: Blog) -> None:
        users = get_user_model()._default_manager
        for row in self.manifest["users"]:
            user = users.filter(username=row["username"]).first()
            if user is None:
                fields = {name: row[name] for name in ("first_name", "last_name", "email")}
                user = users.create(username=row["username"], is_active=row["is_active"], **fields)
                user.set_unusable_password()
                user.save(update_fields=["password"])
            self.users[row["id"]] = user.pk
        for row in self.manifest["memberships"]:
            member, _ = Membership.objects.update_or_create(
                blog=blog, user_id=self.users[row["user"]], defaults={"role": row["role"]}
            )
            Membership.objects.filter(pk=member.pk).update(created_at=row["created_at"])

    def restore_pages(self, blog: Blog) -> None:
        rows = self.manifest["pages"]
        pages = [self.page(blog, row) for row in rows]
        Page.objects.bulk_create(pages)
        self.pages = {row["id"]: page.pk for row, page in zip(rows, pages, strict=True)}
        self.report.created["pages"] = len(pages)

    def page(self, blog: Blog, row: dict[str, Any]) -> Page:
        page = Page(blog=blog, author_id=self.users.get(row["author"]))
        load_fields(page, row)
        render_into(page)
        return page

    def restore_posts(self, blog: Blog, labels: Labels) -> None:
        for rows in _batches(read_lines(self.archive, "posts.jsonl")):
            posts = [self.post(blog, row) for row in rows]
            Post.objects.bulk_create(posts)
            labels.attach([(post, row["labels"]) for post, row in zip(posts, rows, strict=True)])
            self.posts.update((row["id"], post.pk) for row, post in zip(rows, posts, strict=True))
            self.report.created["posts"] += len(posts)

    def post(self, blog: Blog, row: dict[str, Any]) -> Post:
        post = Post(blog=blog, author_id=self.users.get(row["author"]))
        load_fields(post, row)
        render_into(post)
        return post

    def restore_comments(self) -> None:
        parents: list[tuple[int, int]] = []
        for rows in _batches(read_lines(self.archive, "comments.jsonl")):
            comments = [self.comment(row) for row in rows]
            Comment.objects.bulk_create(comments)
            for row, comment in zip(rows, comments, strict=True):
                self.comments[row["id"]] = comment.pk
                if row["parent"] is not None:
                    parents.append((comment.pk, row["parent"]))
            self.report.created["comments"] += len(comments)
        links = [Comment(pk=pk, parent_id=self.comments[parent]) for pk, parent in parents]
        Comment.objects.bulk_update(links, ["parent"], batch_size=CHUNK)

    def comment(self, row: dict[str, Any]) -> Comment:
        comment = Comment(post_id=self.posts[row["post"]], user_id=self.users.get(row["user"]))
        load_fields(comment, row)
        comment.render_body()
        return comment

    def restore_links(self, blog: Blog) -> None:
        featured = self.manifest["blog"].get("featured_post")
        if featured is not None:
            Blog.objects.filter(pk=blog.pk).update(featured_post_id=self.posts[featured])
        for rows in _batches(read_lines(self.archive, "redirects.jsonl")):
            Redirect.objects.bulk_create([self.redirect(blog, row) for row in rows])
        for rows in _batches(read_lines(self.archive, "imported.jsonl")):
            ImportedItem.objects.bulk_create([self.imported(blog, row) for row in rows])

    def redirect(self, blog: Blog, row: dict[str, Any]) -> Redirect:
        return Redirect(
            blog=blog,
            old_path=row["old_path"],
            post_id=self.posts.get(row["post"]) if row["post"] else None,
            page_id=self.pages.get(row["page"]) if row["page"] else None,
            to_comment_feed=row["to_comment_feed"],
            new_path=row["new_path"],
            created_at=dt.datetime.fromisoformat(row["created_at"]),
        )

    def imported(self, blog: Blog, row: dict[str, Any]) -> ImportedItem:
        objects = {"post": self.posts, "page": self.pages, "comment": self.comments}
        return ImportedItem(
            blog=blog,
            object_id=objects[row["kind"]][row["object"]],
            imported_at=dt.datetime.fromisoformat(row["imported_at"]),
            **{name: row[name] for name in IMPORTED_FIELDS},
        )

    def restore_media(self) -> None:
        for name in self.manifest["media"]:
            if not safe_media_name(name) or default_storage.exists(name):
                continue  # the same name is already there: kept, never overwritten
            with self.archive.open(f"media/{name}") as source:
                saved = default_storage.save(name, File(source, name=name))
            self.written_media.append(saved)
        self.report.created["media files"] = len(self.written_media)

    def remove_media(self) -> None:
        """Undo the files of a restore whose transaction failed."""
        for name in self.written_media:
            default_storage.delete(name)


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch
