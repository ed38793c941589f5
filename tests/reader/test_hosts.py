from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db


def test_blogs_are_found_by_host(client: Client, make_post: MakePost, other_blog: Blog) -> None:
    make_post("On the default blog")
    make_post("On the other blog", target=other_blog)
    assert "On the default blog" in client.get("/", HTTP_HOST="localhost:8000").content.decode()
    other = client.get("/", HTTP_HOST="other.localhost:8000").content.decode()
    assert "Another Blog" in other and "On the other blog" in other
    assert "On the default blog" not in other


def test_custom_domain(client: Client, other_blog: Blog, settings: object) -> None:
    other_blog.custom_domain = "Example.COM"
    other_blog.save()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "example.com"]  # type: ignore[attr-defined]
    assert "Another Blog" in client.get("/", HTTP_HOST="example.com").content.decode()


def test_unknown_subdomain_has_no_blog(client: Client, blog: Blog) -> None:
    response = client.get("/", HTTP_HOST="nobody.localhost")
    assert response.status_code == 404
    assert "There is no blog at this address." in response.content.decode()


def test_foreign_host_is_refused(client: Client, blog: Blog) -> None:
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


def test_private_blog_hides_from_strangers(client: Client, blog: Blog, make_post: MakePost) -> None:
    post = make_post()
    blog.is_private = True
    blog.save()
    assert client.get("/").status_code == 404
    assert client.get(post.permalink).status_code == 404
    assert "A day in the garden" not in client.get(post.permalink).content.decode()
