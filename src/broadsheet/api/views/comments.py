"""Blogger's `comments` resource: list (a post's, or the blog's), get, and moderation
(approve, markAsSpam, removeContent, delete) through the studio's comment actions."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from broadsheet.api import access, params
from broadsheet.api.endpoint import endpoint, no_content, ok
from broadsheet.api.resources import api_root, comment_json, listing
from broadsheet.blogs.app_passwords import Grant
from broadsheet.comments import actions
from broadsheet.comments.models import Comment

STATUSES = {
    "live": Comment.Status.PUBLISHED,
    "pending": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "emptied": Comment.Status.TRASH,
}


def _page(request: HttpRequest, chosen: QuerySet[Comment]) -> HttpResponse:
    wanted = params.choices(request, "status", tuple(STATUSES), "live")
    chosen = chosen.filter(status__in=[STATUSES[name] for name in wanted])
    ordered = chosen.select_related("post").order_by("-created_at", "-id")
    found, after = params.paging(request).slice(ordered)
    root = api_root(request)
    return ok(listing("blogger#commentList", [comment_json(c, root) for c in found], after))


@endpoint("GET")
def post_comments(request: HttpRequest, grant: Grant, blog_id: str, post_id: str) -> HttpResponse:
    """comments.list: a post's comments (held and spam ones to those who moderate them)."""
    member = access.member_for(grant, blog_id)
    post = access.post_for(member, post_id)
    return _page(request, access.comments_for(member).filter(post=post))


@endpoint("GET")
def blog_comments(request: HttpRequest, grant: Grant, blog_id: str) -> HttpResponse:
    """comments.listByBlog"""
    member = access.member_for(grant, blog_id)
    return _page(request, access.comments_for(member))


@endpoint("GET", "DELETE")
def comment(
    request: HttpRequest, grant: Grant, blog_id: str, post_id: str, comment_id: str
) -> HttpResponse:
    """comments.get; comments.delete (to the studio's trash)."""
    member = access.member_for(grant, blog_id)
    found = access.comment_for(member, access.post_for(member, post_id), comment_id)
    if request.method == "DELETE":
        actions.delete(member, found)
        return no_content()
    return ok(comment_json(found, api_root(request)))


MODERATION = {
    "approve": actions.approve,
    "spam": actions.mark_spam,
    # Blogger's removeContent empties a comment; ours goes to the trash, restorable.
    "removecontent": actions.delete,
}


@endpoint("POST")
def moderate(
    request: HttpRequest, grant: Grant, blog_id: str, post_id: str, comment_id: str, verb: str
) -> HttpResponse:
    """comments.approve, comments.markAsSpam, comments.removeContent"""
    member = access.member_for(grant, blog_id)
    found = access.comment_for(member, access.post_for(member, post_id), comment_id)
    done = MODERATION[verb](member, found)
    return ok(comment_json(done, api_root(request)))
