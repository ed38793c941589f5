"""/studio/: the blogs a user writes on."""

from __future__ import annotations

from django.test import Client

from broadsheet.blogs.models import Blog, Membership
from tests.studio.conftest import url


def test_one_blog_goes_straight_to_its_dashboard(author, signed_in):
    response = signed_in(author).get(url("home"))
    assert response["Location"] == url("dashboard", "notes")


def test_several_blogs_are_listed(author, other_blog, signed_in):
    Membership.objects.create(blog=other_blog, user=author, role="contributor")
    page = signed_in(author).get(url("home")).content.decode()
    assert "Field Notes" in page and "Another Blog" in page and "Contributor" in page


def test_no_blog_yet(db, signed_in, django_user_model):
    lone = django_user_model.objects.create_user("lone", password="pw")
    page = signed_in(lone).get(url("home")).content.decode()
    assert "You do not write on any blog yet" in page
    assert "Create a blog" not in page


def test_staff_see_every_blog_and_may_create(blog, other_blog, signed_in, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    page = signed_in(boss).get(url("home")).content.decode()
    assert all(b.title in page for b in Blog.objects.all())
    assert "Create a blog" in page


def test_home_needs_sign_in_and_is_get_only(author, signed_in):
    assert Client().get(url("home"))["Location"] == "/studio/login/?next=/studio/"
    assert signed_in(author).post(url("home")).status_code == 405
