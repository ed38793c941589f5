"""/micropub (create, update, delete, undelete, the queries), /micropub/media and /token.

The blog is the one whose host the client found the endpoint on (its home page advertises
it); the caller must be a member whom the app password reaches, else 404. Posts are named by
address: a live post by its permalink, any other by its address in the studio."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt

from broadsheet.api import access, writing
from broadsheet.api.endpoint import private
from broadsheet.api.errors import ApiError
from broadsheet.api.micropub import entries, updates
from broadsheet.api.micropub.door import door, refusal, signed_in
from broadsheet.blogs import app_passwords
from broadsheet.blogs.app_passwords import Grant
from broadsheet.blogs.hosts import origin, site_origin
from broadsheet.blogs.models import AppPassword, Blog, Membership
from broadsheet.core.clients import client_ip
from broadsheet.media import actions as media
from broadsheet.posts import actions
from broadsheet.posts.actions import Intent
from broadsheet.posts.models import Post

STUDIO_POST = re.compile(r"^/studio/(?P<slug>[^/]+)/posts/(?P<pk>\d{1,18})/$")
WRITE_SCOPES = "create update delete undelete media draft read"
QUERIES = ["config", "source", "syndicate-to", "category"]


def member_here(request: HttpRequest, grant: Grant) -> Membership:
    blog: Blog | None = getattr(request, "blog", None)
    return access.member_for(grant, str(blog.pk if blog else 0))


def writer(grant: Grant) -> None:
    if not grant.can_write:
        raise ApiError("insufficientScope", "This app password may only read.")


def url_of(post: Post) -> str:
    if post.permalink and post.is_public():
        return origin(post.blog) + post.permalink
    return f"{site_origin()}/studio/{post.blog.slug}/posts/{post.pk}/"


def found_at(member: Membership, url: Any, *, trashed: bool = False) -> Post:
    """The post at a Micropub `url` on the member's blog, within their reach."""
    path = urlsplit(url).path if isinstance(url, str) and len(url) < 2000 else ""
    studio = STUDIO_POST.match(path)
    posts = (
        Post.objects.filter(blog=member.blog, status=Post.Status.TRASH)
        if trashed
        else access.posts_for(member)
    )
    if studio and studio["slug"] == member.blog.slug:
        post = posts.filter(pk=int(studio["pk"])).first()
    else:
        post = posts.filter(permalink=path).first() if path else None
    if post is None or (trashed and not post.visible_to(member)):
        raise ApiError("notFound", "No post at that url.")
    post.blog = member.blog
    return post


def body(request: HttpRequest) -> dict[str, Any] | None:
    """The JSON object of a JSON request; None for a form."""
    if request.content_type != "application/json":
        return None
    try:
        found = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        found = None
    if not isinstance(found, dict):
        raise ApiError("badRequest", "The body must be a JSON object.")
    return found


@door("GET", "POST")
def micropub(request: HttpRequest, grant: Grant) -> HttpResponse:
    """GET answers the queries; POST creates, or does the `action` named."""
    member = member_here(request, grant)
    if request.method == "GET":
        return query(request, member)
    writer(grant)
    data = body(request)
    action = (data if data is not None else request.POST).get("action")
    if action is None:
        return create(request, member, data)
    verbs = {"update": update, "delete": delete, "undelete": undelete}
    if not isinstance(action, str) or action not in verbs:
        raise ApiError("invalid", "action is update, delete or undelete.")
    return verbs[action](member, data if data is not None else request.POST)


def create(request: HttpRequest, member: Membership, data: dict[str, Any] | None) -> HttpResponse:
    kind, props = entries.from_json(data) if data is not None else entries.from_form(request.POST)
    if kind != "entry":
        raise ApiError("invalid", "Only h-entry posts are made here.")
    props.setdefault("photo", []).extend(uploaded_photos(request, member))
    asked = entries.content(props)
    post = actions.write_post(member, None, asked, entries.intent(props, asked))
    return created(url_of(post))


def uploaded_photos(request: HttpRequest, member: Membership) -> list[str]:
    files = request.FILES.getlist("photo") + request.FILES.getlist("photo[]")
    return [
        absolute(member.blog, media.upload_image(member, file, file.name or "photo", "").src)
        for file in files[:10]
    ]


def absolute(blog: Blog, src: str) -> str:
    return src if urlsplit(src).scheme else origin(blog) + src


def created(url: str) -> HttpResponse:
    response = HttpResponse(status=201)
    response["Location"] = url
    return response


def update(member: Membership, data: dict[str, Any] | QueryDict) -> HttpResponse:
    if not isinstance(data, dict):
        raise ApiError("invalid", "Send an update as JSON.")
    post = found_at(member, data.get("url"))
    before = url_of(post)
    props = updates.applied(entries.source(post, before), data)
    asked = entries.content(props, writing.content({}, post))
    if _touches(data, "post-status"):
        chosen = entries.intent(props, asked)
    else:
        chosen, asked = writing.intent_to_keep(post, asked)
    after = url_of(actions.write_post(member, post, asked, chosen))
    return created(after) if after != before else HttpResponse(status=204)


def _touches(data: dict[str, Any], name: str) -> bool:
    return any(name in (data.get(key) or {}) for key in ("replace", "add", "delete"))


def delete(member: Membership, data: dict[str, Any] | QueryDict) -> HttpResponse:
    actions.trash(member, found_at(member, data.get("url")))
    return HttpResponse(status=204)


def undelete(member: Membership, data: dict[str, Any] | QueryDict) -> HttpResponse:
    """Out of the trash; a post readers had seen goes back to its address."""
    post = found_at(member, data.get("url"), trashed=True)
    actions.restore(member, post)
    if post.permalink:
        actions.write_post(member, post, writing.content({}, post), Intent.PUBLISH)
    return HttpResponse(status=204)


def query(request: HttpRequest, member: Membership) -> HttpResponse:
    asked = request.GET.get("q", "")
    if asked == "config":
        media_url = origin(member.blog) + "/micropub/media"
        return JsonResponse({"media-endpoint": media_url, "syndicate-to": [], "q": QUERIES})
    if asked == "syndicate-to":
        return JsonResponse({"syndicate-to": []})
    if asked == "category":
        names = list(member.blog.labels.values_list("name", flat=True)[:1000])
        return JsonResponse({"categories": names})
    if asked == "source":
        return source(request, member)
    raise ApiError("invalid", f"q is one of {', '.join(QUERIES)}.")


def source(request: HttpRequest, member: Membership) -> HttpResponse:
    post = found_at(member, request.GET.get("url"))
    props = entries.source(post, url_of(post))
    wanted = request.GET.getlist("properties[]") + request.GET.getlist("properties")
    if wanted:
        return JsonResponse({"properties": {key: props[key] for key in wanted if key in props}})
    return JsonResponse({"type": ["h-entry"], "properties": props})


@door("POST")
def media_endpoint(request: HttpRequest, grant: Grant) -> HttpResponse:
    """An image as `file` (multipart); 201 with its address."""
    member = member_here(request, grant)
    writer(grant)
    upload = request.FILES.get("file")
    if upload is None:
        raise ApiError("invalid", "Send the image as multipart/form-data in the field file.")
    image = media.upload_image(member, upload, (upload.name or "image")[:255], "")
    return created(absolute(member.blog, image.src))


@csrf_exempt
def token_endpoint(request: HttpRequest) -> HttpResponse:
    """IndieAuth's token endpoint over app passwords (made in the studio, not here): GET with
    a Bearer token says whose it is; POST `token=` introspects one, `action=revoke` ends it."""
    try:
        if request.method == "GET":
            return private(JsonResponse(described(request, signed_in(request))))
        if request.method == "POST":
            return private(JsonResponse(posted(request)))
        raise ApiError("methodNotAllowed", "Use GET or POST.")
    except Exception as error:
        return private(refusal(error))


def described(request: HttpRequest, grant: Grant) -> dict[str, Any]:
    blog: Blog | None = getattr(request, "blog", None)
    name = AppPassword.objects.filter(pk=grant.password_id).values_list("name", flat=True).first()
    return {
        "active": True,
        "me": origin(blog) + "/" if blog else site_origin() + "/",
        "client_id": name or "",
        "scope": WRITE_SCOPES if grant.can_write else "read",
    }


def posted(request: HttpRequest) -> dict[str, Any]:
    secret = str(request.POST.get("token", ""))
    try:
        grant = app_passwords.authenticate(secret, client_ip(request)) if secret else None
    except app_passwords.Throttled as throttled:
        raise ApiError("rateLimitExceeded", str(throttled)) from None
    if request.POST.get("action") == "revoke":
        if grant is not None:
            app_passwords.revoke(grant.user, grant.password_id)
        return {}  # as RFC 7009 answers, whether or not the token was live
    return described(request, grant) if grant is not None else {"active": False}
