"""How every studio view gets at its blog and its objects: one helper per kind of object.

Whatever a member cannot see answers 404, whether it does not exist, belongs to another blog
or is another author's post: the studio confirms nothing outside a member's reach. A refusal by
role on something the member can see (a contributor pressing Publish) comes from the actions
as `NotAllowed` and is answered by `blog_view` with a 403 page that says why.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Literal, TypeAlias, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from broadsheet.blogs.access import NotAllowed, require
from broadsheet.blogs.layout import Gadget
from broadsheet.blogs.models import Blog, Invitation, Membership
from broadsheet.portability.models import ImportJob
from broadsheet.posts.models import Page, Post, Revision

Kind: TypeAlias = Literal["posts", "pages"]
Item: TypeAlias = Post | Page
BlogView = Callable[..., HttpResponse]
# What a decorated view answers: usually a page, sometimes a file streamed (backup downloads).
Answer = TypeVar("Answer", bound=HttpResponseBase)


def member_for(request: HttpRequest, blog_slug: str) -> Membership:
    """The signed-in user's membership of the blog named in the URL, or 404."""
    blog = Blog.objects.filter(slug=blog_slug).first()
    member = Membership.of(request.user, blog) if blog is not None else None
    if member is None or blog is None:
        raise Http404("No such blog in your studio.")
    member.blog = blog
    return member


def blog_view(
    *, admin: bool = False, json: bool = False
) -> Callable[[Callable[..., Answer]], Callable[..., Answer | HttpResponse]]:
    """Decorate a view taking `(request, member, ...)` from a URL with `<blog>` in it.

    Signs the visitor in first (a JSON endpoint answers 401 instead of redirecting, so the
    editor's script can tell the writer), finds their membership, runs the view in the blog's
    time zone (dates are typed and shown in it), and answers NotAllowed with a 403.
    `admin=True` keeps the view to the blog's admins.
    """

    def decorate(view: Callable[..., Answer]) -> Callable[..., Answer | HttpResponse]:
        @wraps(view)
        def wrapped(
            request: HttpRequest, blog: str, *args: Any, **kwargs: Any
        ) -> Answer | HttpResponse:
            if not request.user.is_authenticated:
                return signed_out(request, json=json)
            member = member_for(request, blog)
            try:
                require(member.is_admin or not admin, "Only the blog's admins can do this.")
                with timezone.override(member.blog.tzinfo):
                    return view(request, member, *args, **kwargs)
            except NotAllowed as refusal:
                return forbidden(request, member, str(refusal), json=json)

        return wrapped

    return decorate


def signed_out(request: HttpRequest, *, json: bool = False) -> HttpResponse:
    if json:
        return JsonResponse({"error": "signed-out", "login": "/studio/login/"}, status=401)
    return redirect_to_login(request.get_full_path())


def forbidden(
    request: HttpRequest, member: Membership, message: str, *, json: bool = False
) -> HttpResponse:
    if json:
        return JsonResponse({"error": "forbidden", "message": message}, status=403)
    context = {"member": member, "blog": member.blog, "message": message}
    return render(request, "studio/forbidden.html", context, status=403)


def post_for(member: Membership, pk: int) -> Post:
    post = Post.objects.filter(pk=pk, blog=member.blog).select_related("author").first()
    if post is None or not post.visible_to(member):
        raise Http404("No such post in your studio.")
    post.blog = member.blog
    return post


def page_for(member: Membership, pk: int) -> Page:
    page = Page.objects.filter(pk=pk, blog=member.blog).first()
    if page is None or not page.visible_to(member):
        raise Http404("No such page in your studio.")
    page.blog = member.blog
    return page


def item_for(member: Membership, kind: Kind, pk: int) -> Item:
    return post_for(member, pk) if kind == "posts" else page_for(member, pk)


def revision_for(item: Item, pk: int) -> Revision:
    revision = item.revisions.filter(pk=pk).select_related("author__profile").first()
    if revision is None:
        raise Http404("No such revision.")
    return revision


def invitation_for(member: Membership, pk: int) -> Invitation:
    invitation = Invitation.objects.filter(pk=pk, blog=member.blog).first()
    if invitation is None or not member.is_admin:
        raise Http404("No such invitation.")
    return invitation


def import_job_for(member: Membership, pk: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk, blog=member.blog).first()
    if job is None:
        raise Http404("No such import.")
    return job


def membership_for(member: Membership, pk: int) -> Membership:
    found = Membership.objects.filter(pk=pk, blog=member.blog).select_related("user").first()
    if found is None or not member.is_admin:
        raise Http404("No such member.")
    return found


def gadget_for(member: Membership, pk: int) -> Gadget:
    gadget = Gadget.objects.filter(pk=pk, blog=member.blog).first()
    if gadget is None or not member.is_admin:
        raise Http404("No such gadget.")
    gadget.blog = member.blog
    return gadget
