"""Creating a blog (staff only); its creator becomes its admin."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog, Membership
from tests.studio.conftest import url


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("sam", "sam@example.com", "pw", is_staff=True)


def test_staff_create_a_blog_and_run_it(staff, signed_in):
    response = signed_in(staff).post(
        url("blog-new"),
        {
            "title": "Garden Log",
            "slug": "garden",
            "description": "",
            "time_zone": "Europe/Paris",
            "language": "fr",
        },
    )
    assert response["Location"] == url("dashboard", "garden")
    blog = Blog.objects.get(slug="garden")
    assert (blog.time_zone, blog.language, blog.is_default) == ("Europe/Paris", "fr", True)
    assert Membership.objects.get(blog=blog).role == "admin"


def test_bad_slug_is_explained_and_input_kept(staff, blog, signed_in):
    for slug, message in [
        ("Bad Slug!", "Use lower-case letters"),
        ("notes", "Blog with this Slug already exists"),
        ("login", "taken by the studio"),
    ]:
        response = signed_in(staff).post(
            url("blog-new"),
            {"title": "Kept title", "slug": slug, "time_zone": "UTC", "language": "en"},
        )
        assert response.status_code == 400
        assert message in response.content.decode()
        assert 'value="Kept title"' in response.content.decode()


def test_members_who_are_not_staff_cannot_create_blogs(author, signed_in):
    client = signed_in(author)
    assert client.get(url("blog-new")).status_code == 403
    data = {"title": "Mine", "slug": "mine", "time_zone": "UTC", "language": "en"}
    assert client.post(url("blog-new"), data).status_code == 403
    assert not Blog.objects.filter(slug="mine").exists()


def test_blog_new_method_csrf_and_sign_in(staff, signed_in):
    assert signed_in(staff).put(url("blog-new")).status_code == 405
    assert signed_in(staff, csrf=True).post(url("blog-new"), {"title": "x"}).status_code == 403
    assert Client().get(url("blog-new")).status_code == 302
