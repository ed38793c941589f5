"""Where imported posts and pages live on their new blog, and which old addresses redirect.

A post whose old path already has Blogger's shape (`/2024/10/slug.html`) keeps it: that is
the whole point of moving from Blogger. Any other post (WordPress's `/2024/10/20/slug/` or
`/?p=12`) gets a Blogger-style permalink for its month and its old paths become redirects.
Pages live at `/p/slug.html` the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.core import slugs
from broadsheet.portability.errors import ConflictError
from broadsheet.portability.paths import is_local_path, page_slug_problem, permalink_problem
from broadsheet.portability.records import ItemRecord
from broadsheet.posts.models import Page, Post

POST_PATH = re.compile(r"^/(\d{4})/(\d{2})/([^/?#]+)\.html$")
PAGE_PATH = re.compile(r"^/p/([^/?#]+)\.html$")
_MONTH_PREFIX = len("/2024/10/")


class Permalinks:
    """The blog's post permalinks, taken and being handed out during one import.

    `posts.actions.month_permalink` asks the database which slugs a month has; an import
    writes in batches, so the posts of the batch being built are not there yet. This keeps
    the same rule (Blogger's slug, `_N` on a collision within the month) over a set that
    includes them, loaded once rather than queried for every post.
    """

    def __init__(self, blog: Blog) -> None:
        self.blog = blog
        self.taken: set[str] = set(
            Post.objects.filter(blog=blog).exclude(permalink="").values_list("permalink", flat=True)
        )
        self.by_month: defaultdict[str, set[str]] = defaultdict(set)
        for path in self.taken:
            if POST_PATH.match(path):
                self.by_month[path[:_MONTH_PREFIX]].add(path[_MONTH_PREFIX : -len(".html")])

    def choose(self, record: ItemRecord, status: str, when: dt.datetime | None) -> str:
        """The new post's permalink: its old path when Blogger-shaped, a fresh one otherwise,
        none for a draft that never had one (it gets one when first published)."""
        if POST_PATH.match(record.old_path) and permalink_problem(record.old_path) is None:
            return self.claim(record.old_path)
        if status == Post.Status.DRAFT or when is None:
            return ""
        return self.allocate(record.title, when)

    def claim(self, path: str) -> str:
        if path in self.taken:
            raise ConflictError(
                f"The blog already has a post at {path}, and the file brings another post with "
                "that address. Import into a blog without it, or remove it first."
            )
        self._take(path)
        return path

    def allocate(self, title: str, when: dt.datetime) -> str:
        local = timezone.localtime(when, self.blog.tzinfo)
        prefix = f"/{local:%Y}/{local:%m}/"
        slug = slugs.dedupe(slugs.blogger_slug(title), self.by_month[prefix])
        path = f"{prefix}{slug}.html"
        self._take(path)
        return path

    def _take(self, path: str) -> None:
        self.taken.add(path)
        if POST_PATH.match(path):
            self.by_month[path[:_MONTH_PREFIX]].add(path[_MONTH_PREFIX : -len(".html")])


class PageSlugs:
    """The blog's page slugs: `/p/slug.html` kept from Blogger, made up for the others."""

    def __init__(self, blog: Blog) -> None:
        self.taken: set[str] = set(Page.objects.filter(blog=blog).values_list("slug", flat=True))

    def choose(self, record: ItemRecord) -> str:
        match = PAGE_PATH.match(record.old_path)
        fits = match and len(match.group(1)) <= slugs.MAX_CUSTOM_LENGTH
        if match and fits and page_slug_problem(match.group(1)) is None:
            if match.group(1) in self.taken:
                raise ConflictError(
                    f"The blog already has a page at {record.old_path}, and the file brings "
                    "another page with that address."
                )
            slug = match.group(1)
        else:
            base = slugs.permalink_slug(record.slug_hint) or slugs.blogger_slug(record.title)
            slug = slugs.dedupe(base, self.taken)
        self.taken.add(slug)
        return slug


def redirect_paths(record: ItemRecord, new_path: str) -> list[str]:
    """The old addresses of an item that should answer with a redirect to `new_path`."""
    candidates = [record.old_path, *record.other_paths]
    seen: set[str] = set()
    paths = []
    for path in candidates:
        usable = is_local_path(path) and path != new_path
        if usable and path not in seen:
            seen.add(path)
            paths.append(path)
    return paths
