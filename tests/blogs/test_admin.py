from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from broadsheet.blogs.models import Blog
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db


def test_operator_can_reach_blogs_and_posts_in_admin(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    make_post("Repair me")
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    assert "Field Notes" in client.get("/admin/blogs/blog/").content.decode()
    assert "Repair me" in client.get("/admin/posts/post/").content.decode()
    assert client.get(f"/admin/blogs/blog/{blog.pk}/change/").status_code == 200


def test_admin_needs_staff(client: Client, blog: Blog, author: User) -> None:
    client.force_login(author)
    assert client.get("/admin/blogs/blog/").status_code == 302


def test_a_post_deleted_in_the_admin_leaves_the_pages_at_once(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    post = make_post("Repair me")
    reader = Client()
    assert "Repair me" in reader.get("/").content.decode()
    before = Blog.objects.get(pk=blog.pk)
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    response = client.post(f"/admin/posts/post/{post.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    after = Blog.objects.get(pk=blog.pk)
    assert after.content_version > before.content_version
    assert after.sidebar_version > before.sidebar_version
    assert "Repair me" not in reader.get("/").content.decode()


def test_a_blog_described_anew_in_the_admin_shows_it_at_once(
    blog: Blog, rf: RequestFactory
) -> None:
    """The About gadget is cached with the sidebar: an admin change must replace it."""
    reader = Client()
    assert "Small observations" in reader.get("/").content.decode()
    blog.description = "Longer observations, rewritten."
    blog_admin = admin.site._registry[Blog]
    blog_admin.save_model(rf.post("/admin/"), blog, None, True)
    page = reader.get("/").content.decode()
    assert "Longer observations" in page and "Small observations" not in page
