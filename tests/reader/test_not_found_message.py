"""The blog's own page-not-found message (Blogger's "Custom 404") on the themed 404 page."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog

pytestmark = pytest.mark.django_db


def not_found(client: Client, blog: Blog, message: str) -> str:
    blog.not_found_message = message
    blog.save()
    response = client.get("/2019/01/gone.html")
    assert response.status_code == 404
    return response.content.decode()


def test_a_plain_text_message_is_shown_with_its_paragraphs_and_links(
    client: Client, blog: Blog
) -> None:
    page = not_found(client, blog, "That page went to compost.\n\nSee https://example.org/map")
    assert "<p>That page went to compost.</p>" in page
    assert '<a href="https://example.org/map" rel="nofollow ugc noopener">' in page
    assert "the address may be mistyped" not in page
    assert 'name="q"' in page  # the search box stays


def test_an_html_message_is_sanitised(client: Client, blog: Blog) -> None:
    page = not_found(
        client, blog, '<p>Lost? <a href="/p/map.html">The map</a></p><script>x()</script>'
    )
    assert '<p>Lost? <a href="/p/map.html" rel="noopener">The map</a></p>' in page
    assert "<script>x()" not in page


def test_without_a_message_the_standard_one_is_shown(client: Client, blog: Blog) -> None:
    assert "the address may be mistyped" in not_found(client, blog, "")
