"""The studio's Theme page: admins choose the theme and their options; readers see it at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from broadsheet.blogs.models import Blog
from tests.studio.conftest import url
from tests.studio.images import photo


def _choices(**fields: Any) -> dict[str, Any]:
    chosen = {"theme": "magazine", "theme_accent": "", "theme_text_font": ""}
    return (
        chosen
        | {"theme_heading_font": "", "theme_width": "medium", "theme_scheme": "auto"}
        | fields
    )


def test_an_admin_switches_theme_and_readers_see_it_at_once(admin, signed_in, make_post, blog):
    make_post("Boats")
    assert "theme-column" in Client().get("/").content.decode()  # now in the page cache
    page = signed_in(admin).get(url("theme", blog.slug)).content.decode()
    assert "Preview Gallery on your blog" in page and 'aria-current="page">Theme' in page
    response = signed_in(admin).post(url("theme", blog.slug), _choices(theme_width="wide"))
    assert response.status_code == 302
    assert 'class="theme-magazine width-wide scheme-auto"' in Client().get("/").content.decode()


def test_authors_and_contributors_may_not_change_the_theme(author, contributor, signed_in, blog):
    for person in (author, contributor):
        response = signed_in(person).post(url("theme", blog.slug), _choices())
        assert response.status_code == 403
    assert Blog.objects.get(pk=blog.pk).theme == "column"


def test_an_unreadable_accent_is_refused_with_a_readable_shade_and_what_was_typed(
    admin, signed_in, blog
):
    response = signed_in(admin).post(url("theme", blog.slug), _choices(theme_accent="#FFD54F"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "have a contrast of 1.4:1; text needs 4.5:1" in page
    assert "The nearest readable shade is #" in page
    assert 'value="#FFD54F"' in page and 'value="magazine" required id="id_theme_1" checked' in page
    assert Blog.objects.get(pk=blog.pk).theme == "column"


def test_bad_choices_are_refused_not_stored(admin, signed_in, blog):
    for bad in ({"theme_accent": "red"}, {"theme": "nope"}, {"theme_text_font": "comic"}):
        response = signed_in(admin).post(url("theme", blog.slug), _choices(**bad))
        assert response.status_code == 400
    assert Blog.objects.get(pk=blog.pk).theme == "column"


def test_a_favicon_is_a_small_square_and_can_be_given_back(admin, signed_in, blog):
    client = signed_in(admin)
    upload = SimpleUploadedFile("icon.png", photo(300, 200, fmt="PNG"), "image/png")
    assert client.post(url("theme", blog.slug), _choices(favicon=upload)).status_code == 302
    stored = Blog.objects.get(pk=blog.pk).favicon
    with Image.open(Path(django_settings.MEDIA_ROOT) / stored) as icon:
        assert icon.size == (64, 64)
    assert (
        f'<link rel="icon" href="/media/{stored}" type="image/png">'
        in Client().get("/").content.decode()
    )
    client.post(url("theme", blog.slug), _choices(remove_favicon="on"))
    assert "reader/favicon.svg" in Client().get("/").content.decode()


def test_a_file_that_is_no_image_is_refused_as_favicon(admin, signed_in, blog):
    upload = SimpleUploadedFile("icon.png", b"<svg><script>alert(1)</script></svg>", "image/png")
    response = signed_in(admin).post(url("theme", blog.slug), _choices(favicon=upload))
    assert response.status_code == 400
    assert Blog.objects.get(pk=blog.pk).favicon == ""
