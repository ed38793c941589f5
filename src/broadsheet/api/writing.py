"""A Blogger post resource as the editor's `Content` and the button it stands for, so that
every write through the API is one of the studio's actions (`posts.actions.write_post`),
with its role rules, quotas and revisions.

Blogger's `content` is HTML: a post written through the API is an HTML post, sanitised as
every HTML post is. A field left out of a patch keeps its value; `update` (PUT) replaces the
title, content and labels, as Blogger's does.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from typing import Any

from django.utils import timezone

from broadsheet.api.errors import ApiError
from broadsheet.api.params import moment
from broadsheet.posts.actions import Content, Intent
from broadsheet.posts.models import LIVE_STATUSES, Page, Post, SourceFormat
from broadsheet.posts.size import body_problem


def text(data: dict[str, Any], name: str, default: str, most: int) -> str:
    value = data.get(name, default)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError("invalid", f"{name} must be a string.", field=name)
    if len(value) > most:
        raise ApiError("invalid", f"{name} can be at most {most:,} characters.", field=name)
    return value


def body(data: dict[str, Any], default: str) -> str:
    """The `content` field, within the site's bound on a body (posts.size)."""
    # No bound in characters of its own: the one in bytes says it, in every way in alike.
    value = text(data, "content", default, sys.maxsize)
    return checked_body(value, "content")


def checked_body(value: str, field: str = "") -> str:
    """`value` when it fits the site's bound on a body (posts.size); the API's 400 if not."""
    problem = body_problem(value)
    if problem is not None:
        raise ApiError("invalid", problem, field=field)
    return value


def label_list(data: dict[str, Any], default: tuple[str, ...]) -> tuple[str, ...]:
    value = data.get("labels", list(default))
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ApiError("invalid", "labels must be a list of strings.", field="labels")
    return tuple(value)


def content(data: dict[str, Any], post: Post | None, *, fresh: bool = False) -> Content:
    """The editor's fields from a post resource, on top of the post's own (none when
    `fresh`)."""
    kept = post if post is not None and not fresh else None
    html = "content" in data or kept is None or kept.source_format == SourceFormat.HTML
    return Content(
        title=text(data, "title", kept.title if kept else "", 500),
        source=body(data, kept.source if kept else ""),
        source_format=SourceFormat.HTML if html else SourceFormat.MARKDOWN,
        labels=label_list(data, _labels(kept)),
        permalink=kept.slug if kept and kept.status == Post.Status.DRAFT else "",
        search_description=kept.search_description if kept else "",
        comments_allowed=kept.comments_allowed if kept else True,
        robots=(kept.robots or "") if kept else "",
        publish_at=moment(data.get("published"), "published"),
    )


def _labels(post: Post | None) -> tuple[str, ...]:
    return tuple(label.name for label in post.labels.all()) if post is not None else ()


def intent_to_keep(post: Post, asked: Content) -> tuple[Intent, Content]:
    """A patch leaves the post as live, scheduled or draft as it was."""
    now = timezone.now()
    if post.is_public(now):
        return Intent.PUBLISH, asked
    if post.status in LIVE_STATUSES:
        when = asked.publish_at or post.published_at
        return Intent.SCHEDULE, _at(asked, when)
    return Intent.DRAFT, _at(asked, asked.publish_at or post.published_at)


def intent_to_publish(at: dt.datetime | None) -> Intent:
    """Blogger's `publish`: at once, or at `publishDate` when it lies ahead."""
    return Intent.SCHEDULE if at is not None and at > timezone.now() else Intent.PUBLISH


def _at(asked: Content, when: dt.datetime | None) -> Content:
    return replace(asked, publish_at=when)


def page_content(data: dict[str, Any], page: Page | None, *, fresh: bool = False) -> Content:
    """The editor's fields for a static page: title and content (HTML); its address follows
    the title until it is first published, as in the studio."""
    kept = page if page is not None and not fresh else None
    html = "content" in data or kept is None or kept.source_format == SourceFormat.HTML
    return Content(
        title=text(data, "title", kept.title if kept else "", 500),
        source=body(data, kept.source if kept else ""),
        source_format=SourceFormat.HTML if html else SourceFormat.MARKDOWN,
    )


def page_intent(page: Page) -> Intent:
    """A patch leaves a page live or a draft as it was."""
    return Intent.PUBLISH if page.status == Page.Status.PUBLISHED else Intent.DRAFT
