"""Storing what members upload. Used by the studio's uploads and by imports that bring images
home, so an image arrives the same way whichever door it came through."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify

from broadsheet.blogs.actions import save_profile, save_theme
from broadsheet.blogs.models import Blog, Membership, Profile
from broadsheet.blogs.quotas import Quota, charge, refund
from broadsheet.media import images
from broadsheet.media.models import UploadedImage


def upload_image(
    member: Membership, upload: IO[bytes], name: str, alt: str, *, now: dt.datetime | None = None
) -> UploadedImage:
    """A member's upload from the studio: `store_image`, counted against the member's hourly
    limit (`blogs.quotas`). OverQuota, before the file is read, when the limit is reached; a
    file refused for itself is not counted."""
    now = now or timezone.now()
    charge(member, {Quota.UPLOADS: 1}, now.timestamp())
    try:
        return store_image(member, upload, name, alt, now=now)
    except ValidationError:
        refund(member, {Quota.UPLOADS: 1}, now.timestamp())
        raise


def store_image(
    member: Membership, upload: IO[bytes], name: str, alt: str, *, now: dt.datetime | None = None
) -> UploadedImage:
    """Check an uploaded image, store its widths under MEDIA_ROOT (the default storage) and
    record it. ValidationError (keyed `image`) when the file is refused. Any member may upload.
    """
    now = now or timezone.now()
    try:
        processed = images.process(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    folder = f"images/{now:%Y/%m}/{uuid.uuid4().hex[:12]}"
    stem = slugify(PurePosixPath(name).stem)[:60] or "image"
    variants = [
        {
            "width": variant.width,
            "height": variant.height,
            "name": default_storage.save(
                f"{folder}/{stem}-{variant.width}.{variant.extension}", ContentFile(variant.data)
            ),
        }
        for variant in processed.variants
    ]
    return UploadedImage.objects.create(
        blog=member.blog,
        uploaded_by=member.user,
        original_name=name[:255],
        alt=alt,
        width=processed.width,
        height=processed.height,
        variants=variants,
        created_at=now,
    )


def discard_files(images: list[UploadedImage]) -> None:
    """Delete the stored widths of images whose records are being rolled back: files are not
    part of the database's transaction, and nothing would ever point at them again."""
    for image in images:
        for variant in image.variants:
            default_storage.delete(variant["name"])


# Avatars are shown at 48 CSS pixels; twice that keeps them sharp on high-density screens.
AVATAR_SIDE = 96


def update_profile(profile: Profile, upload: IO[bytes] | None, *, remove_avatar: bool) -> Profile:
    """Store a person's profile (`blogs.actions.save_profile`) with a new avatar when one was
    uploaded, or without one when asked. ValidationError (keyed `avatar`) for a refused file,
    before anything is saved."""
    if upload is not None:
        profile.avatar = store_avatar(upload)
    elif remove_avatar:
        profile.avatar = ""
    return save_profile(profile)


def store_avatar(upload: IO[bytes]) -> str:
    """Re-encode an uploaded portrait as a small square (`images.square`: no metadata kept)
    and store it; its name in the default storage."""
    try:
        variant = images.square(upload, AVATAR_SIDE)
    except ValidationError as error:
        raise ValidationError({"avatar": error.messages}) from None
    name = f"avatars/{uuid.uuid4().hex[:16]}.{variant.extension}"
    return default_storage.save(name, ContentFile(variant.data))


# Browsers draw a tab's icon at 16-32 CSS pixels; 64 keeps it sharp on high-density screens.
FAVICON_SIDE = 64


def update_theme(
    member: Membership, blog: Blog, upload: IO[bytes] | None, *, remove_favicon: bool
) -> Blog:
    """Store a blog's theme and options (`blogs.actions.save_theme`) with a new favicon when one
    was uploaded (re-encoded as a small square, as avatars are), or Broadsheet's when asked.
    ValidationError (keyed `favicon`) for a refused file, before anything is saved."""
    if upload is not None:
        try:
            variant = images.square(upload, FAVICON_SIDE)
        except ValidationError as error:
            raise ValidationError({"favicon": error.messages}) from None
        name = f"favicons/{uuid.uuid4().hex[:16]}.{variant.extension}"
        blog.favicon = default_storage.save(name, ContentFile(variant.data))
    elif remove_favicon:
        blog.favicon = ""
    return save_theme(member, blog)
