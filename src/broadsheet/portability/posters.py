"""Poster images for embed facades, fetched by the task worker (issue 13).

A facade shows a picture so the reader knows what she would play, but the picture must not
come from the provider while she reads: that is the visit the facade exists to hide. So after
a post with an embed is saved or imported, `fetch_posters` (a task) fetches each poster once
per blog through the guarded fetcher (YouTube's hqdefault.jpg, Vimeo's oEmbed thumbnail,
Dailymotion's thumbnail), stores it as one of the blog's images (`media.actions.store_image`,
which checks and re-encodes it) and renders again the posts and pages that show the embed.
A failure is remembered too, so the facade goes without a picture and nobody retries in a
loop. It lives here, above `posts` and `media`, because it touches both.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from broadsheet.blogs.actions import bump_content_version, lock_blog
from broadsheet.blogs.models import Blog, Membership
from broadsheet.core import embeds
from broadsheet.core.fetch import Fetcher, FetchFailed, FetchRefused
from broadsheet.media.actions import store_image
from broadsheet.media.models import EmbedPoster, UploadedImage
from broadsheet.portability.image_fetch import image_fetcher
from broadsheet.posts.actions import render_into
from broadsheet.posts.models import Page, Post

MAX_OEMBED_BYTES = 64 * 1024


class PosterFailed(Exception):
    """No poster for this embed; the message says why (kept on the EmbedPoster row)."""


@dataclass(frozen=True)
class _Uploader:
    """What `store_image` reads of a membership: the blog, and who uploaded (no one)."""

    blog: Blog
    user: User | None = None


def missing(blog_id: int, keys: list[str]) -> list[str]:
    """The keys this blog has not tried to fetch a poster for yet."""
    tried = set(
        EmbedPoster.objects.filter(blog_id=blog_id, key__in=keys).values_list("key", flat=True)
    )
    return [key for key in keys if key not in tried]


def fetch_posters(blog: Blog, keys: list[str], fetcher: Fetcher | None = None) -> int:
    """Fetch and store the posters `blog` lacks among `keys`, then render again what shows
    them. Returns how many were stored."""
    fetcher = fetcher or image_fetcher()
    stored = 0
    for key in missing(blog.pk, keys):
        stored += _remember(blog, key, fetcher)
    return stored


def _remember(blog: Blog, key: str, fetcher: Fetcher) -> int:
    embed = embeds.from_key(key)
    if embed is None or not embed.provider.poster:
        return 0
    try:
        image, failure = _download(blog, embed, fetcher), ""
    except PosterFailed as error:
        image, failure = None, str(error)[:300]
    try:
        with transaction.atomic():
            EmbedPoster.objects.create(blog=blog, key=key, image=image, failure=failure)
    except IntegrityError:
        return 0  # another worker stored it first
    if image is not None:
        _render_again(blog, key)
    return int(image is not None)


def _download(blog: Blog, embed: embeds.Embed, fetcher: Fetcher) -> UploadedImage:
    url = embeds.poster_source(embed)
    if embed.provider.oembed:
        url = _oembed_thumbnail(_fetched(url, fetcher))
    body = _fetched(url, fetcher)
    uploader = cast(Membership, _Uploader(blog))
    name = f"poster-{embed.provider.key}.jpg"
    try:
        return store_image(uploader, io.BytesIO(body), name, alt="")
    except ValidationError as error:
        raise PosterFailed(" ".join(error.messages)) from None


def _fetched(url: str, fetcher: Fetcher) -> bytes:
    try:
        response = fetcher.fetch(url)
    except (FetchRefused, FetchFailed) as error:
        raise PosterFailed(f"not fetched: {error}") from None
    if response.status != 200:
        raise PosterFailed(f"the server answered HTTP {response.status}")
    return response.body


def _oembed_thumbnail(body: bytes) -> str:
    try:
        answer = json.loads(body[:MAX_OEMBED_BYTES])
    except ValueError:
        raise PosterFailed("the oEmbed answer is not JSON") from None
    url = answer.get("thumbnail_url") if isinstance(answer, dict) else None
    # Only an https image URL; the guarded fetcher still vets where it points.
    if not isinstance(url, str) or not url.startswith("https://"):
        raise PosterFailed("the oEmbed answer names no thumbnail")
    return url


def _render_again(blog: Blog, key: str) -> None:
    marker = f'data-embed="{key}"'
    with transaction.atomic():
        lock_blog(blog.pk)  # before the posts rendered again, one after another
        for item in [
            *Post.objects.filter(blog=blog, body_html__contains=marker),
            *Page.objects.filter(blog=blog, body_html__contains=marker),
        ]:
            render_into(item)
            extra = ["text", "snippet"] if isinstance(item, Post) else []
            item.save(update_fields=["body_html", *extra])
        bump_content_version(blog)
