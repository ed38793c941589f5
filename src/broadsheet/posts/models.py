"""Posts, static pages and labels; their revisions and autosaved text; who may change them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, Expression, JSONField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import JSONArray
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from broadsheet.blogs.models import Blog, Membership
from broadsheet.blogs.people import display_name
from broadsheet.posts.labels import fold


class SourceFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML"


class LabelManager(models.Manager["Label"]):
    def bulk_create(self, objs: Iterable[Label], *args: Any, **kwargs: Any) -> list[Label]:
        """bulk_create bypasses save(): the importers' and generators' labels are folded here."""
        labels = list(objs)
        for label in labels:
            label.folded = fold(label.name)
        return super().bulk_create(labels, *args, **kwargs)


class Label(models.Model):
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=200)
    # `fold(name)`, kept by save() and by the manager's bulk_create, so a label address
    # finds its label through an index whatever the case. Case folding can make a name up to
    # three times longer (ΐ is three characters folded).
    folded = models.CharField(max_length=600, default="", editable=False)

    objects = LabelManager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["blog", "name"], name="unique_label")]
        indexes = [models.Index(fields=["blog", "folded"], name="label_blog_folded")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.folded = fold(self.name)
        super().save(*args, **kwargs)

    @staticmethod
    def quote(name: str) -> str:
        """The name as one path segment of a label address (`/search/label/NAME`)."""
        return quote(name, safe="")


class JsonList(Subquery):
    """The one column (`column`, as the outer query names it) of an ordered subquery, as a
    JSON list read as one column of the outer query: a post's labels read with the post,
    where a second query (or Django's prefetch, a queryset per post) read them after it."""

    template = "(SELECT json_group_array(%(column)s) FROM (%(subquery)s))"
    output_field = JSONField()

    def __init__(self, rows: QuerySet[Any, Any], column: str) -> None:
        super().__init__(rows, column=column)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        # ARRAY() keeps the subquery's order; jsonb is what Django's JSONField reads.
        extra["template"] = "to_jsonb(ARRAY(%(subquery)s))"
        return self.as_sql(compiler, connection, **extra)


def _labels_of_post() -> QuerySet[Label]:
    return Label.objects.filter(posts=OuterRef("pk")).order_by("name")


def label_name_list() -> JsonList:
    """Each post's label names, in the labels' own order (by name)."""
    return JsonList(_labels_of_post().values("name"), column="name")


# A label as `label_row_list` gives it, field by field.
LABEL_ROW = ("id", "blog_id", "name", "folded")


def label_row_list() -> JsonList:
    """Each post's labels as lists of their `LABEL_ROW` fields, in the labels' own order (by
    name, in the database's collation)."""
    rows = _labels_of_post().values(label=JSONArray(*LABEL_ROW))
    return JsonList(rows, column='json("label")')  # json(): a list in the list, not its text


# From this many posts on, a label's page walks the blog's posts by date (`with_labels`): at
# 100,000 posts, one in a hundred carries such a label, so a page is found within a thousand.
DENSE_LABEL = 1000


def live(now: dt.datetime | Expression | None = None, through: str = "") -> Q:
    """The one rule for what readers may see, as a filter: a post published, or scheduled
    and whose time has come. `through` names the relation from another model
    (`live(now, "posts__")` on labels); `now` may be an expression of the moment
    (`reader.prepared.Unseen`)."""
    return Q(**{
        f"{through}status__in": LIVE_STATUSES,
        f"{through}published_at__lte": timezone.now() if now is None else now,
    })  # fmt: skip


class PostQuerySet(models.QuerySet["Post"]):
    def public(self, blog: Blog, now: dt.datetime | Expression | None = None) -> PostQuerySet:
        """What readers may see (`live`) of one blog, newest first."""
        return (
            self.filter(live(now), blog=blog)
            .select_related("author__profile")
            .order_by("-published_at", "-id")
        )

    # The studio's four shelves. Trash is never public: `public` asks for published or
    # scheduled posts only, so a trashed post leaves the site at once.

    def drafts(self) -> PostQuerySet:
        return self.filter(status=Post.Status.DRAFT)

    def scheduled(self, now: dt.datetime | None = None) -> PostQuerySet:
        """Waiting for their time: readers cannot see them yet."""
        return self.filter(status__in=LIVE_STATUSES, published_at__gt=now or timezone.now())

    def published(self, now: dt.datetime | None = None) -> PostQuerySet:
        """On the site now (a scheduled post whose time has come counts)."""
        return self.filter(live(now))

    def trashed(self) -> PostQuerySet:
        return self.filter(status=Post.Status.TRASH)

    def not_trashed(self) -> PostQuerySet:
        return self.exclude(status=Post.Status.TRASH)

    def with_labels(self, blog: Blog, names: list[str]) -> PostQuerySet | None:
        """Posts of this query set carrying all of `names` (Blogger's `/search/label/A+B`),
        matched whatever the case; None if one is unknown. One indexed query finds the labels,
        however many the blog has; the posts are then filtered on the join table by label id.

        A label no post of this query set (the public posts) carries counts as unknown: one
        used only on drafts, scheduled or trashed posts must answer as a name never used does,
        or its page and feeds would tell readers what is being written."""
        if any("\x00" in name for name in names):
            # No label holds a NUL (PostgreSQL refuses one in any text: asked there, it was
            # a 500 from a label feed's address); a name with one is unknown on both.
            return None
        wanted = {fold(name) for name in names}
        ids: dict[str, list[int]] = {}
        carried_by = 0  # posts of the one name asked, by the tallies (public status)
        # No ORDER BY: with the model's order by name, SQLite walks the (blog, name) index
        # through every label of the blog instead of seeking the folded one.
        for folded, pk, n in self.labels_named(blog, wanted):
            ids.setdefault(folded, []).append(pk)
            carried_by += n or 0
        if not wanted or len(ids) < len(wanted):
            return None
        if len(ids) == 1 and carried_by >= DENSE_LABEL:
            # A label on many posts: walk the posts newest first and ask each whether it
            # carries the label (one probe of the join table's unique index); a page is found
            # within a few hundred posts. `among` made SQLite read every post id of the label
            # first: 15 ms for a label on 5,000 posts, 0.2 ms this way.
            (label_ids,) = ids.values()
            return self.carrying(label_ids)
        queryset = self
        for label_ids in ids.values():
            # Any label of the name will do (a blog may hold "Rust" and "rust" from older
            # imports).
            queryset = queryset.among(label_ids)
        return queryset

    def labels_named(
        self, blog: Blog, folded: Iterable[str]
    ) -> models.QuerySet[Label, tuple[str, int, int | None]]:
        """The blog's labels of these folded names that a post of this set carries, as
        (folded name, id, public-status posts carrying it by the tallies)."""
        # Carried by one of this set's posts: EXISTS stops at the first, where a join read every
        # post of the label (90 ms for a common label at 100,000 posts).
        carried = Exists(self.order_by().filter(labels=OuterRef("pk")))
        found = Label.objects.filter(carried, blog=blog, folded__in=folded)
        tally = Subquery(LabelTally.objects.filter(label=OuterRef("pk")).values("n"))
        return found.order_by().annotate(n=tally).values_list("folded", "pk", "n")

    def among(self, label_ids: list[int]) -> PostQuerySet:
        """Posts carrying one of `label_ids`, the label's posts found first (the join table's
        label index): for a label on few posts, where `carrying` would walk every post older
        than the label's. A subquery rather than a join, so a post carrying two is listed once."""
        carrying = Post.labels.through.objects.filter(label_id__in=label_ids).values("post_id")
        return self.filter(pk__in=carrying)

    def carrying(self, label_ids: list[int]) -> PostQuerySet:
        """Posts carrying one of `label_ids`, each post asked in turn (see `with_labels`)."""
        probe = Post.labels.through.objects.filter(post_id=OuterRef("pk"), label_id__in=label_ids)
        return self.filter(Exists(probe))

    def featured(self, blog: Blog) -> Post | None:
        """The Featured Post gadget's post: the one the blog pinned while it is public, else
        the newest public post."""
        # The gadget shows these only: a post's body and sources are most of its row.
        shown = ("title", "snippet", "permalink", "published_at", "blog_id")
        public = self.public(blog).select_related(None).only(*shown)
        if blog.featured_post_id is not None:
            pinned = public.filter(pk=blog.featured_post_id).first()
            if pinned is not None:
                return pinned
        return public.first()

    def next_publish(self, blog: Blog, after: dt.datetime) -> dt.datetime | None:
        """When the blog's next scheduled post goes up (the `post_blog_status_pub` index)."""
        found: dt.datetime | None = (
            self.scheduled(after)
            .filter(blog=blog)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        return found

    def visible_to(self, member: Membership) -> PostQuerySet:
        """What a member finds in the studio: all the blog's posts for an admin, else their own."""
        mine = self.filter(blog=member.blog)
        return mine if member.is_admin else mine.filter(author=member.user)


class Robots(models.TextChoices):
    """Blogger's "Custom robots tags" for a post, as the `<meta name="robots">` content
    (all: no tag at all). Posts that say noindex are also left out of the sitemap."""

    ALL = "", "all (the default: index and follow)"
    NOINDEX = "noindex", "noindex"
    NOFOLLOW = "nofollow", "nofollow"
    NONE = "noindex, nofollow", "none (noindex and nofollow)"
    NOARCHIVE = "noarchive", "noarchive"
    NOSNIPPET = "nosnippet", "nosnippet"
    NOIMAGEINDEX = "noimageindex", "noimageindex"
    NOTRANSLATE = "notranslate", "notranslate"


class ReaderComments(models.TextChoices):
    """Blogger's per-post "Reader comments" options (its API's `readerComments`)."""

    ALLOW = "allow", "Allow"
    STOP = "stop", "Don't allow, show existing"
    HIDE = "hide", "Don't allow, hide existing"


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        TRASH = "trash", "Trash"

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    # The name shown under the post; imported posts keep their old author's name here.
    author_name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=500, blank=True)
    slug = models.CharField(max_length=200, blank=True)
    # "/2024/10/some-title.html": fixed at first publication, never moved by later edits.
    permalink = models.CharField(max_length=500, blank=True)
    source = models.TextField(blank=True)
    source_format = models.CharField(
        max_length=16, choices=SourceFormat.choices, default=SourceFormat.MARKDOWN
    )
    body_html = models.TextField(blank=True)
    # The visible text of body_html, for the search index and meta descriptions.
    text = models.TextField(blank=True)
    snippet = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    labels = models.ManyToManyField(Label, blank=True, related_name="posts")
    # New comments are taken (Blogger's "Allow").
    comments_allowed = models.BooleanField(default=True)
    # The comments already there are hidden too (Blogger's "Don't allow, hide existing"):
    # readers see no thread, count or comment feed. Null is False; nullable for the same
    # reason as `trashed_at` below.
    comments_hidden = models.BooleanField(null=True, blank=True)
    search_description = models.CharField(max_length=300, blank=True)
    # Approved comments, kept by the comment actions so listings need no COUNT per post.
    comment_count = models.PositiveIntegerField(default=0)
    # When the post went to the trash (null otherwise); nullable so that adding it needs no
    # table rebuild on SQLite, which would drop the search triggers on this table.
    trashed_at = models.DateTimeField(null=True, blank=True)
    # The entry id the post had before it was imported (Blogger's
    # `tag:blogger.com,1999:blog-1.post-2`): feeds and exports keep serving it
    # (posts.identity), so subscribers see nothing new. Nullable for the same reason as
    # `trashed_at`.
    source_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    # Nullable (null: all) for the same reason as `trashed_at`.
    robots = models.CharField(  # noqa: DJ001
        max_length=32, choices=Robots.choices, null=True, blank=True
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["blog", "published_at"], name="post_blog_published"),
            models.Index(fields=["blog", "status", "published_at"], name="post_blog_status_pub"),
            models.Index(fields=["blog", "permalink"], name="post_blog_permalink"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["blog", "permalink"],
                condition=~models.Q(permalink=""),
                name="unique_post_permalink",
            )
        ]

    def __str__(self) -> str:
        return self.title or "(untitled)"

    def get_absolute_url(self) -> str:
        return self.permalink

    @property
    def display_author(self) -> str:
        if self.author_name:
            return self.author_name
        return display_name(self.author) or "Unknown"

    def is_public(self, now: dt.datetime | None = None) -> bool:
        return (
            self.status in LIVE_STATUSES
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )

    def has_been_public(self, now: dt.datetime | None = None) -> bool:
        """Readers may have seen it (and linked to it): its permalink is now fixed for life.

        A post reverted to draft keeps its permalink and first publication time, so this stays
        true for it.
        """
        return (
            bool(self.permalink)
            and self.published_at is not None
            and (self.published_at <= (now or timezone.now()))
        )

    @property
    def reader_comments(self) -> ReaderComments:
        if self.comments_allowed:
            return ReaderComments.ALLOW
        return ReaderComments.HIDE if self.comments_hidden else ReaderComments.STOP

    def set_reader_comments(self, option: str) -> None:
        """One of Blogger's three options onto the two fields (hiding only ever comes with
        closing, so an open post never hides its thread)."""
        self.comments_allowed = option == ReaderComments.ALLOW
        self.comments_hidden = option == ReaderComments.HIDE

    @property
    def comments_shown(self) -> bool:
        return not (self.comments_hidden and not self.comments_allowed)

    @property
    def is_scheduled(self) -> bool:
        return self.status == Post.Status.SCHEDULED and not self.is_public()

    # Who may do what with this post. Actions enforce these; views only show what they allow.

    def visible_to(self, member: Membership) -> bool:
        """Admins see every post of their blog; authors and contributors see their own."""
        return self.blog_id == member.blog_id and (
            member.is_admin or self.author_id == member.user_id
        )

    def editable_by(self, member: Membership) -> bool:
        """A post in the trash is restored before it is edited; a contributor edits drafts only
        (changing a published post would be publishing)."""
        if not self.visible_to(member) or self.status == Post.Status.TRASH:
            return False
        return member.can_publish or self.status == Post.Status.DRAFT

    def trashable_by(self, member: Membership) -> bool:
        return self.editable_by(member)

    def restorable_by(self, member: Membership) -> bool:
        return self.visible_to(member) and self.status == Post.Status.TRASH

    def unpublishable_by(self, member: Membership) -> bool:
        return self.visible_to(member) and member.can_publish and self.status in LIVE_STATUSES


# Published, or scheduled: such a post is on the site once its time has come (`live`).
LIVE_STATUSES = (Post.Status.PUBLISHED, Post.Status.SCHEDULED)


class Page(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        TRASH = "trash", "Trash"

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="pages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField(max_length=500)
    slug = models.CharField(max_length=200)
    source = models.TextField(blank=True)
    source_format = models.CharField(
        max_length=16, choices=SourceFormat.choices, default=SourceFormat.MARKDOWN
    )
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    position = models.PositiveSmallIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    trashed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "title"]
        constraints = [models.UniqueConstraint(fields=["blog", "slug"], name="unique_page_slug")]
        indexes = [models.Index(fields=["blog", "status"], name="page_blog_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/p/{self.slug}.html"

    def has_been_public(self, now: dt.datetime | None = None) -> bool:
        return self.published_at is not None and self.published_at <= (now or timezone.now())

    # Pages belong to the whole blog, so only its admins write them.

    def visible_to(self, member: Membership) -> bool:
        return self.blog_id == member.blog_id and member.is_admin

    def editable_by(self, member: Membership) -> bool:
        return self.visible_to(member) and self.status != Page.Status.TRASH

    def trashable_by(self, member: Membership) -> bool:
        return self.editable_by(member)

    def restorable_by(self, member: Membership) -> bool:
        return self.visible_to(member) and self.status == Page.Status.TRASH

    def unpublishable_by(self, member: Membership) -> bool:
        return self.visible_to(member) and self.status == Page.Status.PUBLISHED


def _one_target() -> models.Q:
    """Exactly one of post and page is set."""
    return models.Q(post__isnull=False, page__isnull=True) | models.Q(
        post__isnull=True, page__isnull=False
    )


class Revision(models.Model):
    """A saved state of a post's or page's title and body, kept at every explicit save."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField(max_length=500, blank=True)
    source = models.TextField(blank=True)
    source_format = models.CharField(
        max_length=16, choices=SourceFormat.choices, default=SourceFormat.MARKDOWN
    )
    # What happened: "Saved as draft", "Published", "Restored the version of …".
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=_one_target(), name="revision_one_target")]
        indexes = [
            models.Index(fields=["post", "created_at"], name="revision_post_created"),
            models.Index(fields=["page", "created_at"], name="revision_page_created"),
        ]

    def __str__(self) -> str:
        return f"{self.title or '(untitled)'} at {self.created_at:%Y-%m-%d %H:%M}"

    def same_text(self, title: str, source: str, source_format: str) -> bool:
        return (self.title, self.source, self.source_format) == (title, source, source_format)


class Autosave(models.Model):
    """What a writer typed and has not saved yet, kept by the editor every few seconds.

    One row per writer and post (or page); a post or page not created yet has its own row per
    writer, blog and kind, with neither set. Saving explicitly deletes the row.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="autosaves"
    )
    title = models.CharField(max_length=500, blank=True)
    source = models.TextField(blank=True)
    source_format = models.CharField(
        max_length=16, choices=SourceFormat.choices, default=SourceFormat.MARKDOWN
    )
    labels = models.CharField(max_length=1000, blank=True)
    # The editor's other fields exactly as typed (custom permalink, search description,
    # publish date, comments allowed…), by form field name: a restore brings back the whole
    # form, not only the text, and a field added to the editor is kept without a migration.
    fields = models.JSONField(default=dict, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "post"],
                condition=models.Q(post__isnull=False),
                name="autosave_post",
            ),
            models.UniqueConstraint(
                fields=["user", "page"],
                condition=models.Q(page__isnull=False),
                name="autosave_page",
            ),
            models.UniqueConstraint(
                fields=["user", "blog", "kind"],
                condition=models.Q(post__isnull=True, page__isnull=True),
                name="autosave_new",
            ),
        ]

    def __str__(self) -> str:
        return f"Autosave of {self.title or '(untitled)'} by {self.user}"


# --- the sidebar's tallies (posts/tallies.py keeps them) -------------------------------------


class DayTally(models.Model):
    """Public-status posts (published or scheduled, with a time) of a blog per UTC day.

    Kept by database triggers, so every write path (actions, the admin, imports, restores,
    bulk inserts) moves it in its own transaction. A UTC day, not a month: the blog's months
    are read from whole days plus the few posts around each month's edge, so a change of the
    blog's time zone needs no rebuild.
    """

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blog", "day"], name="daytally_blog_day")]

    def __str__(self) -> str:
        return f"{self.n} posts on {self.day} (UTC)"


class LabelTally(models.Model):
    """Public-status posts per label, whatever their time (readers subtract the few still to
    come); kept by the same triggers as `DayTally`."""

    label = models.OneToOneField(
        Label, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["blog", "-n", "label"], name="labeltally_blog_n")]

    def __str__(self) -> str:
        return f"{self.n} posts labelled {self.label_id}"


class TallyStamp(models.Model):
    """Random numbers drawn again, by trigger, whenever something a blog's gadgets show moves
    (`posts.stamps`): what the reader keeps the sidebar's data under, one per kind of data."""

    blog_id = models.BigIntegerField(primary_key=True)
    counts = models.BigIntegerField(default=0)  # the tallies, label names, public posts' times
    posts = models.BigIntegerField(default=0)  # public posts' titles, snippets, addresses
    pages = models.BigIntegerField(default=0)  # any page
    people = models.BigIntegerField(default=0)  # profiles and people's names
    history = models.BigIntegerField(default=0)  # `counts`, where it touches a day before today

    def __str__(self) -> str:
        return f"blog {self.blog_id}'s sidebar stamps"
