"""`export_static`: the blog as a folder of files that any static server serves whole.

Contract: every public address of the blog (pages, posts, listings and their pages, archives,
feeds, sitemaps, robots.txt, and the style sheets, scripts and images they use) is rendered
in this process by the live site's own views (`render`) and written under the folder at the
file `paths.file_for` names, so that nginx with the snippet in docs/static-export.md answers
every link. The pages are the live pages but for their links (`links.rewrite`: paging by
time becomes numbered pages, commenting and searching go to the live site) and, away from the
home page, the sidebar, which they borrow from the home page (so a new post does not rewrite
every page of the blog).

A second export into the same folder renders only the addresses whose key in `plan` moved
since the manifest it left (`manifest`), and deletes the files of addresses that are gone;
when the change log (`changelog`) shows only writes it can follow, it plans those alone
(`changes`). Reads only, but for pruning the change log; the blog is not changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import html
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.utils import timezone

from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache.mirror import write_file
from broadsheet.posts.models import Post
from broadsheet.publish import (
    bulk,
    bulkfeeds,
    changelog,
    links,
    manifest,
    parallel,
    paths,
    search,
)
from broadsheet.publish.changes import plan_changes
from broadsheet.publish.listings import Listing, Row
from broadsheet.publish.plan import FIXED, Job, Plan, everything, plan
from broadsheet.publish.render import Answer, Renderer, one_connection, renderer_for

SHARED_SIDEBAR = (
    '<aside class="sidebar" aria-label="About this blog" data-sidebar-from="/">'
    '<p class="sidebar-elsewhere"><a href="/">Archive, labels and search: see the home page'
    "</a></p></aside>"
)
SIDEBAR_SCRIPT = '<script src="/static/publish/sidebar.js" defer></script>\n</head>'
HTML = "text/html"
NOT_FOUND = "/404.html"  # no post has that address: the app answers its themed 404 page
STATIC_PAGES = "/p/"  # the static pages' addresses: the plans name all of them
FOUND = "found"  # the key of an address only a link led to: a style sheet, an image


@dataclass
class Report:
    written: list[str] = field(default_factory=list)  # the addresses whose files were written
    unchanged: int = 0
    removed: int = 0
    missing: list[str] = field(default_factory=list)  # linked addresses the site did not answer
    seconds: float = 0.0
    until: float | None = None  # when the blog's next scheduled post goes up (a timestamp)

    def summary(self) -> str:
        return (
            f"{len(self.written)} files written, {self.unchanged} unchanged, {self.removed} removed"
            f" in {self.seconds:.2f} s"
            + (f"; {len(self.missing)} links lead nowhere" if self.missing else "")
        )


def export_static(
    blog: Blog, folder: Path, choices: links.Choices | None = None, processes: int = 1
) -> Report:
    """Write (or bring up to date) the blog's static copy in `folder`, rendering in up to
    `processes` forked processes when there are many pages to render."""
    started = time.perf_counter()
    choices = choices or links.Choices(origin(blog))
    folder.mkdir(parents=True, exist_ok=True)
    # Read before the plan: a write during the export leaves a newer version, so the next
    # export does not take the folder for up to date.
    # The change log's number too: a change after it is planned again by the next export.
    blog.refresh_from_db(fields=["content_version"])
    seq, floor = changelog.head(blog.pk)
    now = timezone.now()
    header = manifest.peek(folder, blog.pk)
    if header is not None and up_to_date(header, blog, choices, now):
        seconds = time.perf_counter() - started
        return Report(unchanged=header.files, seconds=seconds, until=header.until)
    run = Run(blog, folder, choices, now, (header, seq, floor))
    with one_connection():
        run.export(processes)
    run.report.seconds = time.perf_counter() - started
    return run.report


def up_to_date(
    header: manifest.Header, blog: Blog, choices: links.Choices, now: dt.datetime
) -> bool:
    """Nothing written to the blog, no setting changed, no scheduled post come due since the
    export that left `header`: the folder is the blog's as it is."""
    if (header.version, header.everything) != (blog.content_version, everything(blog, choices)):
        return False
    return header.until is None or now.timestamp() < header.until


class Run:
    """One export: the plan, what the last one left, and the queue of addresses to render."""

    def __init__(
        self,
        blog: Blog,
        folder: Path,
        choices: links.Choices,
        now: dt.datetime,
        log: tuple[manifest.Header | None, int, int] = (None, -1, 0),
    ) -> None:
        """`log`: the last manifest's header, and the change log's number and floor now."""
        self.blog, self.folder, self.choices, self.now = blog, folder, choices, now
        header, seq, floor = log
        with paused_gc():
            changes = None
            if header is not None:
                changes = plan_changes(blog, everything(blog, choices), header, seq, floor, now)
            self.plan: Plan = changes or plan(blog, choices, now)
            # A plan of the changes reads the parts of the manifest it needs, not all.
            self.old = manifest.load(folder, blog.pk, lazily=self.plan.partial)
        self.gone: set[str] = set()
        upcoming = Post.objects.next_publish(blog, now)
        until = upcoming.timestamp() if upcoming else None
        self.new = manifest.Manifest(
            blog.pk, self.plan.everything, version=blog.content_version, until=until, seq=seq
        )
        self.new.newest = self.plan.newest.timestamp() if self.plan.newest else None
        self.new.count = self.plan.count
        # A label renamed or deleted: its posts' pages show its name, their keys do not. Only
        # the log says so: a manifest it cannot answer for (no number: older code; pruned
        # past its number) renders every page as if one had been.
        self.renamed = header is not None and (
            header.seq < 0 or header.seq < floor or changelog.renames(blog.pk, header.seq)
        )
        self.renderer: Renderer = renderer_for(blog)
        layout = bulk.Layout(blog, now)
        self.posts = bulk.PostPages(blog, self.renderer, self.plan.neighbours, now, layout)
        self.lists = bulk.ListingPages(blog, self.renderer, now, layout)
        self.feeds = bulkfeeds.FeedFiles(blog, self.renderer, now, self.plan, layout)
        self.firsts = {found.first: found for found in self.plan.listings.values()}
        self.report = Report(until=until)
        self.queue: list[tuple[str, Job]] = []
        self.seen: set[str] = set()

    def export(self, processes: int) -> None:
        whole = self.old.everything != self.plan.everything or self.renamed
        if self.choices.search == "index":
            self.seen.add(search.PAGE)  # the form's `/search` is ours: not the live listing
        with paused_gc():
            for address, job in self.plan.jobs.items():
                kept = self.old.entries.get(address)
                if not whole and kept is not None and kept.key == job.key:
                    self.keep(address, kept)
                else:
                    self.enqueue(address, job)
            if not self.plan.partial:  # a plan of the changes keeps what it does not name
                self.keep_found_before(whole)
        if processes > 1 and len(self.queue) >= parallel.WORTH_IT:
            planned, self.queue = self.queue, []
            for part in parallel.render_all(self, planned, processes):
                self.merge(part)
        planned, self.queue = self.queue, []
        for start in range(0, len(planned), parallel.BATCH):
            self.render_batch(planned[start : start + parallel.BATCH])
        if self.choices.search == "index":
            self.export_search(whole)
        while self.queue:  # what links led to (style sheets, images): few, here
            self.render(*self.queue.pop())
        self.remove_gone()
        with paused_gc():
            if self.plan.partial:
                self.save_changes()
            else:
                manifest.save(self.folder, self.new)
        if self.new.seq > 0:
            changelog.prune(self.blog.pk, self.new.seq)

    def export_search(self, whole: bool) -> None:
        """The search index and its page (`search`), rewritten when the blog's posts moved."""
        key = self.plan.jobs[FIXED[0]].key  # the feeds' key: every write, every post come due
        kept = {address: self.old.entries.get(address) for address in (search.ADDRESS, search.PAGE)}
        if not whole and all(entry and entry.key == key for entry in kept.values()):
            for address, entry in kept.items():
                self.keep(address, entry)  # type: ignore[arg-type]
            return
        body = search.index(self.blog, self.now)
        self.store(search.ADDRESS, key, "application/json", body)
        live = self.renderer.get(search.PAGE, search.NOTHING)
        answer = Answer(
            200, live.content_type, search.page(live.body.decode(), self.choices.origin).encode()
        )
        self.store(search.PAGE, key, answer.content_type, self.finish(search.PAGE, answer))

    def render_part(self, jobs: list[tuple[str, Job]]) -> parallel.Part:
        """Render `jobs` afresh (in a forked process) and say what came of them."""
        self.report, self.new.entries, self.queue = Report(), {}, []
        self.render_batch(jobs)
        found = [address for address, _ in self.queue]
        return parallel.Part(self.report, self.new.entries, found)

    def render_batch(self, jobs: list[tuple[str, Job]]) -> None:
        """Render `jobs`, their post pages read together first (`bulk`)."""
        self.posts.load([address for address, _ in jobs])
        self.feeds.load([address for address, _ in jobs])
        self.lists.load(row[0] for address, job in jobs for row in self.shown(address, job))
        for address, job in jobs:
            self.render(address, job)

    def merge(self, part: parallel.Part) -> None:
        self.report.written += part.report.written
        self.report.unchanged += part.report.unchanged
        self.report.missing += part.report.missing
        self.new.entries.update(part.entries)
        for address in part.found:
            self.enqueue(address, Job(address, "", FOUND))

    def keep(self, address: str, entry: manifest.Entry) -> None:
        self.seen.add(address)
        self.new.entries[address] = entry
        self.report.unchanged += 1

    def keep_found_before(self, whole: bool) -> None:
        """Addresses found by following links (style sheets, images…) stay while their files
        do; on a whole export they are found again from the pages that use them."""
        for address, entry in self.old.entries.items():
            if address in self.plan.jobs or address in self.seen:
                continue
            if not whole and entry.key == FOUND:
                self.keep(address, entry)

    def save_changes(self) -> None:
        """After a plan of the changes alone, every address it did not name is as it was:
        the parts of the manifest it touched are written again with them, the rest stay."""
        old = self.old.entries
        assert isinstance(old, manifest.Entries)
        touched = {manifest.part_of(address) for address in self.new.entries}
        for number in touched:
            old.part(number)
        known = old.addresses()
        added = {address for address in self.new.entries if address not in known}
        for address, entry in old.items():  # the parts read
            if address not in self.new.entries and address not in self.gone:
                self.new.entries[address] = entry
        self.new.files = len(known) + len(added - self.gone) - len(self.gone & known)
        self.report.unchanged = self.new.files - len(self.report.written)
        if old.folder is None:  # an older manifest, read whole: written whole, in parts
            manifest.save(self.folder, self.new)
            return
        changed = added or self.gone
        addresses = (known | added) - self.gone if changed else None
        manifest.save(self.folder, self.new, touched | old.read, addresses)

    def enqueue(self, address: str, job: Job) -> None:
        if address not in self.seen:
            self.seen.add(address)
            self.queue.append((address, job))

    def render(self, address: str, job: Job) -> None:
        query = job.query or self.page_query(job)
        listing = self.listing_of(address, job)
        answer = (
            self.posts.render(address)
            or self.feeds.render(address)
            or (listing and self.lists.render(job.path, listing, query))
            or self.renderer.get(job.path, query)
        )
        if answer.status in (301, 302, 307, 308) and answer.location.startswith("/"):
            answer = redirect_page(answer.location)
        if answer.status != 200 and not (address == NOT_FOUND and answer.status == 404):
            self.report.missing.append(address)
            return
        body = self.finish(address, answer)
        self.store(address, job.key, answer.content_type, body)

    def finish(self, address: str, answer: Answer) -> bytes:
        """The page's links rewritten; the links it holds queued if not seen yet."""
        kind = answer.content_type.split(";")[0].strip()
        if kind not in (HTML, "text/css"):
            return answer.body
        text = answer.body.decode()
        if kind == HTML:
            # The sidebar first: away from the home page it goes, and with it most of a
            # listing page's links, which the rewrite would otherwise walk for nothing.
            if address != "/":
                text = borrow_sidebar(text)
            text = links.rewrite(text, self.pager, self.choices)
        for link in links.local_links(text):
            self.follow(link)
        return text.encode()

    def follow(self, link: str) -> None:
        parts = urlsplit(link)
        # A live query (`?alt=rss`): nginx serves the path's file for it. A version query
        # (`/theme.css?v=…`, there to make browsers fetch it anew) names the path's file.
        versioned = parts.query.startswith("v=") and "&" not in parts.query
        if (parts.query and not versioned) or not parts.path:
            return
        if parts.path.startswith(links.LIVE_PREFIXES):
            return
        if parts.path in self.seen:
            return
        if self.plan.partial and parts.path in self.old.entries:
            self.seen.add(parts.path)  # a plan of the changes keeps what it does not name
            return
        self.enqueue(parts.path, Job(parts.path, "", FOUND))

    def shown(self, address: str, job: Job) -> list[Row]:
        """The rows of the posts on the listing page `job` renders, if it renders one."""
        listing = self.listing_of(address, job)
        return listing.shown(job.page, self.blog.posts_per_page) if listing else []

    def listing_of(self, address: str, job: Job) -> Listing | None:
        """The listing whose page `job` renders, if it renders one."""
        if job.page:
            return self.plan.listings[unquote(job.path)]
        return self.firsts.get(address) if job.key != FOUND else None

    def page_query(self, job: Job) -> str:
        if not job.page:
            return ""
        listing = self.plan.listings[unquote(job.path)]
        return listing.query(job.page, self.blog.posts_per_page, self.blog)

    def pager(self, path: str, params: dict[str, str]) -> str | None:
        listing = self.plan.listings.get(unquote(path))
        if listing is None:
            return None
        return listing.target(params, self.blog.posts_per_page, self.blog)

    def store(self, address: str, key: str, content_type: str, body: bytes) -> None:
        relative = paths.file_for(address, content_type)
        if relative is None:
            self.report.missing.append(address)
            return
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        kept = self.old.entries.get(address)
        target = self.folder / relative
        same = kept is not None and (kept.digest, kept.file) == (digest, str(relative))
        if not same or not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, body)
            self.report.written.append(address)
        else:
            self.report.unchanged += 1
        self.new.entries[address] = manifest.Entry(str(relative), key, digest)

    def remove_gone(self) -> None:
        # A plan of the changes: only what it named may be gone (its parts may not be read),
        # and the static pages, which it plans all of: one unpublished or moved is gone.
        named = list(self.plan.jobs if self.plan.partial else self.old.entries)
        if self.plan.partial:
            old = self.old.entries
            assert isinstance(old, manifest.Entries)
            pages = {a for a in old.addresses() if a.startswith(STATIC_PAGES)}
            named += sorted(pages - self.plan.jobs.keys())
        for address in named:
            entry = self.old.entries.get(address)
            if entry is not None and address not in self.new.entries:
                (self.folder / entry.file).unlink(missing_ok=True)
                self.gone.add(address)
                self.report.removed += 1


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while the plan and the manifest are built or saved: tens
    of thousands of tuples and strings with no cycles among them, which set off the collector
    over and over (a third of the plan's and the manifest's time at 10,000 posts). The pages
    are rendered with it on: a request's objects do make cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def borrow_sidebar(text: str) -> str:
    start = text.find(links.SIDEBAR)
    end = text.rfind("</aside>")
    if start < 0 or end < start:
        return text
    text = text[:start] + SHARED_SIDEBAR + text[end + len("</aside>") :]
    return text.replace("</head>", SIDEBAR_SCRIPT, 1)


def redirect_page(location: str) -> Answer:
    """A moved address as a file: a page that sends the reader on (a static host has no 301)."""
    escaped = html.escape(location)
    body = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Moved</title>'
        f'<meta http-equiv="refresh" content="0; url={escaped}">'
        f'<link rel="canonical" href="{escaped}"></head>'
        f'<body><p>This page has moved to <a href="{escaped}">{escaped}</a>.</p></body></html>\n'
    )
    return Answer(200, "text/html; charset=utf-8", body.encode())
