"""Turn an uploaded file into clean, resized images, or refuse it with a reason a writer can act on.

The file is judged by its content, never by its name or the type the browser claimed: Pillow
must recognise it as JPEG, PNG, GIF or WebP. SVG is refused outright (it is a document that can
carry scripts), and so is anything whose header promises more pixels than MAX_IMAGE_PIXELS: that
check reads only the header, before a single pixel is decoded, so a small file that unpacks to
gigabytes (a decompression bomb) costs nothing. Every stored file is re-encoded from the pixels
alone, so EXIF (camera, GPS position), XMP and comments are left behind; the EXIF orientation
is applied first, so that portrait photos stay upright.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

# Widths offered in srcset: a phone, a laptop column at 2x, a wide screen at 2x.
WIDTHS = (480, 960, 1600, 2400)
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# A still GIF is stored as PNG: same pixels, smaller, and Pillow writes PNG better.
OUTPUT = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": "WEBP"}

NOT_AN_IMAGE = "This file is not a JPEG, PNG, GIF or WebP image."
SVG_REFUSED = "SVG images are not accepted: they can carry scripts. Upload a PNG instead."
DAMAGED = "This image file is damaged or incomplete."


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    extension: str
    data: bytes


@dataclass(frozen=True)
class Processed:
    width: int
    height: int
    variants: list[Variant]  # narrowest first


def process(upload: IO[bytes]) -> Processed:
    """Check an uploaded file and make its stored versions; ValidationError says why not."""
    head = upload.read(512)
    upload.seek(0)
    if _looks_like_svg(head):
        raise ValidationError(SVG_REFUSED)
    with _opened(upload) as opened:
        source_format = opened.format or "PNG"
        image = _decoded(opened, OUTPUT[source_format])
    return Processed(image.width, image.height, _variants(image, OUTPUT[source_format]))


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in text


class _opened:
    """Image.open with the decompression-bomb check done from the header alone."""

    def __init__(self, upload: IO[bytes]) -> None:
        self.upload = upload
        self.image: Image.Image | None = None

    def __enter__(self) -> Image.Image:
        try:
            with warnings.catch_warnings():
                # Pillow warns (and past twice its own limit, raises) while opening.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                self.image = Image.open(self.upload, formats=list(ACCEPTED))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ValidationError(_too_large_message()) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ValidationError(NOT_AN_IMAGE) from None
        if self.image.width * self.image.height > settings.MAX_IMAGE_PIXELS:
            self.image.close()
            raise ValidationError(_too_large_message(self.image.width, self.image.height))
        return self.image

    def __exit__(self, *exc: object) -> None:
        if self.image is not None:
            self.image.close()


def _too_large_message(width: int = 0, height: int = 0) -> str:
    limit = settings.MAX_IMAGE_PIXELS / 1_000_000
    size = f" ({width} by {height} pixels)" if width else ""
    return f"This image is too large{size}: at most {limit:g} megapixels are accepted."


def _decoded(image: Image.Image, out_format: str) -> Image.Image:
    """The pixels, upright, as a new image that carries none of the file's metadata."""
    if getattr(image, "is_animated", False):
        image.seek(0)  # animation is not kept: the first frame stands for the image
    try:
        image.load()
        upright = ImageOps.exif_transpose(image) or image
    except (OSError, ValueError, SyntaxError):
        raise ValidationError(DAMAGED) from None
    clean = upright.convert("RGB" if out_format == "JPEG" else _keep_mode(upright.mode))
    clean.info = {}
    return clean


def _keep_mode(mode: str) -> str:
    return "RGBA" if mode in ("RGBA", "LA", "P", "PA") else "RGB"


def _variants(image: Image.Image, out_format: str) -> list[Variant]:
    widths = [w for w in WIDTHS if w < image.width] + [min(image.width, WIDTHS[-1])]
    return [_resized(image, width, out_format) for width in sorted(set(widths))]


def _resized(image: Image.Image, width: int, out_format: str) -> Variant:
    height = max(1, round(image.height * width / image.width))
    copy = image
    if width != image.width:
        copy = image.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    options = {"JPEG": {"quality": 85, "optimize": True, "progressive": True}}
    copy.save(buffer, format=out_format, **options.get(out_format, {"optimize": True}))
    return Variant(width, height, ACCEPTED[out_format], buffer.getvalue())


def square(upload: IO[bytes], side: int) -> Variant:
    """A portrait (a profile's avatar): the file checked and re-encoded as `process` does,
    cut to its centred square and made `side` pixels wide, or narrower if it is smaller."""
    head = upload.read(512)
    upload.seek(0)
    if _looks_like_svg(head):
        raise ValidationError(SVG_REFUSED)
    with _opened(upload) as opened:
        out_format = OUTPUT[opened.format or "PNG"]
        image = _decoded(opened, out_format)
    edge = min(image.width, image.height, side)
    cut = ImageOps.fit(image, (edge, edge), Image.Resampling.LANCZOS)
    return _resized(cut, edge, out_format)
