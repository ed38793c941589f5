"""Blogger's `pages` resource: list and get (the blog's static pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from broadsheet.api import access, params
from broadsheet.api.endpoint import endpoint, ok
from broadsheet.api.resources import api_root, listing, page_json
from broadsheet.blogs.app_passwords import Grant
from broadsheet.posts.models import Page

STATUSES = {"live": Page.Status.PUBLISHED, "draft": Page.Status.DRAFT}


@endpoint("GET")
def pages(request: HttpRequest, grant: Grant, blog_id: str) -> HttpResponse:
    """pages.list: live pages to every member; drafts too to the blog's admins."""
    member = access.member_for(grant, blog_id)
    wanted = params.choices(request, "status", tuple(STATUSES), "live")
    chosen = access.pages_for(member).filter(status__in=[STATUSES[s] for s in wanted])
    page, after = params.paging(request).slice(chosen.select_related("author__profile"))
    bodies, root = params.flag(request, "fetchBodies", True), api_root(request)
    items = [page_json(found, root, bodies=bodies) for found in page]
    return ok(listing("blogger#pageList", items, after))


@endpoint("GET")
def page(request: HttpRequest, grant: Grant, blog_id: str, page_id: str) -> HttpResponse:
    """pages.get"""
    member = access.member_for(grant, blog_id)
    return ok(page_json(access.page_for(member, page_id), api_root(request)))
