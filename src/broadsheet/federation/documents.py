"""The JSON-LD documents we serve and send: actors, articles, notes, collections, activities.

Only the fields Mastodon and its peers read; the `@context` names the ActivityStreams and
security vocabularies without anyone having to fetch them (the consumers bundle them too).
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from broadsheet.blogs.hosts import origin
from broadsheet.blogs.people import display_name
from broadsheet.comments.models import Comment
from broadsheet.core.weblinks import absolute_html
from broadsheet.federation import actors
from broadsheet.federation.models import LocalActor
from broadsheet.posts.models import Post

AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS + "#Public"
CONTEXT: list[Any] = [
    AS,
    "https://w3id.org/security/v1",
    {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive", "movedTo": {"@id": "as:movedTo"}},
]
JSON_TYPES = ("application/activity+json", "application/ld+json")
CONTENT_TYPE = "application/activity+json; charset=utf-8"
MAX_ATTACHMENTS = 4  # Mastodon shows four images at most


def actor(local: LocalActor) -> dict[str, Any]:
    """The actor document: who it is, where its inbox is, and its public key."""
    me = actors.actor_id(local)
    blog = local.blog
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "id": me,
        "type": "Service" if local.user is None else "Person",
        "preferredUsername": local.username,
        "name": blog.title if local.user is None else display_name(local.user),
        "summary": blog.description if local.user is None else "",
        "url": origin(blog) + "/",
        "inbox": me + "/inbox",
        "outbox": me + "/outbox",
        "followers": me + "/followers",
        "endpoints": {"sharedInbox": actors.shared_inbox(blog)},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {
            "id": actors.key_id(local),
            "owner": me,
            "publicKeyPem": local.public_key_pem,
        },
    }
    if local.also_known_as:
        doc["alsoKnownAs"] = list(local.also_known_as)
    if local.moved_to:
        doc["movedTo"] = local.moved_to
    return doc


def article_id(post: Post) -> str:
    """A post's id is its permalink: asking it for JSON gets the Article (content negotiation)."""
    return origin(post.blog) + post.permalink


def article(post: Post, local: LocalActor) -> dict[str, Any]:
    """The long-form fields Mastodon shows: title, summary, link, images, labels as hashtags."""
    url = article_id(post)
    labels = list(post.labels.all())
    doc: dict[str, Any] = {
        "id": url,
        "type": "Article",
        "attributedTo": actors.actor_id(local),
        "name": post.title,
        "summary": post.search_description or post.snippet,
        "content": absolute_html(post.body_html, url),
        "url": url,
        "published": _when(post.published_at),
        "to": [PUBLIC],
        "cc": [actors.actor_id(local) + "/followers"],
        "attachment": [
            {"type": "Image", "url": src, "mediaType": _media_type(src)}
            for src in _images(post.body_html, url)
        ],
        "tag": [_hashtag(post, label.name) for label in labels],
        "replies": url + "#comments",
    }
    if post.updated_at and post.published_at and post.updated_at > post.published_at:
        doc["updated"] = _when(post.updated_at)
    preview = _preview(post, url)
    if preview:
        doc["preview"] = preview
    return doc


def _when(value: Any) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""


def _images(html: str, base: str) -> list[str]:
    import lxml.html  # here: the reader imports this module for every page, and parses nothing

    if not html.strip():
        return []
    tree = lxml.html.fragment_fromstring(absolute_html(html, base), create_parent="div")
    found = [str(src) for src in tree.xpath("//img/@src") if str(src).startswith("http")]
    return list(dict.fromkeys(found))[:MAX_ATTACHMENTS]


def _media_type(src: str) -> str:
    ending = src.rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "gif": "image/gif", "webp": "image/webp"}.get(ending, "image/jpeg")


def _hashtag(post: Post, name: str) -> dict[str, str]:
    tag = "".join(ch for ch in name if ch.isalnum() or ch == "_")
    return {
        "type": "Hashtag",
        "name": f"#{tag}",
        "href": origin(post.blog) + f"/search/label/{name}",
    }


def _preview(post: Post, url: str) -> dict[str, Any] | None:
    # Servers that show no Article whole (Mastodon before 4.x) show this Note instead.
    images = _images(post.body_html, url)
    note: dict[str, Any] = {"type": "Note", "content": post.snippet}
    if images:
        note["attachment"] = [{"type": "Image", "url": images[0]}]
    return note if post.snippet or images else None


def comment_id(comment: Comment) -> str:
    return origin(comment.post.blog) + f"/ap/comments/{comment.pk}"


def note(
    comment: Comment, local: LocalActor, in_reply_to: str, mention: str = ""
) -> dict[str, Any]:
    """A blog's own comment as a Note, in reply to the post or to the comment it answers."""
    doc: dict[str, Any] = {
        "id": comment_id(comment),
        "type": "Note",
        "attributedTo": actors.actor_id(local),
        "inReplyTo": in_reply_to,
        # The blog's actor speaks for every commenter on it: the Note says who wrote it.
        "content": f"<p>{escape(comment.display_name)}:</p>{comment.shown_body}",
        "url": article_id(comment.post) + f"#{comment.anchor}",
        "published": _when(comment.created_at),
        "to": [PUBLIC],
        "cc": [actors.actor_id(local) + "/followers", *([mention] if mention else [])],
    }
    if mention:
        doc["tag"] = [{"type": "Mention", "href": mention}]
    return doc


def activity(kind: str, local: LocalActor, obj: Any, activity_id: str) -> dict[str, Any]:
    """Wrap an object (or a reference) in an activity sent by `local`."""
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "id": activity_id,
        "type": kind,
        "actor": actors.actor_id(local),
        "object": obj,
    }
    if isinstance(obj, dict) and "to" in obj:
        doc["to"], doc["cc"] = obj["to"], obj.get("cc", [])
    else:
        doc["to"] = [PUBLIC]
    return doc


def collection(url: str, total: int, items: list[Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "id": url,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if items is not None:
        doc["orderedItems"] = items
    return doc
