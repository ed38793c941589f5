"""robots.txt follows the blog's privacy and search-engine settings."""

from __future__ import annotations

from urllib.robotparser import RobotFileParser

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from broadsheet.blogs.models import Blog
from tests.feeds.conftest import ORIGIN

pytestmark = pytest.mark.django_db


def robots(client: Client, **headers: str) -> RobotFileParser:
    response = client.get("/robots.txt", **headers)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    parser = RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    return parser


def test_public_blog_allows_posts_and_labels_but_not_search(client: Client, blog: Blog) -> None:
    parser = robots(client)
    for path in ("/", "/2024/10/frost.html", "/p/about.html", "/search/label/Seed%20Saving"):
        assert parser.can_fetch("Googlebot", ORIGIN + path), path
    for path in ("/search?q=kale", "/search", "/search?updated-max=2024-10-20T00:00:00Z"):
        assert not parser.can_fetch("Googlebot", ORIGIN + path), path
    assert parser.site_maps() == [f"{ORIGIN}/sitemap.xml"]


def test_paged_label_pages_are_kept_out_for_rfc9309_crawlers(client: Client, blog: Blog) -> None:
    # Python's parser knows no wildcards; the rule for longest-match crawlers is there.
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /search/label/*?\nAllow: /search/label/\nDisallow: /search\n" in text


@pytest.mark.parametrize("setting", ["is_private", "hide_from_search_engines"])
def test_private_or_hidden_blog_disallows_everything(
    client: Client, blog: Blog, setting: str
) -> None:
    setattr(blog, setting, True)
    blog.save()
    parser = robots(client)
    assert not parser.can_fetch("Googlebot", ORIGIN + "/")
    assert not parser.can_fetch("Googlebot", ORIGIN + "/2024/10/frost.html")
    assert parser.site_maps() is None


def test_each_blog_names_its_own_sitemap(client: Client, blog: Blog, other_blog: Blog) -> None:
    parser = robots(client, HTTP_HOST="other.localhost")
    assert parser.site_maps() == ["http://other.localhost/sitemap.xml"]


def test_a_host_with_no_blog_keeps_crawlers_out_as_a_private_blog_does(
    client: Client, blog: Blog, other_blog: Blog
) -> None:
    # A 404 here, and a closed robots.txt on a private blog, told anyone which hosts hold one.
    Blog.objects.filter(pk=other_blog.pk).update(is_private=True)
    nowhere = client.get("/robots.txt", HTTP_HOST="nowhere.localhost")
    private = client.get("/robots.txt", HTTP_HOST="other.localhost")
    assert nowhere.status_code == private.status_code == 200
    assert nowhere.content == private.content == b"User-agent: *\nDisallow: /\n"


def test_robots_answers_get_and_head_only(client: Client, blog: Blog) -> None:
    assert client.post("/robots.txt").status_code == 405


CUSTOM = "User-agent: *\r\nDisallow: /2024/\r\n# keep the archive crawlable\r\nAllow: /\r\n"


def test_a_custom_robots_txt_is_served_as_written(client: Client, blog: Blog) -> None:
    blog.custom_robots_txt = CUSTOM
    blog.save()
    parser = robots(client)
    assert not parser.can_fetch("Googlebot", ORIGIN + "/2024/10/frost.html")
    assert parser.can_fetch("Googlebot", ORIGIN + "/search")
    text = client.get("/robots.txt").content.decode()
    assert text == CUSTOM.replace("\r\n", "\n")


def test_a_custom_robots_txt_cannot_open_a_hidden_blog(client: Client, blog: Blog) -> None:
    blog.custom_robots_txt, blog.hide_from_search_engines = "User-agent: *\nAllow: /\n", True
    blog.save()
    assert not robots(client).can_fetch("Googlebot", ORIGIN + "/")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<html><body>Allow</body></html>", "Line 1 is not a rule"),
        ("User-agent: *\nplease do not crawl", "Line 2 is not a rule"),
        ("User-agent: *\x1b[0m\nAllow: /", "control characters"),
        ("# x\n" * 3000, "at most 10,000 characters"),
    ],
)
def test_a_custom_robots_txt_that_crawlers_would_misread_is_refused(
    blog: Blog, text: str, problem: str
) -> None:
    blog.custom_robots_txt = text
    with pytest.raises(ValidationError) as refused:
        blog.full_clean()
    assert problem in str(refused.value.message_dict["custom_robots_txt"])
