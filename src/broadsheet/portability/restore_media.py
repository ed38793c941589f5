"""A backup's media files, brought in by a blog's admin the way the studio takes an upload.

The archive's `media/…` members are bytes someone handed us under names they chose. Written
as they are, an HTML file or an SVG would be served from the site's own origin, and a name
could take the place of another blog's file. So each one goes through `media.actions.
store_image` (Pillow must recognise JPEG, PNG, GIF or WebP; the pixels are re-encoded into
new files under new names, as an `UploadedImage` of the blog) or is refused and reported;
nothing else is written. Posts and pages are then pointed at the new names.

The studio stores an upload's widths side by side (`images/2024/10/<12 hex>/stem-960.jpg`),
and a post's srcset names them all: such a folder is restored from its widest file, whose
re-encoding makes the narrower widths again, so the blog gets one image, not one per width.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from broadsheet.blogs.models import Blog, Membership
from broadsheet.media.actions import store_image
from broadsheet.media.models import UploadedImage
from broadsheet.portability.archive import Budget, read_member
from broadsheet.portability.backup import _MEDIA_REF
from broadsheet.portability.images import _Uploader

_STUDIO_WIDTH = re.compile(r"^(images/\d{4}/\d{2}/[0-9a-f]{12})/[^/]+-(\d{1,5})\.[a-z]{3,4}$")


@dataclass
class RestoredMedia:
    """Old name → new address for each file kept; the reason for each file refused."""

    urls: dict[str, str] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)  # storage names, removed on failure
    images: int = 0

    def rewrite(self, source: str) -> str:
        """The source with every `/media/<old name>` it shows pointing at the new file."""

        def new_url(match: re.Match[str]) -> str:
            return self.urls.get(match.group(1), match.group(0))

        return _MEDIA_REF.sub(new_url, source)


def restore_media(
    archive: zipfile.ZipFile, blog: Blog, user: User | None, budget: Budget
) -> RestoredMedia:
    """Store every media member of the archive as an upload to `blog` by `user`."""
    restored = RestoredMedia()
    try:
        for group in _groups(_media_names(archive)):
            _restore_group(archive, group, _Uploader(blog, user), budget, restored)
    except BaseException:
        remove_files(restored.written)
        raise
    return restored


def remove_files(names: list[str]) -> None:
    """Undo the files of a restore that did not commit."""
    for name in names:
        default_storage.delete(name)


def _media_names(archive: zipfile.ZipFile) -> list[str]:
    infos = archive.infolist()
    return sorted(info.filename[6:] for info in infos if _is_media(info))


def _is_media(info: zipfile.ZipInfo) -> bool:
    return info.filename.startswith("media/") and not info.is_dir()


def _groups(names: list[str]) -> list[list[str]]:
    """The names by the upload they are widths of, widest first; others each alone."""
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for name in names:
        match = _STUDIO_WIDTH.match(name)
        groups[match.group(1) if match else name].append(name)
    return [sorted(group, key=lambda name: -(_width(name) or 0)) for group in groups.values()]


def _width(name: str) -> int | None:
    match = _STUDIO_WIDTH.match(name)
    return int(match.group(2)) if match else None


def _restore_group(
    archive: zipfile.ZipFile,
    group: list[str],
    uploader: _Uploader,
    budget: Budget,
    restored: RestoredMedia,
) -> None:
    widest = group[0]
    try:
        image = _store(archive, widest, uploader, budget)
    except ValidationError as error:
        restored.refused.update(dict.fromkeys(group, " ".join(error.messages)))
        return
    restored.written += [variant["name"] for variant in image.variants]
    restored.images += 1
    for name in group:
        variant = _matching_variant(image.variants, _width(name))
        restored.urls[name] = default_storage.url(variant["name"])


def _store(
    archive: zipfile.ZipFile, name: str, uploader: _Uploader, budget: Budget
) -> UploadedImage:
    data = read_member(archive, f"media/{name}", budget, settings.MAX_IMAGE_BYTES)
    if data is None:
        limit = settings.MAX_IMAGE_BYTES // (1024 * 1024)
        raise ValidationError(f"larger than the {limit} MB an image may be")
    member = cast(Membership, uploader)
    try:
        return store_image(member, io.BytesIO(data), name.rsplit("/", 1)[-1], alt="")
    except ValidationError as error:
        raise ValidationError(error.message_dict.get("image", error.messages)) from None


def _matching_variant(variants: list[dict[str, Any]], width: int | None) -> dict[str, Any]:
    """The new file for an old width: the same width, else the next wider, else the widest."""
    wide_enough = [v for v in variants if width is not None and v["width"] >= width]
    return wide_enough[0] if wide_enough else variants[-1]
