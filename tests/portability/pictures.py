"""A blog with uploaded pictures, for the exports' tests: two posts and a page show one
picture (the first post also links to its largest file), a second picture is shown by the
page only, and a third is shown by nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.files.storage import default_storage

from broadsheet.blogs.models import Blog, Membership
from broadsheet.media.actions import store_image
from broadsheet.media.models import UploadedImage
from broadsheet.posts.actions import save_page, save_post
from broadsheet.posts.models import Page, Post
from tests.studio.images import png


@dataclass(frozen=True)
class Pictures:
    kale: UploadedImage
    leek: UploadedImage
    unused: UploadedImage
    first: Post
    second: Post
    page: Page


def largest_url(image: UploadedImage) -> str:
    """The address of the picture's widest file, as the site serves it (`/media/…`)."""
    return str(default_storage.url(max(image.variants, key=lambda v: v["width"])["name"]))


def add_pictures(blog: Blog, author: User, settings: Any, tmp_path: Path) -> Pictures:
    settings.MEDIA_ROOT = tmp_path / "media"
    member = Membership.objects.get(blog=blog, user=author)
    kale, leek, unused = (
        store_image(member, io.BytesIO(png(1200, 600, "RGB")), f"{name}.png", alt=name.title())
        for name in ("kale", "leek", "unused")
    )
    linked = f'<a href="{largest_url(kale)}">{kale.snippet()}</a>'
    first = _post(blog, author, "Kale", f"Kale:\n\n{linked}")
    second = _post(blog, author, "Kale again", f"Still kale:\n\n{kale.snippet()}")
    page = save_page(
        Page(
            blog=blog,
            title="Garden",
            slug="garden",
            source=f"{leek.snippet()}\n\n{kale.snippet()}",
            status=Page.Status.PUBLISHED,
        )
    )
    return Pictures(kale, leek, unused, first, second, page)


def _post(blog: Blog, author: User, title: str, source: str) -> Post:
    return save_post(
        Post(blog=blog, author=author, title=title, source=source, status=Post.Status.PUBLISHED)
    )
