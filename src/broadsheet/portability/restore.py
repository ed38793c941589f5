"""Restoring a Broadsheet backup (see `backup`) into an empty blog, in one transaction.

A backup is untrusted input. By default a restore is a blog admin's (the studio's import
page, or `broadsheet import broadsheet FILE --blog SLUG`), and nothing in the archive reaches
outside that blog:

* people are names only: posts, pages and comments are never tied to an account of the site
  (not by user name, email or id), no account is created, no one is made a member and no
  role changes; posts and pages belong to the restoring admin and keep their byline in
  `Post.author_name`, comments keep their commenter's name and address without a `user`;
* of the blog, only what its admin sets in the studio's settings (`BLOG_SETTINGS`) is
  restored, never its custom domain or the site's default;
* permalinks, page names and redirects are paths on the blog's own host (`paths`);
* media files go through the studio's upload path (`restore_media`) or are refused;
* reply subscriptions are dropped: an archive could otherwise make the site mail anyone.

The site operator's full restore (`site=True`, `--site` on the command line only) brings
accounts back by user name, memberships and roles, the custom domain and default setting,
reply subscriptions, and media files as they are: for archives the operator made.

Either way the archive is held to the install's limits (`archive`) and the restore is all or
nothing: one transaction, and any file written before a failure is removed.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DataError, IntegrityError, models, transaction

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog, Membership, slug_validator
from broadsheet.blogs.people import shown_name
from broadsheet.comments.models import Comment
from broadsheet.core.weblinks import web_url
from broadsheet.portability import times
from broadsheet.portability.archive import (
    Budget,
    open_archive,
    open_member,
    read_lines,
    read_manifest,
)
from broadsheet.portability.backup import CHUNK, IMPORTED_FIELDS, load_fields, safe_media_name
from broadsheet.portability.errors import ConflictError, ImportFileError, WrongFormatError
from broadsheet.portability.models import ImportedItem, Redirect
from broadsheet.portability.paths import page_slug_problem, path_problem, permalink_problem
from broadsheet.portability.restore_media import RestoredMedia, remove_files, restore_media
from broadsheet.portability.writer import (
    TOO_LONG,
    TOO_LONG_COMMENTS,
    ImportReport,
    Labels,
    bounded_labels,
    refresh_comment_counts,
)
from broadsheet.posts.actions import render_into
from broadsheet.posts.models import Page, Post
from broadsheet.posts.size import body_problem

# What a blog's admin may set in the studio's settings form (studio.forms.BlogForm, less the
# slug, the custom domain and the default, which are the site's): all a restore sets.
BLOG_SETTINGS = (
    "title",
    "description",
    "time_zone",
    "language",
    "date_header_format",
    "time_format",
    "posts_per_page",
    "comments_enabled",
    "who_can_comment",
    "moderation",
    "moderation_after_days",
    "comment_form_message",
    "comment_challenge",
    "feed_content",
    "is_private",
    "hide_from_search_engines",
    "feed_redirect_url",
    "custom_robots_txt",
    "not_found_message",
    "share_links",
    # The look, but not the favicon: a file path, and files come back only as images.
    "theme",
    "theme_accent",
    "theme_text_font",
    "theme_heading_font",
    "theme_width",
    "theme_scheme",
)
# The blog fields that are the site operator's; a blog admin's restore leaves them alone.
OPERATOR_SETTINGS = ("custom_domain", "is_default")
# What a damaged archive raises while it is read; reported as damage, never as a crash.
DAMAGE = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    ValidationError,
    zipfile.BadZipFile,
    OverflowError,  # a number past what the database's column holds, as SQLite reports it
    DataError,
    IntegrityError,
)


TOO_LONG_LINKS = "old addresses and import records of posts and pages too long to restore"

# Relations are set by the restore itself; a blog's slug was checked as the argument, and a
# custom domain the site cannot give is left out, not fatal (`check_custom_domain`).
_UNCHECKED = ("blog", "featured_post", "slug", "post", "parent", "author", "user", "custom_domain")


@dataclass(frozen=True)
class Scope:
    """Who restores: a blog's admin (`admin` owns what is restored; may be None from the
    command line) or, with `site`, the site operator."""

    admin: User | None = None
    site: bool = False


def restore_backup(
    slug: str, path: str | os.PathLike[str], *, admin: User | None = None, site: bool = False
) -> ImportReport:
    """Create the blog `slug` (or fill it, if it exists and is empty) from a backup archive,
    as a blog admin's restore, or with `site` as the operator's full one (module notes).
    Raises `ImportFileError` with nothing written when the archive cannot be restored."""
    try:
        slug_validator(slug)
    except ValidationError as error:
        raise ImportFileError(f"{slug!r} cannot be a blog's slug: {error.messages[0]}") from None
    with Path(path).open("rb") as raw:
        archive = open_archive(raw)
        budget = Budget(settings.RESTORE_MAX_BYTES)
        manifest = read_manifest(archive, budget)
        restorer = _Restorer(archive, manifest, budget, Scope(admin, site))
        try:
            with transaction.atomic():
                return restorer.restore(slug)
        except DAMAGE as error:
            restorer.remove_media()
            raise WrongFormatError(f"The backup is damaged: {error!r}") from None
        except BaseException:
            restorer.remove_media()
            raise


class _Restorer:
    def __init__(
        self, archive: zipfile.ZipFile, manifest: dict[str, Any], budget: Budget, scope: Scope
    ) -> None:
        self.archive, self.manifest, self.budget, self.scope = archive, manifest, budget, scope
        self.report = ImportReport(source="broadsheet")
        self.users: dict[int, int] = {}  # the operator's restore: archive number -> account
        self.names: dict[int, str] = {}  # a blog admin's: archive number -> the person's name
        self.posts: dict[int, int] = {}
        self.pages: dict[int, int] = {}
        self.comments: dict[int, int] = {}
        self.media = RestoredMedia()
        self.written_media: list[str] = []
        # Archive numbers of what is skipped for a body past the bound (posts.size), and so
        # of their comments: what points at them is left out too, as no longer there.
        self.too_long: dict[str, set[int]] = {"post": set(), "page": set(), "comment": set()}

    def restore(self, slug: str) -> ImportReport:
        blog = self.blog(slug, self.manifest["blog"])
        if self.scope.site:
            self.restore_people(blog)
        else:
            self.name_people()
            self.media = restore_media(self.archive, blog, self.scope.admin, self.budget)
            self.report_media()
        labels = Labels(blog)
        labels.ensure(set(self.manifest["labels"]))
        self.restore_pages(blog)
        self.restore_posts(blog, labels)
        self.restore_comments()
        self.restore_links(blog)
        refresh_comment_counts(blog)
        if self.scope.site:
            self.copy_media()
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
        if not self.scope.site:
            return self.blog_settings(blog, data)
        load_fields(blog, data, judged_later=("custom_domain",))  # `check_custom_domain`
        _check_fields(blog, "The backup's blog settings")
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

    def blog_settings(self, blog: Blog, data: dict[str, Any]) -> Blog:
        """Only the settings a blog's admin has; the operator's are named in the report."""
        load_fields(blog, {name: data[name] for name in BLOG_SETTINGS if name in data})
        _check_fields(blog, "The backup's blog settings", BLOG_SETTINGS)
        ignored = [name for name in OPERATOR_SETTINGS if data.get(name)]
        if ignored:
            self.report.warnings.append(
                f"Not restored: {', '.join(ignored)}, which only the site's operator sets."
            )
        blog.save()
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

    def name_people(self) -> None:
        """People become the names they wrote under; no account is looked up or made."""
        for row in self.manifest["users"]:
            full = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()
            # A username may be an address: the byline it becomes must not show it.
            self.names[row["id"]] = shown_name("", full, str(row["username"]))[:200]
        skipped = self.report.skipped
        if self.manifest["users"]:
            skipped["people not linked to accounts (a blog admin's restore keeps names)"] += len(
                self.manifest["users"]
            )
        if self.manifest["memberships"]:
            skipped["memberships not granted (a restore makes no one a member)"] += len(
                self.manifest["memberships"]
            )

    def report_media(self) -> None:
        self.report.created["media files"] = self.media.images
        for name, why in self.media.refused.items():
            self.report.skipped["media files refused (not images the studio accepts)"] += 1
            self.report.warnings.append(f"media file refused: {name} ({why})")

    def author(self, number: int | None) -> int | None:
        if self.scope.site:
            return self.users.get(number) if number is not None else None
        return self.scope.admin.pk if self.scope.admin is not None else None

    def restore_pages(self, blog: Blog) -> None:
        rows = [row for row in self.manifest["pages"] if self.fits("page", row)]
        pages = [self.page(blog, row) for row in rows]
        Page.objects.bulk_create(pages)
        self.pages = {row["id"]: page.pk for row, page in zip(rows, pages, strict=True)}
        self.report.created["pages"] = len(pages)

    def page(self, blog: Blog, row: dict[str, Any]) -> Page:
        page = Page(blog=blog, author_id=self.author(row["author"]))
        load_fields(page, row)
        _refuse_address(f"Page {row['id']}", page.slug, page_slug_problem(page.slug))
        _check_fields(page, f"Page {row['id']}", ("status", "source_format"))
        render_into(page)  # its source's media addresses were rewritten by `fits`
        return page

    def restore_posts(self, blog: Blog, labels: Labels) -> None:
        for batch in _batches(read_lines(self.archive, "posts.jsonl", self.budget)):
            rows = [row for row in batch if self.fits("post", row)]
            posts = [self.post(blog, row) for row in rows]
            Post.objects.bulk_create(posts)
            labels.attach(
                [
                    (post, bounded_labels(self.report, post.title, row["labels"]))
                    for post, row in zip(posts, rows, strict=True)
                ]
            )
            self.posts.update((row["id"], post.pk) for row, post in zip(rows, posts, strict=True))
            self.report.created["posts"] += len(posts)

    def fits(self, kind: str, row: dict[str, Any]) -> bool:
        """False, counted in the report, for a body past the bound: skipped, as the Blogger
        and WordPress imports skip one, and as the editor would refuse it."""
        source = row.get("source")
        if not isinstance(source, str):
            return True  # a source that is no text is the fields check's to refuse
        # Measured as it will be stored: the media addresses it shows, pointed at the new
        # files, may be longer than the archive's.
        row["source"] = self.media.rewrite(source)
        if body_problem(row["source"]) is None:
            return True
        self.too_long[kind].add(row["id"])
        self.report.skipped[TOO_LONG] += 1
        return False

    def post(self, blog: Blog, row: dict[str, Any]) -> Post:
        post = Post(blog=blog, author_id=self.author(row["author"]))
        load_fields(post, row)
        _refuse_address(f"Post {row['id']}", post.permalink, permalink_problem(post.permalink))
        _check_fields(post, f"Post {row['id']}", ("status", "source_format"))
        if not self.scope.site:
            post.author_name = post.author_name or self.names.get(row["author"], "")
        render_into(post)  # its source's media addresses were rewritten by `fits`
        return post

    def restore_comments(self) -> None:
        parents: list[tuple[int, int]] = []
        for batch in _batches(read_lines(self.archive, "comments.jsonl", self.budget)):
            rows = [row for row in batch if self.on_kept_post(row)]
            comments = [self.comment(row) for row in rows]
            Comment.objects.bulk_create(comments)
            for row, comment in zip(rows, comments, strict=True):
                self.comments[row["id"]] = comment.pk
                if row["parent"] is not None:
                    parents.append((comment.pk, row["parent"]))
            self.report.created["comments"] += len(comments)
        links = [Comment(pk=pk, parent_id=self.comments[parent]) for pk, parent in parents]
        Comment.objects.bulk_update(links, ["parent"], batch_size=CHUNK)

    def on_kept_post(self, row: dict[str, Any]) -> bool:
        # A reply is on its parent's post: a skipped post's comments go all together.
        if row["post"] not in self.too_long["post"]:
            return True
        self.too_long["comment"].add(row["id"])
        self.report.skipped[TOO_LONG_COMMENTS] += 1
        return False

    def comment(self, row: dict[str, Any]) -> Comment:
        comment = Comment(post_id=self.posts[row["post"]])
        load_fields(comment, row)
        # A commenter's address is a web page or nothing, as the Blogger and WordPress imports
        # keep it: a `javascript:` one would reach every client of the API.
        comment.author_url = web_url(comment.author_url)
        _check_fields(comment, f"Comment {row['id']}", ("status",))
        if self.scope.site:
            comment.user_id = self.users.get(row["user"]) if row["user"] is not None else None
        else:
            comment.author_name = comment.author_name or self.names.get(row["user"], "")
            if comment.notify_replies:
                self.report.skipped["reply subscriptions dropped (only the reader sets one)"] += 1
            comment.notify_replies = False
        comment.render_body()
        return comment

    def restore_links(self, blog: Blog) -> None:
        featured = self.manifest["blog"].get("featured_post")
        if featured is not None and featured not in self.too_long["post"]:
            Blog.objects.filter(pk=blog.pk).update(featured_post_id=self.posts[featured])
        for rows in _batches(read_lines(self.archive, "redirects.jsonl", self.budget)):
            found = [self.redirect(blog, row) for row in rows if self.to_kept(row)]
            kept = Redirect.objects.bulk_create([row for row in found if row is not None])
            self.report.redirects += len(kept)
        for rows in _batches(read_lines(self.archive, "imported.jsonl", self.budget)):
            known = [row for row in rows if self.to_kept({row["kind"]: row["object"]})]
            ImportedItem.objects.bulk_create([self.imported(blog, row) for row in known])

    def to_kept(self, row: dict[str, Any]) -> bool:
        """False, counted, for a row naming a post, page or comment skipped as too long."""
        if not any(row.get(kind) in numbers for kind, numbers in self.too_long.items()):
            return True
        self.report.skipped[TOO_LONG_LINKS] += 1
        return False

    def redirect(self, blog: Blog, row: dict[str, Any]) -> Redirect | None:
        """The old address, unless it or where it leads is not a path on the blog's host."""
        problem = path_problem(row["old_path"])
        if problem is None and row["new_path"]:
            problem = path_problem(row["new_path"])
        if problem is not None:
            self.report.skipped["old addresses refused (not a path on the blog's host)"] += 1
            self.report.warnings.append(f"old address refused: {row['old_path']!r} ({problem})")
            return None
        return Redirect(
            blog=blog,
            old_path=row["old_path"],
            post_id=self.posts.get(row["post"]) if row["post"] else None,
            page_id=self.pages.get(row["page"]) if row["page"] else None,
            to_comment_feed=bool(row["to_comment_feed"]),
            new_path=row["new_path"],
            created_at=times.parsed(row["created_at"], "created_at"),
        )

    def imported(self, blog: Blog, row: dict[str, Any]) -> ImportedItem:
        objects = {"post": self.posts, "page": self.pages, "comment": self.comments}
        return ImportedItem(
            blog=blog,
            object_id=objects[row["kind"]][row["object"]],
            imported_at=times.parsed(row["imported_at"], "imported_at"),
            **{name: row[name] for name in IMPORTED_FIELDS},
        )

    def copy_media(self) -> None:
        """The operator's restore: the files as they are, under their own names."""
        for name in self.manifest["media"]:
            if not safe_media_name(name) or default_storage.exists(name):
                continue  # the same name is already there: kept, never overwritten
            with open_member(self.archive, f"media/{name}", self.budget) as source:
                saved = default_storage.save(name, File(source, name=name))
            self.written_media.append(saved)
        self.report.created["media files"] = len(self.written_media)

    def remove_media(self) -> None:
        """Undo the files of a restore whose transaction failed."""
        remove_files(self.written_media + self.media.written)


def _check_fields(obj: models.Model, what: str, names: tuple[str, ...] | None = None) -> None:
    """Refuse values the model would never hold (a time zone that is none, a status that
    does not exist), which would break every page that shows them."""
    fields = [field.name for field in type(obj)._meta.concrete_fields]
    exclude = [name for name in fields if name in _UNCHECKED or (names and name not in names)]
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as error:
        problems = "; ".join(f"{key}: {' '.join(v)}" for key, v in error.message_dict.items())
        raise WrongFormatError(f"{what} cannot be restored: {problems}") from None


def _refuse_address(what: str, address: str, problem: str | None) -> None:
    if problem is not None:
        raise WrongFormatError(
            f"{what} cannot be restored at {address!r}: {problem}. A restore keeps every "
            "address on the blog's own host."
        )


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch
