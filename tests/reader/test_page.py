from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_page
from broadsheet.posts.models import Page

pytestmark = pytest.mark.django_db


def test_static_page_and_pages_gadget(client: Client, blog: Blog) -> None:
    save_page(Page(blog=blog, title="About me", source="Hello **there**.", status="published"))
    save_page(Page(blog=blog, title="Unfinished", source="...", status="draft"))
    html = client.get("/p/about-me.html").content.decode()
    assert "<h1" in html and "About me" in html and "<strong>there</strong>" in html
    assert '<a href="/p/about-me.html">About me</a>' in html
    assert "Unfinished" not in html
    assert client.get("/p/unfinished.html").status_code == 404
