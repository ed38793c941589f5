"""media.images: widths for srcset, metadata stripped, hostile files refused."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from broadsheet.media import images
from tests.studio.images import SVG, bomb, photo, png


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_a_photo_gets_each_narrower_width_and_its_own():
    result = images.process(io.BytesIO(photo(2000, 1000)))
    assert [(v.width, v.height) for v in result.variants] == [
        (480, 240),
        (960, 480),
        (1600, 800),
        (2000, 1000),
    ]
    assert all(v.extension == "jpg" for v in result.variants)
    assert opened(result.variants[0].data).size == (480, 240)


def test_a_small_image_is_kept_at_its_size():
    result = images.process(io.BytesIO(png(300, 200)))
    assert [(v.width, v.height, v.extension) for v in result.variants] == [(300, 200, "png")]


def test_exif_and_gps_are_stripped():
    for variant in images.process(io.BytesIO(photo(1000, 600, gps=True))).variants:
        stored = opened(variant.data)
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info and b"Camera Maker" not in variant.data


def test_exif_orientation_is_applied_before_stripping():
    result = images.process(io.BytesIO(photo(800, 400, orientation=6)))  # rotated 90 degrees
    assert (result.width, result.height) == (400, 800)


def test_svg_is_refused_with_a_reason():
    with pytest.raises(ValidationError, match="SVG images are not accepted"):
        images.process(io.BytesIO(SVG))


def test_a_file_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError, match="not a JPEG, PNG, GIF or WebP image"):
        images.process(io.BytesIO(b"%PDF-1.7 pretending to be a photo"))


def test_formats_outside_the_list_are_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="TIFF")
    with pytest.raises(ValidationError, match="not a JPEG"):
        images.process(io.BytesIO(buffer.getvalue()))


def test_a_truncated_image_is_refused():
    data = photo(800, 600)
    with pytest.raises(ValidationError, match="damaged or incomplete"):
        images.process(io.BytesIO(data[: len(data) // 2]))


def test_a_decompression_bomb_is_refused_from_its_header():
    data = bomb()
    assert len(data) < 100_000
    with pytest.raises(ValidationError, match="too large"):
        images.process(io.BytesIO(data))


def test_the_pixel_limit_is_a_setting(settings):
    settings.MAX_IMAGE_PIXELS = 100 * 100
    with pytest.raises(ValidationError, match=r"101 by 100 pixels.*0.01 megapixels"):
        images.process(io.BytesIO(png(101, 100)))


def test_gif_becomes_png_and_transparency_survives():
    buffer = io.BytesIO()
    Image.new("P", (50, 40)).save(buffer, format="GIF", transparency=0)
    variant = images.process(io.BytesIO(buffer.getvalue())).variants[0]
    assert variant.extension == "png" and opened(variant.data).mode == "RGBA"
