"""Image files made in memory for the upload tests."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def photo(
    width: int = 1200,
    height: int = 800,
    fmt: str = "JPEG",
    *,
    gps: bool = False,
    orientation: int = 1,
) -> bytes:
    image = Image.new("RGB", (width, height), (120, 160, 90))
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, exif=exif.tobytes() if fmt in ("JPEG", "PNG", "WEBP") else None)
    return buffer.getvalue()


def png(width: int = 600, height: int = 400, mode: str = "RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def bomb(side: int = 20_000) -> bytes:
    """A tiny PNG that claims side x side pixels (400 megapixels): a decompression bomb."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


def upload(
    data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
