"""`broadsheet export static`: the demo blog exported, served by a real nginx with the block
docs/static-export.md gives, and crawled from its home page."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Blog
from broadsheet.demo.loader import load_demo
from broadsheet.feeds import sitemaps
from broadsheet.feeds.sitemaps import NOINDEX, LabelSitemap, PostSitemap
from broadsheet.posts.actions import save_page, save_post
from broadsheet.posts.models import Page, Post
from broadsheet.publish.actions import export_static
from broadsheet.publish.bulkfeeds import FeedFiles
from broadsheet.publish.links import Choices
from broadsheet.publish.plan import FIXED
from tests.scale.processes import nginx_main
from tests.scale.test_two_processes import free_port, start, stop, wait_for

LOADED_AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
SITEMAP_SIZE = 5  # the demo blog's posts make several pages of its sitemap, not one of 150
# And its labels several files, not one of 50,000: the first and the files after it.
LABEL_FILE_SIZE = 3
LOC = re.compile(rb"<loc>([^<]+)</loc>")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "static-export.md"

pytestmark = pytest.mark.django_db


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


@pytest.fixture(scope="module")
def built(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Blog, Path]]:
    """The demo blog loaded and exported once for the module (each took seconds), inside a
    transaction rolled back at its end; every test's own changes roll back to it."""
    folder = tmp_path_factory.mktemp("export") / "site"
    small = pytest.MonkeyPatch.context()
    with small as patch, django_db_blocker.unblock(), transaction.atomic():
        patch.setattr(PostSitemap, "limit", SITEMAP_SIZE)
        patch.setattr(LabelSitemap, "limit", LABEL_FILE_SIZE)
        with time_machine.travel(LOADED_AT, tick=False):
            blog = load_demo()
        with time_machine.travel(LOADED_AT + dt.timedelta(hours=1), tick=False):
            argv = ["--blog", "demo", "-o", str(folder), "--processes", "1"]
            call_command("export", "static", *argv)
        yield blog, folder
        transaction.set_rollback(True)


@pytest.fixture
def demo(built: tuple[Blog, Path], db: Any) -> Blog:
    return built[0]


@pytest.fixture
def exported(built: tuple[Blog, Path], tmp_path: Path) -> Path:
    """A copy of the module's export, for a test that exports into it again."""
    folder = tmp_path / "site"
    shutil.copytree(built[1], folder)
    return folder


def nginx_block() -> str:
    found = re.search(r"```nginx\n(.*?)```", DOCS.read_text(), re.S)
    assert found is not None
    return found.group(1)


@pytest.fixture(scope="module")
def nginx(built: tuple[Blog, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """nginx serving the export with the documented server block, on a loopback port."""
    exported, tmp_path = built[1], tmp_path_factory.mktemp("nginx")
    port = free_port()
    block = nginx_block().replace("listen 80;", f"listen 127.0.0.1:{port};")
    block = block.replace("/srv/notes-static", str(exported))
    conf = nginx_main(tmp_path, f"  include /etc/nginx/mime.types;\n{block}")
    argv = ["nginx", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")]
    child = start(argv, {"PATH": os.environ["PATH"]}, tmp_path / "nginx.log")
    try:
        wait_for(port, child, tmp_path / "error.log")
        yield port
    finally:
        stop(child)


def get(port: int, path: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "localhost"})
    response = connection.getresponse()
    answer = (response.status, response.getheader("Content-Type", ""), response.read())
    connection.close()
    return answer


def crawl(port: int, origin: str) -> tuple[set[str], dict[str, int]]:
    """Every address reachable from `/` by the site's own links, and from robots.txt by the
    sitemaps, as a crawler goes; and those that fail."""
    seen, broken, queue = {"/", "/robots.txt"}, {}, ["/", "/robots.txt"]
    while queue:
        path = queue.pop()
        status, kind, body = get(port, path)
        if status != 200:
            broken[path] = status
            continue
        for address in links_in(path, kind, body, origin):
            if address not in seen:
                seen.add(address)
                queue.append(address)
    return seen, broken


def links_in(path: str, kind: str, body: bytes, origin: str) -> list[str]:
    """The local addresses a page, robots.txt or a sitemap leads to. A sitemap's keep their
    query: a static server that answered `?page=2` with the index would be caught here."""
    if path == "/robots.txt":
        return [
            line.split(":", 1)[1].strip().removeprefix(origin)
            for line in body.decode().splitlines()
            if line.startswith("Sitemap:")
        ]
    if path.startswith("/sitemap"):
        tree = body.decode()
        expected = "<sitemapindex" if path == "/sitemap.xml" else "<urlset"
        assert expected in tree, f"{path} is not the sitemap its index promised"
        return [loc.decode().removeprefix(origin) for loc in LOC.findall(body)]
    if not kind.startswith("text/html"):
        return []
    parser = Links()
    parser.feed(body.decode())
    local = [urldefrag(link).url for link in parser.found]
    return [urlsplit(link).path for link in local if link.startswith("/") and link[1:2] != "/"]


def test_every_link_of_the_exported_demo_blog_works_under_nginx(demo: Blog, nginx: int) -> None:
    seen, broken = crawl(nginx, origin(demo))
    assert broken == {}
    # Every post is reached through the sitemaps, on their pages past the first too.
    public = Post.objects.public(demo, LOADED_AT).exclude(robots__in=NOINDEX)
    posts = {post.permalink for post in public}
    pages = {address for address in seen if address.startswith("/sitemap-posts-")}
    assert len(posts) > 2 * SITEMAP_SIZE and len(pages) == -(-len(posts) // SITEMAP_SIZE)
    assert posts <= seen
    assert {"/", "/p/about.html", "/search/page/1.html", "/static/reader/theme.css"} <= seen
    assert any(re.fullmatch(r"/\d{4}/\d{2}/[^/]+\.html", address) for address in seen)
    assert any(address.startswith("/search/label/") for address in seen)


def test_older_posts_on_the_home_page_leads_to_a_page_of_the_next_older_post(
    demo: Blog, nginx: int
) -> None:
    home = get(nginx, "/")[2].decode()
    found = re.search(r'class="older-link" href="([^"]+)"', home)
    assert found is not None and re.fullmatch(r"/search/page/\d+\.html", found.group(1))
    next_older = Post.objects.public(demo, LOADED_AT)[demo.posts_per_page]
    assert next_older.permalink in get(nginx, found.group(1))[2].decode()


def test_feeds_and_sitemaps_are_the_live_sites_bytes(demo: Blog, nginx: int) -> None:
    client = Client(HTTP_HOST="localhost")
    # Every post's comment feed too: they are read in bulk, not through the live view.
    posts = Post.objects.public(demo, LOADED_AT)
    feeds = [f"/feeds/{post.pk}/comments/default" for post in posts if post.comments_shown]
    addresses = [address for address in FIXED if address != "/404.html"] + feeds
    addresses += [f"/sitemap-posts-{number}.xml" for number in (1, 2, 3)]
    addresses += label_files(demo)
    assert len(label_files(demo)) > 1
    with time_machine.travel(LOADED_AT + dt.timedelta(hours=1), tick=False):
        live = {address: client.get(address) for address in addresses}
    assert len(feeds) > 10 and any(b"<entry>" in live[feed].content for feed in feeds)
    for address, answer in live.items():
        status, kind, body = get(nginx, address)
        assert (status, body) == (200, answer.content), address
        assert kind.split(";")[0] == answer["Content-Type"].split(";")[0], address


def test_a_second_export_after_a_new_post_rewrites_only_what_shows_it(
    demo: Blog, exported: Path
) -> None:
    newest = Post.objects.public(demo, LOADED_AT).first()
    assert newest is not None
    post = Post(
        blog=demo,
        author=newest.author,
        title="First frost on the leeks",
        source="The leeks stand it; the dahlias did not.",
        status=Post.Status.PUBLISHED,
        published_at=LOADED_AT + dt.timedelta(hours=2),
    )
    with time_machine.travel(LOADED_AT + dt.timedelta(hours=2), tick=False):
        save_post(post, labels=["Weather"])
    with time_machine.travel(LOADED_AT + dt.timedelta(hours=3), tick=False):
        report = export_static(demo, exported, Choices(origin(demo)))
    month = post.permalink.rsplit("/", 1)[0] + "/"
    changed_feeds = {"/atom.xml", "/rss.xml", "/feed.json", "/feeds/posts/default"}
    changed_feeds |= {"/feeds/posts/summary", "/sitemap.xml"}
    # The labels' files are all rendered again; only the one listing Weather reads otherwise.
    weather = [f for f in label_files(demo) if b"/Weather<" in (exported / f[1:]).read_bytes()]
    assert len(weather) == 1
    changed_feeds |= set(weather)
    listed = Post.objects.public(demo, LOADED_AT).exclude(robots__in=NOINDEX).count()
    changed_feeds.add(f"/sitemap-posts-{listed // SITEMAP_SIZE + 1}.xml")  # the newest only
    assert (
        set(report.written)
        == {
            post.permalink,
            f"/feeds/{post.pk}/comments/default",
            newest.permalink,  # its "Newer Post" link
            "/",
            "/search/label/Weather",
            month,
            month[:6],  # the year
            *changed_feeds,
        }
    )
    assert report.removed == 0 and report.missing == []
    assert "First frost on the leeks" in (exported / "index.html").read_text()


def label_files(blog: Blog) -> list[str]:
    """The files of the labels' sitemap, as many as the blog's labels take."""
    public = sitemaps.BlogSitemap(blog, LOADED_AT + dt.timedelta(hours=3)).public_posts()
    count = sitemaps.labels_on(public)
    return [sitemaps.labels_page(n) for n in range(1, sitemaps.label_pages(count) + 1)]


def test_an_export_with_nothing_changed_reads_only_the_manifests_header(
    demo: Blog, exported: Path
) -> None:
    parts = exported / ".broadsheet-export"
    entries = json.loads((parts / "addresses.json").read_bytes())
    shutil.rmtree(parts)  # the entries gone: only the header can answer
    with time_machine.travel(LOADED_AT + dt.timedelta(hours=3), tick=False):
        report = export_static(demo, exported, Choices(origin(demo)))
    assert report.written == [] and report.unchanged == len(entries) > 50


def test_a_scheduled_post_whose_time_came_is_exported_though_nothing_was_written(
    demo: Blog, exported: Path
) -> None:
    newest = Post.objects.public(demo, LOADED_AT).first()
    assert newest is not None
    due = LOADED_AT + dt.timedelta(hours=5)
    post = Post(blog=demo, author=newest.author, title="Seed order", source="Beans, again.")
    post.status, post.published_at = Post.Status.SCHEDULED, due
    with time_machine.travel(LOADED_AT + dt.timedelta(hours=2), tick=False):
        save_post(post)
        export_static(demo, exported, Choices(origin(demo)))  # the post not yet up
        assert not export_static(demo, exported, Choices(origin(demo))).written
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        report = export_static(demo, exported, Choices(origin(demo)))
    assert post.permalink in report.written and "/" in report.written


def test_a_new_post_renders_no_fixed_file_that_does_not_show_posts(
    demo: Blog, exported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    real = FeedFiles.render

    def spy(files: FeedFiles, address: str) -> Any:
        rendered.append(address)
        return real(files, address)

    monkeypatch.setattr(FeedFiles, "render", spy)
    newest = Post.objects.public(demo, LOADED_AT).first()
    assert newest is not None
    post = Post(blog=demo, author=newest.author, title="Hail", source="On the glass.")
    post.status, post.published_at = Post.Status.PUBLISHED, LOADED_AT + dt.timedelta(hours=2)
    with time_machine.travel(LOADED_AT + dt.timedelta(hours=2), tick=False):
        save_post(post)
        export_static(demo, exported, Choices(origin(demo)))
    assert "/atom.xml" in rendered
    assert not {"/robots.txt", "/sitemap-pages.xml", "/feeds/pages/default"} & set(rendered)


def test_a_page_edited_rewrites_the_pages_sitemap_and_feed_as_the_live_site_has_them(
    demo: Blog, exported: Path
) -> None:
    page = Page.objects.get(blog=demo, slug="about")
    page.source = "Now with a greenhouse."
    with time_machine.travel(LOADED_AT + dt.timedelta(hours=2), tick=False):
        save_page(page)
    with time_machine.travel(LOADED_AT + dt.timedelta(hours=3), tick=False):
        report = export_static(demo, exported, Choices(origin(demo)))
        live = Client(HTTP_HOST="localhost")
        for address in ("/sitemap-pages.xml", "/feeds/pages/default"):
            assert address in report.written
            folder = exported / address.lstrip("/")
            file = folder / "index.atom" if address.startswith("/feeds/") else folder
            assert file.read_bytes() == live.get(address).content
    assert "/robots.txt" not in report.written and "/p/about.html" in report.written


def test_an_incremental_export_leaves_the_files_a_whole_export_writes(
    demo: Blog, exported: Path, tmp_path: Path
) -> None:
    newest = Post.objects.public(demo, LOADED_AT).first()
    assert newest is not None
    post = Post(blog=demo, author=newest.author, title="Sleet", source="Then rain.")
    post.status, post.published_at = Post.Status.PUBLISHED, LOADED_AT + dt.timedelta(hours=2)
    page = Page.objects.get(blog=demo, slug="about")
    page.source = "Now with a cold frame."
    with time_machine.travel(LOADED_AT + dt.timedelta(hours=2), tick=False):
        save_post(post, labels=["Weather"])
        save_page(page)
    with time_machine.travel(LOADED_AT + dt.timedelta(hours=3), tick=False):
        export_static(demo, exported, Choices(origin(demo)))
        export_static(demo, tmp_path / "whole", Choices(origin(demo)))

    def files(folder: Path) -> dict[str, bytes]:
        found = {
            str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()
        }
        return {name: body for name, body in found.items() if ".broadsheet-export" not in name}

    incremental, whole = files(exported), files(tmp_path / "whole")
    assert incremental.keys() == whole.keys()
    assert [name for name in whole if incremental[name] != whole[name]] == []
