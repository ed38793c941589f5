"""Issue 6, part 5: every address an imported Blogger blog had keeps answering. The paths
are read from the imported files themselves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.blogger import ATOM, address_path
from broadsheet.portability.models import Redirect
from broadsheet.posts.models import Page, Post
from tests.portability.conftest import BLOGGER, NOW, WXR

pytestmark = pytest.mark.django_db

KIND = "{http://schemas.google.com/g/2005#kind}"


@pytest.fixture(autouse=True)
def with_redirects() -> Iterator[None]:
    stack = list(settings.MIDDLEWARE)
    middleware = "broadsheet.portability.middleware.RedirectMiddleware"
    with override_settings(MIDDLEWARE=stack if middleware in stack else [*stack, middleware]):
        yield


def alternate_links(path: Path, kind: str) -> list[str]:
    """The `rel="alternate"` addresses of the file's entries of one kind (post, comment…)."""
    tree = etree.parse(str(path), etree.XMLParser(recover=True, resolve_entities=False))
    base = ""
    links = []
    for link in tree.getroot().findall(f"{{{ATOM}}}link"):
        if link.get("rel") == "alternate":
            base = urlsplit(link.get("href", "")).path
    for entry in tree.getroot().iter(f"{{{ATOM}}}entry"):
        terms = [c.get("term", "") for c in entry.iter(f"{{{ATOM}}}category")]
        if not any(term.endswith(f"#{kind}") for term in terms):
            continue
        for link in entry.findall(f"{{{ATOM}}}link"):
            if link.get("rel") == "alternate":
                parts = urlsplit(link.get("href", ""))
                path_part = address_path(parts.path, base.rstrip("/") + "/")
                links.append(path_part + (f"?{parts.query}" if parts.query else ""))
    return links


def lands(client: Client, path: str) -> HttpResponse:
    """GET, following redirects; the answer must end in 200."""
    response = client.get(path, follow=True)
    assert response.status_code == 200, (path, response.redirect_chain)
    return response


@pytest.mark.parametrize("name", ["blogger-sample2.xml", "pelican-bloggerexport-2018.xml"])
def test_every_post_and_page_address_answers_with_and_without_m(
    blog: Blog, client: Client, name: str
) -> None:
    import_blogger(blog, BLOGGER / name, now=NOW)
    paths = alternate_links(BLOGGER / name, "post") + alternate_links(BLOGGER / name, "page")
    assert paths
    for path in paths:
        assert client.get(path).status_code == 200, path
        assert client.get(f"{path}?m=1").status_code == 200, path
        assert client.get(f"{path}?m=0").status_code == 200, path


@pytest.mark.parametrize("name", ["blogger-sample2.xml", "pelican-bloggerexport-2018.xml"])
def test_every_comment_address_answers(blog: Blog, client: Client, name: str) -> None:
    import_blogger(blog, BLOGGER / name, now=NOW)
    links = alternate_links(BLOGGER / name, "comment")
    assert links and all("showComment=" in link for link in links)
    for link in links:
        lands(client, link)


def test_feeds_answer_and_old_comment_feeds_redirect(blog: Blog, client: Client) -> None:
    import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)
    text = (BLOGGER / "blogger-sample2.xml").read_text()
    # The posts' own "replies" links: /blogspot/jjsfavoritethings/feeds/ID/comments/default.
    feeds = sorted(set(re.findall(r"/feeds/(\d+)/comments/default", text)))
    assert len(feeds) == 4
    for post_id in feeds:
        response = client.get(f"/feeds/{post_id}/comments/default")
        assert response.status_code == 301
        lands(client, response["Location"])
    lands(client, "/feeds/posts/default")


def test_old_daily_archive_addresses_answer(blog: Blog, client: Client) -> None:
    import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)
    for path in alternate_links(BLOGGER / "blogger-sample2.xml", "post"):
        year, month = path.split("/")[1:3]
        response = lands(client, f"/{year}_{month}_15_archive.html")
        assert response.redirect_chain[0] == (f"/{year}/{month}/", 301)
        assert "A (somewhat) brief history" in response.content.decode()


def test_old_wordpress_addresses_of_a_converted_file_land(blog: Blog, client: Client) -> None:
    import_blogger(blog, BLOGGER / "blogger-sample.xml", now=NOW)
    for path in alternate_links(BLOGGER / "blogger-sample.xml", "post"):
        response = lands(client, path)
        assert response.redirect_chain[0][1] == 301


def test_every_wordpress_link_lands(blog: Blog, client: Client) -> None:
    import_wordpress(blog, WXR / "theme-unit-test-data.xml", now=NOW)
    tree = etree.parse(str(WXR / "theme-unit-test-data.xml"))
    wp = "{https://wordpress.org/export/1.2/}"
    targets = set(Post.objects.public(blog).values_list("permalink", flat=True))
    targets |= {page.get_absolute_url() for page in Page.objects.filter(blog=blog)}
    paths = [
        address_path(item.findtext("link") or "")
        for item in tree.iter("item")
        if item.findtext(f"{wp}status") == "publish"
        and not item.findtext(f"{wp}post_password")
        and item.findtext(f"{wp}post_type") in ("post", "page")
    ]
    assert len(paths) == 55 + 21
    redirects = Redirect.objects.filter(blog=blog).select_related("post", "page")
    by_path = {redirect.old_path: redirect.destination() for redirect in redirects}
    assert all(by_path.get(path) in targets for path in paths)
    # Over HTTP, a sample: each old address is first a themed 404 the middleware replaces.
    for path in paths[::8]:
        response = client.get(path)
        assert response.status_code == 301 and response["Location"] == by_path[path]
        lands(client, response["Location"])
