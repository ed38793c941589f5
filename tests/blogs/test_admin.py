from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

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
