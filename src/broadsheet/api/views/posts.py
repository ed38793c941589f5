"""Blogger's `posts` resource: list, get, bypath, search, insert, patch, update, publish,
revert, delete. Each view: the caller's membership and post (`api.access`), one action."""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date

from broadsheet.api import access, params, writing
from broadsheet.api.catalogue import ORDERS
from broadsheet.api.endpoint import body, endpoint, no_content, ok
from broadsheet.api.errors import ApiError
from broadsheet.api.resources import api_root, listing, post_json
from broadsheet.blogs.app_passwords import Grant
from broadsheet.blogs.models import Membership
from broadsheet.posts import actions
from broadsheet.posts.actions import Intent
from broadsheet.posts.models import LIVE_STATUSES, Label, Post, PostQuerySet
from broadsheet.search.queries import search as search_posts

STATUSES = ("live", "draft", "scheduled")


@endpoint("GET", "POST")
def posts(request: HttpRequest, grant: Grant, blog_id: str) -> HttpResponse:
    """GET lists (posts.list); POST writes a new one (posts.insert)."""
    member = access.member_for(grant, blog_id)
    if request.method == "POST":
        return _insert(request, member)
    chosen = _filtered(request, member)
    page, after = params.paging(request).slice(_with_labels(chosen))
    bodies = params.flag(request, "fetchBodies", True)
    root = api_root(request)
    items = [post_json(post, root, bodies=bodies) for post in page]
    return ok(listing("blogger#postList", items, after))


def _filtered(request: HttpRequest, member: Membership) -> PostQuerySet:
    statuses = params.choices(request, "status", STATUSES, "live")
    now, mine = timezone.now(), access.posts_for(member)
    public = Q(status__in=LIVE_STATUSES)
    wanted = Q(pk__in=[])
    if "live" in statuses:
        wanted |= public & Q(published_at__lte=now)
    if "scheduled" in statuses:
        wanted |= public & Q(published_at__gt=now)
    if "draft" in statuses:
        wanted |= Q(status=Post.Status.DRAFT)
    chosen = mine.filter(wanted)
    order = params.choices(request, "orderBy", ORDERS, "published")
    field = "updated_at" if "updated" in order else "published_at"
    return _labelled(request, chosen).order_by(f"-{field}", "-id")


def _labelled(request: HttpRequest, chosen: PostQuerySet) -> PostQuerySet:
    names = [name.strip() for name in request.GET.get("labels", "").split(",") if name.strip()]
    for name in names[:10]:
        chosen = chosen.filter(labels__name=name)
    return chosen.distinct() if names else chosen


def _with_labels(chosen: PostQuerySet) -> PostQuerySet:
    # Labels and authors in a fixed number of queries, whatever the page's size.
    labels = Prefetch("labels", queryset=Label.objects.order_by("name"))
    return chosen.select_related("author__profile", "blog").prefetch_related(labels)


def _insert(request: HttpRequest, member: Membership) -> HttpResponse:
    content = writing.content(body(request), None)
    draft = params.flag(request, "isDraft", False)
    intent = Intent.DRAFT if draft else writing.intent_to_publish(content.publish_at)
    post = actions.write_post(member, None, content, intent)
    return ok(post_json(post, api_root(request)))


@endpoint("GET", "PATCH", "PUT", "DELETE")
def post(request: HttpRequest, grant: Grant, blog_id: str, post_id: str) -> HttpResponse:
    """posts.get, posts.patch, posts.update, posts.delete (to the studio's trash)."""
    member = access.member_for(grant, blog_id)
    found = access.post_for(member, post_id)
    if request.method == "DELETE":
        actions.trash(member, found)
        return no_content()
    if request.method in ("PATCH", "PUT"):
        asked = writing.content(body(request), found, fresh=request.method == "PUT")
        intent, asked = writing.intent_to_keep(found, asked)
        found = actions.write_post(member, found, asked, intent)
    return _one(request, found)


def _one(request: HttpRequest, found: Post) -> HttpResponse:
    response = ok(post_json(found, api_root(request)))
    # With the ETag the middleware adds, a client may ask "only if changed" either way.
    response["Last-Modified"] = _http_date(found)
    return response


def _http_date(found: Post) -> str:
    return http_date(found.updated_at.timestamp())


@endpoint("POST")
def publish(request: HttpRequest, grant: Grant, blog_id: str, post_id: str) -> HttpResponse:
    """posts.publish: now, or at `publishDate` (scheduled when it lies ahead)."""
    member = access.member_for(grant, blog_id)
    found = access.post_for(member, post_id)
    at = params.moment(request.GET.get("publishDate"), "publishDate")
    asked = writing.content({"published": None}, found)
    intent = writing.intent_to_publish(at)
    found = actions.write_post(member, found, replace(asked, publish_at=at), intent)
    return _one(request, found)


@endpoint("POST")
def revert(request: HttpRequest, grant: Grant, blog_id: str, post_id: str) -> HttpResponse:
    """posts.revert: back to a draft (a post readers saw keeps its address for later)."""
    member = access.member_for(grant, blog_id)
    found = access.post_for(member, post_id)
    asked = writing.content({}, found)
    return _one(request, actions.write_post(member, found, asked, Intent.DRAFT))


@endpoint("GET")
def bypath(request: HttpRequest, grant: Grant, blog_id: str) -> HttpResponse:
    """posts.getByPath: the live post at `/YYYY/MM/slug.html`."""
    member = access.member_for(grant, blog_id)
    path = request.GET.get("path", "")
    if not path.startswith("/") or len(path) > 500:
        raise ApiError(
            "invalid", "path must be a post's address, /YYYY/MM/slug.html.", field="path"
        )
    found = access.posts_for(member).published().filter(permalink=path).first()
    if found is None:
        raise ApiError("notFound", "No live post at that path.")
    found.blog = member.blog
    return _one(request, found)


@endpoint("GET")
def search(request: HttpRequest, grant: Grant, blog_id: str) -> HttpResponse:
    """posts.search: live posts matching `q`, best first (one page of at most 100)."""
    member = access.member_for(grant, blog_id)
    query = request.GET.get("q", "").strip()
    if not query or len(query) > 200:
        raise ApiError("invalid", "q must be 1 to 200 characters.", field="q")
    size = params.integer(request, "maxResults", params.DEFAULT_RESULTS, 1, params.MOST_RESULTS)
    found = search_posts(member.blog, query, now=timezone.now(), limit=size)
    bodies = params.flag(request, "fetchBodies", True)
    root = api_root(request)
    items = [post_json(hit.post, root, bodies=bodies) for hit in found.hits]
    return ok(listing("blogger#postList", items, None))
