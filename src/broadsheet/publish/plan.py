"""What a static copy of a blog holds, and a key per address that changes exactly when the
page at that address would (the incremental export compares them with the last manifest).

One query for the posts, one for their labels, one for the stamps of what their pages show of
comments and reactions (`publish.poststamps`), one for the static pages, and two small ones
for what every page shows beside them (`around`: the layout's rows and the blog's stamps): on
10,000 posts the whole plan takes a few tens of milliseconds, so a second export renders only
what moved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from importlib import metadata
from typing import NamedTuple

from django.forms.models import model_to_dict

from broadsheet.blogs.layout import Area, Kind, gadgets_of
from broadsheet.blogs.models import Blog
from broadsheet.feeds.sitemaps import NOINDEX, PostSitemap, label_pages, labels_page, posts_page
from broadsheet.posts.models import Page, TallyStamp
from broadsheet.publish import poststamps
from broadsheet.publish.links import Choices
from broadsheet.publish.listings import Listing, PublicRow, listings, public_rows

LABELS = "/search/label/"
# Files every blog has: feeds, sitemaps, robots.txt. They follow every change of the blog.
FIXED = (
    "/feeds/posts/default",
    "/feeds/posts/summary",
    "/atom.xml",
    "/rss.xml",
    "/feed.json",
    "/feeds/pages/default",
    "/feeds/comments/default",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-labels.xml",
    "/robots.txt",
    "/404.html",  # the themed "not found" page, for the static server's error_page
)
# Fixed files that show none of the blog's posts: their keys are their own (`_own_keys`), so a
# new post does not render them again for the same bytes.
ROBOTS, PAGES_SITEMAP, PAGES_FEED = "/robots.txt", "/sitemap-pages.xml", "/feeds/pages/default"
# What a blog's row holds that its pages do not show: changing these alone rewrites nothing.
UNSHOWN = ("content_version", "sidebar_version", "updated_at", "created_at")
# Gadgets that show the blog's posts (the archive, the labels, the featured and popular posts):
# placed in the footer, on every page, they make every page follow every write.
SHOWS_POSTS = frozenset({Kind.ARCHIVE, Kind.LABELS, Kind.FEATURED, Kind.POPULAR})


class Job(NamedTuple):
    # A tuple, as manifest.Entry: a 10,000-post blog's plan makes 27,000 of them every export.
    path: str
    query: str
    key: str
    page: int = 0  # a numbered page of the listing at `path`: its query is made when rendered


@dataclass
class Plan:
    everything: str  # a change here rewrites every page: the blog's settings, the code
    jobs: dict[str, Job] = field(default_factory=dict)  # by address in the copy
    listings: dict[str, Listing] = field(default_factory=dict)  # by the pager's path
    # A post's newer and older neighbours' addresses, by its address ("" at either end).
    neighbours: dict[str, tuple[str, str]] = field(default_factory=dict)
    noindex: set[int] = field(default_factory=set)  # public posts kept out of the sitemaps
    # The posts the sitemaps list, oldest first: (address, last edit), as their pages cut them.
    sitemap: list[tuple[str, dt.datetime]] = field(default_factory=list)
    # The newest public post's time and how many there are (the manifest keeps them for the
    # next plan of the changes alone, `publish.changes`).
    newest: dt.datetime | None = None
    count: int = 0
    # A plan of the changes alone: `jobs` holds only what they touch (every other address
    # keeps its entry), and `listings` are read from the database as they are asked for.
    partial: bool = False


def plan(blog: Blog, choices: Choices, now: dt.datetime) -> Plan:
    """Every address of the blog's copy that the database names, with its key."""
    rows = public_rows(blog, now)
    found = Plan(everything=everything(blog, choices), count=len(rows))
    found.newest = rows[0][1] if rows else None
    found.listings = listings(blog, [row[:4] for row in rows])
    found.noindex = {row[0] for row in rows if row[5] in NOINDEX}
    # A scheduled post coming due changes the home page, feeds and sitemaps without a write,
    # so the number of public posts is part of their key beside the content version.
    version = f"{blog.content_version} {len(rows)}"
    fixed_jobs(found, version)
    label_jobs(found, label_pages(label_count(found)), version)
    # A post's own part of its keys, made once: each post is on its page, its comment feed
    # and four listings.
    tokens = {row[0]: token(row[0], row[2], row[3]) for row in rows}
    _posts(found, rows, tokens, poststamps.of_blog(blog.pk))
    _sitemap_pages(found, rows)
    page_jobs(blog, found)
    for listing in found.listings.values():
        _listing_jobs(blog, listing, found, tokens)
    return found


def fixed_jobs(found: Plan, version: str) -> None:
    for address in FIXED:
        found.jobs[address] = Job(address, "", version)


def label_count(found: Plan) -> int:
    """How many labels the labels' sitemap lists: those with a public post."""
    return sum(1 for path, got in found.listings.items() if path.startswith(LABELS) and got.rows)


def label_jobs(found: Plan, files: int, version: str) -> None:
    """The files of the labels' sitemap past the first (a fixed file), 50,000 labels each:
    like it, they follow every change of the blog."""
    for number in range(2, files + 1):
        found.jobs[labels_page(number)] = Job(labels_page(number), "", version)


def page_jobs(blog: Blog, found: Plan) -> None:
    """The static pages, and the fixed files that show them alone (few: always planned)."""
    published = Page.objects.filter(blog=blog, status=Page.Status.PUBLISHED)
    pages = [
        Job(f"/p/{slug}.html", "", at.isoformat())
        for slug, at in published.values_list("slug", "updated_at")
    ]
    for page in pages:
        found.jobs[page.path] = page
    _own_keys(blog, found, pages)


def token(pk: int, edit: dt.datetime, comments: int) -> str:
    """A post's own part of its keys: its last edit and comment count."""
    return f"{pk}:{edit.timestamp()}:{comments}"


def page_token(own: str, stamp: int | None) -> str:
    """A post's part of its page's and comment feed's keys: its own token (last edit and
    comment count, which the listings show too) and the stamp of what the page shows of its
    comments and reactions (`publish.poststamps`), where it has one."""
    return own if stamp is None else f"{own}:{stamp}"


def sitemap_key(rows: list[PublicRow]) -> str:
    """The key of a page of the sitemap of posts, from its rows (oldest first)."""
    return _digest(",".join(f"{row[0]}:{row[2].timestamp()}:{row[4]}" for row in rows))


def everything(blog: Blog, choices: Choices) -> str:
    """What every page depends on: the blog's settings, the export's choices, the code."""
    shown = {name: str(value) for name, value in model_to_dict(blog).items()}
    for name in UNSHOWN:
        shown.pop(name, None)
    code = metadata.version("broadsheet")
    return _digest(repr((sorted(shown.items()), choices, code, around(blog))))


def around(blog: Blog) -> str:
    """What every page shows beside its own content and the blog's settings, for
    `everything`: the header's and footer's gadgets (the sidebar is the home page's alone,
    under its key, the content version that every layout write moves), people's names and
    profiles (the bylines of posts, listings and feeds: the `people` stamp of `posts.stamps`,
    which any profile or person's name moves), and what the header's and footer's gadgets
    show: the pages list (the `pages` stamp), or the blog's posts (its content version:
    every write renders every page then, the price of an archive in the footer)."""
    rows = [
        (gadget.area, gadget.kind, gadget.position, gadget.title, gadget.config)
        for gadget in gadgets_of(blog)
        if gadget.area != Area.SIDEBAR
    ]
    stamps = TallyStamp.objects.filter(blog_id=blog.pk).values_list("pages", "people").first()
    pages, people = stamps or (0, 0)
    kinds = {row[1] for row in rows}
    shown: list[object] = [rows, people]
    if Kind.PAGES in kinds:
        shown.append(pages)
    if kinds & SHOWS_POSTS:
        shown.append(blog.content_version)
    return repr(shown)


def _posts(
    found: Plan, rows: list[PublicRow], tokens: dict[int, str], stamps: dict[int, int]
) -> None:
    """A post's page shows itself, its comments and links to the posts either side of it."""
    for index, (pk, _, _, _, permalink, _) in enumerate(rows):
        newer = rows[index - 1][4] if index else ""
        older = rows[index + 1][4] if index + 1 < len(rows) else ""
        own = page_token(tokens[pk], stamps.get(pk))
        found.neighbours[permalink] = (newer, older)
        found.jobs[permalink] = Job(permalink, "", f"{own} {newer} {older}")
        feed = f"/feeds/{pk}/comments/default"
        found.jobs[feed] = Job(feed, "", own)


def _own_keys(blog: Blog, found: Plan, pages: list[Job]) -> None:
    """robots.txt shows only the blog's settings (in `everything`); the pages' sitemap and
    feed, the published pages (their addresses and last edits, above, and the `pages` stamp
    that any page's write moves, `posts.stamps`) and, for the feed, the authors' names (the
    `people` stamp)."""
    found.jobs[ROBOTS] = Job(ROBOTS, "", "settings")
    stamps = TallyStamp.objects.filter(blog_id=blog.pk).values_list("pages", "people").first()
    pages_stamp, people = stamps or (0, 0)
    listed = ",".join(sorted(f"{page.path} {page.key}" for page in pages))
    shown = _digest(f"{listed};{pages_stamp}")
    found.jobs[PAGES_SITEMAP] = Job(PAGES_SITEMAP, "", shown)
    found.jobs[PAGES_FEED] = Job(PAGES_FEED, "", f"{shown} {people}")


def _sitemap_pages(found: Plan, rows: list[PublicRow]) -> None:
    """The pages of posts of the sitemap index, counted from the oldest post: a new post
    moves only the newest page's key, an edit only its own page's."""
    listed = [row for row in reversed(rows) if row[5] not in NOINDEX]
    found.sitemap = [(row[4], row[2]) for row in listed]
    size = PostSitemap.limit
    for number, start in enumerate(range(0, len(listed), size), start=1):
        shown = listed[start : start + size]
        key = sitemap_key(shown)
        found.jobs[posts_page(number)] = Job(posts_page(number), "", key)


def _listing_jobs(blog: Blog, listing: Listing, found: Plan, tokens: dict[int, str]) -> None:
    size = blog.posts_per_page
    total = listing.page_count(size)
    first = listing.first
    # Its posts' tokens in its order, once: the pages' keys are then slices of one list
    # (7,000 pages on a 10,000-post blog, each read again after every write).
    own = [tokens[row[0]] for row in listing.rows]
    # The first page shows the newest posts and the sidebar's parts: it follows every change.
    version = f"{blog.content_version} {len(listing.rows)}"
    key = version if first == "/" else shown_key(own, 0, size, total)
    found.jobs[first] = Job(first, "", key)
    for number in range(1, total + 1):
        address = listing.address(number)
        found.jobs[address] = Job(listing.older, "", shown_key(own, number, size, total), number)


def shown_key(own: list[str], number: int, size: int, total: int) -> str:
    # The posts on the page and where its pager leads (the newest page's "Newer" may move).
    # The first page's "Older posts" leads to the newest numbered page, whose number moves.
    # The slices are `Listing.shown`'s.
    if number == 0:
        shown = own[:size]
    else:
        end = len(own) - (number - 1) * size
        shown = own[max(0, end - size) : end]
    return f"{','.join(shown)};{number == total};{total if number == 0 else ''}"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
