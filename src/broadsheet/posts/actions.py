"""Workflows that write posts and pages. Every write goes through here.

`save_post` and `save_page` are the low-level writes every loader uses (demo, importers): they
trust their caller. The editor's actions below them (`write_post`, `write_page`, `trash`,
`restore`, `restore_revision`, `autosave`) take the acting member and enforce the role rules
(`Membership.can_publish`, `Post.editable_by`, …) before they touch anything, so a forged
request meets the same rules as the studio's buttons. They raise `NotAllowed` (a
PermissionDenied, answered with 403) when the role forbids the act, and a `ValidationError`
keyed by form field when the input cannot be used as given.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from broadsheet.blogs.access import require
from broadsheet.blogs.actions import bump_content_version, lock_blog
from broadsheet.blogs.models import Blog, Membership
from broadsheet.blogs.quotas import Quota, charge
from broadsheet.core import embeds, markup, slugs
from broadsheet.posts import hooks
from broadsheet.posts.labels import problem as labels_problem
from broadsheet.posts.models import (
    LIVE_STATUSES,
    Autosave,
    Label,
    Page,
    Post,
    Revision,
    SourceFormat,
)

Item = Post | Page


def render_into(obj: Post | Page) -> None:
    """Render the source through the one pipeline and keep the derived fields in step.

    The slug goes into footnote anchors, so two posts with footnotes on one listing page do not
    repeat each other's ids. Embeds with posters not yet stored are announced to the hooks,
    which queue their fetch (`portability.posters`).
    """
    obj.body_html = markup.render(
        obj.source, obj.source_format, doc_id=obj.slug, blog_id=obj.blog_id
    )
    if isinstance(obj, Post):
        obj.text = markup.plain_text(obj.body_html)
        obj.snippet = markup.snippet(obj.body_html)
    keys = embeds.poster_keys(obj.body_html)
    if keys and obj.blog_id is not None:
        hooks.rendered_embeds(obj.blog_id, keys)


def month_permalink(
    blog: Blog, title: str, when: dt.datetime, custom: str = "", *, exclude: int | None = None
) -> str:
    """Blogger's `/YYYY/MM/slug.html`, unique within the month (a collision gets `_N`).

    `exclude` leaves one post (the one being placed) out of the collision check.
    """
    local = timezone.localtime(when, blog.tzinfo)
    prefix = f"/{local:%Y}/{local:%m}/"
    base = (slugs.permalink_slug(custom) if custom else None) or slugs.blogger_slug(title)
    others = Post.objects.filter(blog=blog, permalink__startswith=prefix)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    taken = {
        path[len(prefix) : -len(".html")] for path in others.values_list("permalink", flat=True)
    }
    return f"{prefix}{slugs.dedupe(base, taken)}.html"


def label_names(names: Iterable[str]) -> list[str]:
    """The distinct, trimmed names `set_labels` gives a post."""
    return sorted({name.strip() for name in names if name.strip()})


def set_labels(post: Post, names: Iterable[str]) -> None:
    wanted = label_names(names)
    labels = [Label.objects.get_or_create(blog=post.blog, name=name)[0] for name in wanted]
    post.labels.set(labels)


@transaction.atomic
def save_post(
    post: Post,
    *,
    labels: Iterable[str] | None = None,
    custom_permalink: str = "",
    now: dt.datetime | None = None,
) -> Post:
    """Render, assign the permalink on first publication, store, and bump the blog's version.

    A post whose publish time lies ahead is `scheduled`; readers see it once the time comes.
    A draft keeps its `slug` as the permalink its author asked for ('' for one made from the
    title); a published post's slug is the last part of its permalink.
    """
    now = now or timezone.now()
    if post.status in LIVE_STATUSES:
        post.published_at = post.published_at or now
        post.status = Post.Status.SCHEDULED if post.published_at > now else Post.Status.PUBLISHED
        if not post.permalink:
            post.permalink = month_permalink(
                post.blog, post.title, post.published_at, custom_permalink, exclude=post.pk
            )
    if post.permalink:
        post.slug = post.permalink.rsplit("/", 1)[-1].removesuffix(".html")
    render_into(post)
    post.updated_at = now
    lock_blog(post.blog_id)  # rendered first: the blog's writers wait for the write only
    post.save()
    if labels is not None:
        set_labels(post, labels)
    bump_content_version(post.blog)
    return post


@transaction.atomic
def save_page(page: Page, *, now: dt.datetime | None = None) -> Page:
    """Render and store a static page (at `/p/slug.html`)."""
    now = now or timezone.now()
    page.slug = page.slug or slugs.blogger_slug(page.title)
    render_into(page)
    if page.status == Page.Status.PUBLISHED:
        page.published_at = page.published_at or now
    page.updated_at = now
    lock_blog(page.blog_id)
    page.save()
    bump_content_version(page.blog)
    return page


# The editor's actions


class Intent(enum.StrEnum):
    """Which of the editor's buttons was pressed."""

    DRAFT = "draft"  # save as a draft (on a published post: revert it to a draft)
    PUBLISH = "publish"  # publish now, at the date given, or update a published post
    SCHEDULE = "schedule"  # publish at a date and time that must lie ahead


@dataclass(frozen=True)
class Content:
    """What the editor sends. `permalink` is the custom one asked for ('' = from the title);
    `publish_at` is aware (the editor reads it in the blog's time zone)."""

    title: str
    source: str
    source_format: str = SourceFormat.MARKDOWN
    labels: tuple[str, ...] = ()
    permalink: str = ""
    search_description: str = ""
    comments_allowed: bool = True
    comments_hidden: bool = False  # only with comments_allowed off (Post.set_reader_comments)
    robots: str = ""
    publish_at: dt.datetime | None = None


CONTRIBUTORS_DRAFT = "Contributors save drafts; an author or admin of the blog publishes them."


@transaction.atomic
def write_post(
    member: Membership,
    post: Post | None,
    content: Content,
    intent: Intent,
    *,
    now: dt.datetime | None = None,
) -> Post:
    """The editor's save: create or change a post, then keep it as a draft, publish or schedule it.

    The permalink follows the title and date until readers have seen the post, then never moves.
    Keeps a revision when the text changed and drops the writer's autosave. Raises NotAllowed,
    or ValidationError for a schedule date that is not ahead, a custom permalink already taken
    or labels past `posts.labels`' bounds; OverQuota (a ValidationError) when the member has
    made as many posts or labels this hour as their role allows (`blogs.quotas`).
    """
    now = now or timezone.now()
    if post is None:
        post = Post(blog=member.blog, author=member.user, created_at=now)
    else:
        require(post.editable_by(member), "You cannot change this post.")
    require(intent == Intent.DRAFT or member.can_publish, CONTRIBUTORS_DRAFT)
    _check_labels(content.labels)
    was_new, seen = post.pk is None, post.has_been_public(now)
    _take_content(post, content)
    _place_in_time(post, content, intent, seen, now)
    if not seen:
        _place_at_address(post, content.permalink)
    _charge(member, was_new, content, now)
    save_post(post, labels=content.labels, now=now)
    _keep_revision(post, member, _NOTES[intent], now)
    _drop_autosave(member, post, was_new)
    _announce(post, now)
    return post


def _take_content(post: Post, content: Content) -> None:
    post.title, post.source = content.title, content.source
    post.source_format = content.source_format
    post.search_description = content.search_description
    post.comments_allowed = content.comments_allowed
    post.comments_hidden = content.comments_hidden and not content.comments_allowed
    post.robots = content.robots


def _announce(post: Post, now: dt.datetime) -> None:
    """Tell whoever listens, once the write commits: the blog's feeds changed (the WebSub
    ping) when the post is public; the post itself (subscribers) when public or scheduled."""
    if post.is_public(now):
        transaction.on_commit(partial(hooks.published, post.blog_id))
    if post.status in LIVE_STATUSES:
        transaction.on_commit(partial(hooks.post_published, post.pk))
    else:
        transaction.on_commit(partial(hooks.post_withdrawn, post.pk))


def _check_labels(names: Iterable[str]) -> None:
    problem = labels_problem(label_names(names))
    if problem is not None:
        raise ValidationError({"labels": problem})


def _charge(member: Membership, was_new: bool, content: Content, now: dt.datetime) -> None:
    """Count the new post, the labels the blog does not have yet and the text to render
    against the member's hourly limits; last of the checks, so a refusal for another reason
    costs nothing."""
    wanted = label_names(content.labels)
    known = Label.objects.filter(blog=member.blog, name__in=wanted).count() if wanted else 0
    amounts = {Quota.POSTS: int(was_new), Quota.LABELS: len(wanted) - known}
    amounts[Quota.TEXT] = len(content.source.encode("utf-8", "surrogatepass"))
    charge(member, amounts, now.timestamp())


_NOTES = {
    Intent.DRAFT: "Saved as a draft",
    Intent.PUBLISH: "Published",
    Intent.SCHEDULE: "Scheduled",
}


def _place_in_time(
    post: Post, content: Content, intent: Intent, seen: bool, now: dt.datetime
) -> None:
    if intent == Intent.SCHEDULE:
        if content.publish_at is None or content.publish_at <= now:
            raise ValidationError(
                {"publish_at": "Choose a date and time in the future to schedule this post."}
            )
        post.status, post.published_at = Post.Status.SCHEDULED, content.publish_at
    elif intent == Intent.PUBLISH:
        # An empty date means "now", except for a post readers have seen: it keeps its date.
        kept = post.published_at if seen else None
        post.status, post.published_at = Post.Status.PUBLISHED, content.publish_at or kept or now
    else:
        # A post readers have seen keeps its first publication time as a draft, too.
        post.status = Post.Status.DRAFT
        if not seen:
            post.published_at = content.publish_at


def _place_at_address(post: Post, custom: str) -> None:
    """Choose the permalink of a post readers have not seen yet; refuse a custom one in use."""
    post.permalink = ""
    post.slug = (slugs.permalink_slug(custom) or "") if custom else ""
    if post.status == Post.Status.DRAFT or post.published_at is None:
        return
    post.permalink = month_permalink(
        post.blog, post.title, post.published_at, post.slug, exclude=post.pk
    )
    wanted = post.permalink.rsplit("/", 1)[0] + f"/{post.slug}.html"
    if post.slug and post.permalink != wanted:
        raise ValidationError(
            {"permalink": f"Another post already has the address {wanted}. Choose another."}
        )


@transaction.atomic
def write_page(
    member: Membership,
    page: Page | None,
    content: Content,
    intent: Intent,
    *,
    now: dt.datetime | None = None,
) -> Page:
    """The editor's save for a static page: create or change it, keep it a draft or publish it.

    Its address `/p/slug.html` follows the title (or the custom permalink) until it has been
    published, then stays. Raises NotAllowed, or ValidationError for an address in use.
    """
    now = now or timezone.now()
    require(member.is_admin, "Only the blog's admins write its pages.")
    if page is None:
        page = Page(blog=member.blog, author=member.user)
    require(page.editable_by(member), "You cannot change this page.")
    if intent == Intent.SCHEDULE:
        raise ValueError("Pages are published at once or kept as drafts.")
    was_new = page.pk is None
    page.title, page.source = content.title, content.source
    page.source_format = content.source_format
    if not page.has_been_public(now):
        page.slug = _free_page_slug(page, content.permalink)
    page.status = Page.Status.PUBLISHED if intent == Intent.PUBLISH else Page.Status.DRAFT
    save_page(page, now=now)
    _keep_revision(page, member, _NOTES[intent], now)
    _drop_autosave(member, page, was_new)
    return page


def _free_page_slug(page: Page, custom: str) -> str:
    wanted = (slugs.permalink_slug(custom) if custom else None) or slugs.blogger_slug(page.title)
    siblings = Page.objects.filter(blog=page.blog).exclude(pk=page.pk)
    if not siblings.filter(slug=wanted).exists():
        return wanted
    if custom:
        raise ValidationError(
            {"permalink": f"Another page already has the address /p/{wanted}.html. Choose another."}
        )
    return slugs.dedupe(wanted, set(siblings.values_list("slug", flat=True)))


@transaction.atomic
def trash(member: Membership, item: Item, *, now: dt.datetime | None = None) -> Item:
    """Move a post or page to the trash: off the site at once, back with `restore`.

    Its permalink stays reserved, so no later post takes over an address readers know.
    """
    require(item.trashable_by(member), "You cannot move this to the trash.")
    lock_blog(item.blog_id)
    item.status, item.trashed_at = "trash", now or timezone.now()
    item.save(update_fields=["status", "trashed_at"])
    bump_content_version(item.blog)
    if isinstance(item, Post):
        transaction.on_commit(partial(hooks.post_withdrawn, item.pk))
    return item


@transaction.atomic
def restore(member: Membership, item: Item) -> Item:
    """Take a post or page out of the trash. It comes back as a draft, to be published again
    on purpose; a post that had been published keeps its permalink and date."""
    require(item.restorable_by(member), "You cannot restore this.")
    lock_blog(item.blog_id)
    item.status, item.trashed_at = "draft", None
    item.save(update_fields=["status", "trashed_at"])
    bump_content_version(item.blog)
    return item


@transaction.atomic
def restore_revision(
    member: Membership, revision: Revision, *, now: dt.datetime | None = None
) -> Item:
    """Put an earlier title and body back. A published post shows it at once; the state it
    replaces is kept as a revision too, so restoring can itself be undone."""
    now = now or timezone.now()
    item: Item | None = revision.post or revision.page
    assert item is not None  # the revision_one_target constraint
    require(item.editable_by(member), "You cannot change this.")
    if isinstance(item, Post):
        text = len(revision.source.encode("utf-8", "surrogatepass"))
        charge(member, {Quota.TEXT: text}, now.timestamp())
    lock_blog(item.blog_id)  # before the revision, whose row refers to the post
    _keep_revision(item, member, "Kept before restoring an earlier version", now)
    item.title, item.source = revision.title, revision.source
    item.source_format = revision.source_format
    if isinstance(item, Post):
        save_post(item, now=now)
    else:
        save_page(item, now=now)
    when = timezone.localtime(revision.created_at, item.blog.tzinfo)
    _keep_revision(item, member, f"Restored the version of {when:%Y-%m-%d %H:%M}", now)
    return item


def _keep_revision(item: Item, member: Membership, note: str, now: dt.datetime) -> None:
    latest = item.revisions.first()
    if latest is not None and latest.same_text(item.title, item.source, item.source_format):
        return
    Revision.objects.create(
        **{_kind(item): item},
        author=member.user,
        title=item.title,
        source=item.source,
        source_format=item.source_format,
        note=note,
        created_at=now,
    )


def _kind(item: Item) -> str:
    return "post" if isinstance(item, Post) else "page"


def _drop_autosave(member: Membership, item: Item, was_new: bool) -> None:
    Autosave.objects.filter(user=member.user, **{_kind(item): item}).delete()
    if was_new:
        new_autosave(member, _kind(item)).delete()


# Autosave


def new_autosave(member: Membership, kind: str) -> QuerySet[Autosave]:
    """The member's autosaved text for a post or page not created yet, as a queryset."""
    return Autosave.objects.filter(
        user=member.user, blog=member.blog, kind=kind, post=None, page=None
    )


def autosave(
    member: Membership,
    item: Item | None,
    kind: str,
    content: Content,
    *,
    fields: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> Autosave:
    """Keep what a writer has typed so far (one row per writer and post, page or new one).

    `fields` are the editor's other fields as typed (unchecked: a restore only shows them
    again, and saving checks them). Nothing readers see changes. The same rules as saving
    apply: only what the member may edit.
    """
    if item is not None:
        require(item.editable_by(member), "You cannot change this.")
        kind = _kind(item)
    else:
        require(kind == Autosave.Kind.POST or member.is_admin, "Only admins write pages.")
    values: dict[str, Any] = {
        "title": content.title,
        "source": content.source,
        "source_format": content.source_format,
        "labels": ", ".join(content.labels),
        "fields": dict(fields or {}),
        "saved_at": now or timezone.now(),
    }
    keys: dict[str, Any] = {"user": member.user, "blog": member.blog, "kind": kind}
    keys |= {"post": None, "page": None} | ({kind: item} if item is not None else {})
    try:
        with transaction.atomic():
            return Autosave.objects.update_or_create(**keys, defaults=values)[0]
    except IntegrityError:
        # Two autosaves of a new post raced to create the row; the other one won: update it.
        return Autosave.objects.update_or_create(**keys, defaults=values)[0]


def pending_autosave(member: Membership, item: Item | None, kind: str) -> Autosave | None:
    """Autosaved text newer than the saved version, which the editor should show instead."""
    if item is None:
        return new_autosave(member, kind).first()
    found = Autosave.objects.filter(user=member.user, **{_kind(item): item}).first()
    if found is None or found.saved_at <= item.updated_at:
        return None
    return found


@transaction.atomic
def discard_autosave(member: Membership, item: Item | None, kind: str) -> None:
    """Throw away the member's autosaved text and go back to the saved version."""
    if item is None:
        new_autosave(member, kind).delete()
    else:
        Autosave.objects.filter(user=member.user, **{_kind(item): item}).delete()
