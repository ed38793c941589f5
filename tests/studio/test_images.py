"""The image upload page and the editor's upload endpoint (JSON)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings as django_settings
from django.test import Client

from broadsheet.core import markup
from broadsheet.media.models import UploadedImage
from tests.studio.conftest import url
from tests.studio.images import SVG, photo, upload

JSON = {"HTTP_ACCEPT": "application/json"}


def test_upload_from_the_editor_returns_the_snippet(blog, contributor, signed_in):
    response = signed_in(contributor).post(
        url("images", blog.slug),
        {"image": upload(photo(1200, 800), "My Photo.JPG"), "alt": "Beans & peas"},
        **JSON,
    )
    assert response.status_code == 200
    image = UploadedImage.objects.get()
    assert (image.width, image.height, image.alt, image.uploaded_by) == (
        1200,
        800,
        "Beans & peas",
        contributor,
    )
    snippet = response.json()["snippet"]
    assert snippet == image.snippet()
    assert 'alt="Beans &amp; peas"' in snippet and " 480w" in snippet and " 1200w" in snippet
    assert image.src.endswith("/my-photo-960.jpg")
    for variant in image.variants:
        assert (Path(django_settings.MEDIA_ROOT) / variant["name"]).is_file()
    # The snippet survives the pipeline untouched, in Markdown and in HTML posts.
    assert 'srcset="' in markup.render(f"Intro\n\n{snippet}\n", "markdown")
    assert 'sizes="' in markup.render(snippet, "html")


def test_upload_page_without_script(blog, author, signed_in):
    client = signed_in(author)
    assert b"Upload an image" in client.get(url("images", blog.slug)).content
    response = client.post(url("images", blog.slug), {"image": upload(photo(500, 300)), "alt": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "HTML to paste into a post" in page
    assert "&lt;img src=" in page  # the snippet, shown as text to copy


def test_fake_svg_and_oversized_files_are_explained(blog, author, signed_in, settings):
    client = signed_in(author)
    fake = client.post(
        url("images", blog.slug), {"image": upload(b"not really", "cat.jpg")}, **JSON
    )
    assert fake.status_code == 400 and fake.json() == {
        "errors": ["This file is not a JPEG, PNG, GIF or WebP image."]
    }
    svg = client.post(
        url("images", blog.slug), {"image": upload(SVG, "logo.png", "image/png")}, **JSON
    )
    assert "SVG images are not accepted" in svg.json()["errors"][0]
    settings.MAX_IMAGE_BYTES = 1024 * 1024
    big = client.post(url("images", blog.slug), {"image": upload(b"x" * (1024 * 1024 + 1))}, **JSON)
    assert "images can be at most 1 MB" in big.json()["errors"][0]
    page = client.post(
        url("images", blog.slug), {"image": upload(b"x", "a.jpg"), "alt": "kept alt"}
    )
    assert (
        page.status_code == 400
        and b"not a JPEG" in page.content
        and b'value="kept alt"' in page.content
    )
    missing = client.post(url("images", blog.slug), {}, **JSON)
    assert missing.json()["errors"] == ["Choose an image file to upload."]
    assert not UploadedImage.objects.exists()


def test_another_blogs_images_are_404(other_blog, author, signed_in):
    assert signed_in(author).get(url("images", other_blog.slug)).status_code == 404
    response = signed_in(author).post(
        url("images", other_blog.slug), {"image": upload(photo(100, 100))}
    )
    assert response.status_code == 404 and not UploadedImage.objects.exists()


def test_images_method_csrf_and_sign_in(blog, author, signed_in):
    assert signed_in(author).put(url("images", blog.slug)).status_code == 405
    strict = signed_in(author, csrf=True)
    assert (
        strict.post(url("images", blog.slug), {"image": upload(photo(100, 100))}).status_code == 403
    )
    assert Client().post(url("images", blog.slug), **JSON).status_code == 401
    assert not UploadedImage.objects.exists()
