"""Bring an imported blog's images home: `localise_images(blog)` copies every http(s) image
that imported posts and pages show into the media store, and makes them point here.

Images on Blogger's hosts are recognised in every address form and size variant
(`blogger_images`): each picture is fetched once, at its largest size (falling back to the
addresses the post uses when that fails), and stored once, however many sizes of it the post
shows; every `<img>` showing any size of it gets the local copy with our `srcset` and
`sizes`, and every link to it (Blogger's lightbox link around the picture) opens the local
copy's largest width. Other hosts' images are fetched at the address given.

Each address is fetched through the guarded fetcher (public addresses only, on every redirect
hop; at most MAX_IMAGE_BYTES), and the bytes go through the studio's own image checks and
re-encoding, exactly as an upload would: SVG, decompression bombs and files that are not
images are refused. A refused or unreachable image stays linked where it was, and the report
names it with the reason. Each picture copied is remembered (`ImportedImage`, under its key:
the address itself, or the Blogger picture it names), so importing the same file again and
localising again reuses the copy instead of downloading it twice.

Run it after the import has committed: the downloads happen outside any transaction, and each
post is rewritten in its own short one.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import cast
from urllib.parse import unquote, urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction

from broadsheet.blogs.actions import bump_content_version, lock_blog
from broadsheet.blogs.models import Blog, Membership
from broadsheet.core.fetch import Fetcher, FetchFailed, FetchRefused, FetchTooLarge, Response
from broadsheet.media import images as checks
from broadsheet.media.actions import store_image
from broadsheet.media.models import UploadedImage
from broadsheet.portability.blogger_images import blogger_image
from broadsheet.portability.image_fetch import image_fetcher
from broadsheet.portability.image_html import Local, image_tags, rewrite
from broadsheet.portability.models import ImportedImage, ImportedItem
from broadsheet.posts.actions import render_into
from broadsheet.posts.models import Page, Post

__all__ = ["ImageReport", "image_fetcher", "localise_images", "wanted_images"]

Item = Post | Page


@dataclass
class ImageReport:
    """What `localise_images` did, one entry per picture, named by the address the post
    showed it at: brought home, already here from an earlier run, or failed with the reason."""

    stored: dict[str, str] = field(default_factory=dict)  # remote URL -> local URL
    reused: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # remote URL -> why it stays linked
    items: int = 0  # posts and pages rewritten

    def lines(self) -> list[str]:
        lines = [
            f"images: {len(self.stored)} brought home, {len(self.reused)} already here, "
            f"{len(self.failed)} failed and left linked where they were; "
            f"{self.items} posts and pages rewritten"
        ]
        return lines + [f"image failed: {url} ({why})" for url, why in self.failed.items()]


@dataclass(frozen=True)
class Wanted:
    """One picture a post shows, however many sizes of it the post uses."""

    key: str  # the Blogger picture it names, or else its address
    shown: str  # the first address an <img> gives it: what the report calls it
    candidates: tuple[str, ...]  # what to fetch, best first


def image_key(url: str) -> str:
    found = blogger_image(url)
    return found.key if found else url


def wanted_images(html: str) -> list[Wanted]:
    """The remote pictures an HTML body shows, each with the addresses to fetch it from: its
    largest size on Blogger's hosts, then the links around it, then the sizes shown."""
    tags = image_tags(html)
    shown: dict[str, list[str]] = {}
    for url in (url for tag in tags if tag.name == "img" for url in tag.urls()):
        if _remote(url):
            shown.setdefault(image_key(url), []).append(url)
    linked = [url for tag in tags if tag.name == "a" for url in tag.urls() if _remote(url)]
    wanted = []
    for key, urls in shown.items():
        links = [url for url in linked if image_key(url) == key]
        wanted.append(Wanted(key, urls[0], _candidates(urls[0], links + urls)))
    return wanted


def _remote(url: str) -> bool:
    if url.startswith("//"):  # protocol-relative: Blogger's own hosts only
        return blogger_image(url) is not None
    return url.lower().startswith(("http://", "https://"))


def _candidates(shown: str, urls: list[str]) -> tuple[str, ...]:
    found = blogger_image(shown)
    best = [found.largest] if found else []
    return tuple(dict.fromkeys(best + [f"https:{u}" if u.startswith("//") else u for u in urls]))


def localise_images(
    blog: Blog, *, fetcher: Fetcher | None = None, user: User | None = None
) -> ImageReport:
    """Copy the remote images of the blog's imported posts and pages into the media store and
    rewrite those posts and pages to show the copies. `user` is recorded as the uploader."""
    home = _Home(blog, fetcher or image_fetcher(), user, _known_copies(blog))
    for item in _imported_items(blog):
        for wanted in wanted_images(item.source):
            home.bring(wanted)
        if _rewrite(item, rewrite(item.source, home.local)):
            home.report.items += 1
    return home.report


def _known_copies(blog: Blog) -> dict[str, UploadedImage]:
    rows = ImportedImage.objects.filter(blog=blog, image__isnull=False).select_related("image")
    return {row.url: row.image for row in rows if row.image is not None}


@dataclass
class _Home:
    """Where a run keeps what it has brought home and what failed, across posts."""

    blog: Blog
    fetcher: Fetcher
    user: User | None
    known: dict[str, UploadedImage]  # key -> copy, from earlier runs and this one
    report: ImageReport = field(default_factory=ImageReport)
    done: set[str] = field(default_factory=set)  # keys counted in the report

    def bring(self, wanted: Wanted) -> None:
        if wanted.key in self.done:
            return
        self.done.add(wanted.key)
        # Copies made before Blogger's sizes were told apart are remembered by address.
        earlier = (self.known.get(name) for name in (wanted.key, *wanted.candidates))
        copy = next(filter(None, earlier), None)
        if copy is not None:
            self.known[wanted.key] = copy
            self.report.reused[wanted.shown] = copy.src
            return
        try:
            image = self._download_first(wanted.candidates)
        except ImageRefused as refusal:
            self.report.failed[wanted.shown] = str(refusal)
            return
        ImportedImage.objects.update_or_create(
            blog=self.blog,
            url_hash=ImportedImage.hash_url(wanted.key),
            defaults={"url": wanted.key, "image": image},
        )
        self.known[wanted.key] = image
        self.report.stored[wanted.shown] = image.src

    def _download_first(self, candidates: Iterable[str]) -> UploadedImage:
        reasons: list[str] = []
        for url in candidates:
            try:
                return _download(self.blog, url, self.fetcher, self.user)
            except ImageRefused as refusal:
                reasons.append(str(refusal))
        # The last address tried is one the post itself uses: its reason is the one the
        # writer can check (the largest size is an address of our making).
        raise ImageRefused(reasons[-1] if reasons else "no address to fetch")

    def local(self, url: str) -> Local | None:
        image = self.known.get(image_key(url))
        if image is None:
            return None
        largest = default_storage.url(image.variants[-1]["name"])
        return Local(image.src, image.srcset, largest)


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


class ImageRefused(Exception):
    """The image cannot be copied here; the message says why, for the report."""


@dataclass(frozen=True)
class _Uploader:
    """What `store_image` reads of a membership: the blog, and who uploaded (maybe no one)."""

    blog: Blog
    user: User | None


def _download(blog: Blog, url: str, fetcher: Fetcher, user: User | None) -> UploadedImage:
    response = _fetched(url, fetcher)
    name = unquote(PurePosixPath(urlsplit(response.url).path).name) or "image"
    uploader = cast(Membership, _Uploader(blog, user))
    try:
        return store_image(uploader, io.BytesIO(response.body), name, alt="")
    except ValidationError as error:
        messages = error.message_dict.get("image", error.messages)
        raise ImageRefused(_checks_reason(messages)) from None


def _fetched(url: str, fetcher: Fetcher) -> Response:
    try:
        response = fetcher.fetch(url)
    except FetchRefused as error:
        raise ImageRefused(f"address refused, not fetched: {error}") from None
    except FetchTooLarge as error:
        raise ImageRefused(f"too large: {error}") from None
    except FetchFailed as error:
        raise ImageRefused(f"unreachable: {error}") from None
    if response.status != 200:
        raise ImageRefused(f"the server answered HTTP {response.status}")
    return response


def _checks_reason(messages: list[str]) -> str:
    """The studio's refusal, headed by its kind, so that a report can be read at a glance."""
    text = " ".join(messages)
    if any(message in (checks.NOT_AN_IMAGE, checks.SVG_REFUSED) for message in messages):
        return f"refused type: {text}"
    if checks.DAMAGED in messages:
        return f"damaged: {text}"
    return f"too large: {text}"  # the one other refusal: more pixels than MAX_IMAGE_PIXELS


def _rewrite(item: Item, source: str) -> bool:
    """Save the item with its new source, rendered again so body_html stays sanitised."""
    if source == item.source:
        return False
    with transaction.atomic():
        lock_blog(item.blog_id)
        item.source = source
        render_into(item)
        fields = ["source", "body_html"] + (["text", "snippet"] if isinstance(item, Post) else [])
        item.save(update_fields=fields)
        bump_content_version(item.blog)
    return True
