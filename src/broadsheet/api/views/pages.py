"""Blogger's `pages` resource: the blog's static pages. Members read the live ones; the
blog's admins, who alone write pages in the studio, also read drafts and write
(`posts.actions.write_page`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from broadsheet.api import access, params, writing
from broadsheet.api.endpoint import body, endpoint, no_content, ok
from broadsheet.api.resources import api_root, listing, page_json
from broadsheet.blogs.app_passwords import Grant
from broadsheet.blogs.models import Membership
from broadsheet.posts import actions
from broadsheet.posts.actions import Intent
from broadsheet.posts.models import Page

STATUSES = {"live": Page.Status.PUBLISHED, "draft": Page.Status.DRAFT}


@endpoint("GET", "POST")
def pages(request: HttpRequest, grant: Grant, blog_id: str) -> HttpResponse:
    """pages.list: live pages to every member, drafts too to admins; POST: pages.insert."""
    member = access.member_for(grant, blog_id)
    if request.method == "POST":
        return _insert(request, member)
    wanted = params.choices(request, "status", tuple(STATUSES), "live")
    chosen = access.pages_for(member).filter(status__in=[STATUSES[s] for s in wanted])
    page, after = params.paging(request).slice(chosen.select_related("author__profile"))
    bodies, root = params.flag(request, "fetchBodies", True), api_root(request)
    items = [page_json(found, root, bodies=bodies) for found in page]
    return ok(listing("blogger#pageList", items, after))


def _insert(request: HttpRequest, member: Membership) -> HttpResponse:
    content = writing.page_content(body(request), None)
    intent = Intent.DRAFT if params.flag(request, "isDraft", False) else Intent.PUBLISH
    return ok(page_json(actions.write_page(member, None, content, intent), api_root(request)))


@endpoint("GET", "PATCH", "PUT", "DELETE")
def page(request: HttpRequest, grant: Grant, blog_id: str, page_id: str) -> HttpResponse:
    """pages.get, pages.patch, pages.update, pages.delete (to the studio's trash)."""
    member = access.member_for(grant, blog_id)
    found = access.page_for(member, page_id)
    if request.method == "DELETE":
        actions.trash(member, found)
        return no_content()
    if request.method in ("PATCH", "PUT"):
        asked = writing.page_content(body(request), found, fresh=request.method == "PUT")
        found = actions.write_page(member, found, asked, writing.page_intent(found))
    return ok(page_json(found, api_root(request)))


@endpoint("POST")
def publish(request: HttpRequest, grant: Grant, blog_id: str, page_id: str) -> HttpResponse:
    """pages.publish"""
    return _write(request, grant, blog_id, page_id, Intent.PUBLISH)


@endpoint("POST")
def revert(request: HttpRequest, grant: Grant, blog_id: str, page_id: str) -> HttpResponse:
    """pages.revert: back to a draft."""
    return _write(request, grant, blog_id, page_id, Intent.DRAFT)


def _write(
    request: HttpRequest, grant: Grant, blog_id: str, page_id: str, intent: Intent
) -> HttpResponse:
    member = access.member_for(grant, blog_id)
    found = access.page_for(member, page_id)
    asked = writing.page_content({}, found)
    return ok(page_json(actions.write_page(member, found, asked, intent), api_root(request)))
