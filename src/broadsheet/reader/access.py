"""Who may read a blog, and the one way views get at the request's blog."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from broadsheet.blogs.models import Blog, Membership


def reader_blog(request: HttpRequest) -> Blog:
    """The blog this Host names, if the visitor may read it; otherwise a 404.

    A private blog answers 404 rather than 403 to outsiders, so its existence does not leak.
    """
    blog: Blog | None = getattr(request, "blog", None)
    if blog is None:
        raise Http404("No blog is served at this address.")
    if blog.is_private and not is_member(request, blog):
        raise Http404("This blog is private.")
    return blog


def is_member(request: HttpRequest, blog: Blog) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(blog=blog, user=user).exists()
