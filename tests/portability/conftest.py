"""Shared by the portability tests: where the real export files are, and how to tell that
an import that failed left the blog exactly as it was."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.portability.models import ImportedItem, Redirect
from broadsheet.posts.models import Label, Page, Post

# Imports compare scheduled posts against this, not the wall clock.
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def corpora_root() -> Path:
    """BROADSHEET_CORPORA, or the shared folder beside the checkout. Missing is an error,
    never a skip: these tests are the proof that real files import."""
    configured = os.environ.get("BROADSHEET_CORPORA")
    root = Path(configured) if configured else Path(__file__).resolve().parents[3] / "shared"
    if not configured:
        root = root / "corpora"
    if not (root / "import").is_dir():
        raise RuntimeError(
            f"The test corpora are not at {root}: set BROADSHEET_CORPORA to the folder "
            "that holds import/, xml/ and xss/."
        )
    return root


CORPORA = corpora_root()
BLOGGER = CORPORA / "import" / "blogger"
WXR = CORPORA / "import" / "wxr"


def snapshot(blog: Blog) -> dict[str, Any]:
    """Everything an import could change, to compare before and after a refused one."""
    blog.refresh_from_db()
    return {
        "posts": list(Post.objects.filter(blog=blog).values_list("pk", "title", "updated_at")),
        "pages": Page.objects.filter(blog=blog).count(),
        "comments": Comment.objects.filter(post__blog=blog).count(),
        "labels": Label.objects.filter(blog=blog).count(),
        "redirects": Redirect.objects.filter(blog=blog).count(),
        "imported": ImportedItem.objects.filter(blog=blog).count(),
        "version": blog.content_version,
    }


@pytest.fixture
def write_file(tmp_path: Path) -> Any:
    """Write a file for a test to import, returning its path."""

    def write(text: str | bytes, name: str = "export.xml") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return path

    return write


def content_of(blog: Blog, *, seconds: bool = False) -> dict[str, Any]:
    """What readers and authors see of a blog, free of database ids, to compare two blogs.
    `seconds`: times to the second, for formats that keep no more (WXR)."""

    def time(value: dt.datetime | None) -> dt.datetime | None:
        return value.replace(microsecond=0) if value and seconds else value

    posts = Post.objects.filter(blog=blog).prefetch_related("labels")
    comments = Comment.objects.filter(post__blog=blog).select_related("post", "parent")
    return {
        "posts": {
            (
                post.title,
                post.permalink,
                post.status,
                time(post.published_at),
                post.body_html,
                post.author_name,
                post.comment_count,
                frozenset(label.name for label in post.labels.all()),
            )
            for post in posts
        },
        "pages": set(
            Page.objects.filter(blog=blog).values_list("title", "slug", "status", "body_html")
        ),
        "comments": {
            (
                comment.post.title,
                comment.author_name,
                comment.author_url,
                comment.body,
                comment.status,
                time(comment.created_at),
                comment.parent.body if comment.parent else None,
            )
            for comment in comments
        },
    }
