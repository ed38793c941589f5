"""Our objects as the API shows them: Blogger API v3's resources, field for field where
Broadsheet has the field (`kind`, `id` as a string, `blog.id`, `published`, `updated`, `url`,
`selfLink`, `title`, `content`, `labels`, `author`, `replies.totalItems`, `status`), so
scripts written for Blogger read them unchanged. Times are RFC 3339."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils import timezone

from broadsheet.blogs.hosts import origin, site_origin
from broadsheet.blogs.models import Blog
from broadsheet.blogs.people import display_name, loaded_profile
from broadsheet.comments.models import Comment
from broadsheet.core.weblinks import web_url
from broadsheet.media.models import UploadedImage
from broadsheet.posts.models import LIVE_STATUSES, Label, Page, Post

PREFIX = "/blogger/v3/"
Json = dict[str, Any]


def api_root(request: HttpRequest) -> str:
    """The API's base address: as the client reached it when it came to the install's own
    host (so a development server on another port works), else the configured origin."""
    if split_domain_port(request.get_host())[0] == settings.BASE_DOMAIN:
        return f"{request.scheme}://{request.get_host()}{PREFIX}"
    return site_origin() + PREFIX


def when(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


def blog_json(blog: Blog, root: str) -> Json:
    link = f"{root}blogs/{blog.pk}"
    return {
        "kind": "blogger#blog",
        "id": str(blog.pk),
        "name": blog.title,
        "description": blog.description,
        "published": when(blog.created_at),
        "updated": when(blog.updated_at),
        "url": origin(blog) + "/",
        "selfLink": link,
        "posts": {"totalItems": Post.objects.public(blog).count(), "selfLink": f"{link}/posts"},
        "pages": {"selfLink": f"{link}/pages"},
        "locale": {"language": blog.language},
    }


def post_status(post: Post, now: dt.datetime | None = None) -> str:
    if post.is_public(now):
        return "LIVE"
    if post.status in LIVE_STATUSES:
        return "SCHEDULED"
    return "DRAFT"


def author_json(user: Any, name: str = "") -> Json:
    profile = loaded_profile(user) if user is not None else None
    found: Json = {
        "id": str(user.pk) if user is not None else "",
        "displayName": name or display_name(user) or "Unknown",
    }
    if profile is not None and profile.link:
        found["url"] = profile.link
    if profile is not None and profile.avatar:
        found["image"] = {"url": profile.avatar_url}
    return found


def post_json(
    post: Post, root: str, *, bodies: bool = True, labels: list[str] | None = None
) -> Json:
    link = f"{root}blogs/{post.blog_id}/posts/{post.pk}"
    found: Json = {
        "kind": "blogger#post",
        "id": str(post.pk),
        "blog": {"id": str(post.blog_id)},
        "published": when(post.published_at),
        "updated": when(post.updated_at),
        "url": origin(post.blog) + post.permalink if post.permalink and post.is_public() else "",
        "selfLink": link,
        "title": post.title,
        "labels": labels if labels is not None else [label.name for label in post.labels.all()],
        "author": author_json(post.author, post.author_name),
        "replies": {"totalItems": str(post.comment_count), "selfLink": f"{link}/comments"},
        "status": post_status(post),
    }
    if bodies:
        found["content"] = post.body_html
    return found


def page_json(page: Page, root: str, *, bodies: bool = True) -> Json:
    live = page.status == Page.Status.PUBLISHED
    found: Json = {
        "kind": "blogger#page",
        "id": str(page.pk),
        "blog": {"id": str(page.blog_id)},
        "published": when(page.published_at),
        "updated": when(page.updated_at),
        "url": origin(page.blog) + page.get_absolute_url() if live else "",
        "selfLink": f"{root}blogs/{page.blog_id}/pages/{page.pk}",
        "title": page.title,
        "author": author_json(page.author),
        "status": "LIVE" if live else "DRAFT",
    }
    if bodies:
        found["content"] = page.body_html
    return found


COMMENT_STATUS: dict[str, str] = {
    Comment.Status.PUBLISHED: "LIVE",
    Comment.Status.PENDING: "PENDING",
    Comment.Status.SPAM: "SPAM",
    Comment.Status.TRASH: "EMPTIED",
}


def comment_json(comment: Comment, root: str) -> Json:
    post = comment.post
    found: Json = {
        "kind": "blogger#comment",
        "id": str(comment.pk),
        "post": {"id": str(post.pk)},
        "blog": {"id": str(post.blog_id)},
        "published": when(comment.created_at),
        "updated": when(comment.updated_at),
        "selfLink": f"{root}blogs/{post.blog_id}/posts/{post.pk}/comments/{comment.pk}",
        # Blogger empties a removed comment's content; so do we.
        "content": "" if comment.status == Comment.Status.TRASH else comment.shown_body,
        "author": {"displayName": comment.display_name},
        "status": COMMENT_STATUS.get(comment.status, "LIVE"),
    }
    if url := web_url(comment.author_url):  # a web page, as pages and feeds show it
        found["author"]["url"] = url
    if comment.parent_id:
        found["inReplyTo"] = {"id": str(comment.parent_id)}
    return found


def label_json(label: Label, count: int) -> Json:
    return {"kind": "broadsheet#label", "name": label.name, "totalItems": count}


def image_json(image: UploadedImage, blog: Blog) -> Json:
    return {
        "kind": "broadsheet#media",
        "id": str(image.pk),
        "blog": {"id": str(blog.pk)},
        "url": image.src,
        "width": image.width,
        "height": image.height,
        "alt": image.alt,
        "html": image.snippet(),
        "published": when(image.created_at or timezone.now()),
    }


def listing(kind: str, items: list[Json], next_token: str | None) -> Json:
    found: Json = {"kind": kind, "items": items}
    if next_token:
        found["nextPageToken"] = next_token
    return found
