"""sitemap.xml as Blogger lays it out, built on Django's sitemaps framework.

`/sitemap.xml` is always an index (Blogger's, so search consoles that knew the blog before it
moved find the same shape): `/sitemap-posts-N.xml` for the posts, 150 a page counted from the
oldest, then `/sitemap-pages.xml` (Blogger's address for static pages) and
`/sitemap-labels.xml` (ours), followed past 50,000 labels by `/sitemap-labels-2.xml`, `-3`…
(the protocol's limit per file; the first keeps its address, so what search consoles were
given still works). The pages of posts are addresses of their own, not Blogger's
`/sitemap.xml?page=N` (newest first, still answered for the links already out there): a static
copy of the blog can hold them as files, where a static server would answer every `?page=N`
with the index; and counted from the oldest, a new post changes only the newest one, so the
others keep their lastmod and crawlers need not read them again.
Every URL carries its lastmod. The protocol allows 50,000 URLs per sitemap and 50,000
sitemaps per index; 150 posts a page reaches that limit at 7.5 million posts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from io import StringIO
from typing import Any
from xml.sax.xmlreader import AttributesImpl

from django.contrib.sitemaps import Sitemap
from django.core.paginator import InvalidPage
from django.db.models import Max, QuerySet
from django.utils.xmlutils import SimplerXMLGenerator

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Label, Page, Post, Robots, live

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
POSTS_PER_SITEMAP = 150
LABELS_PER_SITEMAP = 50_000  # the protocol's most URLs in one file
MAX_SITEMAPS = 50_000
NOINDEX = (Robots.NOINDEX, Robots.NONE)


@dataclass(frozen=True)
class Entry:
    location: str
    lastmod: dt.datetime | None


class BlogSitemap(Sitemap):
    def __init__(self, blog: Blog, now: dt.datetime) -> None:
        self.blog, self.now = blog, now

    def public_posts(self) -> QuerySet[Post]:
        return Post.objects.public(self.blog, self.now).select_related(None)

    def location(self, item: Any) -> str:
        return str(item.get_absolute_url())

    def lastmod(self, item: Any) -> dt.datetime:
        return item.updated_at

    def entries(self, page: int, origin: str) -> list[Entry]:
        """One page of this sitemap (InvalidPage if there is no such page). Django's
        `get_urls` wants a Site for the host; ours comes from the blog, so the page is read
        from the same paginator here."""
        items = self.paginator.page(page).object_list
        return [Entry(origin + self.location(item), self.lastmod(item)) for item in items]


class PostSitemap(BlogSitemap):
    limit = POSTS_PER_SITEMAP

    def items(self) -> QuerySet[Post]:
        # A post whose robots tag says noindex asked to stay out of search engines; listing
        # it here would invite the crawl it declines.
        listed = self.public_posts().exclude(robots__in=NOINDEX)
        return listed.only("permalink", "updated_at", "published_at")

    def location(self, item: Post) -> str:
        return item.permalink


class OldestFirst(PostSitemap):
    """The posts of `/sitemap-posts-N.xml`: page 1 holds the oldest, and keeps them."""

    def items(self) -> QuerySet[Post]:
        return super().items().order_by("published_at", "id")  # `public`'s order, reversed


class PageSitemap(BlogSitemap):
    def items(self) -> QuerySet[Page]:
        pages = Page.objects.filter(blog=self.blog, status=Page.Status.PUBLISHED)
        return pages.only("slug", "updated_at")


class LabelSitemap(BlogSitemap):
    """Labels with a public post, by name, `limit` a file: the first at `/sitemap-labels.xml`,
    the next at `/sitemap-labels-2.xml` and on (`labels_page`)."""

    limit = LABELS_PER_SITEMAP

    def items(self) -> QuerySet[Label]:
        # Labels with at least one public post; their lastmod is their newest public post's
        # edit. The post's conditions go on the one join the `Max` reads: `posts__in` a
        # subquery of public posts had SQLite run that subquery label by label, minutes on a
        # blog of 100,000 labels (bench/RESULTS.md, "Labels at scale").
        labels = Label.objects.filter(live(self.now, "posts__"), blog=self.blog)
        return labels.annotate(lastmod=Max("posts__updated_at")).order_by("name")

    def entries(self, page: int, origin: str) -> list[Entry]:
        """One file of labels, without the paginator's count (a second pass over every
        label's posts): a file past the first that comes out empty does not exist."""
        size = self.limit
        if page < 1:
            raise InvalidPage("No such sitemap page.")
        items = list(self.items()[(page - 1) * size : page * size])
        if not items and page > 1:
            raise InvalidPage("No such sitemap page.")
        return [Entry(origin + self.location(item), self.lastmod(item)) for item in items]

    def location(self, item: Label) -> str:
        return "/search/label/" + Label.quote(item.name)

    def lastmod(self, item: Label) -> dt.datetime:
        return item.lastmod  # type: ignore[attr-defined]


def index(blog: Blog, now: dt.datetime, origin: str) -> list[Entry]:
    """The sitemaps of the index: each page of posts, then pages and labels if there are any."""
    posts = PostSitemap(blog, now).items().values_list("updated_at", flat=True)
    labelled = PostSitemap(blog, now).items().filter(labels__isnull=False)
    labels = labelled.aggregate(latest=Max("updated_at"))["latest"]
    files = label_files(blog, BlogSitemap(blog, now).public_posts()) if labels is not None else 0
    return index_of(origin, list(posts), latest_page(blog, now), labels, files)


def label_files(blog: Blog, public: QuerySet[Post]) -> int:
    """How many files the labels' sitemap takes, `public` being the blog's public posts. The
    labels with a public post are counted only when all the blog's labels (one seek on an
    index) would not fit in one file: 90 ms at 100,000 labels, nothing for a blog of fewer."""
    if Label.objects.filter(blog=blog).count() <= LabelSitemap.limit:
        return 1
    return label_pages(labels_on(public))


def labels_on(posts: QuerySet[Post]) -> int:
    """How many labels these posts carry between them."""
    links = Post.labels.through.objects.filter(post__in=posts.order_by().values("pk"))
    return links.values("label_id").distinct().count()


def label_pages(count: int) -> int:
    """How many files the labels' sitemap takes (one, even empty: its address always answers)."""
    size = LabelSitemap.limit  # read here, not bound at import: a test may lower it
    return max(1, (count + size - 1) // size)


def labels_page(number: int) -> str:
    """The address of the `number`th file of labels: the first keeps its old address."""
    return "/sitemap-labels.xml" if number == 1 else f"/sitemap-labels-{number}.xml"


def latest_page(blog: Blog, now: dt.datetime) -> dt.datetime | None:
    found: dt.datetime | None = (
        PageSitemap(blog, now).items().aggregate(latest=Max("updated_at"))["latest"]
    )
    return found


def index_of(
    origin: str,
    edits: list[dt.datetime],
    pages: dt.datetime | None,
    labels: dt.datetime | None,
    label_files: int = 1,
) -> list[Entry]:
    """The index from the listed posts' last edits (newest post first), the latest edit of
    a page and of a labelled post, and how many files the labels take; the static export
    hands it what it has already read."""
    oldest_first = edits[::-1]
    size = PostSitemap.limit  # read here, not bound at import: a test may lower it
    newest = [max(oldest_first[start : start + size]) for start in range(0, len(edits), size)]
    return index_of_pages(origin, newest, pages, labels, label_files)


def index_of_pages(
    origin: str,
    newest: list[dt.datetime],
    pages: dt.datetime | None,
    labels: dt.datetime | None,
    label_files: int = 1,
) -> list[Entry]:
    """The index from the latest edit on each page of posts (oldest page first), as
    `index_of` finds them; the static export's plan of the changes reads them grouped.

    Every file of labels carries the latest edit of any labelled post: finding each file's
    own would read every label's newest post, the cost the files are split to bound, and a
    new label moves the cut between files anyway."""
    entries = [
        Entry(f"{origin}{posts_page(number)}", latest)
        for number, latest in enumerate(newest, start=1)
    ]
    if pages is not None:
        entries.append(Entry(f"{origin}/sitemap-pages.xml", pages))
    if labels is not None:
        files = range(1, max(1, label_files) + 1)
        entries.extend(Entry(f"{origin}{labels_page(number)}", labels) for number in files)
    return entries[:MAX_SITEMAPS]


def posts_page(number: int) -> str:
    """The address of the `number`th page of posts, counted from the oldest."""
    return f"/sitemap-posts-{number}.xml"


def write(root: str, child: str, entries: Iterable[Entry]) -> str:
    """`<urlset>` of `<url>` or `<sitemapindex>` of `<sitemap>`, each with loc and lastmod."""
    out = StringIO()
    handler = SimplerXMLGenerator(out, "utf-8", short_empty_elements=True)
    handler.startDocument()
    handler.startElement(root, AttributesImpl({"xmlns": NS}))
    for entry in entries:
        handler.startElement(child, AttributesImpl({}))
        handler.addQuickElement("loc", entry.location)
        if entry.lastmod is not None:
            handler.addQuickElement("lastmod", w3c_date(entry.lastmod))
        handler.endElement(child)
    handler.endElement(root)
    return out.getvalue()


def w3c_date(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
