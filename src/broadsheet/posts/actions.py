"""Workflows that write posts and pages. Every write goes through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.core import markup, slugs
from broadsheet.posts.models import Label, Page, Post


def render_into(obj: Post | Page) -> None:
    """Render the source through the one pipeline and keep the derived fields in step.

    The slug goes into footnote anchors, so two posts with footnotes on one listing page do not
    repeat each other's ids.
    """
    obj.body_html = markup.render(obj.source, obj.source_format, doc_id=obj.slug)
    if isinstance(obj, Post):
        obj.text = markup.plain_text(obj.body_html)
        obj.snippet = markup.snippet(obj.body_html)


def month_permalink(blog: Blog, title: str, when: dt.datetime, custom: str = "") -> str:
    """Blogger's `/YYYY/MM/slug.html`, unique within the month (a collision gets `_N`)."""
    local = timezone.localtime(when, blog.tzinfo)
    prefix = f"/{local:%Y}/{local:%m}/"
    base = (slugs.permalink_slug(custom) if custom else None) or slugs.blogger_slug(title)
    taken = {
        path[len(prefix) : -len(".html")]
        for path in Post.objects.filter(blog=blog, permalink__startswith=prefix).values_list(
            "permalink", flat=True
        )
    }
    return f"{prefix}{slugs.dedupe(base, taken)}.html"


def set_labels(post: Post, names: Iterable[str]) -> None:
    wanted = sorted({name.strip() for name in names if name.strip()})
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
    """
    now = now or timezone.now()
    if post.status != Post.Status.DRAFT:
        post.published_at = post.published_at or now
        post.status = Post.Status.SCHEDULED if post.published_at > now else Post.Status.PUBLISHED
        if not post.permalink:
            post.permalink = month_permalink(
                post.blog, post.title, post.published_at, custom_permalink
            )
    post.slug = post.permalink.rsplit("/", 1)[-1].removesuffix(".html") if post.permalink else ""
    render_into(post)
    post.updated_at = now
    post.save()
    if labels is not None:
        set_labels(post, labels)
    post.blog.bump_content_version()
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
    page.save()
    page.blog.bump_content_version()
    return page
