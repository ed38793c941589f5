"""sitemap.xml: an index of `/sitemap-posts-N.xml` (150 posts each, counted from the oldest),
pages and labels; Blogger's `?page=N` (newest first) still answers."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.feeds.sitemaps import LabelSitemap
from broadsheet.posts.actions import save_page, save_post
from broadsheet.posts.models import Page, Post
from tests.conftest import NOON, MakePost
from tests.feeds.conftest import ORIGIN, ManyPosts, hours
from tests.feeds.rules import is_rfc3339, parse_xml

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def read(client: Client, path: str, root: str) -> list[tuple[str, str]]:
    """(loc, lastmod) of every entry; the document must be the expected kind of sitemap."""
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    tree = parse_xml(response.content)
    assert tree.tag == SM + root
    entries = [
        (child.findtext(SM + "loc") or "", child.findtext(SM + "lastmod") or "") for child in tree
    ]
    assert all(is_rfc3339(lastmod) for _, lastmod in entries)
    return entries


def test_index_splits_posts_150_a_page_from_the_oldest_and_lists_pages_and_labels(
    client: Client, blog: Blog, many_posts: ManyPosts
) -> None:
    many_posts(301)
    save_page(Page(blog=blog, title="About", source="Hi", status=Page.Status.PUBLISHED), now=NOON)
    index = read(client, "/sitemap.xml", "sitemapindex")
    assert index == [
        (f"{ORIGIN}/sitemap-posts-1.xml", "2024-10-14T05:00:00Z"),  # posts 300 to 151
        (f"{ORIGIN}/sitemap-posts-2.xml", "2024-10-20T11:00:00Z"),  # posts 150 to 1
        (f"{ORIGIN}/sitemap-posts-3.xml", "2024-10-20T12:00:00Z"),  # the newest post alone
        (f"{ORIGIN}/sitemap-pages.xml", "2024-10-20T12:00:00Z"),
        (f"{ORIGIN}/sitemap-labels.xml", "2024-10-20T12:00:00Z"),
    ]
    first = read(client, "/sitemap-posts-1.xml", "urlset")
    assert len(first) == 150
    assert first[0] == (f"{ORIGIN}/2024/10/diary-300.html", "2024-10-08T00:00:00Z")
    assert first[-1][0] == f"{ORIGIN}/2024/10/diary-151.html"
    assert [loc for loc, _ in read(client, "/sitemap-posts-3.xml", "urlset")] == [
        f"{ORIGIN}/2024/10/diary-0.html"
    ]
    assert client.get("/sitemap-posts-4.xml").status_code == 404


def test_a_new_post_changes_only_the_newest_page_of_posts(
    client: Client, blog: Blog, many_posts: ManyPosts, make_post: MakePost
) -> None:
    many_posts(160)
    before = [client.get(f"/sitemap-posts-{n}.xml").content for n in (1, 2)]
    make_post("Tomorrow", published_at=NOON + hours(1))
    assert client.get("/sitemap-posts-1.xml").content == before[0]
    assert client.get("/sitemap-posts-2.xml").content != before[1]


def test_bloggers_pages_of_the_index_still_answer_newest_first(
    client: Client, many_posts: ManyPosts
) -> None:
    many_posts(301)
    first = read(client, "/sitemap.xml?page=1", "urlset")
    assert len(first) == 150
    assert first[0] == (f"{ORIGIN}/2024/10/diary-0.html", "2024-10-20T12:00:00Z")
    assert first[-1][0] == f"{ORIGIN}/2024/10/diary-149.html"
    assert [loc for loc, _ in read(client, "/sitemap.xml?page=3", "urlset")] == [
        f"{ORIGIN}/2024/10/diary-300.html"
    ]


def test_page_and_label_sitemaps(client: Client, blog: Blog, make_post: MakePost) -> None:
    make_post("Tomatoes", labels=("Seed Saving", "Café"))
    late = make_post("Later", labels=("Café",), published_at=NOON - hours(1))
    late.source = "Edited"
    save_post(late, now=NOON + hours(5))
    make_post("Draft", labels=("Secret",), status=Post.Status.DRAFT, published_at=None)
    save_page(Page(blog=blog, title="About", source="Hi", status=Page.Status.PUBLISHED), now=NOON)
    save_page(Page(blog=blog, title="Draft page", source="x", status=Page.Status.DRAFT))
    assert read(client, "/sitemap-pages.xml", "urlset") == [
        (f"{ORIGIN}/p/about.html", "2024-10-20T12:00:00Z")
    ]
    assert read(client, "/sitemap-labels.xml", "urlset") == [
        (f"{ORIGIN}/search/label/Caf%C3%A9", "2024-10-20T17:00:00Z"),
        (f"{ORIGIN}/search/label/Seed%20Saving", "2024-10-20T12:00:00Z"),
    ]


def test_labels_past_one_files_limit_go_on_in_further_files_listed_in_the_index(
    client: Client, blog: Blog, make_post: MakePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The protocol's 50,000 URLs a file, lowered to 2: five labels take three files, the
    first at its old address; before, the labels past the first file were left out."""
    monkeypatch.setattr(LabelSitemap, "limit", 2)
    make_post("Tomatoes", labels=("Beans", "Café", "Apples"))
    make_post("Later", labels=("Endive", "Dill"), published_at=NOON - hours(1))
    make_post("Draft", labels=("Secret",), status=Post.Status.DRAFT, published_at=None)
    files = ["/sitemap-labels.xml", "/sitemap-labels-2.xml", "/sitemap-labels-3.xml"]
    index = read(client, "/sitemap.xml", "sitemapindex")
    assert [loc for loc, _ in index[-3:]] == [ORIGIN + name for name in files]
    assert {lastmod for _, lastmod in index[-3:]} == {"2024-10-20T12:00:00Z"}
    listed = [loc.rsplit("/", 1)[1] for name in files for loc, _ in read(client, name, "urlset")]
    assert listed == ["Apples", "Beans", "Caf%C3%A9", "Dill", "Endive"]
    for gone in ("/sitemap-labels-4.xml", "/sitemap-labels-1.xml", "/sitemap-labels-02.xml"):
        assert client.get(gone).status_code == 404


def test_drafts_scheduled_and_other_blogs_stay_out(
    client: Client, make_post: MakePost, other_blog: Blog
) -> None:
    post = make_post("Public")
    make_post("Draft", status=Post.Status.DRAFT, published_at=None)
    make_post("Next year", published_at=NOON + hours(24 * 365 * 10))
    make_post("Elsewhere", target=other_blog)
    for path in ("/sitemap.xml?page=1", "/sitemap-posts-1.xml"):
        assert [loc for loc, _ in read(client, path, "urlset")] == [ORIGIN + post.permalink]


def test_empty_blog_has_an_empty_index(client: Client, blog: Blog) -> None:
    assert read(client, "/sitemap.xml", "sitemapindex") == []
    assert read(client, "/sitemap.xml?page=1", "urlset") == []
    assert read(client, "/sitemap-posts-1.xml", "urlset") == []


@pytest.mark.parametrize("page", ["2", "0", "x", "-1", "1.0", "²", "9" * 40])
def test_pages_that_do_not_exist_are_404(client: Client, make_post: MakePost, page: str) -> None:
    make_post()
    assert client.get(f"/sitemap.xml?page={page}").status_code == 404
    if page.isascii() and page.isdigit():  # the path form's pattern takes digits only
        assert client.get(f"/sitemap-posts-{page}.xml").status_code == 404


def test_private_blog_has_no_public_sitemap(
    client: Client, blog: Blog, make_post: MakePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LabelSitemap, "limit", 1)  # two labels: a second file of them
    make_post(labels=("Beans", "Leeks"))
    assert client.get("/sitemap-labels-2.xml").status_code == 200
    blog.is_private = True
    blog.save()
    for path in (
        "/sitemap.xml",
        "/sitemap.xml?page=1",
        "/sitemap-posts-1.xml",
        "/sitemap-pages.xml",
        "/sitemap-labels.xml",
        "/sitemap-labels-2.xml",
    ):
        assert client.get(path).status_code == 404


def test_sitemaps_answer_get_and_head_only(client: Client, blog: Blog) -> None:
    assert client.post("/sitemap.xml").status_code == 405
    assert client.head("/sitemap.xml").status_code == 200


@pytest.mark.parametrize("robots", ["noindex", "noindex, nofollow"])
def test_posts_that_ask_not_to_be_indexed_stay_out(
    client: Client, make_post: MakePost, robots: str
) -> None:
    make_post("Listed", robots="nofollow")
    make_post("Unlisted", robots=robots)
    for path in ("/sitemap.xml?page=1", "/sitemap-posts-1.xml"):
        assert [loc for loc, _ in read(client, path, "urlset")] == [f"{ORIGIN}/2024/10/listed.html"]
