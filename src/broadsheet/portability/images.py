"""Bring an imported blog's images home: `localise_images(blog)` copies every http(s) image
that imported posts and pages point at into the media store, and makes them point here.

Each address is fetched through the guarded fetcher (public addresses only, on every redirect
hop; at most MAX_IMAGE_BYTES), and the bytes go through the studio's own image checks and
re-encoding, exactly as an upload would: SVG, decompression bombs and files that are not
images are refused. A refused or unreachable image stays linked where it was, and the report
names it. Each address copied is remembered (`ImportedImage`), so importing the same file
again and localising again reuses the copy instead of downloading it twice.

Run it after the import has committed: the downloads happen outside any transaction, and each
post is rewritten in its own short one.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import cast
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog, Membership
from broadsheet.core.fetch import Fetcher, FetchFailed, FetchRefused
from broadsheet.media.actions import store_image
from broadsheet.media.models import UploadedImage
from broadsheet.portability.models import ImportedImage, ImportedItem
from broadsheet.posts.actions import render_into
from broadsheet.posts.models import Page, Post

Item = Post | Page


def image_fetcher() -> Fetcher:
    """The fetcher imports use: the guarded one, limited to the largest image accepted."""
    return Fetcher(max_bytes=settings.MAX_IMAGE_BYTES)


@dataclass
class ImageReport:
    """What `localise_images` did: addresses copied, reused, and kept remote with the reason."""

    stored: dict[str, str] = field(default_factory=dict)  # remote URL -> local URL
    reused: dict[str, str] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # remote URL -> why it stays linked
    items: int = 0  # posts and pages rewritten

    def lines(self) -> list[str]:
        lines = [
            f"images: {len(self.stored)} downloaded, {len(self.reused)} already here, "
            f"{len(self.kept)} left where they were; {self.items} posts and pages rewritten"
        ]
        return lines + [f"image left linked: {url} ({why})" for url, why in self.kept.items()]


class _ImageURLs(HTMLParser):
    """The http(s) addresses in `<img src>` and `<img srcset>`, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "img":
            return
        for name, value in attrs:
            if name == "src" and value:
                self._add(value)
            elif name == "srcset" and value:
                for candidate in value.split(","):
                    self._add(candidate.strip().split(" ", 1)[0])

    def _add(self, url: str) -> None:
        url = url.strip()
        if url.lower().startswith(("http://", "https://")) and url not in self.urls:
            self.urls.append(url)


def image_urls(html: str) -> list[str]:
    """The remote image addresses an HTML body shows."""
    parser = _ImageURLs()
    parser.feed(html)
    parser.close()
    return parser.urls


def localise_images(
    blog: Blog, *, fetcher: Fetcher | None = None, user: User | None = None
) -> ImageReport:
    """Copy the remote images of the blog's imported posts and pages into the media store and
    rewrite those posts and pages to show the copies. `user` is recorded as the uploader."""
    fetcher = fetcher or image_fetcher()
    report = ImageReport()
    known = _known_copies(blog)
    for item in _imported_items(blog):
        mapping = {}
        for url in image_urls(item.source):
            local = _local_url(blog, url, fetcher, user, known, report)
            if local:
                mapping[url] = local
        if mapping and _rewrite(item, mapping):
            report.items += 1
    return report


def _known_copies(blog: Blog) -> dict[str, str]:
    rows = ImportedImage.objects.filter(blog=blog).select_related("image")
    return {row.url: row.image.src for row in rows if row.image is not None}


def _imported_items(blog: Blog) -> Iterator[Item]:
    imported = ImportedItem.objects.filter(blog=blog)
    kinds: Iterable[tuple[type[Post] | type[Page], str]] = (
        (Post, ImportedItem.Kind.POST),
        (Page, ImportedItem.Kind.PAGE),
    )
    for model, kind in kinds:
        ids = imported.filter(kind=kind).values("object_id")
        found = model.objects.filter(blog=blog, pk__in=ids, source__icontains="<img")
        for item in found.order_by("pk").iterator():
            item.blog = blog
            yield item


def _local_url(
    blog: Blog,
    url: str,
    fetcher: Fetcher,
    user: User | None,
    known: dict[str, str],
    report: ImageReport,
) -> str | None:
    if url in known:
        if url not in report.stored:
            report.reused[url] = known[url]
        return known[url]
    if url in report.kept:
        return None
    try:
        image = _download(blog, url, fetcher, user)
    except ImageRefused as refusal:
        report.kept[url] = str(refusal)
        return None
    ImportedImage.objects.update_or_create(
        blog=blog, url_hash=ImportedImage.hash_url(url), defaults={"url": url, "image": image}
    )
    known[url] = report.stored[url] = image.src
    return image.src


class ImageRefused(Exception):
    """The image cannot be copied here; the message says why, for the report."""


@dataclass(frozen=True)
class _Uploader:
    """What `store_image` reads of a membership: the blog, and who uploaded (maybe no one)."""

    blog: Blog
    user: User | None


def _download(blog: Blog, url: str, fetcher: Fetcher, user: User | None) -> UploadedImage:
    try:
        response = fetcher.fetch(url)
    except FetchRefused as error:
        raise ImageRefused(f"refused, not fetched: {error}") from None
    except FetchFailed as error:
        raise ImageRefused(f"could not be fetched: {error}") from None
    if response.status != 200:
        raise ImageRefused(f"the server answered {response.status}")
    name = unquote(PurePosixPath(urlsplit(response.url).path).name) or "image"
    uploader = cast(Membership, _Uploader(blog, user))
    try:
        return store_image(uploader, io.BytesIO(response.body), name, alt="")
    except ValidationError as error:
        messages = error.message_dict.get("image", error.messages)
        raise ImageRefused(" ".join(messages)) from None


def _rewrite(item: Item, mapping: dict[str, str]) -> bool:
    """Point the item's source at the local copies; re-render so body_html stays sanitised."""
    source = item.source
    # Longest first, so that an address which begins another is not replaced inside it.
    for remote in sorted(mapping, key=len, reverse=True):
        for form in dict.fromkeys((remote, escape(remote, quote=True))):
            source = source.replace(form, mapping[remote])
    if source == item.source:
        return False
    with transaction.atomic():
        item.source = source
        render_into(item)
        fields = ["source", "body_html"] + (["text", "snippet"] if isinstance(item, Post) else [])
        item.save(update_fields=fields)
        bump_content_version(item.blog)
    return True
