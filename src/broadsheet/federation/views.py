"""The fediverse's doors: WebFinger, NodeInfo, actors, inboxes, outboxes, followers, notes.

Each view finds the blog from the Host (a private blog is a 404 here too: it has no place on
the fediverse), then answers JSON. Every refusal is JSON with an `error`, never a page.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from broadsheet.blogs.hosts import canonical_host, origin
from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.federation import actors, documents, queries
from broadsheet.federation.models import LocalActor
from broadsheet.posts.models import Post

if TYPE_CHECKING:
    from broadsheet.federation import signatures

JRD = "application/jrd+json"


def answer(
    doc: dict[str, Any], status: int = 200, content_type: str = documents.CONTENT_TYPE
) -> HttpResponse:
    """JSON that no shared cache keeps: follower counts change without a content version."""
    response = HttpResponse(json.dumps(doc), status=status, content_type=content_type)
    response["Cache-Control"] = "no-cache"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error(status: int, reason: str) -> JsonResponse:
    return JsonResponse({"error": reason}, status=status)


def _blog(request: HttpRequest) -> Blog | None:
    blog: Blog | None = getattr(request, "blog", None)
    return None if blog is None or blog.is_private else blog


def _actor(request: HttpRequest, username: str | None) -> LocalActor | None:
    blog = _blog(request)
    if blog is None:
        return None
    return actors.blog_actor(blog) if username is None else actors.author_actor(blog, username)


def wants_activity(request: HttpRequest) -> bool:
    """The client asks for ActivityPub JSON rather than the page (a server resolving a link)."""
    accept = request.headers.get("Accept", "").lower()
    return "application/activity+json" in accept or "application/ld+json" in accept


def article(post: Post) -> HttpResponse:
    """A public post as its Article, for content negotiation on the post's own address."""
    doc = documents.article(post, actors.blog_actor(post.blog))
    response = answer({"@context": documents.CONTEXT, **doc})
    response["Vary"] = "Accept"
    return response


@require_safe
def webfinger(request: HttpRequest) -> HttpResponse:
    blog = _blog(request)
    resource = request.GET.get("resource", "")
    if blog is None:
        return error(404, "no blog is served at this address")
    name, _, host = resource.removeprefix("acct:").lstrip("@").partition("@")
    local = actors.by_username(blog, name) if host.lower() == canonical_host(blog) else None
    if local is None and resource in (origin(blog) + "/", origin(blog)):
        local = actors.blog_actor(blog)
    if local is None:
        return error(404, "no account by that name here; ask for acct:name@host")
    return answer(queries.webfinger(local), content_type=JRD)


@require_safe
def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    blog = _blog(request)
    if blog is None:
        return error(404, "no blog is served at this address")
    return answer(queries.nodeinfo_links(blog), content_type="application/json")


@require_safe
def nodeinfo(request: HttpRequest) -> HttpResponse:
    blog = _blog(request)
    if blog is None:
        return error(404, "no blog is served at this address")
    profile = 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"'
    return answer(queries.nodeinfo(blog), content_type=profile)


@require_safe
def actor(request: HttpRequest, username: str | None = None) -> HttpResponse:
    local = _actor(request, username)
    if local is None:
        return error(404, "no such actor")
    return answer(documents.actor(local))


@require_safe
def outbox(request: HttpRequest, username: str | None = None) -> HttpResponse:
    local = _actor(request, username)
    if local is None:
        return error(404, "no such actor")
    return answer(queries.outbox(local))


@require_safe
def followers(request: HttpRequest, username: str | None = None) -> HttpResponse:
    local = _actor(request, username)
    if local is None:
        return error(404, "no such actor")
    return answer(queries.followers(local))


@require_safe
def note(request: HttpRequest, pk: int) -> HttpResponse:
    blog = _blog(request)
    comment = Comment.objects.filter(
        pk=pk, post__blog=blog, status=Comment.Status.PUBLISHED
    ).first()
    if blog is None or comment is None or not comment.post.is_public():
        return error(404, "no such comment")
    return answer(queries.note_doc(comment))


@csrf_exempt  # signed by the sending server, not a browser form: the signature is the check
@require_POST
def receive(request: HttpRequest, username: str | None = None) -> HttpResponse:
    """A personal inbox (`username`, or the blog's) or the shared inbox (neither)."""
    # Imported here: checking signatures loads cryptography, and the reader imports this
    # module for every page (tests/publish/test_startup.py keeps it out of start-up).
    from broadsheet.federation import inbox

    blog = _blog(request)
    if blog is None or (username is not None and actors.publisher(blog, username) is None):
        return error(404, "no such inbox")
    if int(request.META.get("CONTENT_LENGTH") or 0) > inbox.MAX_BODY:
        return error(413, f"activities are limited to {inbox.MAX_BODY} bytes")
    try:
        outcome = inbox.receive(blog, _incoming(request))
    except inbox.InboxError as exc:
        return error(exc.status, exc.reason)
    return JsonResponse({"result": outcome}, status=202)


def _incoming(request: HttpRequest) -> signatures.Incoming:
    from broadsheet.federation import signatures

    headers = {name.lower(): value for name, value in request.headers.items()}
    headers.setdefault("host", request.get_host())  # HTTP/1.0 and test clients may send none
    return signatures.Incoming(
        request.method or "POST", request.build_absolute_uri(), headers, request.body
    )
