"""The gadgets of a blog's layout (`blogs.layout`): the header, the sidebar and the footer, each
gadget drawn with its options, in a fixed number of queries whatever the blog's size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.utils import dateformat, timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from broadsheet.blogs import people
from broadsheet.blogs.layout import REPEATABLE, Area, Gadget, Kind, gadgets_of, in_area
from broadsheet.blogs.models import Blog
from broadsheet.core import markup
from broadsheet.core.weblinks import web_url
from broadsheet.posts.models import Label, Page, Post, live
from broadsheet.reader import tallied
from broadsheet.reader.drawn import blog_key, drawn
from broadsheet.reader.pagecache import remember
from broadsheet.reader.popular import popular_html
from broadsheet.reader.templatetags.reader_tags import label_url


@dataclass
class ArchiveYear:
    year: int
    count: int = 0
    months: list[tuple[dt.date, int]] = field(default_factory=list)
    months_html: str = ""  # the months' list items, made by `archive_shown`


def archive(blog: Blog, now: dt.datetime) -> list[ArchiveYear]:
    """Years and months (in the blog's time zone) with their numbers of posts, newest first."""
    years: dict[int, ArchiveYear] = {}
    for month, n in sorted(tallied.month_counts(blog, now), reverse=True):
        entry = years.setdefault(month.year, ArchiveYear(month.year))
        entry.count += n
        entry.months.append((month, n))
    return list(years.values())


def orm_month_counts(blog: Blog, now: dt.datetime) -> list[tuple[dt.date, int]]:
    """The archive's counts straight from the posts: what the tallies must agree with."""
    rows = (
        Post.objects.public(blog, now)
        .annotate(month=TruncMonth("published_at", tzinfo=blog.tzinfo))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
    )
    return [(_as_date(row["month"]), row["n"]) for row in rows]


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# The Labels gadget lists at most this many labels: past it, a list of links is no longer
# something a reader scans, and a blog of 100,000 labels would put them all in every page. The
# most used are shown, by name; every label keeps its page and its place in
# /sitemap-labels.xml. A blog with fewer labels sees all of them, as on Blogger.
LABELS_SHOWN = 100


def label_counts(blog: Blog, now: dt.datetime) -> list[Label]:
    """Labels that at least one public post carries, each with `.n`, by name: the
    `LABELS_SHOWN` most used (ties to the older label) when there are more."""
    return sorted(tallied.label_counts(blog, now, LABELS_SHOWN), key=lambda label: label.name)


def orm_label_counts(blog: Blog, now: dt.datetime) -> list[Label]:
    """The label counts straight from the posts: what the tallies must agree with."""
    public = live(now, "posts__")
    counted = (
        Label.objects.filter(blog=blog).annotate(n=Count("posts", filter=public)).filter(n__gt=0)
    )
    most_used = counted.order_by("-n", "pk").values("pk")[:LABELS_SHOWN]
    return list(counted.filter(pk__in=most_used).order_by("name"))


def published_pages(blog: Blog) -> list[Page]:
    return list(
        Page.objects.filter(blog=blog, status=Page.Status.PUBLISHED).only("title", "slug", "blog")
    )


# The Profile gadget shows at most this many people: a team blog's masthead, not a directory.
AUTHORS_SHOWN = 20


@dataclass(frozen=True)
class Author:
    """One person in the Profile gadget, as readers may see them (never their address)."""

    name: str
    bio: str
    link: str
    avatar_url: str


def authors(blog: Blog, now: dt.datetime) -> list[Author]:
    """The people whose posts readers can see here, longest-standing first.

    Only writers with a public post under their own name: a member who has published
    nothing, or the operator who set the blog up, is nobody a reader knows yet. Those with
    such a post before the closed edge (`tallied.closed_edge`) are kept under the `history`
    and `people` stamps (every public post's coming, going, time, blog or byline before it
    moves `history`), so a new post asks only who wrote the last few days' posts.
    """
    edge = tallied.closed_edge(now)
    stamps = tallied.stamps_of(blog)
    key = (blog_key(blog), "authors-closed", (stamps["history"], stamps["people"]))
    known: list[Ranked] = tallied.kept(key, blog, now, lambda: _ranked_authors(blog, edge, None))
    recent = _recent_authors(blog, edge, now) - {pk for _, pk, _ in known}
    if recent:
        known = sorted([*known, *_ranked_authors(blog, now, recent)])[:AUTHORS_SHOWN]
    return [author for _, _, author in known]


Ranked = tuple[dt.datetime, int, Author]  # date joined, id: the Profile gadget's order


def _ranked_authors(blog: Blog, before: dt.datetime, among: set[int] | None) -> list[Ranked]:
    """The first `AUTHORS_SHOWN` people with a public post under their own name at or
    before `before` (and, at `before`'s very instant, on it), among `among` if given."""
    # An imported post's byline is its old author's name, not the account that holds it.
    bylined = Post.objects.public(blog, before).filter(author_name="", author_id=OuterRef("pk"))
    if among is None:  # the closed edge itself belongs to the open days
        bylined = bylined.filter(published_at__lt=before)
    # One probe of a person's posts each (the author index), not `pk IN (every public post's
    # author)`, which read all of the blog's posts: 0.5 s at 100,000.
    people = get_user_model().objects.filter(Exists(bylined)).select_related("profile")
    if among is not None:
        people = people.filter(pk__in=among)
    ranked = people.order_by("date_joined", "pk")[:AUTHORS_SHOWN]
    return [(person.date_joined, person.pk, _author(person)) for person in ranked]


def _recent_authors(blog: Blog, edge: dt.datetime, now: dt.datetime) -> set[int]:
    """Who wrote the public posts from the closed edge to `now`, under their own name (a few
    days' posts, on the posts' date index)."""
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT author_id FROM posts_post WHERE blog_id = %s "
            "AND status IN (%s, %s) AND published_at >= %s AND published_at <= %s "
            "AND author_name = '' AND author_id IS NOT NULL",
            [
                blog.pk,
                Post.Status.PUBLISHED.value,
                Post.Status.SCHEDULED.value,
                ops.adapt_datetimefield_value(edge),
                ops.adapt_datetimefield_value(now),
            ],
        )
        return {pk for (pk,) in cursor.fetchall()}


def _author(person: AbstractBaseUser) -> Author:
    profile = people.loaded_profile(person)
    if profile is None:
        return Author(people.display_name(person), "", "", "")
    link = web_url(profile.link)
    return Author(people.display_name(person), profile.bio, link, profile.avatar_url)


# --- the layout, drawn ------------------------------------------------------------------------

# Drawn with each page rather than kept with the rest: the search box shows the reader's
# query, and Popular Posts moves with reads (reader.popular keeps it an hour).
LIVE = frozenset({Kind.SEARCH, Kind.POPULAR})


@dataclass(frozen=True)
class Piece:
    """One gadget of a page as kept in the cache: its HTML, or what a live one needs."""

    kind: str
    dom_id: str
    heading: str
    options: dict[str, Any]
    title: str = ""  # the admin's own title, if any (the Profile gadget has two defaults)
    html: str = ""


def dom_id(gadget: Gadget) -> str:
    """The element id of a gadget's heading: `w-<kind>` for the kinds a blog has one of (as
    before layouts), with the row's number for the kinds it may have several of."""
    return f"w-{gadget.kind}-{gadget.pk or 0}" if gadget.kind in REPEATABLE else f"w-{gadget.kind}"


# The stamps (`posts.stamps`) each kind's data is kept under: what can move it.
STAMPED = {
    Kind.FEATURED: ("counts", "posts"),
    Kind.ARCHIVE: ("counts",),
    Kind.LABELS: ("counts",),
    Kind.PAGES: ("pages",),
    Kind.PROFILE: ("counts", "people"),  # `authors` keeps the closed part under `history`
}


def gadget_data(blog: Blog, now: dt.datetime, kinds: set[str], prefix: str) -> dict[str, Any]:
    """What the placed gadgets show, each read only when its gadget is on the layout, and
    only when one of the stamps it is kept under moved (`reader.tallied.kept`)."""
    readers = {
        Kind.FEATURED: ("featured", lambda: Post.objects.featured(blog)),
        Kind.ARCHIVE: ("archive_years", lambda: archive(blog, now)),
        Kind.LABELS: ("label_counts", lambda: label_counts(blog, now)),
        Kind.PAGES: ("pages", lambda: published_pages(blog)),
        Kind.PROFILE: ("authors", lambda: authors(blog, now)),
    }
    placed = [kind for kind in readers if kind in kinds]
    stamps = tallied.stamps_of(blog) if placed else {}
    data = {}
    for kind in placed:
        name, read = readers[kind]
        key = (prefix, name, tuple(stamps[stamp] for stamp in STAMPED[kind]))
        data[name] = tallied.kept(key, blog, now, read)
    return data


def piece(gadget: Gadget, context: dict[str, Any]) -> Piece:
    options = gadget.options
    kept = Piece(gadget.kind, dom_id(gadget), gadget.heading, options, gadget.title)
    if gadget.kind in LIVE:
        return kept
    inputs = (kept, _inputs(gadget.kind, context))

    def draw() -> str:
        shown = {**context, **_shown(gadget.kind, options, context), "gadget": kept}
        return render_to_string(f"reader/gadgets/{gadget.kind}.html", shown)

    return replace(kept, html=drawn(context["blog_key"], inputs, draw))


def _inputs(kind: str, context: dict[str, Any]) -> object:
    """The data a kind's gadget shows, as plain values (`reader.drawn`): beside its options
    and the blog's settings, all that its HTML depends on."""
    if kind == Kind.ARCHIVE:
        return context["archive_years"]
    if kind == Kind.LABELS:
        return [(label.pk, label.name, label.n) for label in context["label_counts"]]
    if kind == Kind.PAGES:
        return [(page.pk, page.title, page.slug) for page in context["pages"]]
    if kind == Kind.PROFILE:
        return context["authors"]
    if kind == Kind.FEATURED:
        post = context["featured"]
        return post and (post.pk, post.title, post.snippet, post.permalink, post.published_at)
    return None


def _shown(kind: str, options: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """The kind's data as its options ask for it."""
    if kind == Kind.ARCHIVE:
        return archive_shown(context["archive_years"])
    if kind == Kind.LABELS:
        labels = sorted_labels(context["label_counts"], options)
        return {"label_counts": labels, "labels_html": labels_html(labels, options)}
    if kind == Kind.PAGES:
        return {"pages": ordered_pages(context["pages"], options["order"])}
    if kind == Kind.HTML:
        return {"html": mark_safe(markup.sanitize(options["html"]))}  # noqa: S308 - sanitised
    return {}


def archive_shown(years: list[ArchiveYear]) -> dict[str, Any]:
    """The archive's month links written here rather than in the template: a blog of fifteen
    years has 180 of them, and the template language took 40 ms to draw them."""
    # The month names in the active language, as the template's `month_name` gives them.
    names = [escape(dateformat.format(dt.date(2000, n, 1), "F")) for n in range(1, 13)]
    shown = [replace(year, months_html=_month_items(year.months, names, "")) for year in years]
    flat = "".join(_month_items(y.months, names, f" {y.year:04d}") for y in years)
    return {"archive_years": shown, "archive_flat_html": mark_safe(flat)}  # noqa: S308


def _month_items(
    months: list[tuple[dt.date, int]], names: Sequence[str], suffix: str
) -> SafeString:
    """Numbers and escaped names only, so the list is safe to mark as HTML."""
    return mark_safe(  # noqa: S308
        "".join(
            f'<li><a href="/{m.year:04d}/{m.month:02d}/">{names[m.month - 1]}{suffix}</a> '
            f'<span class="count">({n})</span></li>'
            for m, n in months
        )
    )


CLOUD_SIZES = 5


def sorted_labels(labels: list[Label], options: dict[str, Any]) -> list[Label]:
    """By name regardless of case, or most used first; each with `.size` (1 to 5) for the
    cloud, in proportion to its count between the least and the most used."""
    by_name = sorted(labels, key=lambda label: (label.name.casefold(), label.name))
    if options["sort"] == "frequency":
        by_name.sort(key=lambda label: -label.n)  # type: ignore[attr-defined]
    counts = [label.n for label in labels]  # type: ignore[attr-defined]
    low, high = min(counts, default=0), max(counts, default=0)
    for label in by_name:
        share = (label.n - low) / (high - low) if high > low else 0  # type: ignore[attr-defined]
        label.size = 1 + round(share * (CLOUD_SIZES - 1))  # type: ignore[attr-defined]
    return by_name


def labels_html(labels: list[Label], options: dict[str, Any]) -> SafeString:
    """The labels gadget's items, written here rather than in the template, as the archive's
    months are: a blog's hundreds of labels went through the template language's loop and
    filters on every first render after a new post. The address is percent-encoded
    (`label_url`: nothing in it to escape) and the name escaped, so the list is safe."""
    cloud = options["display"] == "cloud"
    counts = bool(options["counts"])
    items = []
    for label in labels:
        opening = f'<li class="cloud-{label.size}">' if cloud else "<li>"  # type: ignore[attr-defined]
        count = f' <span class="count">({label.n})</span>' if counts else ""  # type: ignore[attr-defined]
        items.append(
            f'{opening}<a href="{label_url(label.name)}" rel="tag">{escape(label.name)}</a>'
            f"{count}</li>"
        )
    return mark_safe("".join(items))  # noqa: S308 - numbers, an encoded address, escaped names


def ordered_pages(pages: list[Page], order: list[int]) -> list[Page]:
    """The pages the admin chose, in their order; every published page when none is chosen."""
    if not order:
        return pages
    by_id = {page.pk: page for page in pages}
    return [by_id[pk] for pk in order if pk in by_id]


def layout_html(blog: Blog, now: dt.datetime) -> dict[str, Any]:
    """The blog's header options and its sidebar and footer gadgets, drawn once per sidebar
    version of the blog.

    Counting a blog's posts by month and by label reads every post: at 100,000 posts that is
    most of a page's render. The counts change only when a post, a page, the settings or the
    layout do (or a scheduled post's time comes, when the part expires), never with a comment,
    so the HTML is kept in the shared cache under `Blog.sidebar_version`. The live gadgets
    (`LIVE`) are drawn with each page from what is kept.
    """

    def render() -> dict[str, Any]:
        gadgets = gadgets_of(blog)
        prefix = blog_key(blog)
        context = {"blog": blog, "blog_key": prefix}
        context.update(gadget_data(blog, now, {g.kind for g in gadgets}, prefix))
        header = next((g.options for g in in_area(gadgets, Area.HEADER)), {})
        sidebar = [piece(g, context) for g in in_area(gadgets, Area.SIDEBAR)]
        footer = [piece(g, context) for g in in_area(gadgets, Area.FOOTER)]
        return {"header": header, "sidebar": sidebar, "footer": footer}

    return remember(blog, "layout", render, now, version=blog.sidebar_version)


def page_parts(blog: Blog, now: dt.datetime) -> dict[str, Any]:
    """The layout's parts for a page's context: `sidebar_html` (header, sidebar, footer) and
    Popular Posts' HTML when the layout shows it."""
    layout = layout_html(blog, now)
    placed = [part for part in layout["sidebar"] + layout["footer"] if part.kind == Kind.POPULAR]
    popular = popular_html(blog, now, placed[0].options, placed[0].heading) if placed else ""
    return {"sidebar_html": layout, "popular_html": popular}


def draw_ahead(blog_id: int) -> None:
    """Draw the blog's layout and Popular Posts into the shared cache once a write that moved
    its sidebar version has committed (`blogs.actions.on_sidebar_moved`), so the first reader
    after a post write finds them there and draws nothing: the writer, who waits on a
    publish anyway, pays for the drawing instead of the reader who comes next.

    The same drawing a reader's page does (`page_parts`), as a reader's request does it: in
    the blog's language and the default time zone (the studio's request runs in the blog's).
    Nothing it draws is kept past the sidebar version it read, so a write committed meanwhile
    is drawn again, by its own hook or by its first reader. A write that moved the version
    several times in one transaction calls this as many times: all but the first find the
    layout in the cache.
    """
    blog = Blog.objects.filter(pk=blog_id).first()
    if blog is None:  # deleted in the same transaction
        return
    with translation.override(blog.language), timezone.override(None):
        page_parts(blog, timezone.now())
