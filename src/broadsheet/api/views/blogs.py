"""Blogger's `blogs` and `users` resources: a blog by id or by address, the caller's blogs."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse

from broadsheet.api import access
from broadsheet.api.endpoint import endpoint, ok
from broadsheet.api.errors import ApiError
from broadsheet.api.resources import api_root, author_json, blog_json, listing
from broadsheet.blogs.app_passwords import Grant
from broadsheet.blogs.hosts import blog_for_host


@endpoint("GET")
def blog(request: HttpRequest, grant: Grant, blog_id: str) -> HttpResponse:
    """blogs.get"""
    member = access.member_for(grant, blog_id)
    return ok(blog_json(member.blog, api_root(request)))


@endpoint("GET")
def byurl(request: HttpRequest, grant: Grant) -> HttpResponse:
    """blogs.getByUrl: the blog served at `url` (its host decides, as for readers)."""
    url = request.GET.get("url", "")
    try:
        host = (urlsplit(url).hostname or "") if len(url) < 2000 else ""
    except ValueError:  # a malformed IPv6 literal
        host = ""
    if not host:
        raise ApiError("invalid", "url must be a blog's address, https://host/.", field="url")
    found = blog_for_host(host)
    if found is None:
        raise ApiError("notFound", "No blog at that address.")
    member = access.member_for(grant, str(found.pk))
    return ok(blog_json(member.blog, api_root(request)))


@endpoint("GET")
def user_blogs(request: HttpRequest, grant: Grant, user_id: str) -> HttpResponse:
    """blogs.listByUser for `self`: the blogs the caller writes on (and this password reaches)."""
    _self_only(user_id)
    root = api_root(request)
    items = [blog_json(found, root) for found in access.blogs_for(grant)]
    return ok(listing("blogger#blogList", items, None))


@endpoint("GET")
def user(request: HttpRequest, grant: Grant, user_id: str) -> HttpResponse:
    """users.get for `self`."""
    _self_only(user_id)
    found = author_json(grant.user)
    found |= {"kind": "blogger#user", "selfLink": f"{api_root(request)}users/self"}
    return ok(found)


def _self_only(user_id: str) -> None:
    # Other people are not the API's business: Blogger answers only "self" here too.
    if user_id != "self":
        raise ApiError("notFound", "Only users/self is served.")
