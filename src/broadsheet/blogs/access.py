"""Who may do what on a blog: the role refusal every action raises, and who may read it.

Actions in every app check the acting member's role with `require` and raise `NotAllowed`
(a PermissionDenied); the studio answers it with a 403 that says why, the API with a JSON
error. Reading is the other half: a private blog is for its members only.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from broadsheet.blogs.models import Blog, Membership


class NotAllowed(PermissionDenied):
    """The acting member's role does not allow this."""


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def reader_blog(request: HttpRequest) -> Blog:
    """The blog this Host names, if the visitor may read it; otherwise a 404.

    A private blog answers 404 rather than 403 to outsiders, so its existence does not leak.
    """
    blog: Blog | None = getattr(request, "blog", None)
    if blog is None:
        raise Http404("No blog is served at this address.")
    if blog.is_private and not is_member(request.user, blog):
        raise Http404("This blog is private.")
    return blog


def is_member(user: AbstractBaseUser | AnonymousUser, blog: Blog) -> bool:
    """A member of the blog, or a superuser (who runs every blog of the install)."""
    if not user.is_authenticated:
        return False
    return bool(getattr(user, "is_superuser", False)) or (
        Membership.objects.filter(blog=blog, user_id=user.pk).exists()
    )
