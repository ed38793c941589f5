"""What arrives at an inbox: checked, then turned into followers, comments and reactions.

Every refusal is an `InboxError` with the status and reason the view answers in JSON: an
unsigned or badly signed request, a signer that is not the activity's actor, a blocked
server. A well-formed activity we have no use for is accepted and ignored (202), as the
protocol expects.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from broadsheet.blogs.access import NotAllowed
from broadsheet.blogs.actions import bump_content_version, lock_blog
from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Blog
from broadsheet.comments import actions as comment_actions
from broadsheet.comments.forms import Submission, clean_text
from broadsheet.comments.models import Comment
from broadsheet.core import markup
from broadsheet.federation import actors, blocks, outbound, remote, signatures
from broadsheet.federation.models import (
    Follower,
    Instance,
    LocalActor,
    Reaction,
    RemoteActor,
    RemoteReply,
)
from broadsheet.posts.models import Post

MAX_BODY = 256 * 1024  # bytes of JSON an inbox reads; a Note with a long thread fits
MAX_TEXT = 20_000  # characters of a reply kept as a comment
_PARAGRAPH = re.compile(r"</p>|<br\s*/?>", re.IGNORECASE)


class InboxError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def parse(body: bytes) -> dict[str, Any]:
    """The activity, or a 400 for anything that is not a JSON object with a type and actor."""
    if len(body) > MAX_BODY:
        raise InboxError(413, f"activities are limited to {MAX_BODY} bytes")
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise InboxError(400, "the body is not JSON") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("type"), str):
        raise InboxError(400, "an activity is a JSON object with a type")
    if not _id(doc.get("actor")):
        raise InboxError(400, "the activity names no actor")
    return doc


def _id(value: Any) -> str:
    """The id of a reference: the string itself, or an embedded object's `id`."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and len(value) <= 500 else ""


def authenticate(blog: Blog, request: signatures.Incoming, doc: dict[str, Any]) -> RemoteActor:
    """The signer, checked: its key verifies the request and it is the activity's actor."""
    try:
        key_id = signatures.key_id_of(request)
    except signatures.SignatureError as exc:
        raise InboxError(401, str(exc)) from exc
    if blocks.is_blocked(blog, key_id):
        raise InboxError(403, "this server or account is blocked here")
    signer = _verified_signer(blog, request, key_id)
    if _id(doc.get("actor")) != signer.uri:
        raise InboxError(401, "the request is signed by someone other than the activity's actor")
    return signer


def _verified_signer(blog: Blog, request: signatures.Incoming, key_id: str) -> RemoteActor:
    me = actors.blog_actor(blog)
    try:
        signer = remote.actor_for_key(key_id, me)
        try:
            signatures.verify(request, signer.public_key_pem)
        except signatures.SignatureError:  # maybe the key was rotated: fetch it once more
            signer = remote.actor_for_key(key_id, me, refresh=True)
            signatures.verify(request, signer.public_key_pem)
    except remote.RemoteError as exc:
        raise InboxError(401, f"the signer's key could not be fetched: {exc}") from exc
    except signatures.SignatureError as exc:
        raise InboxError(401, str(exc)) from exc
    Instance.objects.filter(domain=signer.domain).update(
        dead_since=None, failures=0, first_failure_at=None
    )
    return signer


def handle(blog: Blog, doc: dict[str, Any], signer: RemoteActor) -> str:
    """Act on an authenticated activity; what happened, in a few words."""
    handler = HANDLERS.get(str(doc["type"]))
    if handler is None:
        return "ignored"
    return handler(blog, doc, signer)


# --- following -------------------------------------------------------------------------------


def _follow(blog: Blog, doc: dict[str, Any], signer: RemoteActor) -> str:
    target = _local_actor(blog, _id(doc.get("object")))
    if target is None:
        raise InboxError(404, "no actor here by that id")
    follow_id = _id(doc) or f"{signer.uri}#follow"
    Follower.objects.update_or_create(
        actor=target, remote=signer, defaults={"follow_id": follow_id}
    )
    transaction.on_commit(lambda: outbound.accept_follow(target, signer, doc))
    return "followed"


def _local_actor(blog: Blog, uri: str) -> LocalActor | None:
    base = origin(blog)
    if uri == base + actors.BLOG_PATH:
        return actors.blog_actor(blog)
    if uri.startswith(base + actors.AUTHOR_PATH):
        return actors.author_actor(blog, uri[len(base + actors.AUTHOR_PATH) :])
    return None


def _undo(blog: Blog, doc: dict[str, Any], signer: RemoteActor) -> str:
    obj = doc.get("object")
    undone = _id(obj)
    follows = Follower.objects.filter(remote=signer, actor__blog=blog)
    if isinstance(obj, dict) and obj.get("type") == "Follow":
        target = _local_actor(blog, _id(obj.get("object")))
        # Mastodon's Undo may carry a Follow with a fresh id: the followed actor decides.
        (follows.filter(actor=target) if target else follows.filter(follow_id=undone)).delete()
        return "unfollowed"
    if follows.filter(follow_id=undone).delete()[0]:
        return "unfollowed"
    if Reaction.objects.filter(activity_id=undone, remote=signer).delete()[0]:
        bump_content_version(blog, sidebar=False)
    return "undone"


def _move(blog: Blog, doc: dict[str, Any], signer: RemoteActor) -> str:
    """A follower moved account: follow them at the new one, if it says it was the old."""
    target = _id(doc.get("target"))
    if _id(doc.get("object")) != signer.uri or not target:
        raise InboxError(400, "a Move moves its own actor to a target")
    try:
        doc_new = remote.get_json(target, actors.blog_actor(blog))
        moved = remote.fetch_actor(target, actors.blog_actor(blog))
    except remote.RemoteError as exc:
        raise InboxError(422, f"the new account could not be fetched: {exc}") from exc
    if signer.uri not in (doc_new.get("alsoKnownAs") or []):
        raise InboxError(422, "the new account does not name the old one in alsoKnownAs")
    for follow in Follower.objects.filter(remote=signer):
        Follower.objects.get_or_create(
            actor=follow.actor, remote=moved, defaults={"follow_id": follow.follow_id}
        )
    Follower.objects.filter(remote=signer).delete()
    return "moved"


# --- replies ---------------------------------------------------------------------------------


def _create(blog: Blog, doc: dict[str, Any], signer: RemoteActor) -> str:
    note = _note_of(doc, signer)
    if note is None:
        return "ignored"
    if RemoteReply.objects.filter(uri=note["id"]).exists():
        return "already here"
    post, parent = _replied_to(blog, _id(note.get("inReplyTo")))
    if post is None:
        return "ignored"
    comment = _comment(post, parent, note, signer)
    return f"comment {comment.status}"


def _note_of(doc: dict[str, Any], signer: RemoteActor) -> dict[str, Any] | None:
    note = doc.get("object")
    if not isinstance(note, dict) or note.get("type") not in ("Note", "Article"):
        return None
    if not _id(note) or urlsplit(_id(note)).netloc != urlsplit(signer.uri).netloc:
        raise InboxError(400, "the object's id is not on its author's server")
    if _id(note.get("attributedTo")) not in ("", signer.uri):
        raise InboxError(401, "the object is attributed to someone other than the signer")
    return note


def _replied_to(blog: Blog, uri: str) -> tuple[Post | None, Comment | None]:
    """The post, and the comment if any, that `uri` names: a permalink, one of our comment
    ids, or a reply that came in earlier (so a thread can go any depth)."""
    base = origin(blog)
    if uri.startswith(base + "/ap/comments/") and uri.rsplit("/", 1)[-1].isdigit():
        comment = Comment.objects.filter(pk=int(uri.rsplit("/", 1)[-1]), post__blog=blog).first()
        return (comment.post, comment) if comment else (None, None)
    known = (
        RemoteReply.objects.filter(uri=uri, comment__post__blog=blog)
        .select_related("comment__post")
        .first()
    )
    if known is not None:
        return known.comment.post, known.comment
    if uri.startswith(base + "/"):
        permalink = urlsplit(uri).path
        return Post.objects.public(blog).filter(permalink=permalink).first(), None
    return None, None


def _comment(
    post: Post, parent: Comment | None, note: dict[str, Any], signer: RemoteActor
) -> Comment:
    submission = Submission(
        name=clean_text(signer.name or signer.username)[:100],
        url=signer.url or signer.uri,
        email="",
        body=_text(note),
        notify=False,
        parent_id=parent.pk if parent else None,
    )
    try:
        with transaction.atomic():
            comment = comment_actions.post_comment(
                post, submission, user=AnonymousUser(), address=f"ap:{signer.domain}"
            )
            RemoteReply.objects.create(comment=comment, uri=note["id"], remote=signer)
    except NotAllowed as exc:
        raise InboxError(403, str(exc) or "comments are closed") from exc
    except ValidationError as exc:
        raise InboxError(422, " ".join(exc.messages)) from exc
    except comment_actions.RateLimited as exc:
        raise InboxError(429, "too many comments from your server; try again later") from exc
    except IntegrityError as exc:  # the same Note delivered twice at once
        raise InboxError(409, "this reply is already here") from exc
    return comment


def _text(note: dict[str, Any]) -> str:
    """The reply as plain text, paragraphs kept: comments are text, never remote markup."""
    html = note.get("content") if isinstance(note.get("content"), str) else ""
    # Sanitised first: Python's HTML parser (under `plain_text`) takes time in the square of
    # some broken markup's length ("&<p" and a line break, repeated), and this is a stranger's.
    split = _PARAGRAPH.split(str(html)[: MAX_TEXT * 4])
    parts = (markup.plain_text(markup.sanitize(part)) for part in split)
    text = clean_text("\n\n".join(part for part in parts if part))[:MAX_TEXT]
    if not text:
        raise InboxError(422, "the reply has no text")
    return text


def _update(blog: Blog, doc: dict[str, Any], signer: RemoteActor) -> str:
    obj = doc.get("object")
    if isinstance(obj, dict) and obj.get("type") in ("Person", "Service", "Application", "Group"):
        remote.fetch_actor(signer.uri, actors.blog_actor(blog))
        return "actor updated"
    known = _their_reply(blog, _id(obj), signer)
    if known is None or not isinstance(obj, dict):
        return "ignored"
    comment_actions.revise(known, _text(obj))
    return "comment updated"


def _their_reply(blog: Blog, uri: str, signer: RemoteActor) -> Comment | None:
    known = RemoteReply.objects.filter(uri=uri, remote=signer, comment__post__blog=blog).first()
    return known.comment if known else None


def _delete(blog: Blog, doc: dict[str, Any], signer: RemoteActor) -> str:
    uri = _id(doc.get("object"))
    if uri == signer.uri:  # the account is gone: so are its follows
        Follower.objects.filter(remote=signer).delete()
        return "actor deleted"
    known = _their_reply(blog, uri, signer)
    if known is None:
        return "ignored"
    comment_actions.withdraw(known)
    return "comment deleted"


# --- reactions -------------------------------------------------------------------------------


def _react(kind: str) -> Any:
    def handler(blog: Blog, doc: dict[str, Any], signer: RemoteActor) -> str:
        post, _ = _replied_to(blog, _id(doc.get("object")))
        if post is None or not _id(doc):
            return "ignored"
        _, made = Reaction.objects.get_or_create(
            activity_id=_id(doc), defaults={"post": post, "kind": kind, "remote": signer}
        )
        if made:  # the post page shows the counts
            bump_content_version(blog, sidebar=False)
        return f"{kind} counted"

    return handler


HANDLERS = {
    "Follow": _follow,
    "Undo": _undo,
    "Move": _move,
    "Create": _create,
    "Update": _update,
    "Delete": _delete,
    "Like": _react(Reaction.Kind.LIKE),
    "Announce": _react(Reaction.Kind.ANNOUNCE),
}


def receive(blog: Blog, request: signatures.Incoming) -> str:
    """The whole of an inbox POST: an unsigned one is refused before its body is read."""
    try:
        signatures.key_id_of(request)
    except signatures.SignatureError as exc:
        raise InboxError(401, str(exc)) from exc
    doc = parse(request.body)
    signer = authenticate(blog, request, doc)
    with transaction.atomic():
        lock_blog(blog.pk)  # every handler's writes of the blog come after it (a reply, a like)
        return handle(blog, doc, signer)
