"""The studio's "Your profile" page, and what readers then see on the blogs the person writes on."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from broadsheet.blogs.models import Blog, Profile
from tests.studio.conftest import url
from tests.studio.images import photo

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _details(**fields: object) -> dict[str, object]:
    return {"display_name": "A. Byron", "bio": "Writes about engines.", "link": "", **fields}


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get(url("profile"))
    assert response.status_code == 302
    assert "/studio/login/" in response["Location"]


def test_a_member_sets_their_profile_and_readers_see_it(author, signed_in, make_post):
    post = make_post("Engines")
    client = signed_in(author)
    assert "Ada Byron" in Client().get(post.permalink).content.decode()
    response = client.post(url("profile"), _details(link="https://ada.example/"))
    assert response.status_code == 302
    page = Client().get(post.permalink).content.decode()
    assert 'Posted by <span class="p-author h-card">A. Byron</span>' in page
    # The Profile gadget shows the bio and the link in the sidebar of the blog she writes on.
    assert "Writes about engines." in page
    assert 'href="https://ada.example/"' in page
    assert "A. Byron" in client.get(url("profile")).content.decode()


def test_a_profile_change_moves_every_blog_of_the_person(author, signed_in, make_post, blog):
    make_post("Engines")
    Client().get("/")  # the sidebar is now cached under the blog's sidebar version
    before = Blog.objects.get(pk=blog.pk).sidebar_version
    signed_in(author).post(url("profile"), _details(bio="New bio."))
    assert Blog.objects.get(pk=blog.pk).sidebar_version > before
    assert "New bio." in Client().get("/").content.decode()


def test_the_avatar_is_reencoded_as_a_small_square(author, signed_in, make_post):
    make_post("Engines")
    upload = SimpleUploadedFile("me.jpg", photo(1200, 800, gps=True), "image/jpeg")
    response = signed_in(author).post(url("profile"), _details(avatar=upload))
    assert response.status_code == 302
    avatar = Profile.objects.get(user=author).avatar
    with Image.open(Path(django_settings.MEDIA_ROOT) / avatar) as stored:
        assert stored.size == (96, 96)
        assert not stored.getexif()  # the camera and the GPS position are left behind
    assert Profile.objects.get(user=author).avatar_url in Client().get("/").content.decode()


def test_the_avatar_can_be_removed(author, signed_in):
    client = signed_in(author)
    client.post(url("profile"), _details(avatar=SimpleUploadedFile("me.png", photo(fmt="PNG"))))
    assert Profile.objects.get(user=author).avatar
    client.post(url("profile"), _details(remove_avatar="on"))
    assert Profile.objects.get(user=author).avatar == ""


def test_bad_input_is_explained_and_what_was_typed_is_kept(author, signed_in):
    client = signed_in(author)
    cases = {
        "link": _details(link="javascript:alert(1)"),
        "display name": _details(display_name="ada@example.com"),
        "avatar": _details(avatar=SimpleUploadedFile("me.svg", SVG, "image/svg+xml")),
        "bio": _details(bio="x" * 501),
    }
    for case, data in cases.items():
        response = client.post(url("profile"), data)
        page = response.content.decode()
        assert response.status_code == 400, case
        assert "Please fix this problem" in page, case
        assert "Writes about engines." in page or case == "bio", case
    assert not Profile.objects.filter(user=author).exists()


def test_the_refused_avatar_says_why(author, signed_in):
    data = _details(avatar=SimpleUploadedFile("me.svg", SVG, "image/svg+xml"))
    page = signed_in(author).post(url("profile"), data).content.decode()
    assert "SVG images are not accepted" in page
    assert 'value="A. Byron"' in page


def test_the_wrong_method_and_a_missing_csrf_token_are_refused(author, signed_in):
    assert signed_in(author).put(url("profile")).status_code == 405
    response = signed_in(author, csrf=True).post(url("profile"), _details())
    assert response.status_code == 403
    assert not Profile.objects.filter(user=author).exists()


def test_a_blog_cannot_take_the_profile_pages_address(operator, signed_in):
    data = {"title": "Profile", "slug": "profile", "time_zone": "UTC", "language": "en"}
    response = signed_in(operator).post(url("blog-new"), data)
    assert response.status_code == 400
    assert "taken by the studio" in response.content.decode()
    assert not Blog.objects.filter(slug="profile").exists()
