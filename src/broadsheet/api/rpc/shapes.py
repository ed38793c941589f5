"""What every XML-RPC method shares: the request's context, signing in with the user name and
an app password (never the account's own password), reading parameters of the wrong type as
the caller's error, and our posts in the structs MetaWeblog and WordPress clients read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from broadsheet.api import access
from broadsheet.api.errors import ApiError
from broadsheet.api.resources import post_status
from broadsheet.blogs import app_passwords
from broadsheet.blogs.app_passwords import Grant
from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Membership
from broadsheet.posts.models import Post

Struct = dict[str, Any]
WP_STATUS = {"LIVE": "publish", "SCHEDULED": "future", "DRAFT": "draft"}


@dataclass(frozen=True)
class Context:
    client: str  # the caller's address, for the sign-in throttle
    root: str  # the API's base address


def string(value: Any, name: str, most: int = 1000) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # ids come as either, depending on the client
    if not isinstance(value, str) or len(value) > most:
        raise ApiError("invalid", f"{name} must be a string of at most {most:,} characters.")
    return value


def struct(value: Any, name: str) -> Struct:
    if not isinstance(value, dict):
        raise ApiError("invalid", f"{name} must be a struct.")
    return value


def signed_in(context: Context, username: Any, password: Any, *, write: bool = False) -> Grant:
    """The grant of the app password given as the password; a write needs the write scope."""
    try:
        grant = app_passwords.authenticate(
            string(password, "password"), context.client, string(username, "username", 150)
        )
    except app_passwords.Throttled as throttled:
        raise ApiError("rateLimitExceeded", str(throttled)) from None
    if grant is None:
        raise ApiError("unauthorized", "Incorrect username or app password.")
    if write and not grant.can_write:
        raise ApiError("insufficientScope", "This app password may only read.")
    return grant


def member(context: Context, blog_id: Any, username: Any, password: Any, **how: bool) -> Membership:
    """Sign in, then the caller's membership of the blog (404 outside their reach)."""
    grant = signed_in(context, username, password, **how)
    return access.member_for(grant, string(blog_id, "blog id", 20))


def moment(value: Any) -> dt.datetime | None:
    """A client's dateTime, read as UTC when it carries no zone (as WordPress's `_gmt`
    fields are); None for none."""
    if value is None or value == "":
        return None
    if not isinstance(value, dt.datetime):
        raise ApiError("invalid", "Dates must be XML-RPC dateTime values.")
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def utc(moment: dt.datetime | None) -> dt.datetime:
    # XML-RPC's dateTime carries no zone: always UTC, naive.
    return (moment or timezone.now()).astimezone(dt.UTC).replace(tzinfo=None)


def link(post: Post) -> str:
    return origin(post.blog) + post.permalink if post.permalink else ""


def labels(post: Post) -> list[str]:
    return [label.name for label in post.labels.all()]


def metaweblog(post: Post) -> Struct:
    """A post as MetaWeblog's getPost answers it."""
    return {
        "postid": str(post.pk),
        "userid": str(post.author_id or ""),
        "title": post.title,
        "description": post.body_html,
        "categories": labels(post),
        "mt_keywords": ", ".join(labels(post)),
        "dateCreated": utc(post.published_at or post.created_at),
        "date_created_gmt": utc(post.published_at or post.created_at),
        "link": link(post),
        "permaLink": link(post),
        "wp_slug": post.slug,
        "post_status": WP_STATUS[post_status(post)],
        "mt_allow_comments": int(post.comments_allowed),
    }


def blogger(post: Post) -> Struct:
    """A post as Blogger 1.0 answers it: the title folded into the content, as Blogger did."""
    return {
        "postid": str(post.pk),
        "userid": str(post.author_id or ""),
        "dateCreated": utc(post.published_at or post.created_at),
        "content": f"<title>{_escaped(post.title)}</title>{post.body_html}",
    }


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
